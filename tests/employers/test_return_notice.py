"""Telling the employer that the person is back at work (issue 16): one email to the employer's contact, queued in
the discharge's transaction, only when the work status at discharge is a return and the ledger allows it then; a
refusal is audited, and withdrawing the consent cancels an email not yet sent."""

import json
from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from fitforwork.cases.models import Case
from fitforwork.cases.services import case_reopen
from fitforwork.consent.models import Consent
from fitforwork.consent.services import consent_give
from fitforwork.core.audit.models import AuditEvent
from fitforwork.core.outbox.models import Message
from fitforwork.core.presenters import date_long
from fitforwork.core.versions import StaleEdit
from fitforwork.dataprotection.retention import retention_delete
from fitforwork.employers import services
from fitforwork.outcomes.models import OutcomeTimePoint, TimePointKind
from fitforwork.outcomes.services import outcome_record, outcome_schedule_create
from tests.accounts.factories import UserFactory
from tests.conftest import sign_in_with_two_factor
from tests.employers.conftest import HEALTH_TEXT, WORK_ADVICE
from tests.organisations.factories import SiteFactory

pytestmark = pytest.mark.django_db

RETURNED_ON = date.today() - timedelta(days=3)
NOTE = "Back pain settled after physiotherapy; still taking naproxen"


def _date(prefix, day):
    return {f"{prefix}_day": str(day.day), f"{prefix}_month": str(day.month), f"{prefix}_year": str(day.year)}


def consent(case, manager, how="verbal"):
    return services.return_notice_give(case=case, how=how, actor=manager)


def discharge(case, manager, work_status="in_work_usual", reason_code="returned_to_work", **extra):
    case.refresh_from_db()
    return services.case_discharge(
        case=case,
        actor=manager,
        reason_code=reason_code,
        work_status=work_status,
        return_to_work_date=RETURNED_ON if reason_code == "returned_to_work" else None,
        note=NOTE,
        expected_version=case.version,
        **extra,
    )


def notices(case):
    return Message.objects.filter(reference__startswith=f"return:{case.pk}:")


def refusals(case):
    return AuditEvent.objects.filter(action="employers.return_notice.refused", object_id=str(case.pk))


def test_with_consent_the_employer_gets_one_email_with_the_date_and_nothing_clinical(
    employee, version, manager, employer_org
):
    consent(employee, manager)
    discharge(employee, manager)

    [message] = notices(employee)
    assert message.reference == f"return:{employee.pk}:{employer_org.pk}"
    assert message.recipient == "hr@fosseway.example"
    assert message.status == "queued"
    assert message.template_name == "return_to_work_notice"
    assert message.personalisation["return_date"] == date_long(RETURNED_ON)
    assert message.personalisation["name"] == f"{employee.person.given_name} {employee.person.family_name}"
    carried = json.dumps(message.personalisation).lower()
    for clinical in (HEALTH_TEXT, WORK_ADVICE, NOTE, "musculoskeletal", "pain", "naproxen"):
        assert clinical.lower() not in carried
    assert AuditEvent.objects.filter(action="employers.return_notice.queued", object_id=str(employee.pk)).exists()
    assert not refusals(employee).exists()


def test_without_consent_nothing_is_sent_and_the_refusal_is_audited(employee, manager):
    discharge(employee, manager)

    assert not notices(employee).exists()
    [refused] = refusals(employee)
    assert refused.data["reason"] == "The person has not given consent for this."
    assert refused.data["recipient"] == "Fosse Way Logistics Ltd"


def test_consent_withdrawn_before_the_discharge_sends_nothing(employee, manager):
    given = consent(employee, manager)
    services.return_notice_withdraw(case=employee, consent=given, how="written", actor=manager)
    discharge(employee, manager)

    assert not notices(employee).exists()
    [refused] = refusals(employee)
    assert "withdrew their consent" in refused.data["reason"]


def test_withdrawal_after_queueing_cancels_the_email_with_the_reason(staff, employee, manager):
    given = consent(employee, manager)
    discharge(employee, manager)
    url = reverse("cases:case-consent-withdraw", args=[employee.pk, given.pk])
    page = staff.get(url).content.decode()
    assert "is not told that the person is back at work" in page

    response = staff.post(url, {"how": "verbal", **_date("given_on", date.today())})

    assert response.status_code == 302
    [message] = notices(employee)
    assert message.status == "cancelled"
    assert "about the return to work withdrawn" in message.cancelled_reason
    assert Consent.objects.filter(person=employee.person, purpose="return_notice").count() == 2  # appended
    assert AuditEvent.objects.filter(action="employers.return_notice.withdrawn", data__messages_cancelled=1).exists()
    page = staff.get(reverse("cases:case-consent", args=[employee.pk])).content.decode()
    assert "Employer not told" in page
    assert message.cancelled_reason in page


@pytest.mark.parametrize("work_status", ["off_sick", "new_job", "left_job"])
def test_a_discharge_not_back_at_work_for_the_employer_sends_nothing(employee, manager, work_status):
    consent(employee, manager)
    discharge(employee, manager, work_status=work_status, reason_code="no_longer_helps")

    assert not notices(employee).exists()
    assert not refusals(employee).exists()  # nothing to tell, so nothing refused


