"""An adviser logs an employer's call with a snippet and a follow-up and completes it; an employee's web chat is
answered from the workspace and turned into a referral that reaches triage; the team lead sees the dashboard;
outside opening hours the chat page says closed. axe checks every page."""

from datetime import date, time, timedelta

from playwright.sync_api import expect

from fitforwork.accounts.models import Role, User
from fitforwork.advice_line import dashboard
from fitforwork.advice_line.models import AdviceLine, Contact, OpeningHours, Snippet, Topic
from fitforwork.referrals.models import Referral
from tests.e2e.test_referral_journeys import DEMO, fill_date
from tests.e2e.test_team_lead import staff_sign_in


def _line() -> AdviceLine:
    """The demo's line, its web chat opened round the clock for the test, and one more snippet."""
    adviser = User.objects.get(email=DEMO[Role.ADVICE_ADVISER].email)
    line = AdviceLine.objects.get(team__members=adviser)
    OpeningHours.objects.filter(line=line).delete()
    for day in range(7):
        OpeningHours.objects.create(line=line, weekday=day, opens=time(0, 0), closes=time(23, 59, 59))
    Snippet.objects.create(
        topic=Topic.objects.get(name="Fit notes"),
        title="Fit notes and phased returns",
        text="A fit note can say the employee may be fit for work with adjustments such as shorter hours.",
        guidance_url="https://www.gov.uk/government/collections/fit-note",
    )
    return line


