"""A case manager builds a return-to-work plan from the assessment with a snippet, is refused agreeing it
before recording the discussion, agrees it, changes it into version 2 and compares the two; at a GP-led site
a nurse records a fit note received, is refused one that breaks the 7-day rule, and issues one."""

import io
from datetime import date, timedelta

from playwright.sync_api import expect
from pypdf import PdfReader

from fitforwork.accounts.models import Role
from fitforwork.cases.models import CaseStatus
from fitforwork.cases.services import case_transition
from fitforwork.plans.models import FitNote, PlanVersion, RecommendationSnippet, StaffProfession
from tests.accounts.factories import UserFactory
from tests.cases.conftest import open_case
from tests.e2e.test_assessment import sign_in
from tests.plans.conftest import assess, gp_led_site  # noqa: F401  # shared fixture
from tests.referrals.conftest import workwell_site  # noqa: F401  # shared fixture


def fill_date(page, group: str, day: date) -> None:
    fieldset = page.get_by_role("group", name=group, exact=True)
    fieldset.get_by_label("Day").fill(str(day.day))
    fieldset.get_by_label("Month").fill(str(day.month))
    fieldset.get_by_label("Year").fill(str(day.year))


def test_case_manager_builds_agrees_changes_and_compares_a_plan(browsing, workwell_site):  # noqa: F811
    page = browsing.page
    manager = UserFactory(role=Role.CASE_MANAGER, site=workwell_site, first_name="Sam", last_name="Okafor")
    case = open_case(workwell_site, manager, case_manager=manager)
    case = case_transition(case=case, to=CaseStatus.CONTACTED, actor=manager)
    assess(case, manager)
    RecommendationSnippet.objects.create(
        obstacle_code="pain",
        kind="adjustment",
        adjustment="amended_duties",
        title="No heavy lifting",
        text="No lifting over 10 kg for the first four weeks; a colleague handles deliveries",
    )
    today = date.today()

    # Given the case manager on the case's Plan section
    sign_in(browsing, manager)
    browsing.goto(f"/cases/{case.pk}/")
    page.get_by_role("link", name="Plan", exact=True).click()
    browsing.check_accessibility()

    # When they start the plan from the assessment, its obstacles are there, grouped
    page.get_by_role("button", name="Start the plan from the assessment").click()
    expect(page.get_by_text("Plan started from the assessment")).to_be_visible()
    expect(page.locator(".nhsuk-card__heading", has_text="Physical demands of the job")).to_be_visible()
    browsing.check_accessibility()

    # And they use the snippet for pain, make it specific, and add it
    page.get_by_text("Suggested text for Pain").click()
    page.get_by_role("link", name="Use this text (No heavy lifting)").click()
    text = page.get_by_label("Recommendation", exact=True)
    expect(text).to_have_value("No lifting over 10 kg for the first four weeks; a colleague handles deliveries")
    text.fill("No lifting over 10 kg for the first four weeks; Jo in the warehouse handles deliveries")
    page.get_by_role("button", name="Add recommendation").click()
    expect(page.get_by_text("Recommendation added")).to_be_visible()
    expect(page.locator("#obstacle-" + str(PlanVersion.objects.get().obstacles.get(code="pain").pk))).to_contain_text(
        "Workplace adjustment: amended duties. No lifting over 10 kg for the first four weeks; Jo in the warehouse"
    )

    # And they fill in the period, the fitness statement and further help, but not the discussion
    fill_date(page, "Plan starts", today)
    fill_date(page, "Plan ends", today + timedelta(weeks=6))
    page.get_by_label("May be fit for work if the advice is followed").check()
    page.get_by_label("Further sources of help").fill("Access to Work; Citizens Advice Leicester")
    page.get_by_role("button", name="Save details").click()
    expect(page.get_by_text("Plan details saved")).to_be_visible()
    browsing.check_accessibility()
    browsing.screenshot("plan-editor")

    # Then agreeing it is refused until the discussion with the person is recorded
    page.get_by_role("link", name="Agree this version with the person").click()
    page.get_by_role("button", name="Agree the plan").click()
    expect(page.get_by_role("alert")).to_contain_text("Record how and when the plan was discussed with the person")
    browsing.check_accessibility()

    # When they record it was discussed by telephone today, and agree it
    page.get_by_role("link", name="Change how and when it was discussed").click()
    page.get_by_label("Telephone").check()
    fill_date(page, "Day it was discussed", today)
    page.get_by_role("button", name="Save details").click()
    page.get_by_role("link", name="Agree this version with the person").click()
    browsing.check_accessibility()
    browsing.screenshot("plan-agree")
    page.get_by_role("button", name="Agree the plan").click()

    # Then version 1 is agreed and the case has moved to "plan agreed"
    expect(page.get_by_text("Plan version 1 agreed")).to_be_visible()
    expect(page.locator("#plan-versions")).to_contain_text("Agreed")
    expect(page.locator(".ffw-case-panel")).to_contain_text("Plan agreed")
    browsing.check_accessibility()

    # When they change the plan, version 2 is a draft copied from it, and they add a week of phased return
    page.get_by_role("button", name="Change the plan (makes version 2)").click()
    expect(page.get_by_role("heading", name="Edit the plan: version 2 (draft)")).to_be_visible()
    page.get_by_label("Week", exact=True).fill("1")
    page.get_by_label("Hours that week (optional)").fill("16")
    page.get_by_label("Note (optional)").fill("Four mornings")
    page.get_by_role("button", name="Save the week").click()
    expect(page.get_by_text("Week 1 of the phased return saved")).to_be_visible()

    # Then comparing the two marks what changed
    browsing.goto(f"/cases/{case.pk}/plan/")
    page.get_by_role("link", name="Compare versions").click()
    comparison = page.locator("#comparison")
    expect(comparison).to_contain_text("Version 1 (agreed) beside version 2 (draft)")
    expect(comparison.locator("tr", has_text="Phased return, week by week")).to_contain_text("Changed Week 1, 16 hours")
    browsing.check_accessibility()
    browsing.screenshot("plan-compare")

    # And version 1 reads as an accessible document
    browsing.goto(f"/cases/{case.pk}/plan/1/")
    expect(page.get_by_role("heading", name="Obstacles and recommendations")).to_be_visible()
    expect(page.get_by_text("Alex Morgan: may be fit for work if the advice is followed.")).to_be_visible()
    browsing.screenshot("plan-document")
    assert PlanVersion.objects.get(number=1).status == PlanVersion.Status.AGREED

    # And the browser downloads the same version as a tagged PDF carrying the plan's words
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download as PDF").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".pdf")
    reader = PdfReader(io.BytesIO(download.path().read_bytes()))
    text = " ".join(" ".join(page.extract_text() for page in reader.pages).split())
    assert "Obstacles and recommendations" in text
    assert "Jo in the warehouse handles deliveries" in text
    assert "Four mornings" not in text  # version 2's phased return is not in version 1
    assert "/StructTreeRoot" in reader.trailer["/Root"]


