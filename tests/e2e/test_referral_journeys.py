"""A GP, an employer and a work coach refer; the site's case manager accepts one and declines one; each referrer
sees the outcome on their referrals page."""

from datetime import date, timedelta

from playwright.sync_api import expect

from fitforwork.accounts.models import Role
from fitforwork.demo.accounts import DEMO_PASSWORD, DEMO_USERS
from fitforwork.referrals.models import Referral
from tests.e2e.conftest import code_from_secret

DEMO = {user.role: user for user in DEMO_USERS}
OFF_SICK_SINCE = date.today() - timedelta(weeks=5)


def sign_in(browsing, role):
    page = browsing.page
    browsing.goto("/sign-in/")
    page.get_by_label("Email address").fill(DEMO[role].email)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def sign_out(browsing):
    browsing.page.get_by_role("button", name="Sign out").click()
    expect(browsing.page.get_by_role("heading", level=1)).to_have_text("You have signed out")


def menu_link(browsing, name):
    browsing.page.get_by_role("navigation", name="Menu").get_by_role("link", name=name).click()
    browsing.check_accessibility()


def fill_date(page, field, value):
    page.locator(f"#id_{field}").fill(str(value.day))
    page.locator(f"#id_{field}_month").fill(str(value.month))
    page.locator(f"#id_{field}_year").fill(str(value.year))


def refer(browsing, *, given_name, family_name, employer=False, key=None, sent=True):
    """Fill in the referral form as a referrer would and send it; return the reference shown.

    `key` sends the form with that idempotency key, as a second copy of one form would; `sent=False` stops
    after sending, for a page other than "Referral sent".
    """
    page = browsing.page
    menu_link(browsing, "Refer someone")
    if key is not None:
        page.evaluate("key => { document.querySelector('input[name=idempotency_key]').value = key }", key)
    page.get_by_label("First name").fill(given_name)
    page.get_by_label("Last name").fill(family_name)
    fill_date(page, "date_of_birth", date(1979, 4, 12))
    page.get_by_label("Postcode").fill("LE2 1AB")
    page.get_by_label("Phone number").fill("07700 900456")
    page.get_by_label("Employed and off sick").check()
    fill_date(page, "absence_start", OFF_SICK_SINCE)
    page.get_by_label("Musculoskeletal", exact=True).check()
    page.get_by_label("Why are you referring them?").fill("Knee injury; struggling to return to a warehouse job.")
    if employer:
        page.get_by_label("The employee has given me written consent to refer them").check()
        fill_date(page, "written_consent_date", date.today() - timedelta(days=1))
    page.get_by_role("checkbox", name="agrees to be referred").check()
    page.get_by_role("button", name="Send referral").click()
    if not sent:
        return None
    expect(page.get_by_role("heading", level=1)).to_have_text("Referral sent")
    browsing.check_accessibility()
    reference = Referral.objects.get(person__given_name=given_name, person__family_name=family_name).reference
    expect(page.locator(".nhsuk-panel")).to_contain_text(reference)
    return reference


def test_referrers_refer_and_the_case_manager_accepts_one_and_declines_one(browsing, demo_service):
    page = browsing.page

    # Given a GP who refers a patient, and sees the form's errors first when they miss everything out
    sign_in(browsing, Role.GP)
    menu_link(browsing, "Refer someone")
    browsing.screenshot("referral-form-gp")
    page.get_by_role("button", name="Send referral").click()
    expect(page.get_by_role("alert")).to_contain_text("Enter the person's first name")
    browsing.check_accessibility()
    browsing.screenshot("referral-form-errors")
    page.get_by_role("alert").get_by_role("link", name="Enter the person's date of birth").click()
    expect(page.locator("#id_date_of_birth")).to_be_focused()
    gp_reference = refer(browsing, given_name="Gemma", family_name="Practiceton")
    browsing.screenshot("referral-sent")
    sign_out(browsing)

    # And an employer who refers an employee with their written consent
    sign_in(browsing, Role.EMPLOYER)
    employer_reference = refer(browsing, given_name="Evan", family_name="Warehouseman", employer=True)
    sign_out(browsing)

    # And a work coach who refers someone they support
    sign_in(browsing, Role.JOBCENTRE)
    coach_reference = refer(browsing, given_name="Jo", family_name="Coachfield")
    menu_link(browsing, "Your referrals")
    expect(page.get_by_role("row", name=coach_reference)).to_contain_text("Received")
    sign_out(browsing)

    # When the site's case manager sets up two-factor authentication and opens the triage queue
    sign_in(browsing, Role.CASE_MANAGER)
    secret = page.get_by_test_id("totp-secret").inner_text()
    page.get_by_label("Security code").fill(code_from_secret(secret))
    page.get_by_role("button", name="Continue").click()
    menu_link(browsing, "Referrals to triage")
    browsing.screenshot("triage-queue")
    for reference in (gp_reference, employer_reference, coach_reference):
        expect(page.get_by_role("row", name=reference)).to_contain_text("Due")

    # And accepts the GP's referral
    page.get_by_role("link", name="Gemma Practiceton").click()
    browsing.check_accessibility()
    browsing.screenshot("triage-referral")
    page.get_by_role("button", name="Accept and allocate to me").click()
    expect(page.get_by_role("alert", name="Success")).to_contain_text(f"Referral {gp_reference} accepted")
    browsing.check_accessibility()

    # And declines the employer's, first forgetting the reason
    page.get_by_role("link", name="Evan Warehouseman").click()
    browsing.check_accessibility()
    page.get_by_role("button", name="Decline referral").click()
    expect(page.get_by_role("alert")).to_contain_text("Enter a reason for declining the referral")
    browsing.check_accessibility()
    page.get_by_label("Reason for declining").fill("Already supported by the employer's occupational health team.")
    page.get_by_role("button", name="Decline referral").click()
    expect(page.get_by_role("alert", name="Success")).to_contain_text(f"Referral {employer_reference} declined")
    expect(page.get_by_role("link", name="Gemma Practiceton")).to_have_count(0)
    expect(page.get_by_role("link", name="Jo Coachfield")).to_have_count(1)
    sign_out(browsing)

    # Then each referrer sees the outcome on their referrals page
    sign_in(browsing, Role.GP)
    menu_link(browsing, "Your referrals")
    expect(page.get_by_role("row", name=gp_reference)).to_contain_text("Accepted")
    browsing.screenshot("your-referrals")
    page.get_by_role("link", name=gp_reference).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Gemma Practiceton")
    browsing.check_accessibility()
    sign_out(browsing)

    sign_in(browsing, Role.EMPLOYER)
    menu_link(browsing, "Your referrals")
    row = page.get_by_role("row", name=employer_reference)
    expect(row).to_contain_text("Declined")
    expect(row).to_contain_text("Already supported by the employer's occupational health team.")
    sign_out(browsing)

    sign_in(browsing, Role.JOBCENTRE)
    menu_link(browsing, "Your referrals")
    expect(page.get_by_role("row", name=coach_reference)).to_contain_text("Received")
    expect(page.get_by_role("row", name=gp_reference)).to_have_count(0)
