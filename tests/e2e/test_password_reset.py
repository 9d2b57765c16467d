"""A case manager who has forgotten their password sets a new one from the emailed link, then still needs two-factor."""

import re

from playwright.sync_api import expect

from fitforwork.accounts.models import Role
from fitforwork.core.outbox.models import Message
from fitforwork.demo.accounts import DEMO_USERS

NEW_PASSWORD = "a brand new passphrase 77"


def test_a_forgotten_password_is_reset_from_the_email_and_two_factor_is_still_asked_for(browsing, demo_service):
    page = browsing.page
    case_manager = next(user for user in DEMO_USERS if user.role == Role.CASE_MANAGER)

    # Given the sign-in page
    browsing.goto("/sign-in/")
    page.get_by_role("link", name="Forgotten your password?").click()

    # When they give their email address
    expect(page.get_by_role("heading", level=1)).to_have_text("Forgotten your password?")
    browsing.check_accessibility()
    page.get_by_label("Email address").fill(case_manager.email)
    browsing.screenshot("forgotten-password")
    page.get_by_role("button", name="Send the link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")
    browsing.check_accessibility()
    browsing.screenshot("forgotten-password-sent")

    # And follow the link in the email
    message = Message.objects.get(recipient=case_manager.email, template_name="password_reset")
    assert message.personalisation["link_works_for"] == "1 hour"
    browsing.goto(re.sub(r"^https?://[^/]+", "", message.personalisation["link"]))
    expect(page.get_by_role("heading", level=1)).to_have_text("Set a new password")
    assert "set-password" in page.url  # the token is not left in the address bar
    page.get_by_label("New password", exact=True).fill("short")
    page.get_by_label("Type the new password again").fill("short")
    page.get_by_role("button", name="Set new password").click()
    expect(page.get_by_role("alert")).to_contain_text("at least 12 characters")
    browsing.check_accessibility()
    page.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Type the new password again").fill(NEW_PASSWORD)
    browsing.screenshot("reset-password")
    page.get_by_role("button", name="Set new password").click()

    # Then they sign in with the new password and are still asked for two-factor authentication
    expect(page.get_by_text("Your password has been changed")).to_be_visible()
    browsing.check_accessibility()
    page.get_by_label("Email address").fill(case_manager.email)
    page.get_by_label("Password").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Set up two-factor authentication")

    # And the link does not work a second time
    browsing.goto(re.sub(r"^https?://[^/]+", "", message.personalisation["link"]))
    expect(page.get_by_role("heading", level=1)).to_have_text("This link no longer works")
