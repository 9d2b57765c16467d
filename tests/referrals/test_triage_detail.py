"""Triage detail: how to reach the person, their employer and what they want help with, and the side-by-side
check of a possible duplicate with its decision."""

import pytest
from django.urls import reverse

from fitforwork.accounts.models import Role
from fitforwork.core.audit.models import AuditEvent
from fitforwork.referrals.intake import referral_receive
from fitforwork.referrals.models import Referral
from tests.accounts.factories import UserFactory
from tests.conftest import sign_in_with_two_factor
from tests.referrals.conftest import referral_input
from tests.referrals.test_self_referral import _answer_everything


def _refer(site, **overrides):
    return referral_receive(channel="gp_form", payload={}, parse=lambda _: referral_input(site, **overrides))


@pytest.fixture
def triager(client, workwell_site):
    user = UserFactory(role=Role.CASE_MANAGER, site=workwell_site, with_device=True)
    sign_in_with_two_factor(client, user)
    client.user = user
    return client


def test_a_self_referral_keeps_help_wanted_in_its_own_field_and_triage_shows_how_to_reach_them(client, workwell_site):
    _answer_everything(client, workwell_site)
    client.post(reverse("self_referral:check"))
    referral = Referral.objects.get()
    assert referral.help_wanted == "Getting back to my job at the bakery"
    assert "bakery" not in referral.reason

    staff = UserFactory(role=Role.CASE_MANAGER, site=workwell_site, with_device=True)
    sign_in_with_two_factor(client, staff)
    page = client.get(reverse("referrals:triage-referral", args=[referral.pk])).content.decode()
    assert "How to contact them" in page
    assert "sam.patel@example.org" in page
    assert "Soar Bakery Ltd" in page
    assert "Help wanted" in page
    assert "Getting back to my job at the bakery" in page


def test_triage_shows_the_phone_number_and_says_when_help_wanted_was_not_asked(triager, workwell_site):
    referral = _refer(workwell_site, phone="07700 900123", employer_name="Leicester Buses")

    page = triager.get(reverse("referrals:triage-referral", args=[referral.pk])).content.decode()

    assert "07700 900123" in page
    assert "Leicester Buses" in page
    assert "Not asked" in page


def _duplicate_pair(site):
    first = _refer(site, nhs_number="", phone="07700 900111")
    second = _refer(site, nhs_number="", phone="07700 900222")
    assert second.duplicate_status == "flagged"
    assert second.person_id != first.person_id  # matched by name, date of birth and postcode
    return first, second


def test_a_possible_duplicate_is_shown_beside_the_earlier_record_field_by_field(triager, workwell_site):
    first, second = _duplicate_pair(workwell_site)
    triage_page = triager.get(reverse("referrals:triage-referral", args=[second.pk])).content.decode()
    url = reverse("referrals:triage-duplicate", args=[second.pk])
    assert f'href="{url}"' in triage_page

    page = triager.get(url).content.decode()

    assert first.reference in page
    assert second.reference in page
    assert "07700 900111" in page
    assert "07700 900222" in page
    assert "Different" in page  # the phone numbers
    assert "Same" in page  # the names
    assert "Same person" in page
    assert "Not the same person" in page
    viewed = AuditEvent.objects.filter(action="referrals.referral.viewed", reason__startswith="duplicate check")
    assert set(viewed.values_list("object_id", flat=True)) == {str(first.pk), str(second.pk)}


def test_same_person_attaches_the_referral_to_the_earlier_person_record_and_is_audited(triager, workwell_site):
    first, second = _duplicate_pair(workwell_site)
    own_person = second.person_id

    response = triager.post(reverse("referrals:triage-duplicate", args=[second.pk]), {"decision": "same_person"})

    assert response.status_code == 302
    assert response["Location"] == reverse("referrals:triage-referral", args=[second.pk])
    second.refresh_from_db()
    assert second.person_id == first.person_id
    assert (second.status, second.duplicate_status) == ("received", "same_person")
    event = AuditEvent.objects.get(action="referrals.referral.same_person", object_id=str(second.pk))
    assert event.data == {"earlier": str(first.pk), "from_person": str(own_person), "to_person": str(first.person_id)}
    assert event.actor_id == triager.user.pk
    # Then triage can close it as a duplicate, or accept or decline it, as before.
    page = triager.get(response["Location"]).content.decode()
    assert "Same person: close as a duplicate" in page
    assert "Accept without allocating" in page
    triager.post(response["Location"], {"action": "merge"})
    second.refresh_from_db()
    assert (second.status, second.duplicate_status) == ("declined", "merged")


def test_not_the_same_person_keeps_the_referral_on_its_own_record(triager, workwell_site):
    first, second = _duplicate_pair(workwell_site)
    own_person = second.person_id

    triager.post(reverse("referrals:triage-duplicate", args=[second.pk]), {"decision": "not_same_person"})

    second.refresh_from_db()
    assert (second.person_id, second.duplicate_status) == (own_person, "not_duplicate")
    assert AuditEvent.objects.filter(action="referrals.referral.not_duplicate", object_id=str(second.pk)).exists()
    # Decided: the check is no longer offered.
    assert triager.get(reverse("referrals:triage-duplicate", args=[second.pk])).status_code == 404


def test_a_decision_must_be_chosen(triager, workwell_site):
    _, second = _duplicate_pair(workwell_site)

    response = triager.post(reverse("referrals:triage-duplicate", args=[second.pk]), {})

    assert response.status_code == 400
    assert "Select whether this is the same person" in response.content.decode()
    second.refresh_from_db()
    assert second.duplicate_status == "flagged"


def test_someone_from_another_site_cannot_decide(client, workwell_site):
    from tests.organisations.factories import SiteFactory

    _, second = _duplicate_pair(workwell_site)
    elsewhere = UserFactory(role=Role.CASE_MANAGER, site=SiteFactory(name="Elsewhere"), with_device=True)
    sign_in_with_two_factor(client, elsewhere)

    response = client.post(reverse("referrals:triage-duplicate", args=[second.pk]), {"decision": "same_person"})

    assert response.status_code in {403, 404}
    second.refresh_from_db()
    assert second.duplicate_status == "flagged"
