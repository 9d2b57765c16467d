"""A case manager records a client's biopsychosocial assessment, sees the pathway proposed from the recorded
PHQ-9 with its reasons, confirms it, and sees the decision in the case's Assessment section and its summary
panel (with the latest band as a tag)."""

from playwright.sync_api import expect

from fitforwork.accounts.models import Role
from fitforwork.assessments import services
from fitforwork.assessments.models import PathwayDecision
from tests.accounts.factories import PASSWORD, UserFactory
from tests.assessments.safety_helpers import phq9
from tests.cases.conftest import open_case
from tests.e2e.conftest import code_from_secret
from tests.referrals.conftest import workwell_site  # noqa: F401  # shared fixture


def sign_in(browsing, user):
    """Sign in with password, setting up two-factor authentication as staff must the first time."""
    page = browsing.page
    browsing.goto("/sign-in/")
    page.get_by_label("Email address").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    secret = page.get_by_test_id("totp-secret").inner_text()
    page.get_by_label("Security code").fill(code_from_secret(secret))
    page.get_by_role("button", name="Continue").click()


def test_case_manager_records_the_assessment_and_confirms_the_pathway(browsing, workwell_site):  # noqa: F811
    page = browsing.page
    manager = UserFactory(role=Role.CASE_MANAGER, site=workwell_site, first_name="Sam", last_name="Okafor")
    case = open_case(workwell_site, manager, case_manager=manager)
    # PHQ-9 recorded on the phone earlier: 2 to every question but the ninth (0), 16, moderately severe
    services.response_record(
        case=case, instrument_code="phq9", answers=phq9(item9=0, others=2), mode="phone", actor=manager
    )

    # Given the case manager, signed in, on the case's Assessment section
    sign_in(browsing, manager)
    browsing.goto(f"/cases/{case.pk}/")
    page.get_by_role("link", name="Assessment", exact=True).click()
    expect(page.get_by_text("The assessment has not been recorded yet.")).to_be_visible()
    browsing.check_accessibility()

    # When they record the assessment, but say it is finished without recording consent
    page.get_by_role("link", name="Record the assessment").click()
    browsing.check_accessibility()
    page.get_by_label("Musculoskeletal (muscles, bones or joints)").check()
    page.get_by_role("group", name="Health").get_by_label("Pain").check()
    page.get_by_role("group", name="Work").get_by_label("Physical demands of the job").check()
    page.get_by_role("group", name="Other: social, money, caring or housing").get_by_label("Caring for someone").check()
    page.get_by_label("Employed and off sick").check()
    page.get_by_label("Job title (optional)").fill("Bus driver")
    page.get_by_label("Has a fit note: not fit for work").check()
    page.get_by_label("Their own goals, in their words (optional)").fill("Back to driving by the spring")
    page.get_by_label("The assessment is finished").check()
    page.get_by_role("button", name="Save assessment").click()

    # Then they are told to record consent first
    expect(page.get_by_role("alert")).to_contain_text("Record their consent")
    browsing.check_accessibility()

    # And with consent recorded (by keyboard) the assessment is saved and the proposal shown with its reasons
    page.get_by_label("They have agreed to this assessment and to it being recorded").focus()
    page.keyboard.press("Space")
    page.get_by_role("button", name="Save assessment").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_text("Assessment saved")).to_be_visible()
    expect(page.get_by_text("Bus driver", exact=False)).to_be_visible()
    expect(page.locator("#proposal-reasons")).to_contain_text("PHQ-9 score 16 is 10 or more")
    browsing.check_accessibility()
    browsing.screenshot("assessment-proposal")

    # When they confirm the proposed pathway
    page.get_by_label("Yes, confirm it").check()
    page.get_by_role("button", name="Record the pathway").click()

    # Then the case shows the pathway, who confirmed it and the rules it came from
    expect(page.get_by_text("Pathway recorded: Case-managed support with fast access to treatment")).to_be_visible()
    decision = page.locator("#pathway-decision")
    expect(decision).to_contain_text("confirmed by Sam Okafor")
    expect(decision).to_contain_text("WorkWell")
    browsing.check_accessibility()
    browsing.screenshot("assessment-pathway-confirmed")
    assert PathwayDecision.objects.get(case=case).rules == case.rules

    # And the case's summary panel, on every section, shows the pathway and the latest band as a tag
    page.get_by_role("link", name="Summary", exact=True).click()
    panel = page.locator(".ffw-case-panel")
    expect(panel).to_contain_text("Case-managed support with fast access to treatment")
    expect(panel.locator(".nhsuk-tag", has_text="Moderately severe depression")).to_be_visible()
    browsing.check_accessibility()
    browsing.screenshot("case-summary-assessment-panel")
