"""A case manager on the phone records GAD-7 with the keyboard alone, then PHQ-9 with question 9 above 0 and
sees the red-flag banner with the site's safety protocol and the urgent task, with axe on every page."""

from playwright.sync_api import expect

from fitforwork.accounts.models import Role, User
from fitforwork.assessments.models import RedFlag
from fitforwork.referrals.services import referral_accept
from tests.e2e.conftest import code_from_secret
from tests.e2e.test_case_record import CASE_MANAGER, a_referral_to_the_case_managers_site
from tests.e2e.test_case_record_keyboard import Keyboard
from tests.e2e.test_referral_journeys import sign_in


def _answer_every_question_by_keyboard(keys, count, *, last=None):
    """Tab into each question's radios and press the down arrow once (the second answer, scoring 1);
    for the last question, press it `last` times instead."""
    for number in range(1, count + 1):
        keys.tab_to(lambda e: e["type"] == "radio" and e["name"] != "mode", f"question {number}")
        presses = last if (last is not None and number == count) else 1
        for _ in range(presses):
            keys.press("ArrowDown")


def test_a_case_manager_records_gad7_by_keyboard_and_phq9_raises_a_red_flag(browsing, demo_service):
    page = browsing.page
    manager = User.objects.get(email=CASE_MANAGER.email)
    case = referral_accept(referral=a_referral_to_the_case_managers_site(), actor=manager, case_manager=manager)

    # Given the case manager is signed in and opens the case's questionnaires
    sign_in(browsing, Role.CASE_MANAGER)
    page.get_by_label("Security code").fill(code_from_secret(page.get_by_test_id("totp-secret").inner_text()))
    page.get_by_role("button", name="Continue").click()
    browsing.goto(f"/cases/{case.pk}/assessment/questionnaires/")
    expect(page.get_by_role("heading", level=2, name="Questionnaires")).to_be_visible()

    # When they record GAD-7 with the keyboard alone
    expect(page.get_by_role("link", name="Record GAD-7 answers")).to_be_visible()
    browsing.goto(f"/cases/{case.pk}/assessment/questionnaires/gad7/")
    expect(page.get_by_role("heading", level=3, name="Record GAD-7")).to_be_visible()
    keys = Keyboard(page)
    _answer_every_question_by_keyboard(keys, 7)
    keys.tab_to(lambda e: e["name"] == "mode", "how they are talking")
    keys.press("Space")
    browsing.screenshot("questionnaire-record-gad7")
    keys.tab_to(lambda e: e["tag"] == "BUTTON", "the save button")
    keys.press("Enter")

    # Then the overview shows the score with its band
    expect(page.get_by_text("GAD-7 recorded")).to_be_visible()
    expect(page.get_by_text("7 out of 21")).to_be_visible()
    browsing.check_accessibility()
    assert keys.presses < 60, f"GAD-7 took {keys.presses} key presses"

    # When they record PHQ-9 with question 9 above 0
    page.get_by_role("link", name="Record PHQ-9 answers").click()
    keys = Keyboard(page)
    expect(page.get_by_role("heading", level=3, name="Record PHQ-9")).to_be_visible()
    _answer_every_question_by_keyboard(keys, 9)
    keys.tab_to(lambda e: e["name"] == "mode", "how they are talking")
    keys.press("Space")
    keys.tab_to(lambda e: e["tag"] == "BUTTON", "the save button")
    keys.press("Enter")

    # Then the same response shows the red flag, the site's safety protocol and the urgent task
    banner = page.locator("[data-red-flag=yes]")
    expect(banner).to_be_visible()
    expect(banner).to_contain_text(case.site.safety_protocol_text.split(".")[0])
    flag = RedFlag.objects.get(case=case)
    expect(banner).to_contain_text(flag.task.title)
    browsing.check_accessibility()
    browsing.screenshot("questionnaire-red-flag")

    # And they close it saying what was done
    page.get_by_label("What was done").fill("Called back; they are seeing their GP this afternoon")
    page.get_by_role("button", name="Close red flag").click()
    expect(page.get_by_text("Red flag closed")).to_be_visible()
    expect(page.locator("[data-red-flag=yes]")).to_have_count(0)
    browsing.check_accessibility()
    browsing.screenshot("questionnaires-overview")
