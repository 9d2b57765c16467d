"""A team lead finds the cases past a due date, reallocates one with a reason and sets up cover for leave; the
case manager then sees their caseload and tasks. axe checks every page."""

from datetime import timedelta

from django.utils import timezone
from playwright.sync_api import expect

from fitforwork.accounts.models import Role, User
from fitforwork.cases.models import Case, CaseAllocation, Delegation, Task
from fitforwork.demo.areas import MAIN_SITE
from tests.e2e.conftest import code_from_secret
from tests.e2e.test_referral_journeys import DEMO, fill_date, sign_in, sign_out


def staff_sign_in(browsing, role):
    """Sign in as the demo's person in this role, setting up two-factor authentication as staff first must."""
    page = browsing.page
    sign_in(browsing, role)
    page.get_by_label("Security code").fill(code_from_secret(page.get_by_test_id("totp-secret").inner_text()))
    page.get_by_role("button", name="Continue").click()


def _late_case() -> Case:
    """An open case at the demo's main site with a task past its due date (the demo's dates vary by day)."""
    case = (
        Case.objects.filter(site__name=MAIN_SITE.name, case_manager__email=DEMO[Role.CASE_MANAGER].email)
        .exclude(status="discharged")
        .select_related("person")
        .order_by("opened_at", "id")
        .first()
    )
    assert case is not None
    Task.objects.filter(case=case, completed_at__isnull=True, cancelled_at__isnull=True).update(
        due_on=timezone.localdate() - timedelta(days=3)
    )
    return case


def test_a_team_lead_filters_by_breach_reallocates_a_case_and_sets_up_cover(browsing, demo_service):
    page = browsing.page
    late = _late_case()
    name = f"{late.person.given_name} {late.person.family_name}"
    colleague = User.objects.filter(role=Role.CASE_MANAGER, site=late.site).exclude(pk=late.case_manager_id).first()
    colleague_name = colleague.get_full_name()

    # Given a team lead looking at their team's cases and caseload sizes
    staff_sign_in(browsing, Role.TEAM_LEAD)
    browsing.goto("/cases/team/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Your team's cases")
    expect(page.get_by_role("heading", name="Caseload sizes")).to_be_visible()
    browsing.screenshot("work-lists-team")

    # When they show only cases with a task past its due date
    page.get_by_label("Only cases with a task past its due date").check()
    page.get_by_role("button", name="Show cases").click()
    browsing.check_accessibility()
    browsing.screenshot("work-lists-team-breach")
    row = page.get_by_role("row").filter(has_text=name)
    expect(row).to_contain_text("Past due date")

    # And reallocate that case, first forgetting the reason
    row.get_by_role("link", name="Reallocate").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Reallocate this case")
    browsing.check_accessibility()
    page.get_by_label(colleague_name).check()
    page.get_by_role("button", name="Reallocate case").click()
    expect(page.get_by_role("alert")).to_contain_text("Enter why you are reallocating this case")
    browsing.check_accessibility()
    browsing.screenshot("work-lists-reallocate-error")
    page.get_by_label("Why are you reallocating this case?").fill("Balancing caseloads while the team is busy")
    page.get_by_role("button", name="Reallocate case").click()

    # Then the case is with the colleague, with the reason recorded, and its open tasks moved too
    expect(page.get_by_role("heading", level=1)).to_have_text("Your team's cases")
    expect(page.get_by_text(f"reallocated to {colleague_name}")).to_be_visible()
    browsing.check_accessibility()
    late.refresh_from_db()
    assert late.case_manager == colleague
    assert CaseAllocation.objects.filter(case=late, to_user=colleague, reason__startswith="Balancing").exists()
    assert not Task.objects.filter(case=late, completed_at__isnull=True, cancelled_at__isnull=True).exclude(
        assigned_to=colleague
    )

    # When they set up cover for the colleague's leave
    page.get_by_role("link", name="Set up cover for someone who is away").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Cover for leave")
    browsing.check_accessibility()
    page.get_by_role("button", name="Set up cover").click()
    expect(page.get_by_role("alert")).to_contain_text("Select who is away")
    browsing.check_accessibility()
    page.get_by_label("Who is away?").select_option(label=colleague_name)
    page.get_by_label("Who will cover their cases?").select_option(
        label=User.objects.get(email=DEMO[Role.CASE_MANAGER].email).get_full_name()
    )
    today = timezone.localdate()
    fill_date(page, "starts_on", today)
    fill_date(page, "ends_on", today + timedelta(days=4))
    page.get_by_label("Why is cover needed?").fill("Annual leave")
    page.get_by_role("button", name="Set up cover").click()

    # Then the cover is listed, and the covering case manager has the colleague's cases until it ends
    expect(page.get_by_role("row").filter(has_text="Annual leave")).to_contain_text(colleague_name)
    browsing.check_accessibility()
    browsing.screenshot("work-lists-cover")
    assert Delegation.objects.filter(from_user=colleague, ends_on=today + timedelta(days=4)).exists()
    sign_out(browsing)

    staff_sign_in(browsing, Role.CASE_MANAGER)
    browsing.goto("/cases/caseload/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Your caseload")
    expect(page.get_by_role("row").filter(has_text=name)).to_contain_text(f"Covering for {colleague_name}")
    browsing.screenshot("work-lists-caseload")
    browsing.goto("/cases/tasks/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Your tasks")
    browsing.screenshot("work-lists-my-tasks")
    page.get_by_role("link", name="Past due date").click()
    browsing.check_accessibility()
