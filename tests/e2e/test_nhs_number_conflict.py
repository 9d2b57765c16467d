"""A case manager checks a referral whose NHS number another person record holds, seeing both side by side."""

from datetime import date, timedelta

from playwright.sync_api import expect

from fitforwork.accounts.models import Role, User
from fitforwork.demo.accounts import DEMO_USERS
from fitforwork.people.models import Person
from fitforwork.referrals.intake import ReferralInput, referral_receive
from fitforwork.referrals.models import Referral
from tests.e2e.conftest import code_from_secret
from tests.e2e.test_referral_journeys import menu_link, sign_in

CASE_MANAGER = next(user for user in DEMO_USERS if user.role == Role.CASE_MANAGER)


def a_referral_with_someone_elses_nhs_number():
    """A GP's referral for Robin Sentwell, with the NHS number of someone already known to the service."""
    site = User.objects.get(email=CASE_MANAGER.email).site
    holder = Person.objects.exclude(nhs_number="").exclude(family_name="Sentwell").first()
    data = ReferralInput(
        source="gp",
        given_name="Robin",
        family_name="Sentwell",
        date_of_birth=date(1979, 3, 14),
        nhs_number=holder.nhs_number,
        postcode=f"{site.postcode_districts[0]} 1AA",
        reason="Neck pain; off work for two weeks.",
        condition_category="musculoskeletal",
        employment_status="employed_off_sick",
        absence_start=date.today() - timedelta(weeks=2),
        consent_given=True,
        gp_practice=site.gp_practices.first(),
        phone="07700 900778",
    )
    return referral_receive(channel="gp_form", payload={}, parse=lambda _: data), holder


def test_a_case_manager_sees_both_versions_and_attaches_the_referral_to_the_existing_record(browsing, demo_service):
    page = browsing.page
    referral, holder = a_referral_with_someone_elses_nhs_number()

    # Given the case manager opens the referral in triage
    sign_in(browsing, Role.CASE_MANAGER)
    page.get_by_label("Security code").fill(code_from_secret(page.get_by_test_id("totp-secret").inner_text()))
    page.get_by_role("button", name="Continue").click()
    menu_link(browsing, "Referrals to triage")
    page.get_by_role("link", name="Robin Sentwell").click()

    # Then they see the details sent beside the record that has the NHS number
    expect(page.get_by_text("Check whose NHS number this is")).to_be_visible()
    expect(page.get_by_role("cell", name="Robin Sentwell")).to_be_visible()
    expect(page.get_by_role("cell", name=f"{holder.given_name} {holder.family_name}")).to_be_visible()
    browsing.check_accessibility()
    browsing.screenshot("triage-nhs-number-conflict")

    # When they say it is the same person
    page.get_by_role("button", name="Same person: attach to the existing record").click()

    # Then the referral is on the existing record, and can be accepted
    expect(page.get_by_role("alert", name="Success")).to_contain_text("attached to the existing record")
    browsing.check_accessibility()
    assert Referral.objects.get(pk=referral.pk).person_id == holder.pk
    expect(page.get_by_role("button", name="Accept without allocating")).to_be_visible()