def test_nurse_records_a_fit_note_and_is_refused_one_inside_the_first_7_days(browsing, gp_led_site):  # noqa: F811
    page = browsing.page
    nurse = UserFactory(role=Role.CASE_MANAGER, site=gp_led_site, first_name="Priya", last_name="Shah")
    StaffProfession.objects.create(user=nurse, profession="registered_nurse")
    case = open_case(gp_led_site, nurse, case_manager=nurse)
    today = date.today()

    # Given the nurse on the Plan section of a case at a GP-led site
    sign_in(browsing, nurse)
    browsing.goto(f"/cases/{case.pk}/plan/")

    # When they record the fit note the person's GP gave them
    page.get_by_role("link", name="Record a fit note the person received").click()
    browsing.check_accessibility()
    page.get_by_label("Condition", exact=True).fill("Low back pain")
    page.get_by_label("Not fit for work").check()
    fill_date(page, "From", today - timedelta(days=10))
    fill_date(page, "To", today + timedelta(days=4))
    fill_date(page, "Date of issue", today - timedelta(days=10))
    page.get_by_label("Issuer's name").fill("Dr Sam Okafor")
    page.get_by_label("Doctor").check()
    page.get_by_role("button", name="Record the fit note").click()

    # Then the case lists it with its period
    expect(page.get_by_text("Fit note recorded")).to_be_visible()
    expect(page.locator("#fit-notes")).to_contain_text("Dr Sam Okafor, doctor")
    browsing.check_accessibility()

    # When they issue one starting within the first 7 days of sickness
    page.get_by_role("link", name="Issue a fit note").click()
    fill_date(page, "First day of sickness", today - timedelta(days=3))
    page.get_by_label("Condition", exact=True).fill("Low back pain")
    page.get_by_label("May be fit for work taking account of the advice").check()
    page.get_by_label("Altered hours").check()
    fill_date(page, "From", today)
    fill_date(page, "To", today + timedelta(weeks=2))
    page.get_by_role("button", name="Issue the fit note").click()

    # Then it is refused with the rule in words
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("This fit note cannot be issued")
    expect(summary).to_contain_text("No fit note covers the first 7 days of sickness: the person self-certifies them")
    browsing.check_accessibility()
    browsing.screenshot("fit-note-refused")
    assert FitNote.objects.filter(source="issued").count() == 0

    # And with the right first day of sickness it is issued in the nurse's name
    fill_date(page, "First day of sickness", today - timedelta(days=21))
    page.get_by_role("button", name="Issue the fit note").click()
    expect(page.get_by_text("Fit note issued")).to_be_visible()
    expect(page.get_by_text("by Priya Shah, registered nurse")).to_be_visible()
    browsing.check_accessibility()
    assert FitNote.objects.get(source="issued").altered_hours
