"""The demo leaves referrals waiting for triage at every site, with one of each kind triage treats specially at
the demo case manager's site, so a new user has something to triage."""

from datetime import date

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from fitforwork.accounts.models import Role, User
from fitforwork.cases.models import Case, Task
from fitforwork.cases.selectors import TeamFilters, team_cases
from fitforwork.core.calendar import next_working_day
from fitforwork.demo.accounts import DEMO_PASSWORD, DEMO_USERS
from fitforwork.demo.waiting import FEWEST, MOST, _received_on, waiting_per_site
from fitforwork.organisations.models import Site
from fitforwork.referrals.models import Referral
from tests.accounts.factories import TOTPDeviceFactory
from tests.conftest import current_token

pytestmark = pytest.mark.django_db

CASE_MANAGER = next(user for user in DEMO_USERS if user.role == Role.CASE_MANAGER)
REFERRERS = [user for user in DEMO_USERS if user.role in (Role.GP, Role.EMPLOYER, Role.JOBCENTRE, Role.COMMUNITY)]


@pytest.fixture
def demo():
    """The demo as the end-to-end tests load it."""
    call_command("demo", "--cases", "30", "--seed", "7", "--no-progress", "--allow-production")
    return User.objects.get(email=CASE_MANAGER.email).site


@pytest.fixture
def case_manager(client, demo):
    """The demo case manager, signed in with password and an authenticator code."""
    user = User.objects.get(email=CASE_MANAGER.email)
    device = TOTPDeviceFactory(user=user)
    client.post(reverse("accounts:sign-in"), {"username": user.email, "password": DEMO_PASSWORD})
    client.post(reverse("accounts:two-factor"), {"token": current_token(device)})
    return client


def _waiting(site):
    return Referral.objects.filter(site=site, status=Referral.Status.RECEIVED)


def test_how_many_wait_at_each_site_grows_slowly_with_the_demo_and_stays_a_handful():
    assert [waiting_per_site(cases) for cases in (1, 30, 300, 1_000_000, 10**9)] == [3, 4, 5, 8, 8]
    assert FEWEST <= waiting_per_site(20_000) <= MOST


@pytest.mark.parametrize(
    ("today", "due", "received"),
    [
        (date(2026, 12, 2), date(2026, 12, 2), date(2026, 11, 30)),  # Wednesday: due today, received Monday
        (date(2026, 12, 7), date(2026, 12, 7), date(2026, 12, 3)),  # Monday: received the Thursday before
        (date(2026, 12, 5), date(2026, 12, 7), date(2026, 12, 3)),  # Saturday: due Monday
    ],
)
def test_the_day_a_referral_arrived_to_be_due_on_a_day_is_the_latest_that_gives_it(today, due, received):
    assert next_working_day(today, "england_wales") == due
    assert _received_on(today=today, due=due, standard=2, nation="england_wales") == received


def test_every_site_has_referrals_waiting_with_a_live_first_contact_clock(demo):
    today = timezone.localdate()
    for site in Site.objects.all():
        waiting = _waiting(site)
        assert waiting.count() >= FEWEST, site.name
        # Due today (or the next working day, on a weekend or bank holiday).
        assert waiting.filter(first_contact_due=next_working_day(today, site.nation)).exists(), site.name
        assert waiting.filter(first_contact_due__lt=today).exists(), site.name
        assert waiting.filter(first_contact_due__gt=today).exists(), site.name
        assert waiting.values("channel").distinct().count() >= 3, site.name


def test_the_case_managers_site_has_one_of_each_kind_triage_treats_specially(demo):
    waiting = _waiting(demo)
    duplicate = waiting.get(duplicate_status=Referral.DuplicateStatus.FLAGGED, nhs_number_conflict="")
    assert duplicate.possible_duplicate_of.received_at < duplicate.received_at
    conflict = waiting.get(nhs_number_conflict=Referral.NhsNumberConflict.OPEN)
    assert conflict.nhs_number == conflict.nhs_number_holder.nhs_number
    assert conflict.person.nhs_number == ""
    assert conflict.sent_details["family_name"] == conflict.person.family_name
    plain = waiting.get(channel="fhir")
    assert plain.not_given == ["employment_status", "condition_category", "consent_given"]
    assert waiting.filter(source="self").exclude(help_wanted="").exists()


def test_the_demo_referrers_have_referrals_waiting_on_their_home_pages(demo):
    for referrer in REFERRERS:
        own = Referral.objects.filter(referrer_user__email=referrer.email)
        assert own.filter(status=Referral.Status.RECEIVED).exists(), referrer.role
        assert own.count() <= 5, referrer.role


def test_an_accepted_case_nobody_is_allocated_to_has_its_first_contact_overdue(demo):
    unallocated = Case.objects.get(site=demo, case_manager__isnull=True)
    first_contact = Task.objects.get(case=unallocated, kind="first_contact")
    assert first_contact.due_on < timezone.localdate()
    assert first_contact.completed_at is None


def test_the_team_leads_home_counts_it_as_unallocated_and_past_its_due_date(demo):
    lead = User.objects.get(email=next(user.email for user in DEMO_USERS if user.role == Role.TEAM_LEAD))
    unallocated = team_cases(lead, TeamFilters(unallocated=True, breach=True))
    assert [case.site for case in unallocated] == [demo]


def test_the_case_managers_triage_queue_lists_the_waiting_referrals(case_manager, demo):
    page = case_manager.get(reverse("referrals:triage")).content.decode()
    for referral in _waiting(demo):
        assert referral.reference in page or f"{referral.person.given_name} {referral.person.family_name}" in page


@pytest.mark.parametrize(
    ("kind", "text"),
    [
        ({"duplicate_status": "flagged", "nhs_number_conflict": ""}, "Possible duplicate"),
        ({"nhs_number_conflict": "open"}, "Check whose NHS number this is"),
        ({"channel": "fhir"}, "Not given by the referrer"),
        ({"source": "self", "duplicate_status": "", "help_wanted__gt": ""}, "Help wanted"),
    ],
)
def test_each_special_kind_opens_in_triage_with_its_panel(case_manager, demo, kind, text):
    referral = _waiting(demo).filter(**kind).first()
    response = case_manager.get(reverse("referrals:triage-referral", args=[referral.pk]))
    assert response.status_code == 200
    assert text in response.content.decode()
