"""A case manager works a case from an accepted referral to discharge: contacts, stages, a task, the discharge."""

from datetime import date, timedelta

from playwright.sync_api import expect

from fitforwork.accounts.models import Role, User
from fitforwork.cases.models import Case
from fitforwork.demo.accounts import DEMO_USERS
from fitforwork.referrals.intake import ReferralInput, receive
from tests.e2e.conftest import code_from_secret
from tests.e2e.test_referral_journeys import fill_date, menu_link, sign_in

CASE_MANAGER = next(user for user in DEMO_USERS if user.role == Role.CASE_MANAGER)


def a_referral_to_the_case_managers_site():
    """A GP's referral waiting in the demo case manager's triage queue."""
    site = User.objects.get(email=CASE_MANAGER.email).site
    district = site.postcode_districts[0]
    data = ReferralInput(
        source="gp",
        given_name="Casey",
        family_name="Recordwell",
        date_of_birth=date(1984, 2, 9),
        postcode=f"{district} 1AA",
        reason="Shoulder pain after a fall; off work from a delivery job for four weeks.",
        condition_category="musculoskeletal",
        employment_status="employed_off_sick",
        absence_start=date.today() - timedelta(weeks=4),
        consent_given=True,
        gp_practice=site.gp_practices.first(),
        phone="07700 900777",
    )
    return receive(channel="gp_form", payload={}, parse=lambda _: data)


def record_contact(browsing, *, method, outcome):
    page = browsing.page
    page.get_by_role("link", name="Record a contact").click()
    browsing.check_accessibility()
    page.get_by_label(method).check()
    page.get_by_label(outcome).check()
    fill_date(page, "on", date.today())
    page.get_by_role("button", name="Save contact").click()
    expect(page.get_by_role("alert", name="Success")).to_contain_text("Contact recorded")
    browsing.check_accessibility()


def move_to(browsing, stage):
    page = browsing.page
    page.get_by_role("button", name=f"Move to {stage}").click()
    expect(page.get_by_role("alert", name="Success")).to_contain_text(f"Case moved to {stage}")
    browsing.check_accessibility()


def test_a_case_manager_works_a_case_from_accepted_referral_to_discharge(browsing, demo_service):
    page = browsing.page
    referral = a_referral_to_the_case_managers_site()

    # Given the case manager, signed in with two-factor authentication, accepts the referral in triage
    sign_in(browsing, Role.CASE_MANAGER)
    secret = page.get_by_test_id("totp-secret").inner_text()
    page.get_by_label("Security code").fill(code_from_secret(secret))
    page.get_by_role("button", name="Continue").click()
    menu_link(browsing, "Referrals to triage")
    page.get_by_role("link", name="Casey Recordwell").click()
    browsing.check_accessibility()
    page.get_by_role("button", name="Accept referral").click()
    expect(page.get_by_role("alert", name="Success")).to_contain_text(f"Referral {referral.reference} accepted")

    # When they open the case
    case = Case.objects.get(referral=referral)
    browsing.goto(f"/cases/{case.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Casey Recordwell")
    expect(page.locator(".nhsuk-tag").first).to_have_text("Referred")
    expect(page.get_by_role("cell", name="Make first contact", exact=True)).to_be_visible()
    browsing.screenshot("case-record-referred")

    # And record a call that did not reach them, then one that did
    record_contact(browsing, method="Phone call", outcome="Tried but did not reach them")
    expect(page.get_by_role("cell", name="Tried but did not reach them", exact=True)).to_be_visible()
    expect(page.locator(".nhsuk-tag").first).to_have_text("Referred")
    page.get_by_role("link", name="Record a contact").click()
    browsing.screenshot("case-record-contact")
    page.get_by_role("link", name="Back to the case").click()
    record_contact(browsing, method="Phone call", outcome="Spoke with the client")
    expect(page.locator(".nhsuk-tag").first).to_have_text("Contacted")
    expect(page.get_by_role("cell", name="Make first contact", exact=True)).to_have_count(0)

    # And move it through assessment, an agreed plan and active support, setting the risk on the way
    move_to(browsing, "assessed")
    page.get_by_label("Medium").check()
    page.get_by_role("button", name="Save risk").click()
    expect(page.get_by_role("alert", name="Success")).to_contain_text("Risk set to medium")
    move_to(browsing, "plan agreed")
    move_to(browsing, "active support")
    expect(page.locator(".nhsuk-tag").first).to_have_text("Active support")
    browsing.screenshot("case-record-active")

    # And complete the review that the stages booked
    page.get_by_role("button", name="Complete task: Review the case").click()
    expect(page.get_by_role("alert", name="Success")).to_contain_text("Task completed: Review the case")
    browsing.check_accessibility()

    # And discharge it, first forgetting the details
    page.get_by_role("link", name="Discharge the case").click()
    browsing.check_accessibility()
    page.get_by_role("button", name="Discharge").click()
    expect(page.get_by_role("alert")).to_contain_text("Select why the case is being discharged")
    browsing.check_accessibility()
    browsing.screenshot("case-record-discharge-errors")
    page.get_by_label("Returned to work").check()
    page.get_by_label("In work with adjustments or a phased return").check()
    back_on = date.today() - timedelta(days=1)
    fill_date(page, "return_to_work_date", back_on)
    page.get_by_role("button", name="Discharge").click()

    # Then the case is discharged, with its history, and can be reopened
    expect(page.get_by_role("alert", name="Success")).to_contain_text("Case discharged")
    expect(page.locator(".nhsuk-tag").first).to_have_text("Discharged")
    expect(page.get_by_text("Returned to work").first).to_be_visible()
    expect(page.get_by_role("link", name="Reopen the case")).to_be_visible()
    expect(page.get_by_role("cell", name="Active support to Discharged")).to_be_visible()
    browsing.check_accessibility()
    browsing.screenshot("case-record-discharged")
    case.refresh_from_db()
    assert (case.status, case.discharge_reason, case.return_to_work_date, case.furthest_stage) == (
        "discharged",
        "returned_to_work",
        back_on,
        "active_support",
    )
