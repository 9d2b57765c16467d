"""The Outcomes section, recording an outcome, and the client's follow-up from their link."""

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from fitforwork.accounts.models import Role
from fitforwork.assessments import registry
from fitforwork.assessments.models import QuestionnaireLink
from fitforwork.cases.models import CareTeamMember, Task
from fitforwork.core.audit.models import AuditEvent
from fitforwork.core.outbox.models import Message
from fitforwork.outcomes.due import outcomes_due
from fitforwork.outcomes.models import OutcomeRecord, OutcomeTimePoint
from tests.accounts.factories import UserFactory
from tests.assessments.test_client_link import answer_page
from tests.conftest import sign_in_with_two_factor
from tests.outcomes.conftest import assess

pytestmark = pytest.mark.django_db


def three_months(case):
    return OutcomeTimePoint.objects.get(case=case, kind="follow_up", offset_months=3)


def good(**changes):
    data = {"work_status": "in_work_usual", "hours_per_week": "37.5", "mode": "phone", "note": "Back full time"}
    return data | changes


def test_the_discharge_page_starts_the_schedule(client, case, manager):
    assessed = assess(case, manager)
    sign_in_with_two_factor(client, manager)
    response = client.post(
        reverse("cases:case-discharge", args=[assessed.pk]),
        {"version": assessed.version + 0, "reason_code": "stayed_in_work", "work_status": "in_work_usual"},
    )
    assert response.status_code == 302
    assert OutcomeTimePoint.objects.filter(case=assessed).count() == 4


def test_discharge_as_returned_to_work_needs_the_date(client, case, manager):
    assessed = assess(case, manager)
    sign_in_with_two_factor(client, manager)
    data = {"version": assessed.version, "reason_code": "returned_to_work", "work_status": "in_work_usual"}
    response = client.post(reverse("cases:case-discharge", args=[assessed.pk]), data)
    assert response.status_code == 400
    assert "Enter the date they went back to work" in response.content.decode()
    assert not OutcomeTimePoint.objects.filter(case=assessed).exists()


def test_the_section_lists_the_time_points(client, discharged, manager):
    sign_in_with_two_factor(client, manager)
    page = client.get(reverse("cases:case-outcomes", args=[discharged.pk])).content.decode()
    assert "3-month follow-up" in page
    assert "6-month follow-up" in page
    assert "In work with adjustments or a phased return" in page
    assert 'href="/cases/' in page
    assert "Outcomes" in page


def test_a_case_manager_records_an_outcome_and_its_task_is_completed(client, discharged, manager):
    point = three_months(discharged)
    outcomes_due(point.due_on)
    sign_in_with_two_factor(client, manager)
    response = client.post(reverse("cases:case-outcome-record", args=[discharged.pk, point.pk]), good())
    assert response.status_code == 302
    record = OutcomeRecord.objects.get(time_point=point)
    assert (record.work_status, record.hours_per_week, record.recorded_by, record.mode) == (
        "in_work_usual", 37.5, manager, "phone",
    )  # fmt: skip
    assert three_months(discharged).status == "done"
    assert Task.objects.get(case=discharged, kind=Task.Kind.OUTCOME).completed_by == manager
    assert AuditEvent.objects.filter(action="outcomes.outcome.recorded", actor=manager).exists()


def test_a_return_date_before_the_referral_is_refused_and_the_answers_kept(client, discharged, manager):
    point = three_months(discharged)
    sign_in_with_two_factor(client, manager)
    early = timezone.localdate(discharged.referral.received_at) - timedelta(days=10)
    data = good(return_to_work_date_day=early.day, return_to_work_date_month=early.month,
                return_to_work_date_year=early.year)  # fmt: skip
    response = client.post(reverse("cases:case-outcome-record", args=[discharged.pk, point.pk]), data)
    page = response.content.decode()
    assert response.status_code == 400
    assert "There is a problem" in page
    assert "must be on or after the referral date" in page
    assert 'value="37.5"' in page
    assert "Back full time" in page
    assert not OutcomeRecord.objects.filter(time_point=point).exists()


