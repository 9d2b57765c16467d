"""Outcomes: a case manager discharges a case and records the discharge outcome; a client answers the
3-month follow-up from the link sent to them, on a phone and without JavaScript. axe on every page."""

from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from fitforwork.accounts.models import Role, User
from fitforwork.cases import services as case_services
from fitforwork.cases.models import CaseStatus
from fitforwork.core.outbox.models import Message
from fitforwork.outcomes.due import outcomes_due
from fitforwork.outcomes.models import OutcomeRecord, OutcomeTimePoint
from tests.accounts.factories import UserFactory
from tests.cases.conftest import open_case
from tests.e2e.test_case_record import section
from tests.e2e.test_client_questionnaires import PHONE, answer_questionnaire
from tests.e2e.test_mdt import DEMO, open_case_for, sign_in_first_time
from tests.e2e.test_referral_journeys import fill_date
from tests.e2e.test_self_referral import BrowsingWithoutJavaScript
from tests.outcomes.conftest import assess, discharge
from tests.referrals.conftest import workwell_site  # noqa: F401  # shared fixture


def test_a_case_manager_records_a_discharge_outcome(browsing, demo_service):
    page = browsing.page
    sign_in_first_time(browsing, Role.CASE_MANAGER)
    manager = User.objects.get(email=DEMO[Role.CASE_MANAGER].email)
    case = open_case_for(manager, given_name="Olu", family_name="Outcomeson")
    for stage in (CaseStatus.CONTACTED, CaseStatus.ASSESSED):
        case = case_services.case_transition(case=case, to=stage, actor=manager)

    # Given the case manager discharges the case from its record
    browsing.goto(f"/cases/{case.pk}/discharge/")
    page.get_by_label("Stayed in work").check()
    page.get_by_label("In work with adjustments or a phased return").check()
    page.get_by_role("button", name="Discharge").click()
    expect(page.get_by_role("alert", name="Success")).to_contain_text("Case discharged")

    # When they open the Outcomes section, the schedule is there: baseline, discharge and two follow-ups
    section(browsing, "Outcomes")
    expect(page.get_by_role("heading", name="3-month follow-up")).to_be_visible()
    expect(page.get_by_role("heading", name="6-month follow-up")).to_be_visible()
    browsing.screenshot("outcomes-section")

    # And record the discharge outcome, first with a return date before the referral
    discharge_point = OutcomeTimePoint.objects.get(case=case, kind="discharge")
    page.locator(f"#time-point-{discharge_point.pk}").get_by_role("link", name="Record the outcome").click()
    browsing.check_accessibility()
    page.get_by_label("In work with adjustments or a phased return").check()
    fill_date(page, "return_to_work_date", date.today() - timedelta(days=400))
    page.get_by_label("Hours worked a week").fill("24")
    page.get_by_label("Phone call").check()
    page.get_by_role("button", name="Record the outcome").click()
    expect(page.get_by_role("alert")).to_contain_text("must be on or after the referral date")
    expect(page.get_by_label("Hours worked a week")).to_have_value("24")  # what they typed is kept
    browsing.check_accessibility()
    browsing.screenshot("outcomes-record-error")
    fill_date(page, "return_to_work_date", date.today())
    page.get_by_role("button", name="Record the outcome").click()

    # Then it is recorded, and the one made at discharge is kept beside it
    expect(page.get_by_role("alert", name="Success")).to_contain_text("Outcome recorded: discharge")
    expect(page.locator(f"#time-point-{discharge_point.pk}")).to_contain_text("24 hours a week")
    expect(page.locator(f"#time-point-{discharge_point.pk}")).to_contain_text("1 earlier record kept")
    browsing.check_accessibility()
    assert OutcomeRecord.objects.filter(time_point=discharge_point).count() == 2


@pytest.fixture
def follow_up_path(transactional_db, workwell_site):  # noqa: F811
    manager = UserFactory(role=Role.CASE_MANAGER, site=workwell_site)
    case = discharge(assess(open_case(workwell_site, manager, case_manager=manager), manager), manager)
    point = OutcomeTimePoint.objects.get(case=case, kind="follow_up", offset_months=3)
    outcomes_due(point.due_on)
    link = Message.objects.get(reference=f"outcome-follow-up:{point.pk}").personalisation["link"]
    return point, "/outcome/" + link.split("/outcome/", 1)[1]


def answer_follow_up(browsing, point, path, *, shots=False):
    page = browsing.page
    page.set_default_timeout(10_000)
    browsing.goto(path)
    expect(page.get_by_role("heading", level=1)).to_have_text("How are things with work?")
    page.get_by_label("Working, doing my usual job").check()
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("alert")).to_contain_text("Enter how many hours you work a week")
    browsing.check_accessibility()
    if shots:
        browsing.screenshot("outcomes-client-error")
    page.get_by_label("If you are working, how many hours a week do you work?").fill("30")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Answer your questionnaires")
    browsing.check_accessibility()
    page.get_by_role("button", name="Start now").click()
    browsing.check_accessibility()
    answer_questionnaire(browsing)
    expect(page.get_by_role("heading", level=1)).to_have_text("Your answers have been sent")
    record = OutcomeRecord.objects.get(time_point=point)
    assert (record.work_status, record.mode, str(record.hours_per_week)) == ("in_work_usual", "client_online", "30.0")
    browsing.goto(path)
    expect(page.get_by_role("heading", level=1)).to_have_text("This link no longer works")


def test_a_client_answers_the_3_month_follow_up_on_a_phone(browser, live_server, follow_up_path):
    from tests.e2e.conftest import Browsing

    context = browser.new_context(base_url=live_server.url, viewport=PHONE, is_mobile=True, has_touch=True)
    phone = Browsing(context.new_page(), live_server.url)
    try:
        answer_follow_up(phone, *follow_up_path, shots=True)
        assert phone.page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    finally:
        context.close()


def test_a_client_answers_the_follow_up_without_javascript(browser, live_server, follow_up_path):
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    try:
        answer_follow_up(BrowsingWithoutJavaScript(context.new_page(), live_server.url), *follow_up_path)
    finally:
        context.close()
