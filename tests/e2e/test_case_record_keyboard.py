"""A case manager opens a case record, moves between its sections and records a contact with the keyboard
alone (Tab, typing, Space on a radio, Enter), with axe finding nothing on each section."""

from playwright.sync_api import expect

from fitforwork.accounts.models import Role, User
from fitforwork.cases.models import Contact
from fitforwork.referrals.services import referral_accept
from tests.e2e.conftest import code_from_secret
from tests.e2e.test_case_record import CASE_MANAGER, a_referral_to_the_case_managers_site
from tests.e2e.test_referral_journeys import sign_in

SECTIONS = ["Summary", "Contacts", "Tasks", "Team and interventions", "Letters", "History"]
MOST_TABS = 80  # far more than any page here needs; a page that needs more has lost its way


class Keyboard:
    """Presses keys, and counts them, the way someone without a mouse works the page."""

    def __init__(self, page):
        self.page = page
        self.presses = 0

    def press(self, key):
        self.page.keyboard.press(key)
        self.presses += 1

    def type(self, text):
        self.page.keyboard.type(text)
        self.presses += len(text)

    def focused(self):
        return self.page.evaluate(
            "() => { const e = document.activeElement;"
            " return {tag: e.tagName, text: (e.innerText || '').trim(), label: e.labels && e.labels[0]"
            " ? e.labels[0].innerText.trim() : '', name: e.name || '', type: e.type || ''}; }"
        )

    def tab_to(self, matches, what):
        """Tab forward until the focused element matches; fail if it is never reached."""
        for _ in range(MOST_TABS):
            self.press("Tab")
            if matches(self.focused()):
                return
        raise AssertionError(f"Tab never reached {what}")

    def tab_to_link(self, text):
        self.tab_to(lambda e: e["tag"] == "A" and e["text"] == text, f"the link {text!r}")

    def tab_to_field(self, name, *, label=None):
        self.tab_to(
            lambda e: e["name"] == name and (label is None or e["label"] == label),
            f"the field {name}" + (f" ({label})" if label else ""),
        )


def test_a_case_manager_moves_between_sections_and_records_a_contact_with_the_keyboard(browsing, demo_service):
    page = browsing.page
    manager = User.objects.get(email=CASE_MANAGER.email)
    case = referral_accept(referral=a_referral_to_the_case_managers_site(), actor=manager, case_manager=manager)

    # Given the case manager is signed in and opens the case record
    sign_in(browsing, Role.CASE_MANAGER)
    page.get_by_label("Security code").fill(code_from_secret(page.get_by_test_id("totp-secret").inner_text()))
    page.get_by_role("button", name="Continue").click()
    browsing.goto(f"/cases/{case.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Casey Recordwell")
    keys = Keyboard(page)

    # When they move through every section from the navigation, by keyboard
    for name in SECTIONS[1:]:
        keys.tab_to_link(name)
        keys.press("Enter")
        expect(page.get_by_role("heading", level=2, name=name)).to_be_visible()
        current = page.get_by_role("navigation", name="Sections of the case record").get_by_role("link", name=name)
        expect(current).to_have_attribute("aria-current", "page")
        browsing.check_accessibility()
        if name == "Team and interventions":
            browsing.screenshot("case-record-team")
        if name == "Letters":
            expect(page.locator("[data-letters]")).to_contain_text("Your patient has started with the service")
            browsing.screenshot("case-record-letters")
        if name == "History":
            browsing.screenshot("case-record-history")

    # And record a contact from the contacts section: a phone call, today and now, 12 minutes
    keys.tab_to_link("Contacts")
    keys.press("Enter")
    expect(page.get_by_role("heading", level=2, name="Contacts")).to_be_visible()
    keys.tab_to_link("Record a contact")
    keys.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Record a contact")
    browsing.check_accessibility()
    keys.tab_to_field("method", label="Phone call")
    keys.press("Space")
    keys.tab_to_field("outcome", label="Spoke with the client")
    keys.press("Space")
    keys.tab_to_field("duration_minutes")
    keys.type("12")
    keys.press("Tab")
    keys.type("Talked through a phased return")
    browsing.screenshot("case-record-contact")
    keys.tab_to(lambda e: e["tag"] == "BUTTON" and e["text"] == "Save contact", "the Save contact button")
    keys.press("Enter")

    # Then the contact is saved with today's date and the time now, and the case is contacted
    expect(page.get_by_role("alert", name="Success")).to_contain_text("Contact recorded: Phone call")
    expect(page.get_by_role("heading", level=2, name="Contacts")).to_be_visible()
    expect(page.get_by_role("cell", name="12 minutes")).to_be_visible()
    browsing.check_accessibility()
    contact = Contact.objects.get(case=case)
    assert (contact.method, contact.outcome, contact.duration_minutes) == ("phone", "made", 12)
    assert contact.note == "Talked through a phased return"
    case.refresh_from_db()
    assert case.status == "contacted"
    # With the date and time as the form offered them: today, within a few minutes of now
    assert abs((contact.recorded_at - contact.at).total_seconds()) < 300
    print(f"keys pressed to move through the sections and record the contact: {keys.presses}")
