"""A GP system's plain FHIR referral reaches the triage page with what it did not give listed, accessibly."""

from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from fitforwork.accounts.models import Role
from fitforwork.api.fhir import parsing
from fitforwork.referrals.intake import referral_receive
from fitforwork.referrals.services import referral_withdraw
from tests.accounts.factories import PASSWORD, UserFactory
from tests.api.test_fhir_client import uk_core_request
from tests.conftest import current_token
from tests.referrals.conftest import workwell_site  # noqa: F401 (a fixture)


def test_the_triage_page_lists_what_a_plain_fhir_referral_did_not_give(browsing, workwell_site):  # noqa: F811
    # Given a referral from a GP system with none of our extensions
    referral = referral_receive(
        channel="fhir",
        payload=uk_core_request(),
        parse=lambda payload: parsing.parse_service_request(payload, organisation=workwell_site.practice),
    )
    user = UserFactory(role=Role.CASE_MANAGER, site=workwell_site, with_device=True)

    # When the site's case manager signs in and opens it
    page = browsing.page
    browsing.goto("/sign-in/")
    page.get_by_label("Email address").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_label("Security code").fill(current_token(TOTPDevice.objects.get(user=user)))
    page.get_by_role("button", name="Continue").click()
    browsing.goto(reverse("referrals:triage-referral", args=[referral.pk]))

    # Then the page says what to ask the person
    expect(page.get_by_role("heading", name="Not given by the referrer")).to_be_visible()
    for words in ("Work situation", "Main health condition", "Agreement to be referred"):
        expect(page.locator("#not-given ~ dl").first).to_contain_text(words)


def test_the_triage_page_says_the_referrer_withdrew_the_referral(browsing, workwell_site):  # noqa: F811
    # Given a GP system's referral that the GP system then withdrew
    referral = referral_receive(
        channel="fhir",
        payload=uk_core_request(),
        parse=lambda payload: parsing.parse_service_request(payload, organisation=workwell_site.practice),
    )
    referral_withdraw(referral=referral, organisation=workwell_site.practice, by="Limes EMIS")
    user = UserFactory(role=Role.CASE_MANAGER, site=workwell_site, with_device=True)

    # When the site's case manager signs in and opens it (each page checked with axe)
    page = browsing.page
    browsing.goto("/sign-in/")
    page.get_by_label("Email address").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_label("Security code").fill(current_token(TOTPDevice.objects.get(user=user)))
    page.get_by_role("button", name="Continue").click()
    browsing.goto(reverse("referrals:triage-referral", args=[referral.pk]))

    # Then it is shown as withdrawn, with nothing left to decide
    expect(page.get_by_text("Withdrawn by the referrer")).to_be_visible()
    expect(page.get_by_text("The referrer withdrew this referral")).to_be_visible()
    expect(page.get_by_role("button", name="Accept")).to_have_count(0)
