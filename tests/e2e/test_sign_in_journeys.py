"""Each demo role signs in (with two-factor where it applies), reaches its home page and signs out."""

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from fitforwork.accounts.models import STAFF_ROLES, Role
from fitforwork.demo.accounts import DEMO_PASSWORD, DEMO_USERS
from tests.conftest import next_token
from tests.e2e.conftest import code_from_secret

HOME_HEADINGS = {role.value: f"{role.label} home" for role in Role}


@pytest.mark.parametrize("demo_user", DEMO_USERS, ids=[user.role for user in DEMO_USERS])
def test_each_demo_role_signs_in_reaches_home_and_signs_out(browsing, demo_service, demo_user):
    page = browsing.page

    # Given the start page
    browsing.goto("/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Help to stay in or return to work")
    browsing.screenshot("start-page")

    # When they sign in with their email address and password
    page.get_by_role("button", name="Sign in").click()
    browsing.check_accessibility()
    page.get_by_label("Email address").fill(demo_user.email)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    browsing.screenshot("sign-in")
    page.get_by_role("button", name="Sign in").click()

    # And, for staff, set up two-factor authentication with the key shown on the page
    if demo_user.role in STAFF_ROLES:
        expect(page.get_by_role("heading", level=1)).to_have_text("Set up two-factor authentication")
        browsing.check_accessibility()
        browsing.screenshot("two-factor-set-up")
        secret = page.get_by_test_id("totp-secret").inner_text()
        page.get_by_label("Security code").fill(code_from_secret(secret))
        page.get_by_role("button", name="Continue").click()
        assert TOTPDevice.objects.filter(user__email=demo_user.email, confirmed=True).exists()

    # Then they land on their own role's home page
    expect(page.get_by_role("heading", level=1)).to_have_text(HOME_HEADINGS[demo_user.role])
    browsing.check_accessibility()
    browsing.screenshot(f"home-{demo_user.role.replace('_', '-')}")
    expect(page.get_by_role("navigation", name="Menu")).to_contain_text("Home")

    # And when they sign out they see that they have
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("You have signed out")
    browsing.check_accessibility()

    # And their home page needs signing in again
    browsing.goto(f"/home/{demo_user.role.replace('_', '-')}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")


def test_an_enrolled_staff_member_signs_in_with_a_code_next_time(browsing, demo_service):
    page = browsing.page
    case_manager = next(user for user in DEMO_USERS if user.role == Role.CASE_MANAGER)
    browsing.goto("/sign-in/")
    page.get_by_label("Email address").fill(case_manager.email)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    secret = page.get_by_test_id("totp-secret").inner_text()
    page.get_by_label("Security code").fill(code_from_secret(secret))
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("button", name="Sign out").click()

    browsing.goto("/sign-in/")
    page.get_by_label("Email address").fill(case_manager.email)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Enter your security code")
    browsing.check_accessibility()
    browsing.screenshot("two-factor-code")
    # The code used at enrolment cannot be used again, so use the next one, as a phone a few
    # seconds ahead would show (within the one-step tolerance).
    device = TOTPDevice.objects.get(user__email=case_manager.email)
    page.get_by_label("Security code").fill(next_token(device))
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Case manager home")


def test_wrong_password_shows_the_error_summary_and_the_accessibility_statement_is_public(browsing, demo_service):
    page = browsing.page
    browsing.goto("/sign-in/")
    page.get_by_label("Email address").fill("gp@demo.fitforwork.test")
    page.get_by_label("Password").fill("not the right password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_contain_text("Enter a correct email address and password")
    browsing.check_accessibility()
    browsing.screenshot("sign-in-error")
    page.get_by_role("link", name="Accessibility statement").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Accessibility statement")
    browsing.check_accessibility()
