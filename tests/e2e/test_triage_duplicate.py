"""Triage makes first contact possible from the referral, and checks a possible duplicate side by side."""

from datetime import date, timedelta

from playwright.sync_api import expect

from fitforwork.accounts.models import Role, User
from fitforwork.referrals.intake import ReferralInput, referral_receive
from fitforwork.referrals.models import Referral
from tests.e2e.conftest import code_from_secret
from tests.e2e.test_case_record import CASE_MANAGER
from tests.e2e.test_referral_journeys import menu_link, sign_in


def _referral(site, phone):
    district = site.postcode_districts[0]
    data = ReferralInput(
        source="self",
        given_name="Dupont",
        family_name="Twiceover",
        date_of_birth=date(1979, 6, 1),
        postcode=f"{district} 2BB",
        reason="Knee pain; off work from a warehouse for two weeks.",
        help_wanted="Getting back to lifting at work",
        condition_category="musculoskeletal",
        employment_status="employed_off_sick",
        absence_start=date.today() - timedelta(weeks=2),
        consent_given=True,
        gp_practice=site.gp_practices.first(),
        phone=phone,
        employer_name="Fosse Park Storage",
    )
    return referral_receive(channel="self_form", payload={}, parse=lambda _: data)


def test_triage_shows_how_to_reach_them_and_decides_a_possible_duplicate(browsing, demo_service):
    page = browsing.page
    site = User.objects.get(email=CASE_MANAGER.email).site
    earlier = _referral(site, "07700 900301")
    later = _referral(site, "07700 900302")
    assert later.duplicate_status == "flagged"

    # Given the case manager opens the later referral in triage
    sign_in(browsing, Role.CASE_MANAGER)
    page.get_by_label("Security code").fill(code_from_secret(page.get_by_test_id("totp-secret").inner_text()))
    page.get_by_role("button", name="Continue").click()
    menu_link(browsing, "Referrals to triage")
    page.get_by_role("link", name="Dupont Twiceover").last.click()
    browsing.check_accessibility()

    # Then it shows how to contact them, their employer and what they want help with
    expect(page.get_by_text("07700 900302")).to_be_visible()
    expect(page.get_by_text("Fosse Park Storage")).to_be_visible()
    expect(page.get_by_text("Getting back to lifting at work")).to_be_visible()
    browsing.screenshot("triage-referral-contact")

    # When they compare it with the earlier referral
    page.get_by_role("link", name=f"Compare with referral {earlier.reference} and decide").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Is this the same person?")
    expect(page.get_by_role("row", name="Phone number")).to_contain_text("Different")
    expect(page.get_by_role("row", name="Date of birth")).to_contain_text("Same")
    browsing.check_accessibility()
    page.get_by_role("button", name="Save decision").click()
    expect(page.get_by_role("alert")).to_contain_text("Select whether this is the same person")
    browsing.check_accessibility()
    browsing.screenshot("triage-duplicate")

    # And decide it is the same person
    page.get_by_label("Same person", exact=True).check()
    page.get_by_role("button", name="Save decision").click()

    # Then the referral is on the earlier person record and still open for triage
    expect(page.get_by_role("alert", name="Success")).to_contain_text("now on the same record")
    expect(page.get_by_role("button", name="Accept without allocating")).to_be_visible()
    browsing.check_accessibility()
    later = Referral.objects.get(pk=later.pk)
    assert (later.person_id, later.duplicate_status, later.status) == (earlier.person_id, "same_person", "received")