def test_someone_outside_the_cases_team_cannot_record_one(client, discharged):
    point = three_months(discharged)
    other_site_manager = UserFactory(role=Role.CASE_MANAGER, with_device=True)
    sign_in_with_two_factor(client, other_site_manager)
    response = client.post(reverse("cases:case-outcome-record", args=[discharged.pk, point.pk]), good())
    assert response.status_code == 403
    assert "You do not work on this case" in response.content.decode()
    assert not OutcomeRecord.objects.filter(time_point=point).exists()


def test_the_care_team_reads_the_outcomes_but_cannot_record_them(client, discharged, manager, workwell_site):
    point = three_months(discharged)
    physio = UserFactory(role=Role.PRACTITIONER, site=workwell_site, with_device=True)
    CareTeamMember.objects.create(case=discharged, user=physio, discipline="physiotherapist", added_by=manager)
    sign_in_with_two_factor(client, physio)
    page = client.get(reverse("cases:case-outcomes", args=[discharged.pk]))
    assert page.status_code == 200
    assert "3-month follow-up" in page.content.decode()
    assert "Record the outcome" not in page.content.decode()
    response = client.post(reverse("cases:case-outcome-record", args=[discharged.pk, point.pk]), good())
    assert response.status_code == 403
    assert not OutcomeRecord.objects.filter(time_point=point).exists()
    assert AuditEvent.objects.filter(action="cases.case.viewed", actor=physio, data__section="outcomes").exists()


def token_of(point):
    message = Message.objects.get(reference=f"outcome-follow-up:{point.pk}")
    return re.search(r"/outcome/([^/]+)/", message.personalisation["link"]).group(1)


def test_a_client_answers_the_follow_up_from_their_link(discharged):
    point = three_months(discharged)
    outcomes_due(point.due_on)
    token = token_of(point)
    client = Client()
    start = reverse("outcome:start", args=[token])
    page = client.get(start)
    assert page.status_code == 200
    assert "How are things with work?" in page.content.decode()
    refused = client.post(start, {"work_status": "in_work_adjusted"})
    assert refused.status_code == 400
    assert "Enter how many hours you work a week" in refused.content.decode()
    sent = client.post(start, {"work_status": "in_work_adjusted", "hours_per_week": "20"})
    assert sent.status_code == 302
    assert sent["Location"] == reverse("questionnaire:start", args=[token])
    record = OutcomeRecord.objects.get(time_point=point)
    assert (record.mode, record.recorded_by, record.hours_per_week) == ("client_online", None, 20)
    assert three_months(discharged).status == "done"
    for number in range(1, len(registry.definition_get("phq9").items) + 1):
        answer_page(client, token, "phq9", number)
    done = client.post(reverse("questionnaire:check", args=[token, "phq9"]))
    assert done.status_code == 302
    outcomes_due(point.due_on)
    assert [r.instrument_code for r in three_months(discharged).responses.all()] == ["phq9"]
    again = Client().get(start)
    assert again.status_code == 404
    text = again.content.decode()
    assert "This link no longer works" in text
    assert discharged.person.family_name not in text
    assert discharged.person.given_name not in text
    assert AuditEvent.objects.filter(action="outcomes.outcome.answered", actor__isnull=True).exists()


def test_an_expired_follow_up_link_gets_the_plain_page(discharged):
    point = three_months(discharged)
    outcomes_due(point.due_on)
    token = token_of(point)
    QuestionnaireLink.objects.filter(pk=three_months(discharged).link_id).update(
        expires_at=timezone.now() - timedelta(minutes=1)
    )
    response = Client().get(reverse("outcome:start", args=[token]))
    assert response.status_code == 404
    assert "This link no longer works" in response.content.decode()
