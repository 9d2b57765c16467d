import datetime

import pytest
from django.utils import timezone

from fitforwork.accounts.models import Role
from fitforwork.cases.models import BreakGlass, CareTeamMember, Contact, MdtNote
from fitforwork.core.audit.services import audit_record
from fitforwork.core.outbox.models import Message
from fitforwork.interventions.models import Intervention, OnwardReferral
from tests.accounts.factories import UserFactory
from tests.factories import CaseFactory, ReferralFactory


def record_for(person=None, *, closed_years_ago=None, staff=None):
    """A person's case with one of each kind of record on it: task, contact, care team, onward referral, message.

    With `closed_years_ago`, the case was discharged that long ago (and everything on it dates from then).
    """
    staff = staff or UserFactory(role=Role.CASE_MANAGER)
    extra = {"referral__person": person} if person is not None else {}
    case = CaseFactory(discharged=closed_years_ago is not None, case_manager=staff, **extra)
    case.referral.submission.payload = {"patient": {"given_name": "Alex", "phone": "07700 900123"}}
    case.referral.submission.save()
    if closed_years_ago is not None:
        case.discharged_at = timezone.now() - datetime.timedelta(days=365 * closed_years_ago + 5)
        case.save()
    Contact.objects.create(case=case, method="phone", outcome="made", note="Talked through the plan", recorded_by=staff)
    physio = UserFactory(role=Role.PRACTITIONER)
    CareTeamMember.objects.create(case=case, user=physio, discipline="physiotherapist", added_by=staff)
    MdtNote.objects.create(
        case=case, discussed_on=timezone.localdate(), attendees="Case manager, physio", note="Graded return agreed",
        author=staff,
    )  # fmt: skip
    BreakGlass.objects.create(
        case=case,
        user=physio,
        reason="Covering an urgent call",
        expires_at=timezone.now() + datetime.timedelta(hours=1),
    )
    intervention, _ = Intervention.objects.get_or_create(
        name="Back pain class", provider="Trust", defaults={"kind": "physiotherapy", "typical_wait_days": 5}
    )
    OnwardReferral.objects.create(
        case=case, intervention=intervention, requested_on=timezone.localdate(), requested_by=staff
    )
    # A PHQ-9 whose item 9 is above 0: the response, its red flag and the urgent task it made.
    from fitforwork.assessments.services import response_record
    from tests.assessments.safety_helpers import phq9

    response_record(case=case, instrument_code="phq9", answers=phq9(item9=1), mode="client_online", actor=None)
    from fitforwork.consent.services import consent_give

    consent_give(person=case.person, purpose="assessment", how="verbal", actor=staff, referral=case.referral)
    Message.objects.create(
        channel="email",
        template_id="referral_received_client_email",
        recipient=case.person.email or "alex@example.org",
        personalisation={"reference": case.referral.reference},
        reference=str(case.referral.pk),
    )
    return case


@pytest.fixture
def dpo():
    return UserFactory(role=Role.DATA_PROTECTION_OFFICER, with_device=True)


@pytest.fixture
def case_with_everything(db):
    case = record_for()
    reader = UserFactory(role=Role.CASE_MANAGER, email="reader@example.org")
    audit_record(actor=reader, action="cases.case.viewed", obj=case, reason="first contact", data={"path": "/x/"})
    audit_record(actor=reader, action="people.person.viewed", obj=case.person, data={"path": "/y/"})
    audit_record(actor=reader, action="referrals.referral.viewed", obj=case.referral, reason="triage")
    return case


__all__ = ["ReferralFactory", "record_for"]
