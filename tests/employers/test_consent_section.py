"""The Consent section of the case record: the ledger, consent to share an agreed version with the parts to
leave out, withdrawal as a new row that cancels what is queued, and the employer's answers."""

from datetime import date

import pytest
from django.urls import reverse

from fitforwork.consent.models import Consent
from fitforwork.consent.selectors import consent_allows
from fitforwork.core.audit.models import AuditEvent
from fitforwork.core.outbox.models import Message
from fitforwork.plans import services as plan_services

pytestmark = pytest.mark.django_db


def _date(prefix, day):
    return {f"{prefix}_day": str(day.day), f"{prefix}_month": str(day.month), f"{prefix}_year": str(day.year)}


def share(staff, case, version, **extra):
    data = {"plan_version": str(version.pk), "recipient": "employer", "how": "written"}
    data.update(_date("given_on", date.today()))
    data.update(extra)
    return staff.post(reverse("cases:case-consent", args=[case.pk]), data)


def test_the_consent_section_is_in_the_case_navigation_and_shows_the_ledger(staff, employee):
    page = staff.get(reverse("cases:case", args=[employee.pk])).content.decode()
    assert f'href="{reverse("cases:case-consent", args=[employee.pk])}"' in page
    page = staff.get(reverse("cases:case-consent", args=[employee.pk])).content.decode()
    assert "Being referred to the service" in page  # the referral's own consent, from the intake
    assert "A plan can be shared only once a version has been discussed" in page
    assert AuditEvent.objects.filter(action="cases.case.viewed", data__section="consent").exists()


def test_consent_to_share_an_agreed_version_is_recorded_and_tells_the_employer(staff, employee, version, employer_org):
    response = share(staff, employee, version, removed_sections=["health"])
    assert response.status_code == 302
    answer = consent_allows(
        person=employee.person, purpose="share_plan", recipient=employer_org, plan_version_id=version.pk
    )
    assert answer.allowed
    assert answer.removed_sections == ["health"]
    assert answer.consent.recorded_by is not None
    [message] = Message.objects.filter(reference=f"share:{version.pk}:{employer_org.pk}")
    assert message.recipient == "hr@fosseway.example"
    assert message.status == "queued"
    assert AuditEvent.objects.filter(action="employers.plan.shared").exists()
    page = staff.get(reverse("cases:case-consent", args=[employee.pk])).content.decode()
    assert "Fosse Way Logistics Ltd" in page
    assert "health obstacles" in page


def test_bad_input_shows_the_error_summary_and_records_nothing(staff, employee, version):
    before = Consent.objects.count()
    response = share(staff, employee, version, how="", recipient="other", recipient_name="")
    assert response.status_code == 400
    page = response.content.decode()
    assert "nhsuk-error-summary" in page
    assert "Select how the person gave consent" in page
    assert "Enter the name of the organisation" in page
    assert Consent.objects.count() == before


def test_a_draft_version_cannot_be_shared(staff, employee, version):
    draft = plan_services.version_new_draft(version=version, actor=version.agreed_by)
    response = share(staff, employee, draft)
    assert response.status_code == 400  # not among the choices: only agreed versions are
    assert not Consent.objects.filter(plan_version_id=draft.pk).exists()


def test_withdrawal_is_a_new_row_cancels_the_queued_message_and_the_case_says_so(
    staff, employee, version, employer_org
):
    share(staff, employee, version)
    given = Consent.objects.get(plan_version_id=version.pk, action="given")
    url = reverse("cases:case-consent-withdraw", args=[employee.pk, given.pk])
    assert staff.post(url, {"how": ""}).status_code == 400
    response = staff.post(url, {"how": "verbal", **_date("given_on", date.today())})
    assert response.status_code == 302
    assert Consent.objects.filter(plan_version_id=version.pk).count() == 2  # appended, the first row unchanged
    assert not consent_allows(
        person=employee.person, purpose="share_plan", recipient=employer_org, plan_version_id=version.pk
    )
    message = Message.objects.get(reference=f"share:{version.pk}:{employer_org.pk}")
    assert message.status == "cancelled"
    assert "withdrawn" in message.cancelled_reason
    page = staff.get(reverse("cases:case-consent", args=[employee.pk])).content.decode()
    assert "Consent withdrawn" in page
    assert staff.get(url).status_code == 404  # nothing left to withdraw