def test_an_adviser_logs_a_call_answers_a_chat_and_refers_the_employee(browsing, browser, live_server, demo_service):
    page = browsing.page
    line = _line()

    # Given the adviser signed in, on their workspace
    staff_sign_in(browsing, Role.ADVICE_ADVISER)
    expect(page.get_by_role("heading", level=1)).to_have_text("Advice line adviser home")
    browsing.check_accessibility()
    browsing.screenshot("advice-line-workspace")

    # When they log an employer's call, insert a snippet, edit it and promise a follow-up
    page.get_by_role("link", name="Log a contact").first.click()
    browsing.check_accessibility()
    page.get_by_label("Employer: owner").check()
    page.get_by_label("Organisation (optional)").fill("Corner Café")
    page.get_by_label("Small (10 to 49 employees)").check()
    page.get_by_label("Fit notes").check()
    page.get_by_label("Advice snippet").select_option(label="Fit notes: Fit notes and phased returns")
    page.get_by_role("button", name="Insert snippet").click()
    browsing.check_accessibility()
    advice = page.get_by_label("Advice given")
    expect(advice).to_have_value(
        "A fit note can say the employee may be fit for work with adjustments such as shorter hours.\n"
        "https://www.gov.uk/government/collections/fit-note"
    )
    advice.fill(advice.input_value() + "\nSuggested a phased return.")
    page.get_by_label("Follow-up promised (optional)").fill("Email the phased return guide")
    page.get_by_label("Due in how many working days?").fill("2")
    browsing.screenshot("advice-line-log-contact")
    page.get_by_role("button", name="Save contact", exact=True).last.click()
    expect(page.get_by_text("Contact logged")).to_be_visible()
    browsing.check_accessibility()
    browsing.screenshot("advice-line-contact")

    # Then the follow-up is theirs, and they complete it
    page.get_by_role("button", name="Mark as done").click()
    expect(page.get_by_text("Follow-up marked as done")).to_be_visible()
    browsing.check_accessibility()
    assert Contact.objects.get(organisation_name="Corner Café").follow_ups.get().done_at is not None

    # When an employee opens a web chat during opening hours
    public_context = browser.new_context(base_url=live_server.url)
    public = public_context.new_page()
    caller = type(browsing)(public, live_server.url)
    caller.goto("/advice-line-chat/")
    expect(public.get_by_role("heading", level=1)).to_have_text("Chat to an adviser")
    public.get_by_label("An employee").check()
    public.get_by_label("Your first name (optional)").fill("Priya")
    public.get_by_label("What would you like to ask?").fill("My back is bad and I am off work. Can you help?")
    public.get_by_role("button", name="Start chat").click()
    expect(public.get_by_text("Waiting for an adviser")).to_be_visible()
    caller.check_accessibility()

    # Then the adviser answers it from the workspace, and the reply reaches the caller's page
    browsing.goto("/advice-line/")
    page.get_by_role("row").filter(has_text="Priya").get_by_role("link").click()  # the only live chat
    browsing.check_accessibility()
    expect(page.locator("#transcript")).to_contain_text("My back is bad")
    page.get_by_label("Your message").fill("Yes. We can refer you to the service if you agree.")
    page.get_by_role("button", name="Send", exact=True).click()
    expect(public.locator("#transcript")).to_contain_text("We can refer you", timeout=30000)
    public.get_by_label("Your message").fill("Yes please")
    public.get_by_role("button", name="Send", exact=True).click()
    expect(page.locator("#transcript")).to_contain_text("Yes please", timeout=30000)
    browsing.screenshot("advice-line-chat")
    caller.screenshot("advice-line-public-chat")

    # When the adviser ends the chat and records the advice
    page.get_by_role("button", name="End the chat and record the advice").click()
    browsing.check_accessibility()
    page.get_by_label("Fit notes").check()
    page.get_by_label("Advice given").fill("Back pain, off work three weeks; agreed to a referral.")
    page.get_by_role("button", name="Save contact", exact=True).last.click()
    expect(page.get_by_text("Contact saved")).to_be_visible()

    # And turns the chat into a referral with the employee's consent
    page.get_by_role("button", name="Refer this employee").click()
    browsing.check_accessibility()
    page.get_by_label("Last name").fill("Shah")
    fill_date(page, "date_of_birth", date(1984, 2, 9))
    page.get_by_label("Postcode").fill(_covered_postcode(line))
    page.get_by_label("Phone number").fill("07700 900123")
    page.get_by_label("Employed and off sick").check()
    fill_date(page, "absence_start", date.today() - timedelta(weeks=3))
    page.get_by_label("Musculoskeletal").first.check()
    page.get_by_label("The person agrees to be referred and to us contacting them").check()
    page.get_by_role("button", name="Send referral").click()
    expect(page.get_by_text("sent to the service")).to_be_visible()
    browsing.check_accessibility()
    referral = Contact.objects.get(caller_name="Priya").referral
    assert referral.channel == "advice_line"
    assert referral.status == Referral.Status.RECEIVED  # in the triage queue
    expect(page.get_by_text(f"Referred as {referral.reference}")).to_be_visible()
    expect(page.get_by_text("Status: Received")).to_be_visible()

    # And outside opening hours the public page says closed
    OpeningHours.objects.filter(line=line).delete()
    caller.goto("/advice-line-chat/")
    expect(public.get_by_role("heading", level=1)).to_have_text("We are closed")
    caller.screenshot("advice-line-closed")
    public.get_by_role("button", name="Leave a message").click()
    caller.check_accessibility()
    public_context.close()

    # Then the team lead sees the contacts and the referral on the dashboard
    page.get_by_role("button", name="Sign out").click()
    staff_sign_in(browsing, Role.TEAM_LEAD)
    browsing.goto("/advice-line/dashboard/")
    figures = dashboard.summary(line)
    assert figures.referred >= 1
    expect(page.locator("#total-contacts")).to_have_text(str(figures.contacts))
    expect(page.locator("#referred")).to_contain_text(f"{figures.referred} ({figures.conversion_percent}%)")
    expect(page.locator("#follow-ups-overdue")).to_have_text(str(figures.follow_ups_overdue))
    expect(page.get_by_role("img", name="Contacts a week by channel")).to_be_visible()
    browsing.screenshot("advice-line-dashboard")


def _covered_postcode(line: AdviceLine) -> str:
    district = line.team.site.postcode_districts[0]
    return f"{district} 1AA"
