"""Issue 16 end to end: a GP refers a warehouse worker; the plan is agreed and consented to the employer with the
health obstacles removed; the employer reads it (page and PDF, neither carrying the removed section), acknowledges
it and says what they did; the case manager sees the answers. A second version is shared and then withdrawn while
the employer is signed in: the employer's next request is refused and the notice still queued to them is
cancelled. At discharge the GP reads the discharge letter on their referral's page. axe checks every page."""

import io
from datetime import date

from playwright.sync_api import expect
from pypdf import PdfReader

from fitforwork.accounts.models import Role
from fitforwork.cases.letters import letter_make_later
from fitforwork.cases.models import Letter
from fitforwork.core.outbox.models import Message
from fitforwork.employers.services import share_reference
from fitforwork.plans import services as plan_services
from fitforwork.plans.models import PlanVersion
from tests.accounts.factories import PASSWORD, UserFactory
from tests.e2e.conftest import Browsing
from tests.e2e.test_assessment import sign_in
from tests.e2e.test_employer_portal import fill_date
from tests.employers.conftest import HEALTH_TEXT, WORK_ADVICE, agreed_plan, employee_case
from tests.organisations.factories import OrganisationFactory
from tests.plans.conftest import agreed_version
from tests.referrals.conftest import workwell_site  # noqa: F401  # shared fixture


def own_browser(browser, live_server) -> tuple[object, Browsing]:
    context = browser.new_context(base_url=live_server.url, accept_downloads=True)
    return context, Browsing(context.new_page(), live_server.url)


def sign_in_with_password(browsing: Browsing, user) -> None:
    page = browsing.page
    browsing.goto("/sign-in/")
    page.get_by_label("Email address").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def share_with_employer(browsing: Browsing, version: int, employer_name: str) -> None:
    page = browsing.page
    page.get_by_label(f"Version {version}", exact=True).check()
    page.get_by_label(f"{employer_name} (their employer)").check()
    page.get_by_label("Health obstacles").check()
    page.get_by_role("group", name="How the person gave consent", exact=True).get_by_label("In writing").check()
    fill_date(page, "Date consent was given", date.today())
    page.get_by_role("button", name="Record consent to share").click()
    expect(page.get_by_text("Consent to share the plan recorded")).to_be_visible()
    browsing.check_accessibility()


