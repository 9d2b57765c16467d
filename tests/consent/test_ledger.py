"""The consent ledger: a referral's own consent is on it from the transaction that made the referral; rows are
appended and never changed (even by SQL); `consent_allows` answers from the latest row for exactly that
purpose, recipient and plan version, so a withdrawal holds on the very next question."""

import uuid
from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.utils import timezone

from fitforwork.consent.models import Consent, How, Purpose
from fitforwork.consent.selectors import consent_allows, consent_history
from fitforwork.consent.services import REFERRAL_NOTE, consent_give, consent_withdraw
from fitforwork.core.audit.models import AuditEvent
from fitforwork.referrals.intake import referral_receive
from fitforwork.referrals.models import Referral
from tests.accounts.factories import UserFactory
from tests.organisations.factories import OrganisationFactory
from tests.referrals.conftest import referral_input
from tests.referrals.conftest import workwell_site as workwell_site  # the fixture, shared

pytestmark = pytest.mark.django_db


def _refer(site, **overrides):
    return referral_receive(
        channel="gp_form", payload={"sent": True}, parse=lambda _payload: referral_input(site, **overrides)
    )


def test_a_gp_referral_with_the_persons_agreement_puts_a_spoken_consent_on_the_ledger(workwell_site):
    referral = _refer(workwell_site)
    [row] = Consent.objects.filter(person=referral.person)
    assert (row.purpose, row.action, row.how) == (Purpose.REFERRAL, Consent.Action.GIVEN, How.VERBAL)
    assert row.referral == referral
    assert row.note == REFERRAL_NOTE
    assert row.given_on == timezone.localdate(referral.received_at)
    assert consent_allows(person=referral.person, purpose=Purpose.REFERRAL)


def test_an_employers_referral_records_the_written_consent_on_its_date(workwell_site):
    signed = date.today() - timedelta(days=4)
    employer = OrganisationFactory(kind="employer", name="Acme Ltd")
    referral = _refer(workwell_site, source="employer", written_consent_date=signed, referrer_organisation=employer)
    [row] = Consent.objects.filter(person=referral.person)
    assert (row.how, row.given_on, row.note) == (How.WRITTEN, signed, "")


def test_a_self_referrers_yes_is_online_and_a_referral_that_did_not_say_puts_nothing_on_the_ledger(workwell_site):
    mine = _refer(workwell_site, source="self")
    assert Consent.objects.get(person=mine.person).how == How.ONLINE
    silent = _refer(workwell_site, given_name="Jo", family_name="Bell", email="jo@example.org", consent_given=None)
    assert not Consent.objects.filter(person=silent.person).exists()
    assert not consent_allows(person=silent.person, purpose=Purpose.REFERRAL)
    assert Referral.objects.filter(pk=silent.pk).exists()


@pytest.fixture
def person(workwell_site):
    return _refer(workwell_site).person


def test_a_withdrawal_is_a_new_row_and_the_next_question_is_answered_no(person):
    staff = UserFactory()
    employer = OrganisationFactory(kind="employer")
    version = uuid.uuid4()
    given = consent_give(
        person=person, purpose=Purpose.SHARE_PLAN, how=How.WRITTEN, recipient=employer,
        plan_version_id=version, removed_sections=["health"], actor=staff,
    )  # fmt: skip
    answer = consent_allows(person=person, purpose=Purpose.SHARE_PLAN, recipient=employer, plan_version_id=version)
    assert answer.allowed
    assert answer.removed_sections == ["health"]
    assert answer.consent == given

    withdrawn = consent_withdraw(consent=given, how=How.VERBAL, actor=staff, note="Rang to say no")

    answer = consent_allows(person=person, purpose=Purpose.SHARE_PLAN, recipient=employer, plan_version_id=version)
    assert not answer.allowed
    assert answer.reason.startswith("The person withdrew their consent on ")
    assert [row.action for row in consent_history(person=person)] == ["given", "given", "withdrawn"]
    assert withdrawn.plan_version_id == version
    assert withdrawn.recipient == employer
    with pytest.raises(ValidationError):
        consent_withdraw(consent=given, how=How.VERBAL, actor=staff)
    actions = list(AuditEvent.objects.filter(object_id=str(person.pk)).values_list("action", flat=True))
    assert "consent.consent.given" in actions
    assert "consent.consent.withdrawn" in actions


def test_consent_to_share_one_plan_version_does_not_carry_to_the_next_or_to_another_recipient(person):
    employer, other_employer = OrganisationFactory(kind="employer"), OrganisationFactory(kind="employer")
    first, second = uuid.uuid4(), uuid.uuid4()
    consent_give(person=person, purpose=Purpose.SHARE_PLAN, how=How.ONLINE, recipient=employer, plan_version_id=first)
    assert consent_allows(person=person, purpose=Purpose.SHARE_PLAN, recipient=employer, plan_version_id=first)
    assert not consent_allows(person=person, purpose=Purpose.SHARE_PLAN, recipient=employer, plan_version_id=second)
    assert not consent_allows(
        person=person, purpose=Purpose.SHARE_PLAN, recipient=other_employer, plan_version_id=first
    )


def test_a_share_names_its_plan_version_and_recipient_and_a_future_date_is_refused(person):
    with pytest.raises(ValidationError):
        consent_give(person=person, purpose=Purpose.SHARE_PLAN, how=How.ONLINE, recipient_name="Acme")
    with pytest.raises(ValidationError):
        consent_give(person=person, purpose=Purpose.THIRD_PARTY_CONTACT, how=How.VERBAL)
    with pytest.raises(ValidationError) as refused:
        consent_give(person=person, purpose=Purpose.ASSESSMENT, how=How.VERBAL, given_on=date.today() + timedelta(1))
    assert "given_on" in refused.value.message_dict
    assert Consent.objects.filter(person=person).count() == 1  # the referral's own


@pytest.mark.django_db(transaction=True)
def test_the_database_refuses_to_change_a_row_through_the_orm_and_through_sql(workwell_site):
    row = Consent.objects.get(person=_refer(workwell_site).person)
    with pytest.raises((IntegrityError, DatabaseError)), transaction.atomic():
        Consent.objects.filter(pk=row.pk).update(action="withdrawn")
    with pytest.raises((IntegrityError, DatabaseError)), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE consent_consent SET how = 'online'")
    row.refresh_from_db()
    assert (row.action, row.how) == ("given", "verbal")


def test_the_assessments_consent_box_puts_consent_on_the_ledger_and_unticking_withdraws_it(workwell_site):
    from fitforwork.assessments.assessment_services import assessment_save
    from tests.assessments.test_assessment_services import BASICS
    from tests.cases.conftest import open_case

    manager = UserFactory(role="case_manager", site=workwell_site)
    case = open_case(workwell_site, manager, case_manager=manager)
    assessment_save(case=case, actor=manager, expected_version=0, consent_given=True, **BASICS)
    assert consent_allows(person=case.person, purpose=Purpose.ASSESSMENT)
    assessment_save(case=case, actor=manager, expected_version=1, consent_given=True, goals="Swim", **BASICS)
    assessment_save(case=case, actor=manager, expected_version=2, consent_given=False, **BASICS)
    answer = consent_allows(person=case.person, purpose=Purpose.ASSESSMENT)
    assert not answer.allowed
    assert answer.consent.recorded_by == manager
    rows = Consent.objects.filter(person=case.person, purpose=Purpose.ASSESSMENT)
    assert [row.action for row in rows] == ["given", "withdrawn"]  # saving again while ticked adds nothing
