"""The staff questionnaire pages: one instrument per page with NHS.UK radios, the overview of scores with
bands as tags, and the red-flag banner with the site's safety protocol in the response that records it."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from fitforwork.accounts.models import Role
from fitforwork.assessments.models import RedFlag
from fitforwork.cases.models import Task
from fitforwork.core.audit.models import AuditEvent
from fitforwork.core.outbox.models import Message
from fitforwork.organisations.models import DEFAULT_SAFETY_PROTOCOL
from tests.accounts.factories import UserFactory
from tests.assessments.safety_helpers import gad7, phq9, team_lead_at
from tests.cases.conftest import open_case
from tests.conftest import sign_in_with_two_factor

pytestmark = pytest.mark.django_db


@pytest.fixture
def manager(workwell_site):
    return UserFactory(role=Role.CASE_MANAGER, site=workwell_site, with_device=True)


@pytest.fixture
def lead(workwell_site):
    return team_lead_at(workwell_site)


@pytest.fixture
def case(workwell_site, manager):
    return open_case(workwell_site, manager, case_manager=manager)


def _post(answers, mode="phone"):
    return {**{key: str(value) for key, value in answers.items()}, "mode": mode}


def test_the_record_page_has_one_radios_fieldset_per_item_and_the_mode(client, case, manager):
    sign_in_with_two_factor(client, manager)
    page = client.get(reverse("cases:questionnaire-record", args=[case.pk, "phq9"]))
    html = page.content.decode()
    assert page.status_code == 200
    # nine scored items, the difficulty question, and how they are talking
    assert html.count('class="nhsuk-fieldset"') == 11
    assert html.count('class="nhsuk-radios__input"') == 10 * 4 + 3
    assert "Face to face" in html
    assert AuditEvent.objects.filter(action="cases.case.viewed", object_id=str(case.pk)).exists()


def test_a_missing_answer_is_named_in_the_error_summary(client, case, manager):
    sign_in_with_two_factor(client, manager)
    answers = gad7()
    missing = sorted(answers)[0]
    del answers[missing]
    page = client.post(reverse("cases:questionnaire-record", args=[case.pk, "gad7"]), _post(answers))
    html = page.content.decode()
    assert page.status_code == 400
    assert "There is a problem" in html
    assert "Select an answer to question" in html
    assert "<title>Error:" in html


def test_recording_gad7_goes_to_the_overview_with_the_band_as_a_tag(client, case, manager):
    sign_in_with_two_factor(client, manager)
    url = reverse("cases:questionnaire-record", args=[case.pk, "gad7"])
    response = client.post(url, _post(gad7(2)), follow=True)
    html = response.content.decode()
    assert response.redirect_chain[-1][0] == reverse("cases:questionnaires", args=[case.pk])
    assert "14 out of 21" in html
    assert re.search(r'class="nhsuk-tag[^"]*"', html)
    assert "scores over time" in html


def test_phq9_item_9_above_0_shows_the_banner_and_task_in_the_same_response(client, case, manager, lead, workwell_site):
    workwell_site.safety_protocol = "Phone the duty clinician on 0116 000 0000."
    workwell_site.save()
    sign_in_with_two_factor(client, manager)
    response = client.post(
        reverse("cases:questionnaire-record", args=[case.pk, "phq9"]), _post(phq9(item9=1), mode="video")
    )
    html = response.content.decode()
    assert response.status_code == 200
    flag = RedFlag.objects.get(case=case)
    assert flag.task.kind == Task.Kind.RED_FLAG
    assert flag.task.assigned_to == manager
    assert flag.task.due_on == timezone.localdate()
    assert Message.objects.filter(template_name="red_flag_raised", recipient=lead.email).exists()
    assert 'data-red-flag="yes"' in html
    assert "Phone the duty clinician on 0116 000 0000." in html
    assert flag.task.title in html
    assert "Close red flag" in html


def test_every_section_shows_an_open_red_flag_with_the_standard_protocol(client, case, manager, lead):
    sign_in_with_two_factor(client, manager)
    client.post(reverse("cases:questionnaire-record", args=[case.pk, "phq9"]), _post(phq9(item9=2)))
    summary = client.get(reverse("cases:case", args=[case.pk])).content.decode()
    assert DEFAULT_SAFETY_PROTOCOL.split(".")[0] in summary
    assert "Red flag" in summary  # the summary panel's row


def test_closing_a_red_flag_needs_what_was_done_and_keeps_it_in_the_history(client, case, manager, lead):
    sign_in_with_two_factor(client, manager)
    client.post(reverse("cases:questionnaire-record", args=[case.pk, "phq9"]), _post(phq9(item9=1)))
    flag = RedFlag.objects.get(case=case)
    close = reverse("cases:red-flag-close", args=[case.pk, flag.pk])
    refused = client.post(close, {f"flag-{flag.pk}-action_taken": ""})
    assert refused.status_code == 400
    assert "Enter what was done" in refused.content.decode()
    done = client.post(close, {f"flag-{flag.pk}-action_taken": "Spoke to them; they saw their GP today"}, follow=True)
    html = done.content.decode()
    flag.refresh_from_db()
    assert flag.closed_by == manager
    assert "Spoke to them; they saw their GP today" in html
    assert 'data-red-flag="yes"' not in html


def test_someone_in_another_site_cannot_record_answers(client, case):
    other = UserFactory(role=Role.CASE_MANAGER, with_device=True)
    sign_in_with_two_factor(client, other)
    response = client.post(reverse("cases:questionnaire-record", args=[case.pk, "phq9"]), _post(phq9(item9=1)))
    assert response.status_code in {403, 404} or "break" in response.content.decode().lower()
    assert not RedFlag.objects.exists()