def test_consent_for_another_employer_tells_nobody(employee, manager, other_org):
    consent_give(person=employee.person, purpose="return_notice", how="written", recipient=other_org, actor=manager)
    discharge(employee, manager)

    assert not Message.objects.filter(reference__startswith="return:").exists()
    [refused] = refusals(employee)
    assert refused.data["recipient"] == "Fosse Way Logistics Ltd"


def test_a_refused_discharge_queues_nothing_and_its_refusal_is_audited_once(employee, manager):
    consent(employee, manager)
    employee.refresh_from_db()
    with pytest.raises(StaleEdit):
        services.case_discharge(
            case=employee,
            actor=manager,
            reason_code="returned_to_work",
            work_status="in_work_usual",
            return_to_work_date=RETURNED_ON,
            expected_version=employee.version - 1,
        )
    assert not notices(employee).exists()
    assert AuditEvent.objects.filter(action="cases.case.stale_edit_refused").count() == 1


def test_a_second_discharge_after_reopening_does_not_tell_the_employer_twice(employee, manager):
    consent(employee, manager)
    discharged = discharge(employee, manager)
    case_reopen(case=discharged, actor=manager, reason="Wrong date", expected_version=discharged.version)
    discharge(employee, manager)

    assert notices(employee).count() == 1


def test_the_consent_section_records_the_consent_and_the_discharge_page_tells_the_employer(
    staff, employee, employer_org
):
    url = reverse("cases:case-consent", args=[employee.pk])
    page = staff.get(url).content.decode()
    assert "Telling their employer they are back at work" in page
    assert "Not yet: Fosse Way Logistics Ltd is told when the case is discharged" in page

    bad = staff.post(reverse("cases:case-consent-return", args=[employee.pk]), {"return-how": ""})
    assert bad.status_code == 400
    assert "Select how the person agreed to their employer being told" in bad.content.decode()
    assert not Consent.objects.filter(purpose="return_notice").exists()

    recorded = staff.post(
        reverse("cases:case-consent-return", args=[employee.pk]),
        {"return-how": "online", **_date("return-given_on", date.today())},
    )
    assert recorded.status_code == 302
    row = Consent.objects.get(purpose="return_notice")
    assert (row.recipient, row.how, row.recorded_by is not None) == (employer_org, "online", True)
    assert AuditEvent.objects.filter(action="employers.return_notice.consented").exists()

    employee.refresh_from_db()
    discharged = staff.post(
        reverse("cases:case-discharge", args=[employee.pk]),
        {
            "version": str(employee.version),
            "reason_code": "returned_to_work",
            "work_status": "in_work_adjusted",
            **_date("return_to_work_date", RETURNED_ON),
        },
    )
    assert discharged.status_code == 302
    [message] = notices(employee)
    assert message.personalisation["return_date"] == date_long(RETURNED_ON)
    page = staff.get(url).content.decode()
    assert "Employer told" in page
    assert "To be told: an email to hr@fosseway.example" in page


def test_the_case_says_why_the_employer_was_not_told(staff, employee, manager):
    discharge(employee, manager)
    page = staff.get(reverse("cases:case-consent", args=[employee.pk])).content.decode()
    assert "Employer not told" in page
    assert "the person had not agreed to their employer being told" in page


def test_a_consent_to_tell_an_employer_names_the_employer(employee, manager):
    with pytest.raises(ValidationError) as refused:
        consent_give(person=employee.person, purpose="return_notice", how="written", actor=manager)
    assert "names who" in str(refused.value)


@pytest.mark.django_db(transaction=True)
def test_retention_deletes_the_return_to_work_email_with_the_case(employee, manager):
    consent(employee, manager)
    discharge(employee, manager)
    assert notices(employee).count() == 1
    Case.objects.filter(pk=employee.pk).update(discharged_at=timezone.now() - timedelta(days=365 * 9))
    retention_delete()
    assert not Case.objects.filter(pk=employee.pk).exists()
    assert not notices(employee).exists()


def test_a_follow_up_that_finds_the_person_back_at_work_tells_the_employer_then(employee, version, manager):
    consent(employee, manager)
    discharged = discharge(employee, manager, work_status="off_sick", reason_code="no_longer_helps")
    outcome_schedule_create(case=discharged, actor=manager)
    assert not notices(employee).exists()
    follow_up = OutcomeTimePoint.objects.filter(case=employee, kind=TimePointKind.FOLLOW_UP).order_by("due_on")[0]
    back_on = date.today()  # the referral was today, and a return is on or after it

    outcome_record(
        time_point=follow_up,
        actor=manager,
        work_status="in_work_adjusted",
        mode="phone",
        return_to_work_date=back_on,
        hours_per_week=20,
    )

    [message] = notices(employee)
    assert message.personalisation["return_date"] == date_long(back_on)
    later = OutcomeTimePoint.objects.filter(case=employee, kind=TimePointKind.FOLLOW_UP).order_by("due_on")[1]
    outcome_record(time_point=later, actor=manager, work_status="in_work_usual", mode="phone", hours_per_week=37)
    assert notices(employee).count() == 1  # told once


def test_only_the_case_team_can_record_the_consent(employee):
    outsider = UserFactory(role="case_manager", site=SiteFactory(), with_device=True)  # another site's
    client = sign_in_with_two_factor(Client(), outsider)
    response = client.post(
        reverse("cases:case-consent-return", args=[employee.pk]),
        {"return-how": "online", **_date("return-given_on", date.today())},
    )
    assert response.status_code in (403, 404)
    assert not Consent.objects.filter(purpose="return_notice").exists()
