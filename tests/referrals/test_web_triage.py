"""The site's team triages received referrals: oldest first, with the first-contact clock, accept or decline."""

from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

from fitforwork.accounts.models import Role
from fitforwork.core.audit.models import AuditEvent
from fitforwork.referrals.intake import referral_receive
from fitforwork.referrals.models import Referral
from fitforwork.referrals.presenters import first_contact_clock
from tests.accounts.factories import UserFactory
from tests.conftest import sign_in_with_two_factor
from tests.organisations.factories import SiteFactory
from tests.referrals.conftest import referral_input


def _refer(site, **overrides):
    return referral_receive(channel="gp_form", payload={}, parse=lambda _: referral_input(site, **overrides))


@pytest.fixture
def triager(client, workwell_site):
    """A client signed in (with two-factor) as a member of the site's team in the given role."""

    def sign_in(role=Role.CASE_MANAGER, site=workwell_site):
        user = UserFactory(role=role, site=site, with_device=True)
        sign_in_with_two_factor(client, user)
        client.user = user
        return client

    return sign_in


def test_the_queue_lists_received_referrals_oldest_first_with_eligibility_and_duplicates(triager, workwell_site):
    older = _refer(workwell_site, given_name="Olive", nhs_number="")
    newer = _refer(workwell_site, given_name="Nina", employment_status="unemployed", absence_start=None)
    duplicate = _refer(workwell_site, given_name="Olive", nhs_number="")
    decided = _refer(workwell_site, given_name="Dora", family_name="Decided")
    Referral.objects.filter(pk=decided.pk).update(status="accepted", decided_at=timezone.now())
    client = triager()

    page = client.get(reverse("referrals:triage")).content.decode()

    assert page.index(older.reference) < page.index(newer.reference) < page.index(duplicate.reference)
    assert decided.reference not in page
    assert "Not eligible" in page
    assert "Possible duplicate" in page
    assert "working day" in page or "Due today" in page


def test_the_clock_says_when_first_contact_is_due_and_how_many_working_days_are_left(workwell_site):
    referral = _refer(workwell_site)
    referral.first_contact_due = date(2026, 11, 24)  # a Tuesday

    assert first_contact_clock(referral, today=date(2026, 11, 20)).due == "Due Tuesday 24 November 2026"
    assert first_contact_clock(referral, today=date(2026, 11, 20)).remaining == "2 working days left"
    assert first_contact_clock(referral, today=date(2026, 11, 24)).remaining == "Due today"
    late = first_contact_clock(referral, today=date(2026, 11, 25))
    assert (late.remaining, late.overdue) == ("Overdue by 1 working day", True)


def test_a_case_manager_accepts_a_referral_and_the_referrer_sees_it(triager, workwell_site):
    referral = _refer(workwell_site)
    client = triager()
    page = client.get(reverse("referrals:triage-referral", args=[referral.pk]))
    assert page.status_code == 200
    assert AuditEvent.objects.filter(action="referrals.referral.viewed", object_id=str(referral.pk)).exists()

    response = client.post(reverse("referrals:triage-referral", args=[referral.pk]), {"action": "accept"})

    assert response.status_code == 302
    queue = client.get(response.url).content.decode()
    assert f"Referral {referral.reference} accepted and its case opened." in queue
    referral.refresh_from_db()
    assert (referral.status, referral.decided_by) == ("accepted", client.user)
    assert (referral.case.status, referral.case.site) == ("referred", workwell_site)
    # The confirmation links to the case it opened.
    assert f'href="{reverse("cases:case", args=[referral.case.pk])}">View the case</a>' in queue


def test_a_team_lead_declines_with_a_reason(triager, workwell_site):
    referral = _refer(workwell_site)
    client = triager(Role.TEAM_LEAD)

    client.post(
        reverse("referrals:triage-referral", args=[referral.pk]),
        {"action": "decline", "decline_reason": "Already has occupational health support."},
    )

    referral.refresh_from_db()
    assert referral.status == "declined"
    assert referral.decline_reason == "Already has occupational health support."


def test_declining_without_a_reason_is_refused_with_the_error_summary(triager, workwell_site):
    referral = _refer(workwell_site)
    client = triager()

    response = client.post(
        reverse("referrals:triage-referral", args=[referral.pk]), {"action": "decline", "decline_reason": "  "}
    )

    assert response.status_code == 400
    page = response.content.decode()
    assert "There is a problem" in page
    assert 'href="#id_decline_reason"' in page
    assert "Enter a reason for declining the referral" in page
    referral.refresh_from_db()
    assert referral.status == "received"


