"""The data protection officer finds a person by NHS number and reads their subject access export."""

from playwright.sync_api import expect

from fitforwork.accounts.models import Role
from fitforwork.core.audit.models import AuditEvent
from fitforwork.dataprotection.selectors import EXPORTED_ACTION
from fitforwork.demo.accounts import DEMO_PASSWORD, DEMO_USERS
from fitforwork.people.models import Person
from tests.e2e.conftest import code_from_secret


def test_the_data_protection_officer_answers_a_subject_access_request(browsing, demo_service):
    page = browsing.page
    dpo = next(user for user in DEMO_USERS if user.role == Role.DATA_PROTECTION_OFFICER)
    person = Person.objects.exclude(nhs_number="").filter(cases__isnull=False).first()

    # Given the data protection officer has signed in with two-factor authentication
    browsing.goto("/sign-in/")
    page.get_by_label("Email address").fill(dpo.email)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    secret = page.get_by_test_id("totp-secret").inner_text()
    page.get_by_label("Security code").fill(code_from_secret(secret))
    page.get_by_role("button", name="Continue").click()

    # When they open Subject access requests and give an NHS number that is not 10 digits
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Subject access requests").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Subject access requests")
    browsing.check_accessibility()
    page.get_by_label("NHS number").fill("12345")
    page.get_by_role("button", name="Find person").click()

    # Then they are told what is wrong
    expect(page.get_by_role("alert")).to_contain_text("Enter the NHS number as 10 digits")
    browsing.check_accessibility()

    # And with the person's NHS number they see everything held, and who read it
    page.get_by_label("NHS number").fill(person.nhs_number)
    page.get_by_role("button", name="Find person").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Subject access request: {person.given_name} {person.family_name}"
    )
    expect(page.get_by_role("heading", name="Who read the record")).to_be_visible()
    expect(page.get_by_role("heading", name="Cases", exact=True)).to_be_visible()
    browsing.check_accessibility()
    browsing.screenshot("subject-access-request")
    assert AuditEvent.objects.filter(action=EXPORTED_ACTION, object_id=str(person.pk)).count() == 1
