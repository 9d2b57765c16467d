"""An administrator adds a team member from the administration pages; the new member appears in the team,
gets an invitation through the outbox, sets a password and is asked to set up two-factor. axe checks every page."""

import re

from playwright.sync_api import expect

from fitforwork.accounts.models import Role, User
from fitforwork.core.outbox.models import Message
from fitforwork.demo.areas import MAIN_SITE
from fitforwork.organisations.models import Team
from tests.e2e.test_referral_journeys import menu_link, sign_out
from tests.e2e.test_team_lead import staff_sign_in


def test_an_administrator_adds_a_team_member_who_then_sets_a_password(browsing, demo_service):
    page = browsing.page
    team = Team.objects.filter(site__name=MAIN_SITE.name, name="Multidisciplinary team").get()

    # Given an administrator at the administration pages
    staff_sign_in(browsing, Role.ADMINISTRATOR)
    menu_link(browsing, "Administration")
    expect(page.get_by_role("heading", level=1)).to_have_text("Administration")
    browsing.screenshot("administration-index")

    # When they open the team and add a member, first forgetting the details
    page.get_by_role("link", name="Teams").click()
    browsing.check_accessibility()
    page.get_by_role("row").filter(has_text=MAIN_SITE.name).get_by_role("link", name="Multidisciplinary team").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Multidisciplinary team")
    browsing.check_accessibility()
    page.get_by_role("button", name="Add a team member").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Add a team member")
    browsing.check_accessibility()
    expect(page.get_by_label("Team", exact=True)).to_have_value(str(team.pk))
    page.get_by_role("button", name="Add team member").click()
    expect(page.get_by_role("alert")).to_contain_text("Enter their first name")
    expect(page.get_by_role("alert")).to_contain_text("Select their role")
    browsing.check_accessibility()
    browsing.screenshot("administration-add-team-member-error")
    page.get_by_label("First name").fill("Priya")
    page.get_by_label("Last name").fill("Nair")
    page.get_by_label("Email address").fill("priya.nair@example.org")
    page.get_by_label("Job title (optional)").fill("Physiotherapist")
    page.get_by_label("Practitioner").check()
    browsing.screenshot("administration-add-team-member")
    page.get_by_role("button", name="Add team member").click()

    # Then the new member appears in the team, invited by email
    expect(page.get_by_role("heading", level=1)).to_have_text("Multidisciplinary team")
    expect(page.get_by_text("Priya Nair added to Multidisciplinary team")).to_be_visible()
    row = page.get_by_role("row").filter(has_text="Priya Nair")
    expect(row).to_contain_text("Practitioner")
    expect(row).to_contain_text("No password set yet")
    browsing.check_accessibility()
    browsing.screenshot("administration-team")
    member = User.objects.get(email="priya.nair@example.org")
    assert list(member.teams.all()) == [team]
    invitation = Message.objects.get(template_name="staff_invitation", recipient="priya.nair@example.org")
    sign_out(browsing)

    # And the new member sets a password from the email's link, then must set up two-factor at sign-in
    browsing.goto(re.sub(r"^https?://[^/]+", "", invitation.personalisation["set_password_link"]))
    expect(page.get_by_role("heading", level=1)).to_have_text("Set your password")
    browsing.screenshot("administration-set-password")
    page.get_by_label("Create a password").fill("a long new password 77")
    page.get_by_label("Enter the password again").fill("a long new password 77")
    page.get_by_role("button", name="Set password").click()
    expect(page.get_by_text("Your password is set")).to_be_visible()
    browsing.check_accessibility()
    page.get_by_label("Email address").fill("priya.nair@example.org")
    page.get_by_label("Password").fill("a long new password 77")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_test_id("totp-secret")).to_be_visible()
    browsing.check_accessibility()
