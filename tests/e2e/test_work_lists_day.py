"""A day's work from the home pages: a case manager makes a first contact due today, completes a task from the
list and spots a neglected case; a team lead allocates an unallocated case; a GP sees their referrals. axe
checks every page."""

from datetime import timedelta

from django.utils import timezone
from playwright.sync_api import expect

from fitforwork.accounts.models import Role, User
from fitforwork.cases.models import Case, CaseAllocation, Contact, Task
from fitforwork.demo.areas import MAIN_SITE
from fitforwork.referrals.models import Referral
from tests.e2e.test_referral_journeys import DEMO, sign_in, sign_out
from tests.e2e.test_team_lead import staff_sign_in


def _open_cases(email):
    return (
        Case.objects.filter(site__name=MAIN_SITE.name, case_manager__email=email)
        .exclude(status="discharged")
        .select_related("person")
        .order_by("opened_at", "id")
    )


def _name(case):
    return f"{case.person.given_name} {case.person.family_name}"


def _a_day_for_the_case_manager():
    """Of the demo case manager's open cases: one whose first contact is due today, one neglected for weeks."""
    today = timezone.localdate()
    due, neglected = list(_open_cases(DEMO[Role.CASE_MANAGER].email)[:2])
    Task.objects.filter(case__in=[due, neglected], completed_at__isnull=True).update(due_on=today + timedelta(days=30))
    manager = User.objects.get(email=DEMO[Role.CASE_MANAGER].email)
    first_contact = Task.objects.filter(case=due, kind="first_contact").first()
    if first_contact is None or not first_contact.is_open:
        first_contact = Task.objects.create(
            case=due, kind="first_contact", title="Make first contact", due_on=today, assigned_to=manager
        )
    Task.objects.filter(pk=first_contact.pk).update(due_on=today, assigned_to=manager)
    long_ago = timezone.now() - timedelta(weeks=9)
    Case.objects.filter(pk=neglected.pk).update(opened_at=long_ago - timedelta(weeks=4))
    Contact.objects.filter(case=neglected).update(at=long_ago)
    return due, neglected, first_contact


def test_a_case_manager_works_the_day_from_the_home_page(browsing, demo_service):
    page = browsing.page
    due, neglected, first_contact = _a_day_for_the_case_manager()

    # Given the case manager, signed in, on their home page
    staff_sign_in(browsing, Role.CASE_MANAGER)
    expect(page.get_by_role("heading", level=1)).to_have_text("Case manager home")
    browsing.check_accessibility()
    browsing.screenshot("home-case-manager")

    # When they open the first contacts due today
    page.get_by_role("link", name="First contacts due today").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your tasks")
    row = page.get_by_role("row").filter(has_text=_name(due))
    expect(row).to_contain_text("Make first contact")
    expect(row).to_contain_text(due.referral.reference)
    browsing.check_accessibility()
    browsing.screenshot("work-lists-tasks-due-today")

    # And complete it from the list
    row.get_by_role("button", name="Complete").click()
    expect(page.get_by_role("alert", name="Success")).to_contain_text(f"for {_name(due)} completed")
    expect(page.get_by_role("heading", level=1)).to_have_text("Your tasks")
    expect(page.get_by_role("link", name="Due today", exact=True)).to_have_attribute("aria-current", "page")
    browsing.check_accessibility()
    first_contact.refresh_from_db()
    assert first_contact.completed_at is not None

    # Then, back home, the case not contacted for weeks is there to be spotted
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Home").click()
    page.get_by_role("link", name="Not contacted for 6 weeks").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your caseload")
    expect(page.get_by_role("row").filter(has_text=_name(neglected))).to_be_visible()
    expect(page.get_by_label("Only cases not contacted for 6 weeks")).to_be_checked()
    browsing.check_accessibility()
    browsing.screenshot("work-lists-caseload-not-contacted")
    sign_out(browsing)


def test_a_team_lead_allocates_an_unallocated_case_from_the_home_page(browsing, demo_service):
    page = browsing.page
    case = _open_cases(DEMO[Role.CASE_MANAGER].email).first()
    Case.objects.filter(pk=case.pk).update(case_manager=None, team=None)
    colleague = User.objects.filter(role=Role.CASE_MANAGER, site=case.site, teams__isnull=False).first()

    # Given the team lead's home page, which counts it with the one the demo leaves unallocated
    staff_sign_in(browsing, Role.TEAM_LEAD)
    expect(page.get_by_role("heading", level=1)).to_have_text("Team lead home")
    expect(page.get_by_role("row").filter(has_text="Cases not allocated to a case manager")).to_contain_text("2")
    browsing.check_accessibility()
    browsing.screenshot("home-team-lead")

    # When they open it, and allocate the case to a case manager with a reason
    page.get_by_role("link", name="Cases not allocated to a case manager").click()
    expect(page.get_by_label("Case manager")).to_have_value("unallocated")
    browsing.check_accessibility()
    browsing.screenshot("work-lists-team-unallocated")
    page.get_by_role("row").filter(has_text=_name(case)).get_by_role("link", name="Allocate").click()
    browsing.check_accessibility()
    page.get_by_label(colleague.get_full_name()).check()
    page.get_by_label("Why are you reallocating this case?").fill("New case, allocated from the team's list")
    page.get_by_role("button", name="Reallocate case").click()

    # Then it is theirs
    expect(page.get_by_text(f"reallocated to {colleague.get_full_name()}")).to_be_visible()
    browsing.check_accessibility()
    case.refresh_from_db()
    assert case.case_manager == colleague
    assert CaseAllocation.objects.filter(case=case, from_user=None, to_user=colleague).exists()


def test_a_gp_sees_their_referrals_on_their_home_page(browsing, demo_service):
    page = browsing.page
    own = Referral.objects.filter(referrer_user__email=DEMO[Role.GP].email).order_by("-received_at").first()
    assert own is not None

    sign_in(browsing, Role.GP)

    expect(page.get_by_role("heading", level=1)).to_have_text("GP or practice staff home")
    expect(page.get_by_role("heading", name="Your recent referrals")).to_be_visible()
    row = page.get_by_role("row").filter(has_text=own.reference)
    expect(row).to_contain_text(own.get_status_display())
    browsing.check_accessibility()
    browsing.screenshot("home-gp")
    page.get_by_role("link", name="See all your referrals").click()
    expect(page.get_by_role("row").filter(has_text=own.reference)).to_be_visible()
    browsing.check_accessibility()
