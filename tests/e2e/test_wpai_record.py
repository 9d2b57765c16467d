"""A case manager records WPAI-GH on a video call: number boxes for the hours, 0 to 10 scales as radios, the
work questions left empty for someone not in work; a missing number is named in the error summary. axe
checks every page."""

from playwright.sync_api import expect

from fitforwork.accounts.models import Role
from fitforwork.assessments.models import QuestionnaireResponse
from tests.accounts.factories import UserFactory
from tests.cases.conftest import open_case
from tests.e2e.test_assessment import sign_in
from tests.referrals.conftest import workwell_site  # noqa: F401  # shared fixture


def test_a_case_manager_records_wpai_with_hours_and_scales(browsing, workwell_site):  # noqa: F811
    page = browsing.page
    manager = UserFactory(role=Role.CASE_MANAGER, site=workwell_site, first_name="Sam", last_name="Okafor")
    case = open_case(workwell_site, manager, case_manager=manager)
    sign_in(browsing, manager)

    # Given the case manager on the assessment's questionnaires page
    browsing.goto(f"/cases/{case.pk}/assessment/")
    page.get_by_role("list", name="Pages of the assessment").get_by_role("link", name="Questionnaires").click()
    browsing.check_accessibility()

    # When they open WPAI-GH and say the person is employed, but leave the hours out
    page.get_by_role("link", name="Record WPAI-GH answers").click()
    browsing.check_accessibility()
    page.get_by_role("group", name="1. Are you currently employed").get_by_label("Yes").check()
    page.get_by_role("group", name="6. During the past seven days").get_by_label("3", exact=True).check()
    page.get_by_label("Video call").check()
    page.get_by_role("button", name="Save WPAI-GH").click()

    # Then the error summary names each missing answer
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("Enter a number for question 2")
    expect(summary).to_contain_text("Select an answer to question 5")
    browsing.check_accessibility()
    browsing.screenshot("questionnaire-record-wpai-error")

    # When they type the hours and choose the productivity effect
    page.get_by_label("2. During the past seven days, how many hours did you miss from work because of your").fill("4")
    page.get_by_label("3. During the past seven days, how many hours did you miss from work because of any").fill("2.5")
    page.get_by_label("4. During the past seven days, how many hours did you actually work?").fill("36")
    page.get_by_role("group", name="5. During the past seven days").get_by_label("5", exact=True).check()
    page.get_by_role("button", name="Save WPAI-GH").click()

    # Then the activity impairment is shown as a percentage, and the four percentages are kept
    expect(page.get_by_text("WPAI-GH recorded")).to_be_visible()
    expect(page.get_by_text("30% activity impairment")).to_be_visible()
    browsing.check_accessibility()
    recorded = QuestionnaireResponse.objects.get(case=case, instrument_code="wpai_gh")
    assert recorded.percentages["overall_work_impairment"] == "55.0"
    assert recorded.mode == "video"
