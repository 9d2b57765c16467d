"""A case manager works a case from an accepted referral to discharge: contacts, stages, a task, the discharge."""

from datetime import date, timedelta

from playwright.sync_api import expect

from fitforwork.accounts.models import Role, User
from fitforwork.cases.models import Case
from fitforwork.demo.accounts import DEMO_USERS
from fitforwork.referrals.intake import ReferralInput, referral_receive
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
    return referral_receive(channel="gp_form", payload={}, parse=lambda _: data)


def section(browsing, name):
    """Move to a section of the case record with its secondary navigation."""
    page = browsing.page
    page.get_by_role("navigation", name="Sections of the case record").get_by_role("link", name=name).click()
    expect(page.get_by_role("link", name=name, exact=True)).to_have_attribute("aria-current", "page")
    browsing.check_accessibility()


def record_contact(browsing, *, method, outcome):
    page = browsing.page
    section(browsing, "Contacts")
    page.get_by_role("link", name="Record a contact").click()
    expect(page.get_by_role("button", name="Save contact")).to_be_visible()
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
    page.get_by_role("button", name="Accept and allocate to me").click()
    expect(page.get_by_role("alert", name="Success")).to_contain_text(f"Referral {referral.reference} accepted")

    # When they open the case
    case = Case.objects.get(referral=referral)
    browsing.goto(f"/cases/{case.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Casey Recordwell")
    expect(page.locator(".nhsuk-tag").first).to_have_text("Referred")
    expect(page.locator(".ffw-case-panel")).to_contain_text("07700 900777")  # the summary panel: how to reach them
    browsing.screenshot("case-record-referred")
    section(browsing, "Tasks")
    expect(page.get_by_role("cell", name="Make first contact", exact=True)).to_be_visible()

    # And record a call that did not reach them, then one that did
    record_contact(browsing, method="Phone call", outcome="Tried but did not reach them")
    expect(page.get_by_role("cell", name="Tried but did not reach them", exact=True)).to_be_visible()
    expect(page.locator(".nhsuk-tag").first).to_have_text("Referred")
    page.get_by_role("link", name="Record a contact").click()
    browsing.screenshot("case-record-contact")
    page.get_by_role("link", name="Back to the case").click()
    record_contact(browsing, method="Phone call", outcome="Spoke with the client")
    expect(page.locator(".nhsuk-tag").first).to_have_text("Contacted")
    section(browsing, "Tasks")
    expect(page.get_by_role("cell", name="Make first contact", exact=True)).to_have_count(0)

    # And move it through assessment, an agreed plan and active support, setting the risk on the way
    section(browsing, "Summary")
    move_to(browsing, "assessed")
    page.get_by_label("Medium").check()
    page.get_by_role("button", name="Save risk").click()
    expect(page.get_by_role("alert", name="Success")).to_contain_text("Risk set to medium")
    move_to(browsing, "plan agreed")
    move_to(browsing, "active support")
    expect(page.locator(".nhsuk-tag").first).to_have_text("Active support")
    browsing.screenshot("case-record-active")

    # And add a task by hand, first leaving it empty
    section(browsing, "Tasks")
    page.get_by_role("link", name="Add a task").click()
    browsing.check_accessibility()
    page.get_by_role("button", name="Add task").click()
    expect(page.get_by_role("alert")).to_contain_text("Enter what the task is")
    browsing.check_accessibility()
    page.get_by_label("What needs doing?").fill("Call the employer about a phased return")
    fill_date(page, "due_on", date.today() + timedelta(days=7))
    page.get_by_label(CASE_MANAGER.first_name).check()
    page.get_by_role("button", name="Add task").click()
    expect(page.get_by_role("cell", name="Call the employer about a phased return", exact=True)).to_be_visible()

    # And complete the review that the stages booked
    page.get_by_role("button", name="Complete task: Review the case").click()
    expect(page.get_by_role("alert", name="Success")).to_contain_text("Task completed: Review the case")
    browsing.check_accessibility()

    # And discharge it, first forgetting the details
    section(browsing, "Summary")
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
    browsing.check_accessibility()
    browsing.screenshot("case-record-discharged")
    section(browsing, "History")
    expect(page.get_by_role("cell", name="Active support to Discharged")).to_be_visible()
    section(browsing, "Summary")
    page.get_by_role("link", name="Reopen the case").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Reopen the case")
    browsing.check_accessibility()
    case.refresh_from_db()
    assert (case.status, case.discharge_reason, case.return_to_work_date, case.furthest_stage) == (
        "discharged",
        "returned_to_work",
        back_on,
        "active_support",
    )


def test_a_practitioner_breaks_the_glass_and_the_team_lead_reviews_it(browsing, demo_service):
    page = browsing.page
    lead = next(user for user in DEMO_USERS if user.role == Role.TEAM_LEAD)
    physio = User.objects.get(email=next(user for user in DEMO_USERS if user.role == Role.PRACTITIONER).email)
    site = User.objects.get(email=lead.email).site
    case = Case.objects.filter(site=site).exclude(care_team__user=physio).select_related("person").first()
    name = f"{case.person.given_name} {case.person.family_name}"

    # Given a practitioner who is not in the case's care team opens it
    sign_in(browsing, Role.PRACTITIONER)
    page.get_by_label("Security code").fill(code_from_secret(page.get_by_test_id("totp-secret").inner_text()))
    page.get_by_role("button", name="Continue").click()
    browsing.goto(f"/cases/{case.pk}/")

    # When they are told they do not work on it, and first give no reason
    expect(page.get_by_role("heading", level=1)).to_have_text("You do not work on this case")
    expect(page.get_by_text(name)).to_have_count(0)
    browsing.screenshot("case-record-break-glass")
    page.get_by_role("button", name="Open the case for 4 hours").click()
    expect(page.get_by_role("alert")).to_contain_text("Enter why you need to see this case")
    browsing.check_accessibility()
    page.get_by_label("Why do you need to see this case?").fill("The client rang the physio line in distress.")
    page.get_by_role("button", name="Open the case for 4 hours").click()

    # Then the case opens for them, read only
    expect(page.get_by_role("heading", level=1)).to_have_text(name)
    expect(page.get_by_role("button", name="Save risk")).to_have_count(0)
    browsing.check_accessibility()
    page.get_by_role("button", name="Sign out").click()

    # And the team lead sees it waiting for review, and reviews it
    sign_in(browsing, Role.TEAM_LEAD)
    page.get_by_label("Security code").fill(code_from_secret(page.get_by_test_id("totp-secret").inner_text()))
    page.get_by_role("button", name="Continue").click()
    browsing.goto("/cases/break-glass/")
    expect(page.get_by_role("row", name="The client rang the physio line in distress.")).to_contain_text(name)
    browsing.screenshot("case-record-break-glass-reviews")
    page.get_by_role("row", name="The client rang the physio line in distress.").get_by_role("link").click()
    browsing.check_accessibility()
    page.get_by_label("Yes, it was appropriate").check()
    page.get_by_role("button", name="Save review").click()
    expect(page.get_by_role("alert", name="Success")).to_contain_text("Break-glass access reviewed")
    expect(page.get_by_text("There is no break-glass access waiting for review.")).to_be_visible()
    browsing.check_accessibility()
