"""A case manager builds a case's care team, writes up an MDT discussion and refers the client on to
physiotherapy; the physiotherapist then signs in and sees that case and no other."""

from datetime import date, timedelta

from playwright.sync_api import expect

from fitforwork.accounts.models import Role, User
from fitforwork.cases.models import Case
from fitforwork.demo.accounts import DEMO_PASSWORD, DEMO_USERS
from fitforwork.demo.areas import MAIN_SITE
from fitforwork.interventions.services import intervention_presets_load
from fitforwork.organisations.models import Site
from fitforwork.referrals.intake import referral_receive
from fitforwork.referrals.services import referral_accept
from tests.e2e.conftest import code_from_secret
from tests.referrals.conftest import referral_input

DEMO = {user.role: user for user in DEMO_USERS}


def sign_in_first_time(browsing, role):
    """Sign in as a demo member of staff and set up two-factor authentication, as staff must the first time."""
    page = browsing.page
    browsing.goto("/sign-in/")
    page.get_by_label("Email address").fill(DEMO[role].email)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    secret = page.get_by_test_id("totp-secret").inner_text()
    page.get_by_label("Security code").fill(code_from_secret(secret))
    page.get_by_role("button", name="Continue").click()


def sign_out(browsing):
    browsing.page.get_by_role("button", name="Sign out").click()
    expect(browsing.page.get_by_role("heading", level=1)).to_have_text("You have signed out")


def open_case_for(case_manager: User, *, given_name: str, family_name: str) -> Case:
    """A referral to the demo's main site, accepted by its case manager: how a case starts."""
    site = Site.objects.get(name=MAIN_SITE.name)
    site.practice = site.gp_practices.order_by("ods_code").first()
    values = {
        "given_name": given_name,
        "family_name": family_name,
        "postcode": "LE2 1AB",
        "absence_start": date.today() - timedelta(weeks=5),
    }
    referral = referral_receive(channel="gp_form", payload={}, parse=lambda _: referral_input(site, **values))
    return referral_accept(referral=referral, actor=case_manager, case_manager=case_manager)


def fill_today(page, field):
    today = date.today()
    page.locator(f"#id_{field}").fill(str(today.day))
    page.locator(f"#id_{field}_month").fill(str(today.month))
    page.locator(f"#id_{field}_year").fill(str(today.year))


def test_case_manager_builds_the_mdt_and_the_physiotherapist_sees_only_that_case(browsing, demo_service):
    page = browsing.page
    manager = User.objects.get(email=DEMO[Role.CASE_MANAGER].email)
    intervention_presets_load(actor=None)
    case = open_case_for(manager, given_name="Priya", family_name="Backworth")
    other = open_case_for(manager, given_name="Owen", family_name="Elsewhere")

    # Given the case manager, signed in, on the case's care team page
    sign_in_first_time(browsing, Role.CASE_MANAGER)
    browsing.goto(f"/cases/{case.pk}/care-team/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Care team")
    expect(page.get_by_text("No one is in the care team yet")).to_be_visible()

    # When they add without choosing anyone, they are told what to do
    page.get_by_role("button", name="Add to the care team").click()
    expect(page.get_by_role("alert")).to_contain_text("Select who to add to the care team")
    browsing.check_accessibility()

    # And they add the physiotherapist, whose discipline the service already knows, so they do not give it
    page.get_by_label("Who to add").select_option(label="Mei Chen (Physiotherapist)")
    browsing.screenshot("mdt-care-team-add")
    page.get_by_role("button", name="Add to the care team").click()
    expect(page.get_by_role("alert", name="Success")).to_contain_text("Mei Chen added to the care team")
    expect(page.get_by_role("row", name="Mei Chen")).to_contain_text("Physiotherapist")
    browsing.check_accessibility()
    browsing.screenshot("mdt-care-team")

    # And they write up the MDT discussion
    browsing.goto(f"/cases/{case.pk}/mdt-notes/")
    fill_today(page, "discussed_on")
    page.get_by_label("Who took part").fill("Daniel Hughes (case manager), Mei Chen (physiotherapist)")
    page.get_by_label("What was discussed").fill("Low back pain limiting lifting; keen to return to the warehouse.")
    page.get_by_label("Actions agreed (optional)").fill("Refer to physiotherapy. Daniel to talk to the employer.")
    page.get_by_role("button", name="Add note").click()
    expect(page.get_by_role("alert", name="Success")).to_contain_text("MDT note added")
    expect(page.get_by_text("Low back pain limiting lifting")).to_be_visible()
    browsing.check_accessibility()
    browsing.screenshot("mdt-notes")

    # And they refer the client on to physiotherapy
    browsing.goto(f"/cases/{case.pk}/onward-referrals/")
    page.get_by_label("Musculoskeletal physiotherapy").check()
    browsing.screenshot("mdt-onward-referral-request")
    page.get_by_role("button", name="Request referral").click()
    expect(page.get_by_role("alert", name="Success")).to_contain_text(
        "Referral to Musculoskeletal physiotherapy requested"
    )
    expect(page.get_by_role("row", name="Musculoskeletal physiotherapy")).to_contain_text("Requested")
    browsing.check_accessibility()

    # And record that the provider accepted it, then that it started
    for step, label in (("Accepted", "Accepted by the provider"), ("Started", "Started")):
        page.get_by_role("link", name="Update the referral to Musculoskeletal physiotherapy").click()
        browsing.check_accessibility()
        if step == "Accepted":
            browsing.screenshot("mdt-onward-referral-update")
        page.get_by_label(label, exact=True).check()
        page.get_by_role("button", name="Save").click()
        expect(page.get_by_role("row", name="Musculoskeletal physiotherapy")).to_contain_text(step)
        browsing.check_accessibility()
    expect(page.get_by_text("The first intervention started on the day of referral")).to_be_visible()
    browsing.screenshot("mdt-onward-referrals")
    sign_out(browsing)

    # Then the physiotherapist signs in and sees the case they are part of
    sign_in_first_time(browsing, Role.PRACTITIONER)
    for part, heading in (("care-team", "Care team"), ("mdt-notes", "MDT discussion notes")):
        browsing.goto(f"/cases/{case.pk}/{part}/")
        expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    expect(page.get_by_text("Low back pain limiting lifting")).to_be_visible()
    browsing.goto(f"/cases/{case.pk}/onward-referrals/")
    expect(page.get_by_role("row", name="Musculoskeletal physiotherapy")).to_contain_text("Started")

    # But not another case of the same case manager
    browsing.goto(f"/cases/{other.pk}/care-team/")
    expect(page.get_by_role("heading", level=1)).not_to_have_text("Care team")
    expect(page.get_by_text("Owen Elsewhere")).to_have_count(0)
