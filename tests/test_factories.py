"""The shared factories make what their traits say, and what they make satisfies the database's rules."""

import pytest
from django.utils import timezone

from fitforwork.accounts.models import Role
from fitforwork.cases.models import Case, Task
from fitforwork.referrals.models import Channel, Referral, Source
from tests.factories import CaseFactory, ReferralFactory

pytestmark = pytest.mark.django_db


def test_a_referral_is_received_from_a_gp_under_its_sites_latest_rules():
    referral = ReferralFactory()
    assert (referral.status, referral.source, referral.channel) == (
        Referral.Status.RECEIVED,
        Source.GP,
        Channel.GP_FORM,
    )
    assert referral.rules == referral.site.service_model.versions.get()
    assert referral.submission.channel == Channel.GP_FORM


def test_referral_traits_set_the_channel_and_the_decision():
    self_referral = ReferralFactory(self_referral=True)
    assert (self_referral.source, self_referral.submission.channel) == (Source.SELF, Channel.SELF_FORM)
    assert self_referral.referrer_organisation is None
    assert ReferralFactory(gp=True).referrer_organisation.kind == "gp_practice"
    accepted = ReferralFactory(accepted=True)
    assert accepted.status == Referral.Status.ACCEPTED
    assert accepted.decided_by.role == Role.TEAM_LEAD
    declined = ReferralFactory(declined=True)
    assert (declined.status, bool(declined.decline_reason)) == (Referral.Status.DECLINED, True)


def test_a_case_is_opened_from_an_accepted_referral_at_its_site_and_rules():
    case = CaseFactory()
    assert case.referral.status == Referral.Status.ACCEPTED
    assert (case.site, case.rules, case.person) == (case.referral.site, case.referral.rules, case.referral.person)
    assert (case.status, case.case_manager) == (Case.Status.REFERRED, None)
    task = case.tasks.get()
    assert (task.kind, task.due_on > timezone.localdate(), task.is_open) == (Task.Kind.FIRST_CONTACT, True, True)


def test_case_traits_allocate_discharge_and_make_first_contact_overdue():
    allocated = CaseFactory(allocated=True)
    assert allocated.case_manager.role == Role.CASE_MANAGER
    assert allocated.case_manager.site == allocated.site
    assert allocated.tasks.get().assigned_to == allocated.case_manager
    assert CaseFactory(unallocated=True).case_manager is None
    overdue = CaseFactory(overdue_first_contact=True)
    assert overdue.tasks.get().due_on < timezone.localdate()
    discharged = CaseFactory(discharged=True)
    assert discharged.status == Case.Status.DISCHARGED
    assert not discharged.is_open
    assert not discharged.tasks.get().is_open
