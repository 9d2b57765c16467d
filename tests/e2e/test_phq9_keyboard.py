"""A case manager on the phone records a whole PHQ-9 with the keyboard alone (Tab between questions, the
arrow keys and Space within one, Enter to save; no mouse), counting the key presses. The time it takes is
printed for docs/performance.md, never asserted: the test server and a shared machine set it, not the page."""

import time

from playwright.sync_api import expect

from fitforwork.accounts.models import Role, User
from fitforwork.assessments.models import QuestionnaireResponse
from fitforwork.referrals.services import referral_accept
from tests.e2e.conftest import code_from_secret
from tests.e2e.test_case_record import CASE_MANAGER, a_referral_to_the_case_managers_site
from tests.e2e.test_case_record_keyboard import Keyboard
from tests.e2e.test_referral_journeys import sign_in

# What the person on the phone says to each question: how many places down from "Not at all" (0 to 3);
# question 9 is "Not at all", so no red flag. The tenth is the difficulty question, not scored.
ANSWERS = [1, 2, 1, 0, 3, 1, 0, 2, 0, 1]


def test_a_case_manager_records_a_whole_phq9_with_the_keyboard_alone(browsing, demo_service):
    page = browsing.page
    manager = User.objects.get(email=CASE_MANAGER.email)
    case = referral_accept(referral=a_referral_to_the_case_managers_site(), actor=manager, case_manager=manager)
    sign_in(browsing, Role.CASE_MANAGER)
    page.get_by_label("Security code").fill(code_from_secret(page.get_by_test_id("totp-secret").inner_text()))
    page.get_by_role("button", name="Continue").click()
    browsing.goto(f"/cases/{case.pk}/assessment/questionnaires/")

    # From the questionnaires page, by keyboard: the link to record PHQ-9
    keys = Keyboard(page)
    started = time.monotonic()
    keys.tab_to(lambda e: e["tag"] == "A" and e["text"].startswith("Record PHQ-9"), "the link to record PHQ-9")
    keys.press("Enter")
    expect(page.get_by_role("heading", level=3, name="Record PHQ-9")).to_be_visible()
    browsing.check_accessibility()  # before the first Tab, so focus is where the page left it

    # Each question: Tab into its radios, then Space for the first answer or the down arrow to move to another
    to_the_form = keys.presses
    for number, places in enumerate(ANSWERS, start=1):
        if number == 2:
            in_form_from = keys.presses
        keys.tab_to(lambda e: e["type"] == "radio" and e["name"] != "mode", f"question {number}")
        if places == 0:
            keys.press("Space")
        for _ in range(places):
            keys.press("ArrowDown")
    keys.tab_to(lambda e: e["name"] == "mode", "how they are talking")
    keys.press("Space")  # Phone, the first choice
    keys.tab_to(lambda e: e["tag"] == "BUTTON", "the save button")
    keys.press("Enter")
    expect(page.get_by_text("PHQ-9 recorded")).to_be_visible()
    elapsed = time.monotonic() - started

    recorded = QuestionnaireResponse.objects.get(case=case, instrument_code="phq9")
    assert [recorded.answers[f"q{n}"] for n in range(1, 10)] == ANSWERS[:9]
    assert recorded.answers["difficulty"] == ANSWERS[9]
    assert recorded.score == sum(ANSWERS[:9])
    assert (recorded.mode, recorded.recorded_by) == ("phone", manager)
    assert recorded.flags == []
    expect(page.get_by_text(f"{sum(ANSWERS[:9])} out of 27")).to_be_visible()
    browsing.check_accessibility()
    # From the first question on, nothing is wasted: one Tab to each next question, the presses that choose
    # (Space for the first answer, one down arrow for each place after it), then Tab, Space for Phone, Tab, Enter.
    in_form = keys.presses - in_form_from
    choosing = sum(places or 1 for places in ANSWERS[1:])
    assert in_form == (len(ANSWERS) - 1) + choosing + 4, in_form
    print(
        f"\nPHQ-9 recorded with the keyboard alone: {keys.presses} key presses in all ({to_the_form} to open the"
        f" form, {in_form_from - to_the_form} to reach and answer question 1, {in_form} from question 2 to saved),"
        f" {elapsed:.1f} seconds from the questionnaires page to the saved score"
    )
