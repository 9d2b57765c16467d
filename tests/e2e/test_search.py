"""A case manager finds a case from the header's search box, by NHS number and by name, and opens it."""

from playwright.sync_api import expect

from fitforwork.accounts.models import Role, User
from fitforwork.cases.access import cases_visible_to
from fitforwork.demo.accounts import DEMO_USERS
from fitforwork.people.models import Person
from fitforwork.people.nhs_number import format_nhs_number
from tests.e2e.conftest import code_from_secret
from tests.e2e.test_referral_journeys import sign_in

CASE_MANAGER = next(user for user in DEMO_USERS if user.role == Role.CASE_MANAGER)


def header_search(browsing, text):
    page = browsing.page
    box = page.get_by_role("search").get_by_label("Search cases by name, NHS number")
    box.fill(text)
    box.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Search results")
    browsing.check_accessibility()


def test_a_case_manager_finds_a_case_by_nhs_number_from_the_header_and_opens_it(browsing, demo_service):
    page = browsing.page
    manager = User.objects.get(email=CASE_MANAGER.email)
    case = (
        cases_visible_to(manager)
        .exclude(person__nhs_number="")
        .exclude(status="discharged")
        .select_related("person", "referral")
        .first()
    )
    assert case is not None
    person = case.person
    # Someone else of the same name whose case they may see, to be told apart by date of birth and postcode
    namesake = cases_visible_to(manager).exclude(person=person).exclude(status="discharged").first()
    Person.objects.filter(pk=namesake.person_id).update(family_name=person.family_name, given_name=person.given_name)

    # Given the case manager has signed in with two-factor authentication
    sign_in(browsing, Role.CASE_MANAGER)
    secret = page.get_by_test_id("totp-secret").inner_text()
    page.get_by_label("Security code").fill(code_from_secret(secret))
    page.get_by_role("button", name="Continue").click()
    browsing.check_accessibility()

    # When they type the NHS number, with its spaces, into the search box in the header
    header_search(browsing, format_nhs_number(person.nhs_number))

    # Then the one case is listed with what tells the person apart, and opens from its name
    rows = page.locator("tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(case.referral.reference)
    expect(rows.first).to_contain_text(person.postcode)
    browsing.screenshot("search-nhs-number")
    rows.first.get_by_role("link", name=f"{person.given_name} {person.family_name}").click()
    expect(page).to_have_url(f"{browsing.base_url}/cases/{case.pk}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text(person.family_name)
    browsing.check_accessibility()

    # And searching by the name finds both people of that name, each with their date of birth and postcode
    header_search(browsing, f"{person.given_name} {person.family_name}")
    expect(page.locator("tbody tr")).to_have_count(2)
    browsing.screenshot("search-name")

    # And a search that finds nothing says so, with what to try
    header_search(browsing, "Zzyzx")
    expect(page.get_by_role("heading", name="No cases found")).to_be_visible()
    browsing.screenshot("search-nothing-found")
