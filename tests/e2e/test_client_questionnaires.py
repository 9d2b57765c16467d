"""A client answers questionnaires from the link sent to them: on a phone, without JavaScript, and with a
PHQ-9 answer that shows where to get urgent help."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from fitforwork.accounts.models import Role, User
from fitforwork.assessments import link_services
from fitforwork.assessments.models import QuestionnaireLink, QuestionnaireResponse
from fitforwork.core.outbox.models import Message
from tests.accounts.factories import UserFactory
from tests.cases.conftest import open_case
from tests.e2e.conftest import Browsing
from tests.e2e.test_self_referral import BrowsingWithoutJavaScript
from tests.referrals.conftest import workwell_site  # noqa: F401  # shared fixture

PHONE = {"width": 375, "height": 740}


@pytest.fixture
def case(transactional_db, workwell_site):  # noqa: F811
    manager = UserFactory(role=Role.CASE_MANAGER, site=workwell_site)
    return open_case(workwell_site, manager, case_manager=manager)


def link_token(case, codes):
    link = link_services.link_send(
        case=case,
        instrument_codes=codes,
        channel="email",
        actor=case.case_manager,
        link_for=lambda token: f"http://testserver{reverse('questionnaire:start', args=[token])}",
    )
    message = Message.objects.get(reference=f"questionnaire-link:{link.pk}")
    return link, message.personalisation["link"].removeprefix("http://testserver")


@pytest.fixture
def on_a_phone(browser, live_server):
    context = browser.new_context(base_url=live_server.url, viewport=PHONE, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield Browsing(page, live_server.url)
    context.close()


@pytest.fixture
def without_javascript(browser, live_server):
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield BrowsingWithoutJavaScript(page, live_server.url)
    context.close()


def answer_questionnaire(browsing, *, choose=lambda name, radios: radios.first, shots=""):
    """Answer every page until check your answers, then send; each page checked with axe."""
    page = browsing.page
    for turn in range(30):
        heading = page.get_by_role("heading", level=1).inner_text()
        if heading == "Check your answers":
            break
        radios = page.locator("input[type=radio]")
        names = sorted({radios.nth(n).get_attribute("name") for n in range(radios.count())})
        for name in names:
            choose(name, page.locator(f"input[type=radio][name='{name}']")).check()
        if shots and turn == 0:
            browsing.screenshot(f"{shots}-question")
        page.get_by_role("button", name="Continue").click()
        browsing.check_accessibility()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your answers")
    if shots:
        browsing.screenshot(f"{shots}-check")
    page.get_by_role("button", name="Send answers").click()
    browsing.check_accessibility()


def complete_both(browsing, case, *, shots=""):
    link, path = link_token(case, ["phq9", "ompsq10"])
    page = browsing.page
    browsing.goto(path)
    expect(page.get_by_role("heading", level=1)).to_have_text("Answer your questionnaires")
    expect(page.get_by_text("PHQ-9")).to_be_visible()
    if shots:
        browsing.screenshot(f"{shots}-start")
    page.get_by_role("button", name="Start now").click()
    browsing.check_accessibility()
    answer_questionnaire(browsing, shots=shots)
    expect(page.locator(".nhsuk-caption-l")).to_contain_text("questionnaire 2 of 2")
    answer_questionnaire(browsing)
    expect(page.get_by_role("heading", level=1)).to_have_text("Your answers have been sent")
    if shots:
        browsing.screenshot(f"{shots}-done")
    link.refresh_from_db()
    assert link.used_at is not None
    assert {r.instrument_code for r in link.responses.filter(status=QuestionnaireResponse.Status.COMPLETED)} == {
        "phq9",
        "ompsq10",
    }
    # The link does not work again, and says nothing about whose it was.
    browsing.goto(path)
    expect(page.get_by_role("heading", level=1)).to_have_text("This link no longer works")
    assert case.person.family_name not in page.content()


def test_a_client_completes_phq9_and_ompsq10_on_a_phone(on_a_phone, case):
    complete_both(on_a_phone, case, shots="questionnaire")
    width = on_a_phone.page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], "the page scrolls sideways on a phone"


def test_a_client_completes_them_without_javascript(without_javascript, case):
    complete_both(without_javascript, case)


def test_a_phq9_self_harm_answer_shows_where_to_get_urgent_help(browsing, case):
    _, path = link_token(case, ["phq9"])
    page = browsing.page
    page.set_default_timeout(10_000)
    browsing.goto(path)
    page.get_by_role("button", name="Start now").click()
    answer_questionnaire(browsing, choose=lambda name, radios: radios.last if name == "q9" else radios.first)
    expect(page.get_by_role("heading", level=1)).to_have_text("Where to get help now if you need it")
    expect(page.get_by_role("heading", name="Call 999 in an emergency")).to_be_visible()
    expect(page.get_by_text("Samaritans on 116 123")).to_be_visible()
    expect(page.get_by_role("link", name="NHS 111")).to_be_visible()
    browsing.screenshot("questionnaire-urgent-help")
    assert QuestionnaireLink.objects.get().responses.get().flags
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your answers have been sent")


def test_a_case_manager_sends_a_link_and_is_told_when_a_contact_detail_is_missing(browsing, demo_service):
    from tests.e2e.test_mdt import DEMO, open_case_for, sign_in_first_time

    sign_in_first_time(browsing, Role.CASE_MANAGER)
    manager = User.objects.get(email=DEMO[Role.CASE_MANAGER].email)
    case = open_case_for(manager, given_name="Priya", family_name="Shah")
    case.person.phone = ""
    case.person.save()
    page = browsing.page
    browsing.goto(reverse("cases:questionnaire-link-send", args=[case.pk]))
    expect(page.get_by_role("heading", level=1)).to_have_text("Send questionnaires to answer online")
    page.get_by_label("Patient Health Questionnaire (PHQ-9)").check()
    page.get_by_label("Text message (no mobile number on record)").check()
    page.get_by_role("button", name="Send link").click()
    expect(page.get_by_role("alert")).to_contain_text("There is no mobile number on record")
    browsing.check_accessibility()
    browsing.screenshot("questionnaire-send-error")
    page.get_by_label("Email to").check()
    page.get_by_role("button", name="Send link").click()
    expect(page.get_by_text("Questionnaire link sent")).to_be_visible()
    browsing.check_accessibility()
    link = QuestionnaireLink.objects.get(case=case)
    assert link.instrument_codes == ["phq9"]
    assert Message.objects.get(reference=f"questionnaire-link:{link.pk}").recipient == case.person.email
