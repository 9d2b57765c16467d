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


def test_phq9_item_9_above_0_redirects_to_the_banner_and_task_made_in_the_same_request(
    client, case, manager, lead, workwell_site
):
    """The POST raises the flag, its task and the message in its own transaction, then redirects (PRG): the
    page it lands on shows the banner with the site's protocol and the task without anything else happening."""
    workwell_site.safety_protocol = "Phone the duty clinician on 0116 000 0000."
    workwell_site.save()
    sign_in_with_two_factor(client, manager)
    response = client.post(
        reverse("cases:questionnaire-record", args=[case.pk, "phq9"]), _post(phq9(item9=1), mode="video")
    )
    assert response.status_code == 302
    flag = RedFlag.objects.get(case=case)  # made by the POST, before any GET
    assert flag.task.kind == Task.Kind.RED_FLAG
    assert flag.task.assigned_to == manager
    assert flag.task.due_on == timezone.localdate()
    assert Message.objects.filter(template_name="red_flag_raised", recipient=lead.email).exists()
    assert response["Location"] == reverse("cases:questionnaires", args=[case.pk]) + f"?raised={flag.response_id}"

    html = client.get(response["Location"]).content.decode()

    assert 'data-red-flag="yes"' in html
    assert "Phone the duty clinician on 0116 000 0000." in html
    assert flag.task.title in html
    assert "Close red flag" in html
    assert 'data-testid="just-raised"' in html


def test_a_refresh_or_a_second_post_of_the_same_form_raises_no_second_red_flag(client, case, manager, lead):
    sign_in_with_two_factor(client, manager)
    url = reverse("cases:questionnaire-record", args=[case.pk, "phq9"])
    form = client.get(url).content.decode()
    key = re.search(r'name="submission" value="([0-9a-f-]+)"', form).group(1)
    posted = {**_post(phq9(item9=2)), "submission": key}

    first = client.post(url, posted)
    client.get(first["Location"])  # the refresh of the page the redirect landed on only reads
    client.get(first["Location"])
    again = client.post(url, posted)  # back, and the form sent again

    assert again.status_code == 302
    assert RedFlag.objects.filter(case=case).count() == 1
    assert Task.objects.filter(case=case, kind=Task.Kind.RED_FLAG).count() == 1
    assert Message.objects.filter(template_name="red_flag_raised").count() == 1
    assert case.questionnaire_responses.filter(instrument_code="phq9").count() == 1
    # A fresh form (a new key) is a new administration, and raises its own flag.
    fresh = re.search(r'name="submission" value="([0-9a-f-]+)"', client.get(url).content.decode()).group(1)
    assert fresh != key
    client.post(url, {**posted, "submission": fresh})
    assert RedFlag.objects.filter(case=case).count() == 2


def test_the_summary_panel_shows_the_latest_bands_as_tags_and_the_open_red_flag(client, case, manager, lead):
    sign_in_with_two_factor(client, manager)
    client.post(reverse("cases:questionnaire-record", args=[case.pk, "gad7"]), _post(gad7(2)))
    client.post(reverse("cases:questionnaire-record", args=[case.pk, "phq9"]), _post(phq9(item9=1)))
    phq9_band = case.questionnaire_responses.get(instrument_code="phq9").band_label

    html = client.get(reverse("cases:case", args=[case.pk])).content.decode()

    panel = html.split("At a glance")[1].split("</dl>")[0]
    assert re.search(r'GAD-7 <strong class="nhsuk-tag nhsuk-tag--\w+">Moderate', panel)
    assert re.search(rf'PHQ-9 <strong class="nhsuk-tag nhsuk-tag--\w+">{phq9_band}</strong>', panel)
    flag = RedFlag.objects.get(case=case)
    assert f'<strong class="nhsuk-tag nhsuk-tag--red">Open</strong> {flag.label}' in panel


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


def test_every_shipped_instrument_can_be_recorded_by_staff():
    from fitforwork.assessments import registry
    from fitforwork.assessments.web import instrument_view

    shipped = {code for code, _ in registry.shipped_definitions()}
    assert {"ompsq10", "phq9", "gad7", "wsas", "who5", "was", "wpai_gh"} <= shipped
    assert {definition.code for definition in instrument_view.definitions()} >= shipped


def test_the_work_ability_score_page_is_one_0_to_10_scale_and_records_its_band(client, case, manager):
    sign_in_with_two_factor(client, manager)
    url = reverse("cases:questionnaire-record", args=[case.pk, "was"])
    html = client.get(url).content.decode()
    assert html.count('class="nhsuk-radios__input"') == 11 + 3
    assert "0: Completely unable to work" in html

    response = client.post(url, _post({"q1": 7}), follow=True)

    recorded = case.questionnaire_responses.get(instrument_code="was")
    assert (recorded.score, recorded.band) == (7, "moderate")
    assert "7 out of 10" in response.content.decode()


