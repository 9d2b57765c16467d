"""An administrator adds a team member from the administration pages; the new member appears in the team,
gets an invitation through the outbox, sets a password and is asked to set up two-factor. axe checks every page."""

import json
import re

from playwright.sync_api import expect

from fitforwork.accounts.models import Role, User
from fitforwork.core.outbox.models import Message
from fitforwork.demo.areas import MAIN_SITE
from fitforwork.organisations.models import Site, Team
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
    expect(page.get_by_role("heading", level=1)).to_have_text("Teams")
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


def test_an_administrator_publishes_a_service_model_version_and_every_administration_page_passes_axe(
    browsing, demo_service
):
    page = browsing.page
    staff_sign_in(browsing, Role.ADMINISTRATOR)
    for path in [
        "/administration/staff/",
        "/administration/sites/",
        "/administration/sites/add/",
        "/administration/directory/?kind=gp_practice",
        "/administration/directory/add/",
        "/administration/interventions/",
        "/administration/interventions/add/",
    ]:
        browsing.goto(path)
    browsing.goto("/administration/sites/")
    page.get_by_role("link", name=MAIN_SITE.name).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Change {MAIN_SITE.name}")
    browsing.check_accessibility()
    browsing.screenshot("administration-site")

    # A new version of the main site's service model: a draft, checked, then published
    browsing.goto("/administration/service-models/")
    browsing.screenshot("administration-service-models")
    site = Site.objects.select_related("service_model").get(name=MAIN_SITE.name)
    model = site.service_model
    before = model.versions.count()
    page.get_by_role("link", name=model.name).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(model.name)
    browsing.check_accessibility()
    page.get_by_role("button", name="Make a new version").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"New version of {model.name}")
    browsing.check_accessibility()
    page.get_by_label("What changed and why").fill("Review every 6 weeks")
    rules = page.get_by_label("Rules (JSON)")
    config = json.loads(rules.input_value())
    config["time_standards"]["review_every_weeks"] = 0
    rules.fill(json.dumps(config, indent=2))
    page.get_by_role("button", name="Check the draft").click()
    expect(page.get_by_role("alert")).to_contain_text("review_every_weeks")
    browsing.check_accessibility()
    config["time_standards"]["review_every_weeks"] = 6
    page.get_by_label("Rules (JSON)").fill(json.dumps(config, indent=2))
    page.get_by_role("button", name="Check the draft").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"Check version {before + 1}")
    browsing.check_accessibility()
    browsing.screenshot("administration-service-model-check")
    page.get_by_role("button", name=f"Publish version {before + 1}").click()
    expect(page.get_by_text(f"Version {before + 1} of {model.name} is published")).to_be_visible()
    browsing.check_accessibility()
    assert model.versions.count() == before + 1
    assert model.current_version.config["time_standards"]["review_every_weeks"] == 6
