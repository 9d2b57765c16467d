"""A plan is agreed and the person consents to share it with their employer, less the health obstacles, and to
the employer being told when they are back at work; the employer reads it (page and PDF), acknowledges it and
says what they did; the case manager sees their answers. Then the consent is withdrawn and the employer's next
request is refused."""

from datetime import date

from playwright.sync_api import expect

from fitforwork.accounts.models import Role
from tests.accounts.factories import PASSWORD, UserFactory
from tests.e2e.conftest import Browsing
from tests.e2e.test_assessment import sign_in
from tests.employers.conftest import HEALTH_TEXT, WORK_ADVICE, agreed_plan, employee_case
from tests.organisations.factories import OrganisationFactory
from tests.referrals.conftest import workwell_site  # noqa: F401  # shared fixture


def fill_date(page, group: str, day: date) -> None:
    fieldset = page.get_by_role("group", name=group, exact=True)
    fieldset.get_by_label("Day").fill(str(day.day))
    fieldset.get_by_label("Month").fill(str(day.month))
    fieldset.get_by_label("Year").fill(str(day.year))


def test_plan_shared_with_the_employer_less_a_section_read_and_actioned(
    browsing,
    browser,
    live_server,
    workwell_site,  # noqa: F811
):
    page = browsing.page
    manager = UserFactory(role=Role.CASE_MANAGER, site=workwell_site, first_name="Sam", last_name="Okafor")
    employer = OrganisationFactory(kind="employer", name="Fosse Way Logistics Ltd", email="hr@fosseway.example")
    hr = UserFactory(role=Role.EMPLOYER, organisation=employer, first_name="Gareth", last_name="Evans")
    case = employee_case(workwell_site, manager, employer)
    agreed_plan(case, manager)

    # Given the case manager on the case's Consent section, with version 1 agreed
    sign_in(browsing, manager)
    browsing.goto(f"/cases/{case.pk}/")
    page.get_by_role("link", name="Consent", exact=True).click()
    browsing.check_accessibility()

    # When they record consent without saying how, they are told
    page.get_by_label("Version 1").check()
    page.get_by_label("Fosse Way Logistics Ltd (their employer)").check()
    page.get_by_role("button", name="Record consent to share").click()
    expect(page.locator(".nhsuk-error-summary")).to_contain_text("Select how the person gave consent")
    browsing.check_accessibility()

    # And when they record it with the health obstacles left out, it is on the ledger
    page.get_by_label("Version 1").check()
    page.get_by_label("Fosse Way Logistics Ltd (their employer)").check()
    page.get_by_label("Health obstacles").check()
    page.get_by_role("group", name="How the person gave consent", exact=True).get_by_label("In writing").check()
    fill_date(page, "Date consent was given", date.today())
    page.get_by_role("button", name="Record consent to share").click()
    expect(page.get_by_text("Consent to share the plan recorded")).to_be_visible()
    expect(page.locator("#consent-ledger")).to_contain_text("health obstacles")
    browsing.check_accessibility()

    # And they record the person's consent to their employer being told when they are back at work
    page.get_by_role("button", name="Record consent to tell the employer").click()
    expect(page.locator(".nhsuk-error-summary")).to_contain_text(
        "Select how the person agreed to their employer being told"
    )
    browsing.check_accessibility()
    told = page.get_by_role("group", name="How the person agreed to their employer being told", exact=True)
    told.get_by_label("Spoken").check()
    fill_date(page, "Date they agreed", date.today())
    page.get_by_role("button", name="Record consent to tell the employer").click()
    expect(page.get_by_text("Consent to tell their employer about the return to work recorded")).to_be_visible()
    expect(page.locator("[data-return-notice]")).to_contain_text("as the person agreed")
    browsing.check_accessibility()
    browsing.screenshot("consent-section")

    # Then the employer signs in (in their own browser) and sees the plan, without the health obstacles
    staff_browsing = browsing
    context = browser.new_context(base_url=live_server.url, accept_downloads=True)
    browsing = Browsing(context.new_page(), live_server.url)
    page = browsing.page
    browsing.goto("/sign-in/")
    page.get_by_label("Email address").fill(hr.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    browsing.goto("/employer/")
    browsing.screenshot("employer-employees")
    page.get_by_role("link", name="Alex Morgan").click()
    browsing.check_accessibility()
    page.get_by_role("link", name="Plan version 1").click()
    browsing.check_accessibility()
    expect(page.locator("#plan")).to_contain_text(WORK_ADVICE)
    expect(page.locator("#plan")).not_to_contain_text(HEALTH_TEXT)
    browsing.screenshot("employer-plan")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download as PDF").click()
    assert download.value.suggested_filename.endswith("-v1.pdf")

    # And acknowledges it and says what they did, refused first without an answer
    page.get_by_role("button", name="I have read this plan").click()
    expect(page.get_by_text("You acknowledged this plan on")).to_be_visible()
    page.get_by_role("button", name="Send your answers").click()
    expect(page.locator(".nhsuk-error-summary")).to_contain_text("Select whether recommendation 1 was put in place")
    browsing.check_accessibility()
    page.get_by_role("group", name="Recommendation 1", exact=False).get_by_label("Partly").check()
    page.get_by_label("Note on recommendation 1 (optional)").fill("Lifting aid ordered, due next week")
    page.get_by_label("Yes, we accept the plan instead of a fit note").check()
    page.get_by_role("button", name="Send your answers").click()
    expect(page.get_by_text("your answers have been sent to the case manager")).to_be_visible()
    browsing.check_accessibility()
    context.close()

    # And the case manager sees the employer's answers on the case
    staff_browsing.goto(f"/cases/{case.pk}/consent/")
    page = staff_browsing.page
    expect(page.locator("[data-employer-response]")).to_contain_text("Lifting aid ordered, due next week")
    expect(page.locator("[data-employer-response]")).to_contain_text("Yes, instead of a fit note")
    staff_browsing.screenshot("consent-employer-answers")