def test_the_wpai_page_has_number_boxes_for_hours_and_0_to_10_scales(client, case, manager):
    sign_in_with_two_factor(client, manager)
    html = client.get(reverse("cases:questionnaire-record", args=[case.pk, "wpai_gh"])).content.decode()
    assert html.count('inputmode="decimal"') == 3  # hours missed for health, for other reasons, hours worked
    for item in ("q2", "q3", "q4"):
        assert f'name="{item}" type="text"' in html or re.search(rf'<input[^>]*name="{item}"', html)
    assert html.count('class="nhsuk-radios__input"') == 2 + 11 + 11 + 3  # employed, two scales, the mode
    assert "Only if question 1 is yes" in html


def test_recording_wpai_for_someone_in_work_keeps_the_hours_and_gives_the_four_percentages(client, case, manager):
    sign_in_with_two_factor(client, manager)
    url = reverse("cases:questionnaire-record", args=[case.pk, "wpai_gh"])
    answers = {"q1": 1, "q2": "4", "q3": "2.5", "q4": "36", "q5": 5, "q6": 3}

    response = client.post(url, _post(answers), follow=True)

    recorded = case.questionnaire_responses.get(instrument_code="wpai_gh")
    assert recorded.answers == {"q1": 1, "q2": 4, "q3": "2.5", "q4": 36, "q5": 5, "q6": 3}
    # absenteeism 4 / (4 + 36) = 10%; presenteeism 50%; overall 10 + 90 x 0.5 = 55%; activity 30%
    assert recorded.percentages == {
        "absenteeism": "10.0",
        "presenteeism": "50.0",
        "overall_work_impairment": "55.0",
        "activity_impairment": "30.0",
    }
    assert "30% activity impairment" in response.content.decode()


def test_wpai_asks_the_hours_only_of_someone_in_work(client, case, manager):
    sign_in_with_two_factor(client, manager)
    url = reverse("cases:questionnaire-record", args=[case.pk, "wpai_gh"])

    missing = client.post(url, _post({"q1": 1, "q6": 3}))
    assert missing.status_code == 400
    html = missing.content.decode()
    assert "Enter a number for question 2" in html
    assert "Enter a number for question 4" in html
    assert "Select an answer to question 5" in html
    too_many = client.post(url, _post({"q1": 1, "q2": "200", "q3": "0", "q4": "1.25", "q5": 1, "q6": 3}))
    assert "Question 2 must be 168 or less" in too_many.content.decode()
    assert "Question 4 can have up to 1 decimal place" in too_many.content.decode()
    assert not case.questionnaire_responses.exists()

    # Not employed: the work questions are not asked, and an answer typed into one anyway is not kept.
    client.post(url, _post({"q1": 0, "q4": "10", "q6": 3}))
    recorded = case.questionnaire_responses.get(instrument_code="wpai_gh")
    assert recorded.answers == {"q1": 0, "q6": 3}
    assert recorded.percentages["activity_impairment"] == "30.0"
    assert recorded.percentages["absenteeism"] is None


def test_a_red_flag_task_is_done_by_closing_the_red_flag_not_from_the_task_list(client, case, manager, lead):
    sign_in_with_two_factor(client, manager)
    client.post(reverse("cases:questionnaire-record", args=[case.pk, "phq9"]), _post(phq9(item9=1)))
    flag = RedFlag.objects.select_related("task").get(case=case)

    tasks = client.get(reverse("cases:my-tasks") + "?kind=red_flag").content.decode()
    assert flag.task.title in tasks
    assert f'href="{reverse("cases:questionnaires", args=[case.pk])}#red-flags">Close the red flag' in tasks
    assert reverse("cases:complete-task", args=[flag.task.pk]) not in tasks

    refused = client.post(reverse("cases:complete-task", args=[flag.task.pk]), follow=True)
    assert "Close the red flag on the case, saying what was done" in refused.content.decode()
    flag.task.refresh_from_db()
    assert flag.task.completed_at is None


def test_after_an_error_every_answer_given_stays_chosen(client, case, manager):
    """Fixed: the answers are numbers and the posted values text, so the radios lost them on an error."""
    sign_in_with_two_factor(client, manager)
    answers = gad7(2)
    del answers["q7"]
    html = client.post(reverse("cases:questionnaire-record", args=[case.pk, "gad7"]), _post(answers)).content.decode()
    checked = re.findall(
        r'<input class="nhsuk-radios__input" id="([^"]+)" name="([^"]+)" type="radio" value="(\d+)" checked', html
    )
    assert sorted((name, value) for _, name, value in checked if name != "mode") == [
        (f"q{n}", "2") for n in range(1, 7)
    ]