def test_deciding_an_already_decided_referral_shows_the_error(triager, workwell_site):
    referral = _refer(workwell_site)
    client = triager()
    client.post(reverse("referrals:triage-referral", args=[referral.pk]), {"action": "accept"})

    response = client.post(
        reverse("referrals:triage-referral", args=[referral.pk]), {"action": "decline", "decline_reason": "Late"}
    )

    assert response.status_code == 400
    assert "is already accepted, so it cannot be declined" in response.content.decode()
    referral.refresh_from_db()
    assert referral.status == "accepted"


@pytest.mark.parametrize("role", [Role.ADVICE_ADVISER, Role.PRACTITIONER])
def test_other_staff_at_the_site_cannot_triage(triager, workwell_site, role):
    referral = _refer(workwell_site)
    client = triager(role)

    assert client.get(reverse("referrals:triage")).status_code == 403
    assert client.get(reverse("referrals:triage-referral", args=[referral.pk])).status_code == 403
    client.post(reverse("referrals:triage-referral", args=[referral.pk]), {"action": "accept"})
    referral.refresh_from_db()
    assert referral.status == "received"


def test_a_referrer_cannot_triage_their_own_referral(client, workwell_site):
    gp = UserFactory(role=Role.GP, organisation=workwell_site.practice)
    referral = _refer(workwell_site, referrer_user=gp, referrer_organisation=gp.organisation)
    client.force_login(gp)

    assert client.get(reverse("referrals:triage")).status_code == 403
    assert (
        client.post(reverse("referrals:triage-referral", args=[referral.pk]), {"action": "accept"}).status_code == 403
    )


def test_another_sites_case_manager_cannot_see_or_triage_the_referral(triager, workwell_site):
    referral = _refer(workwell_site)
    client = triager(site=SiteFactory())

    assert referral.reference not in client.get(reverse("referrals:triage")).content.decode()
    response = client.post(reverse("referrals:triage-referral", args=[referral.pk]), {"action": "accept"})
    assert response.status_code == 404
    referral.refresh_from_db()
    assert referral.status == "received"


def test_the_triage_list_query_count_does_not_grow_with_the_number_of_referrals(
    triager, workwell_site, django_assert_max_num_queries
):
    client = triager()
    _refer(workwell_site, given_name="First")
    with django_assert_max_num_queries(20) as few:
        client.get(reverse("referrals:triage"))
    for n in range(15):
        _refer(workwell_site, given_name=f"Person{n}", nhs_number="")
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(reverse("referrals:triage")).content.decode()
    assert page.count("/referrals/triage/") >= 16


def test_a_possible_duplicate_is_closed_as_the_same_person_and_the_referrer_is_told(triager, workwell_site):
    from fitforwork.core.outbox.models import Message

    first = _refer(workwell_site, nhs_number="9434765919")
    second = _refer(workwell_site, nhs_number="9434765919", referrer_email="another.gp@example.org")
    assert second.duplicate_status == "flagged"
    client = triager()
    page = client.get(reverse("referrals:triage-referral", args=[second.pk])).content.decode()
    assert reverse("referrals:triage-duplicate", args=[second.pk]) in page  # compare first, then close

    client.post(reverse("referrals:triage-referral", args=[second.pk]), {"action": "merge"})

    second.refresh_from_db()
    first.refresh_from_db()
    assert (second.status, second.duplicate_status) == ("declined", "merged")
    assert first.reference in second.decline_reason
    assert first.status == "received"
    told = Message.objects.get(
        reference=str(second.pk), recipient="another.gp@example.org", template_name__contains="declined"
    )
    assert told.personalisation["reason"] == second.decline_reason
    assert AuditEvent.objects.filter(action="referrals.referral.merged", object_id=str(second.pk)).exists()


def test_a_possible_duplicate_checked_as_a_different_person_stays_open(triager, workwell_site):
    _refer(workwell_site, nhs_number="9434765919")
    second = _refer(workwell_site, nhs_number="9434765919")
    client = triager()

    client.post(reverse("referrals:triage-referral", args=[second.pk]), {"action": "not_duplicate"})

    second.refresh_from_db()
    assert (second.status, second.duplicate_status) == ("received", "not_duplicate")
    again = client.post(reverse("referrals:triage-referral", args=[second.pk]), {"action": "merge"})
    assert again.status_code == 400
    assert "not flagged as a possible duplicate" in again.content.decode()


def test_seeing_the_triage_queue_is_audited_with_the_referrals_shown(triager, workwell_site):
    referral = _refer(workwell_site)
    client = triager()
    client.get(reverse("referrals:triage"))
    event = AuditEvent.objects.get(action="referrals.referral.triage_listed")
    assert event.data["referrals"] == [str(referral.pk)]
    assert event.actor_id == client.user.pk