def test_gp_referral_to_a_plan_shared_actioned_withdrawn_and_a_discharge_letter(
    browsing,
    browser,
    live_server,
    workwell_site,  # noqa: F811
):
    staff = browsing
    manager = UserFactory(role=Role.CASE_MANAGER, site=workwell_site, first_name="Sam", last_name="Okafor")
    practice = workwell_site.practice
    gp = UserFactory(role=Role.GP, organisation=practice, first_name="Priya", last_name="Shah")
    employer = OrganisationFactory(kind="employer", name="Fosse Way Logistics Ltd", email="hr@fosseway.example")
    hr = UserFactory(role=Role.EMPLOYER, organisation=employer, first_name="Gareth", last_name="Evans")
    case = employee_case(
        workwell_site, manager, employer, source="gp", referrer_organisation=practice, written_consent_date=None
    )
    agreed_plan(case, manager)

    # Given the case manager records consent to share version 1 with the employer, less the health obstacles
    sign_in(staff, manager)
    staff.goto(f"/cases/{case.pk}/consent/")
    share_with_employer(staff, 1, employer.name)

    # Then the employer, in their own browser, reads the plan without the health obstacles, as a page and a PDF
    employer_context, employer_browsing = own_browser(browser, live_server)
    page = employer_browsing.page
    sign_in_with_password(employer_browsing, hr)
    employer_browsing.goto("/employer/")
    page.get_by_role("link", name="Alex Morgan").click()
    employer_browsing.check_accessibility()
    page.get_by_role("link", name="Plan version 1").click()
    employer_browsing.check_accessibility()
    expect(page.locator("#plan")).to_contain_text(WORK_ADVICE)
    expect(page.locator("main")).not_to_contain_text(HEALTH_TEXT)
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download as PDF").click()
    reader = PdfReader(io.BytesIO(download_info.value.path().read_bytes()))
    pdf_text = " ".join(" ".join(each.extract_text() for each in reader.pages).split())
    assert WORK_ADVICE in pdf_text
    assert HEALTH_TEXT not in pdf_text

    # And acknowledges it and says what was done
    page.get_by_role("button", name="I have read this plan").click()
    expect(page.get_by_text("You acknowledged this plan on")).to_be_visible()
    page.get_by_role("group", name="Recommendation 1", exact=False).get_by_label("Yes", exact=True).check()
    page.get_by_label("Note on recommendation 1 (optional)").fill("Lighter duties from Monday")
    page.get_by_label("Yes, we accept the plan instead of a fit note").check()
    page.get_by_role("button", name="Send your answers").click()
    expect(page.get_by_text("your answers have been sent to the case manager")).to_be_visible()
    employer_browsing.check_accessibility()

    # And the case manager sees the employer's answers on the case
    staff.goto(f"/cases/{case.pk}/consent/")
    expect(staff.page.locator("[data-employer-response]")).to_contain_text("Lighter duties from Monday")

    # When version 2 is agreed and shared, the employer opens it, and the notice of it is still queued
    first = PlanVersion.objects.get(plan__case=case, number=1)
    draft = plan_services.version_new_draft(version=first, actor=manager)
    agreed_version(draft, manager)
    staff.goto(f"/cases/{case.pk}/consent/")
    share_with_employer(staff, 2, employer.name)
    second = PlanVersion.objects.get(plan__case=case, number=2)
    notice = Message.objects.get(reference=share_reference(second.pk, employer.pk))
    assert notice.status == "queued"
    employer_browsing.goto("/employer/")
    page.get_by_role("link", name="Alex Morgan").click()
    page.get_by_role("link", name="Plan version 2").click()
    expect(page.locator("#plan")).to_contain_text(WORK_ADVICE)
    version_2_page = page.url

    # And the person withdraws that consent, which the case manager records while the employer is signed in
    staff.page.get_by_role(
        "link", name="Withdraw consent: Sharing a return-to-work plan, version 2 with Fosse Way Logistics Ltd"
    ).click()
    staff.check_accessibility()
    staff.page.get_by_label("Spoken").check()
    fill_date(staff.page, "Date consent was withdrawn", date.today())
    staff.page.get_by_role("button", name="Withdraw consent").click()
    expect(staff.page.locator("[data-consent-withdrawn]")).to_contain_text("Fosse Way Logistics Ltd")
    staff.check_accessibility()

    # Then the employer's very next request for it is refused, and the queued notice is cancelled with the reason
    response = page.goto(version_2_page)
    assert response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")
    employer_browsing.check_accessibility()
    notice.refresh_from_db()
    assert notice.status == "cancelled"
    assert "withdrawn" in notice.cancelled_reason
    employer_context.close()

    # When the case manager discharges the case
    staff.goto(f"/cases/{case.pk}/discharge/")
    staff.page.get_by_label("Stayed in work").check()
    staff.page.get_by_label("In work with adjustments or a phased return").check()
    staff.page.get_by_role("button", name="Discharge").click()
    expect(staff.page.get_by_role("alert", name="Success")).to_contain_text("Case discharged")
    for letter in Letter.objects.filter(case=case, kind=Letter.Kind.DISCHARGED):  # as the worker does after it
        letter_make_later.call(str(letter.pk))

    # Then the GP, who referred, reads the discharge letter on the referral's page
    gp_context, gp_browsing = own_browser(browser, live_server)
    sign_in_with_password(gp_browsing, gp)
    gp_browsing.goto(f"/referrals/{case.referral.pk}/")
    letters = gp_browsing.page.locator("[data-letters]")
    expect(letters).to_contain_text("Your patient has been discharged")
    gp_browsing.page.get_by_role("link", name="Your patient has been discharged", exact=True).click()
    expect(gp_browsing.page.get_by_role("heading", level=1)).to_have_text("Your patient has been discharged")
    gp_browsing.check_accessibility()
    expect(gp_browsing.page.locator("main")).not_to_contain_text(HEALTH_TEXT)
    gp_context.close()
