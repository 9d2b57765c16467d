"""A client answers PHQ-9 online with question 9 above 0 on a case that has no case manager: the team lead
finds the urgent task from their home page, opens the case, sees the banner with the site's safety protocol,
and closes the red flag saying what was done; the task is then done. axe checks every page."""

from playwright.sync_api import expect

from fitforwork.accounts.models import Role
from fitforwork.assessments import services
from fitforwork.assessments.models import RedFlag
from fitforwork.cases.models import Task
from tests.accounts.factories import UserFactory
from tests.assessments.safety_helpers import phq9
from tests.cases.conftest import open_case
from tests.e2e.test_assessment import sign_in
from tests.referrals.conftest import workwell_site  # noqa: F401  # shared fixture


def test_a_team_lead_sees_the_red_flag_task_and_closes_the_red_flag_with_what_was_done(
    browsing,
    workwell_site,  # noqa: F811
):
    page = browsing.page
    lead = UserFactory(role=Role.TEAM_LEAD, site=workwell_site, first_name="Priya", last_name="Shah")
    case = open_case(workwell_site, lead, case_manager=None)
    services.response_record(case=case, instrument_code="phq9", answers=phq9(item9=1), mode="client_online", actor=None)
    flag = RedFlag.objects.select_related("task").get(case=case)
    assert flag.task.assigned_to == lead

    # Given the team lead, signed in, on their home page
    sign_in(browsing, lead)
    browsing.goto("/home/")
    expect(page.get_by_role("heading", level=1, name="Team lead home")).to_be_visible()

    # When they follow the link to their red flag tasks
    page.get_by_role("link", name="red flag tasks").click()
    expect(page.get_by_role("cell", name=flag.task.title)).to_be_visible()
    browsing.check_accessibility()
    browsing.screenshot("red-flag-task-team-lead")

    # And open the case from the task
    name = f"{case.person.given_name} {case.person.family_name}"
    page.get_by_role("link", name=name, exact=True).click()

    # Then the case shows the banner with the site's safety protocol and the task
    banner = page.locator("[data-red-flag=yes]")
    expect(banner).to_be_visible()
    expect(banner).to_contain_text(case.site.safety_protocol_text.split(".")[0])
    expect(banner).to_contain_text("Priya Shah")
    expect(page.locator(".ffw-case-panel")).to_contain_text("Open")
    browsing.check_accessibility()

    # When they go to close it without saying what was done
    banner.get_by_role("link", name="Close the red flag when you have acted").click()
    page.get_by_role("button", name="Close red flag").click()
    expect(page.get_by_role("alert")).to_contain_text("Enter what was done")
    browsing.check_accessibility()

    # And then say what was done
    page.get_by_label("What was done").fill("Rang them within the hour; safety plan agreed; GP told with consent")
    page.get_by_role("button", name="Close red flag").click()

    # Then the flag is closed with what was done, kept in the history, and the task is done
    expect(page.get_by_text("Red flag closed")).to_be_visible()
    expect(page.locator("[data-red-flag=yes]")).to_have_count(0)
    expect(page.get_by_text("What was done: Rang them within the hour")).to_be_visible()
    browsing.check_accessibility()
    browsing.screenshot("red-flag-closed")
    flag.refresh_from_db()
    assert (flag.closed_by, flag.task.completed_by) == (lead, lead)
    assert not Task.objects.filter(pk=flag.task_id, completed_at__isnull=True).exists()
