"""Referrals and cases in the state a test needs, with traits for the states (CONVENTIONS.md).

These write rows directly, as factories do: fast, and with no status history, audit events or messages.
A test of the intake or of accepting a referral goes through the services instead (tests/cases/conftest.py's
`open_case`).

    ReferralFactory(self_referral=True)          ReferralFactory(accepted=True)
    CaseFactory(allocated=True)                  CaseFactory(overdue_first_contact=True)
    CaseFactory(discharged=True, referral__site=site)
"""

import datetime

import factory
from django.utils import timezone

from fitforwork.accounts.models import Role
from fitforwork.cases.models import Case, Task
from fitforwork.referrals.models import Channel, Referral, Source, Submission
from tests.accounts.factories import UserFactory
from tests.organisations.factories import OrganisationFactory, SiteFactory
from tests.people.factories import PersonFactory


def _latest_rules(site):
    return site.service_model.versions.order_by("-number").first()


class SubmissionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Submission

    channel = Channel.GP_FORM
    payload = factory.LazyFunction(dict)
    outcome = Submission.Outcome.REFERRAL
    processed_at = factory.LazyFunction(timezone.now)


class ReferralFactory(factory.django.DjangoModelFactory):
    """A received referral from a GP, eligible, to a site of its own (or `site=`)."""

    class Meta:
        model = Referral

    reference = factory.Sequence(lambda n: f"FFW-T{n:07d}")
    submission = factory.SubFactory(SubmissionFactory, channel=factory.SelfAttribute("..channel"))
    channel = Channel.GP_FORM
    source = Source.GP
    received_at = factory.LazyFunction(timezone.now)
    person = factory.SubFactory(PersonFactory)
    site = factory.SubFactory(SiteFactory)
    rules = factory.LazyAttribute(lambda referral: _latest_rules(referral.site))
    referrer_organisation = factory.SubFactory(OrganisationFactory, gp_practice=True)
    referrer_email = "gp@example.org"
    reason = "Low back pain, off work for three weeks, worried about keeping their job."
    condition_category = "musculoskeletal"
    employment_status = "employed_off_sick"
    absence_start = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(weeks=3))
    consent_given = True
    eligible = True
    first_contact_due = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=2))

    class Params:
        gp = factory.Trait(channel=Channel.GP_FORM, source=Source.GP)
        self_referral = factory.Trait(
            channel=Channel.SELF_FORM, source=Source.SELF, referrer_organisation=None, referrer_email=""
        )
        accepted = factory.Trait(
            status=Referral.Status.ACCEPTED,
            decided_at=factory.LazyFunction(timezone.now),
            decided_by=factory.SubFactory(UserFactory, role=Role.TEAM_LEAD),
        )
        declined = factory.Trait(
            status=Referral.Status.DECLINED,
            decided_at=factory.LazyFunction(timezone.now),
            decided_by=factory.SubFactory(UserFactory, role=Role.TEAM_LEAD),
            decline_reason="The person lives outside the area this service covers.",
        )


class FirstContactTaskFactory(factory.django.DjangoModelFactory):
    """A case's first-contact task, due in two working days' time unless told otherwise."""

    class Meta:
        model = Task

    kind = Task.Kind.FIRST_CONTACT
    title = "First contact"
    due_on = factory.LazyAttribute(lambda task: timezone.localdate() + datetime.timedelta(days=task.in_days))
    assigned_to = factory.LazyAttribute(lambda task: task.case.case_manager)
    automatic = True
    cancelled_at = factory.LazyAttribute(
        lambda task: timezone.now() if task.case.status == Case.Status.DISCHARGED else None
    )

    class Params:
        in_days = 2


class CaseFactory(factory.django.DjangoModelFactory):
    """An open case at its referral's site and rules, not yet allocated; its first contact is due in two days."""

    class Meta:
        model = Case
        skip_postgeneration_save = True

    referral = factory.SubFactory(ReferralFactory, accepted=True)
    person = factory.SelfAttribute("referral.person")
    site = factory.SelfAttribute("referral.site")
    rules = factory.SelfAttribute("referral.rules")
    case_manager = None
    first_contact = factory.RelatedFactory(
        FirstContactTaskFactory, factory_related_name="case", in_days=factory.SelfAttribute("..first_contact_in_days")
    )

    class Params:
        first_contact_in_days = 2
        allocated = factory.Trait(
            case_manager=factory.SubFactory(UserFactory, role=Role.CASE_MANAGER, site=factory.SelfAttribute("..site"))
        )
        unallocated = factory.Trait(case_manager=None)
        overdue_first_contact = factory.Trait(first_contact_in_days=-3)
        discharged = factory.Trait(
            status=Case.Status.DISCHARGED,
            furthest_stage=Case.Status.CONTACTED,
            discharged_at=factory.LazyFunction(timezone.now),
            discharge_reason="returned_to_work",
            work_status_at_discharge="in_work_usual",
            return_to_work_date=factory.LazyFunction(timezone.localdate),
        )
