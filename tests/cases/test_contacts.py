"""Contacts: recording them, the first one made moving the case on, and the prompt after too many failures."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from fitforwork.accounts.models import Role
from fitforwork.cases.contacts import contact_record, failed_attempts
from fitforwork.cases.models import CaseStatus, Task
from fitforwork.cases.services import CaseError, case_discharge
from fitforwork.core.audit.models import AuditEvent
from fitforwork.organisations.selectors import rules_config
from tests.accounts.factories import UserFactory
from tests.cases.conftest import open_case
from tests.conftest import sign_in_with_two_factor


@pytest.fixture
def manager(workwell_site):
    return UserFactory(role=Role.CASE_MANAGER, site=workwell_site, with_device=True)


@pytest.fixture
def case(workwell_site, manager):
    return open_case(workwell_site, manager, case_manager=manager)


def record(case, manager, outcome, *, minutes_ago=0, method="phone"):
    at = timezone.now() - timedelta(minutes=minutes_ago)
    return contact_record(case=case, actor=manager, method=method, outcome=outcome, at=at)


def test_a_contact_made_moves_a_referred_case_to_contacted_and_completes_first_contact(case, manager):
    contact = record(case, manager, "made")

    case.refresh_from_db()
    assert case.status == CaseStatus.CONTACTED
    first_contact = case.tasks.get(kind=Task.Kind.FIRST_CONTACT)
    assert (first_contact.completed_by, first_contact.completed_at is not None) == (manager, True)
    assert contact.recorded_by == manager
    assert AuditEvent.objects.filter(action="cases.contact.recorded", object_id=str(case.pk)).exists()


def test_a_failed_attempt_leaves_a_referred_case_where_it_is(case, manager):
    record(case, manager, "attempted")

    case.refresh_from_db()
    assert case.status == CaseStatus.REFERRED
    assert case.tasks.get(kind=Task.Kind.FIRST_CONTACT).completed_at is None


def test_a_contact_made_later_in_the_case_does_not_move_it(case, manager):
    record(case, manager, "made", minutes_ago=10)
    record(case, manager, "made")

    case.refresh_from_db()
    assert case.status == CaseStatus.CONTACTED
    assert case.status_changes.filter(to_status=CaseStatus.CONTACTED).count() == 1


def test_unknown_methods_and_outcomes_and_discharged_cases_are_refused(case, manager):
    with pytest.raises(CaseError, match="Select how you contacted them"):
        record(case, manager, "made", method="pigeon")
    with pytest.raises(CaseError, match="Select what happened"):
        record(case, manager, "maybe")
    case_discharge(case=case, actor=manager, reason_code="moved_out_of_area", work_status="off_sick")
    with pytest.raises(CaseError, match="discharged"):
        record(case, manager, "made")


def test_failed_attempts_count_only_since_the_last_contact_made(case, manager):
    record(case, manager, "attempted", minutes_ago=50)
    record(case, manager, "made", minutes_ago=40)
    record(case, manager, "attempted", minutes_ago=30)
    record(case, manager, "did_not_attend", minutes_ago=20)

    attempts = failed_attempts(case)

    assert attempts.count == 2
    assert attempts.limit == rules_config(case.rules).max_failed_contact_attempts


def test_the_not_contactable_prompt_appears_exactly_at_the_service_models_limit(client, case, manager):
    limit = rules_config(case.rules).max_failed_contact_attempts
    sign_in_with_two_factor(client, manager)
    url = reverse("cases:case", args=[case.pk])
    discharge_link = reverse("cases:case-discharge", args=[case.pk]) + "?reason=not_contactable"
    for minutes_ago in range(limit - 1, 0, -1):
        record(case, manager, "attempted", minutes_ago=minutes_ago)

    assert discharge_link not in client.get(url).content.decode()  # one short of the limit

    record(case, manager, "did_not_attend")

    html = client.get(url).content.decode()
    assert discharge_link in html
    assert f"No contact after {limit} attempts" in html


def test_recording_a_contact_through_the_page(client, case, manager):
    sign_in_with_two_factor(client, manager)
    today = timezone.localdate()
    url = reverse("cases:contact-add", args=[case.pk])

    missing = client.post(url, {})
    assert missing.status_code == 400
    assert "Select how you contacted them" in missing.content.decode()

    response = client.post(
        url,
        {
            "method": "video",
            "outcome": "made",
            "on_day": today.day,
            "on_month": today.month,
            "on_year": today.year,
            "at_time": "00:01",
            "note": "Agreed to an assessment on Thursday",
        },
    )

    assert response.status_code == 302
    contact = case.contacts.get()
    assert (contact.method, contact.outcome, contact.note) == ("video", "made", "Agreed to an assessment on Thursday")
    case.refresh_from_db()
    assert case.status == CaseStatus.CONTACTED
    assert response["Location"] == reverse("cases:case-contacts", args=[case.pk])
    page = client.get(response["Location"]).content.decode()
    assert "Video call" in page
    assert "Agreed to an assessment on Thursday" in page
