"""A member of the public refers themselves from the start page to a reference number, with and without JavaScript."""

from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from fitforwork.referrals.models import Referral
from fitforwork.referrals.self_referral.practices import gp_practices_near
from tests.e2e.conftest import Browsing


def _practice_near_le1_6tp():
    """The demo practice the GP page lists first for LE1 6TP: the same sector, else district, then by name."""
    return gp_practices_near("LE1 6TP")[0]


def _refer_themselves(browsing, *, shots=True):
    page = browsing.page
    practice = _practice_near_le1_6tp()

    def step(name):
        browsing.check_accessibility()
        if shots:
            browsing.screenshot(f"self-referral-{name}")

    def heading(text):
        expect(page.get_by_role("heading", level=1)).to_have_text(text)

    # Given the start page
    browsing.goto("/")
    page.get_by_role("button", name="Refer yourself").click()
    heading("Refer yourself for help to stay in or return to work")
    step("start")
    page.get_by_role("button", name="Start now").click()

    # When they answer each question, first getting one wrong
    heading("What is your postcode?")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("alert")).to_contain_text("Enter your postcode")
    step("error")
    page.get_by_label("Postcode").fill("TR1 3LJ")
    page.get_by_role("button", name="Continue").click()

    # The area check comes straight after the postcode, with where to look instead
    heading("We may not cover where you live")
    expect(page.get_by_role("link", name="Find work and health support near you")).to_be_visible()
    step("outside-area")
    page.get_by_role("link", name="Change your postcode").click()
    page.get_by_label("Postcode").fill("LE1 6TP")
    step("postcode")
    page.get_by_role("button", name="Continue").click()

    # The practices offered are those near the postcode, with a search for any other
    heading("Which GP practice are you registered with?")
    nearby = page.get_by_role("group", name="GP practices near your postcode")
    expect(nearby.get_by_role("radio").first).to_have_attribute("value", str(practice.pk))
    step("gp-practice")
    page.get_by_label("Search by the practice's name or postcode").fill(practice.name)
    page.get_by_role("button", name="Search").click()
    heading("Which GP practice are you registered with?")
    page.get_by_label(f"{practice.name}, {practice.postcode}").check()
    step("gp-practice-search")
    page.get_by_role("button", name="Continue").click()

    heading("What is your name?")
    page.get_by_label("First name").fill("Sam")
    page.get_by_label("Last name").fill("Okafor")
    step("name")
    page.get_by_role("button", name="Continue").click()

    heading("What is your date of birth?")
    page.get_by_label("Day").fill("17")
    page.get_by_label("Month").fill("5")
    page.get_by_label("Year").fill("1985")
    step("date-of-birth")
    page.get_by_role("button", name="Continue").click()

    heading("What is your NHS number?")
    step("nhs-number")
    page.get_by_role("button", name="Continue").click()

    heading("How should we contact you?")
    page.get_by_label("Email", exact=True).check()
    page.get_by_label("Email address").fill("sam.okafor@example.org")
    step("contact")
    page.get_by_role("button", name="Continue").click()

    heading("What is your work situation?")
    page.get_by_label("Employed and off sick").check()
    step("work")
    page.get_by_role("button", name="Continue").click()

    heading("About your time off sick")
    off = date.today() - timedelta(weeks=3)
    page.get_by_label("Day").fill(str(off.day))
    page.get_by_label("Month").fill(str(off.month))
    page.get_by_label("Year").fill(str(off.year))
    page.get_by_label("Employer name").fill("Soar Bakery Ltd")
    page.get_by_label("Small (10 to 49 employees)").check()
    step("off-sick")
    page.get_by_role("button", name="Continue").click()

    heading("Your health condition")
    page.get_by_label("A problem with muscles, bones or joints, like back pain").check()
    page.get_by_label("Tell us briefly about your condition").fill("Low back pain after lifting trays")
    step("condition")
    page.get_by_role("button", name="Continue").click()

    heading("What would you like help with?")
    page.get_by_label("What would you like help with?").fill("Getting back to work at the bakery")
    step("help")
    page.get_by_role("button", name="Continue").click()

    heading("How we use your information")
    expect(page.locator("main")).to_contain_text("How long we keep it")
    step("privacy")
    page.get_by_role("button", name="Continue").click()

    heading("Sharing your information")
    page.get_by_label("I agree to the service keeping my information").check()
    step("consent")
    page.get_by_role("button", name="Continue").click()

    # Then they check their answers, change one, and send
    heading("Check your answers before sending your referral")
    expect(page.locator(".nhsuk-summary-list")).to_contain_text("Soar Bakery Ltd")
    step("check-your-answers")
    page.get_by_role("link", name="Change first name").click()
    page.get_by_label("First name").fill("Samuel")
    page.get_by_role("button", name="Continue").click()
    heading("Check your answers before sending your referral")
    expect(page.locator(".nhsuk-summary-list")).to_contain_text("Samuel")
    page.get_by_role("button", name="Send referral").click()

    # And they see their reference number and what happens next
    expect(page.get_by_role("heading", level=1)).to_contain_text("Referral sent")
    step("confirmation")
    referral = Referral.objects.get(person__given_name="Samuel", person__family_name="Okafor")
    expect(page.get_by_test_id("reference")).to_have_text(referral.reference)
    expect(page.get_by_text("will contact you within 2 working days")).to_be_visible()
    expect(page.get_by_role("heading", name="How to contact us")).to_be_visible()
    assert (referral.channel, referral.source, referral.site.name) == ("self_form", "self", "WorkWell Leicester")
    assert referral.person.gp_practice == practice


def test_a_member_of_the_public_refers_themselves_and_gets_a_reference_number(browsing, demo_service):
    _refer_themselves(browsing)


class BrowsingWithoutJavaScript(Browsing):
    """axe is itself a script, so it cannot run here; the same pages are checked with JavaScript on above."""

    def check_accessibility(self):
        self.checked.append(self.page.url)


@pytest.fixture
def browsing_without_javascript(browser, live_server):
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield BrowsingWithoutJavaScript(page, live_server.url)
    context.close()


def test_refer_yourself_works_without_javascript(browsing_without_javascript, demo_service):
    _refer_themselves(browsing_without_javascript, shots=False)


def test_the_footer_pages_are_plain_and_accessible(browsing, transactional_db):
    page = browsing.page
    browsing.goto("/")
    for link, heading in [
        ("Privacy notice", "Privacy notice"),
        ("Cookies", "Cookies on Fit for Work"),
        ("Contact us", "Contact us"),
        ("Accessibility statement", "Accessibility statement for Fit for Work"),
    ]:
        page.get_by_role("contentinfo").get_by_role("link", name=link, exact=True).click()
        expect(page.get_by_role("heading", level=1)).to_have_text(heading)
        browsing.check_accessibility()
        browsing.screenshot(f"footer-{link.lower().replace(' ', '-')}")
