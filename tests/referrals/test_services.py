"""Accepting a referral opens its case, in the same transaction."""

from datetime import date, datetime

import pytest
from django.utils import timezone

from fitforwork.accounts.models import Role
from fitforwork.cases.models import Case
from fitforwork.referrals.intake import referral_receive
from fitforwork.referrals.models import Referral
from fitforwork.referrals.services import InvalidTransition, referral_accept
from tests.accounts.factories import UserFactory
from tests.factories import ReferralFactory
from tests.referrals.conftest import referral_input


def _refer(site):
    return referral_receive(channel="gp_form", payload={}, parse=lambda _: referral_input(site))


def test_accepting_a_referral_opens_its_case_with_the_time_standard_tasks(workwell_site):
    lead = UserFactory(role=Role.TEAM_LEAD, site=workwell_site)
    manager = UserFactory(role=Role.CASE_MANAGER, site=workwell_site)
    referral = _refer(workwell_site)
    # Received on Monday 16 November 2026: WorkWell's 2 and 10 working days, no bank holidays in between.
    Referral.objects.filter(pk=referral.pk).update(received_at=timezone.make_aware(datetime(2026, 11, 16, 9)))
    referral.refresh_from_db()

    case = referral_accept(referral=referral, actor=lead, case_manager=manager)

    referral.refresh_from_db()
    assert referral.status == "accepted"
    assert (case.referral, case.site, case.rules, case.case_manager) == (
        referral,
        workwell_site,
        referral.rules,
        manager,
    )
    tasks = {task.kind: task for task in case.tasks.all()}
    assert tasks["first_contact"].due_on == date(2026, 11, 18)
    assert tasks["assessment"].due_on == date(2026, 11, 30)
    # Employed and off sick: WorkWell's 8-week cap, from Monday 16 November 2026.
    assert tasks["case_length"].due_on == date(2027, 1, 11)
    assert {task.assigned_to for task in tasks.values()} == {manager}


def test_a_declined_referral_opens_no_case_and_cannot_then_be_accepted(workwell_site):
    lead = UserFactory(role=Role.TEAM_LEAD, site=workwell_site)
    referral = ReferralFactory(site=workwell_site, declined=True)

    with pytest.raises(InvalidTransition, match="is already declined, so it cannot be accepted"):
        referral_accept(referral=referral, actor=lead)

    assert not Case.objects.filter(referral=referral).exists()


def test_if_the_case_cannot_open_the_referral_stays_received(workwell_site, monkeypatch):
    from fitforwork.referrals import services

    def refuse(**kwargs):
        raise RuntimeError("the case could not open")

    monkeypatch.setattr(services, "case_open", refuse)
    lead = UserFactory(role=Role.TEAM_LEAD, site=workwell_site)
    referral = _refer(workwell_site)

    with pytest.raises(RuntimeError):
        referral_accept(referral=referral, actor=lead)

    referral.refresh_from_db()
    assert (referral.status, referral.decided_at) == ("received", None)
    assert list(referral.status_changes.values_list("to_status", flat=True)) == ["received"]
