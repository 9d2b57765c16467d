"""The work-list selectors: caseload, my tasks and the team view, scoped, flagged in SQL, a fixed number of queries."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from fitforwork.accounts.models import Role
from fitforwork.cases import selectors
from fitforwork.cases.models import Case, Delegation, Task
from fitforwork.cases.pagination import SortKey, paginate
from fitforwork.cases.services import case_discharge, task_add
from fitforwork.core.calendar import add_working_days
from tests.accounts.factories import UserFactory
from tests.cases.conftest import open_case
from tests.factories import CaseFactory
from tests.organisations.factories import SiteFactory, TeamFactory

FAMILY_NAMES = ["Patel", "Jones", "Okafor", "Nowak", "Campbell", "Evans", "Hughes", "Khan", "Walsh", "Reid"]


def make_cases(site, actor, count, *, case_manager=None, start=0):
    """`count` cases at `site`, each for a different person, opened through the referral service."""
    made = []
    for number in range(start, start + count):
        made.append(
            open_case(
                site,
                actor,
                case_manager=case_manager,
                given_name=f"Client{number}",
                family_name=FAMILY_NAMES[number % len(FAMILY_NAMES)],
                date_of_birth=date(1970, 1, 1) + timedelta(days=97 * number),
                email=f"client{number}@example.org",
            )
        )
    return made


def close_all_tasks(case):
    Task.objects.filter(case=case).update(cancelled_at=timezone.now())


@pytest.fixture
def team_lead(workwell_site):
    return UserFactory(role=Role.TEAM_LEAD, site=workwell_site)


@pytest.fixture
def colleague(workwell_site):
    return UserFactory(role=Role.CASE_MANAGER, site=workwell_site)


def _ids(rows):
    return {row.pk for row in rows}


# --- Caseload ------------------------------------------------------------------------------------------


def test_a_caseload_is_the_open_cases_the_user_manages(workwell_site, case_manager, colleague):
    mine = CaseFactory(referral__site=workwell_site, case_manager=case_manager)
    CaseFactory(referral__site=workwell_site, case_manager=case_manager, discharged=True)
    theirs = CaseFactory(referral__site=workwell_site, case_manager=colleague)
    assert _ids(selectors.caseload(case_manager)) == {mine.pk}
    assert _ids(selectors.caseload(colleague)) == {theirs.pk}


def test_cover_adds_the_absent_managers_cases_only_between_its_dates(workwell_site, case_manager, colleague, team_lead):
    theirs = make_cases(workwell_site, team_lead, 1, case_manager=colleague)
    Delegation.objects.create(
        from_user=colleague,
        to_user=case_manager,
        starts_on=date(2026, 12, 7),
        ends_on=date(2026, 12, 11),
        created_by=team_lead,
    )
    for day, covered in [(date(2026, 12, 6), False), (date(2026, 12, 7), True), (date(2026, 12, 11), True),
                         (date(2026, 12, 12), False)]:  # fmt: skip
        assert (theirs[0].pk in _ids(selectors.caseload(case_manager, today=day))) is covered, day


def test_breach_and_next_due_come_from_the_open_tasks(workwell_site, case_manager, team_lead):
    late, on_time, idle = make_cases(workwell_site, team_lead, 3, case_manager=case_manager)
    today = date(2026, 11, 23)
    for case in (late, on_time, idle):
        close_all_tasks(case)
    task_add(case=late, actor=case_manager, title="Ring back", due_on=today - timedelta(days=1))
    task_add(case=late, actor=case_manager, title="Later", due_on=today + timedelta(days=9))
    task_add(case=on_time, actor=case_manager, title="Review", due_on=today + timedelta(days=3))
    done = task_add(case=on_time, actor=case_manager, title="Done late", due_on=today - timedelta(days=5))
    Task.objects.filter(pk=done.pk).update(completed_at=timezone.now(), completed_by=case_manager)
    rows = {case.pk: case for case in selectors.caseload(case_manager, today=today)}
    assert rows[late.pk].breached
    assert rows[late.pk].next_due == today - timedelta(days=1)
    assert not rows[on_time.pk].breached
    assert rows[on_time.pk].next_due == today + timedelta(days=3)
    assert not rows[idle.pk].breached
    assert rows[idle.pk].next_due == selectors.NOTHING_DUE


# --- My tasks ------------------------------------------------------------------------------------------


def test_my_tasks_are_mine_or_unassigned_on_my_cases_never_someone_elses(workwell_site, case_manager, colleague,
                                                                         team_lead):  # fmt: skip
    (mine,) = make_cases(workwell_site, team_lead, 1, case_manager=case_manager)
    (theirs,) = make_cases(workwell_site, team_lead, 1, case_manager=colleague, start=1)
    close_all_tasks(mine)
    close_all_tasks(theirs)
    due = date(2026, 12, 1)
    own = task_add(case=mine, actor=case_manager, title="Call", due_on=due)
    unassigned = task_add(case=mine, actor=case_manager, title="Write", due_on=due)
    Task.objects.filter(pk=unassigned.pk).update(assigned_to=None)
    for_colleague = task_add(case=mine, actor=case_manager, title="Theirs", due_on=due, assigned_to=colleague)
    on_their_case = task_add(case=theirs, actor=colleague, title="Not mine", due_on=due)
    given_to_me = task_add(case=theirs, actor=colleague, title="Asked of me", due_on=due, assigned_to=case_manager)
    assert _ids(selectors.my_tasks(case_manager)) == {own.pk, unassigned.pk, given_to_me.pk}
    assert _ids(selectors.my_tasks(colleague)) == {for_colleague.pk, on_their_case.pk}
    # A task assigned to someone with no relationship to its case (another site's case manager) stays hidden.
    outsider = UserFactory(role=Role.CASE_MANAGER, site=SiteFactory())
    Task.objects.filter(pk=on_their_case.pk).update(assigned_to=outsider)
    assert not selectors.my_tasks(outsider).exists()


def test_tasks_are_flagged_due_soon_within_two_working_days_and_breached_after_their_date(
    workwell_site, case_manager, team_lead
):
    (case,) = make_cases(workwell_site, team_lead, 1, case_manager=case_manager)
    close_all_tasks(case)
    friday = date(2026, 11, 27)
    soon_by = add_working_days(friday, 2, workwell_site.nation)  # Tuesday
    tasks = {
        "yesterday": friday - timedelta(days=1),
        "today": friday,
        "last_soon_day": soon_by,
        "after": soon_by + timedelta(days=1),
    }
    made = {name: task_add(case=case, actor=case_manager, title=name, due_on=due) for name, due in tasks.items()}
    rows = {task.title: task for task in selectors.my_tasks(case_manager, today=friday)}
    assert {name: (rows[name].due_soon, rows[name].breached) for name in made} == {
        "yesterday": (False, True),
        "today": (True, False),
        "last_soon_day": (True, False),
        "after": (False, False),
    }
    soon = selectors.task_view(selectors.my_tasks(case_manager, today=friday), "due_soon")
    assert {task.title for task in soon} == {"today", "last_soon_day"}
    late = selectors.task_view(selectors.my_tasks(case_manager, today=friday), "breached")
    assert {task.title for task in late} == {"yesterday"}


def test_tasks_on_a_discharged_case_leave_the_list(workwell_site, case_manager, team_lead):
    (case,) = make_cases(workwell_site, team_lead, 1, case_manager=case_manager)
    assert selectors.my_tasks(case_manager).exists()
    case_discharge(case=case, actor=case_manager, reason_code="stayed_in_work", work_status="in_work_usual")
    assert not selectors.my_tasks(case_manager).exists()


# --- Team view -----------------------------------------------------------------------------------------


def test_the_team_view_is_the_leads_teams_and_the_sites_unteamed_cases(workwell_site, case_manager, team_lead):
    ours, unteamed, other_team = make_cases(workwell_site, team_lead, 3, case_manager=case_manager)
    team, other = TeamFactory(site=workwell_site), TeamFactory(site=workwell_site)
    team_lead.teams.add(team)
    Case.objects.filter(pk=ours.pk).update(team=team)
    Case.objects.filter(pk=other_team.pk).update(team=other)
    assert _ids(selectors.team_cases(team_lead)) == {ours.pk, unteamed.pk}
    assert not selectors.team_cases(case_manager).exists()
    assert not selectors.team_cases(UserFactory(role=Role.TEAM_LEAD)).exists()


def test_the_team_view_filters_by_status_risk_case_manager_and_breach(workwell_site, case_manager, colleague,
                                                                      team_lead):  # fmt: skip
    a, b = make_cases(workwell_site, team_lead, 2, case_manager=case_manager)
    (c,) = make_cases(workwell_site, team_lead, 1, case_manager=colleague, start=2)
    Case.objects.filter(pk=a.pk).update(risk="high", status="contacted", furthest_stage="contacted")
    for case in (a, b, c):
        close_all_tasks(case)
    today = timezone.localdate()
    task_add(case=b, actor=case_manager, title="Late", due_on=today - timedelta(days=2))
    filters = selectors.TeamFilters
    assert _ids(selectors.team_cases(team_lead, filters(status="contacted"))) == {a.pk}
    assert _ids(selectors.team_cases(team_lead, filters(risk="high"))) == {a.pk}
    assert _ids(selectors.team_cases(team_lead, filters(risk="none"))) == {b.pk, c.pk}
    assert _ids(selectors.team_cases(team_lead, filters(case_manager=colleague.pk))) == {c.pk}
    assert _ids(selectors.team_cases(team_lead, filters(breach=True))) == {b.pk}
    assert _ids(selectors.team_cases(team_lead, filters(breach=True, case_manager=colleague.pk))) == set()


def test_the_team_view_sorts_by_next_due_and_case_manager(workwell_site, case_manager, team_lead):
    adams = UserFactory(role=Role.CASE_MANAGER, site=workwell_site, last_name="Adams")
    cases = make_cases(workwell_site, team_lead, 3, case_manager=case_manager)
    Case.objects.filter(pk=cases[2].pk).update(case_manager=adams)
    for case in cases:
        close_all_tasks(case)
    today = timezone.localdate()
    task_add(case=cases[0], actor=case_manager, title="Far", due_on=today + timedelta(days=20))
    task_add(case=cases[1], actor=case_manager, title="Near", due_on=today + timedelta(days=2))
    by_due = paginate(selectors.team_cases(team_lead), keys=[SortKey(selectors.TEAM_SORTS["next_due"])])
    assert [case.pk for case in by_due.items] == [cases[1].pk, cases[0].pk, cases[2].pk]
    by_manager = paginate(selectors.team_cases(team_lead), keys=[SortKey(selectors.TEAM_SORTS["case_manager"])])
    assert by_manager.items[0].pk == cases[2].pk


def test_caseload_sizes_count_open_cases_per_case_manager(workwell_site, case_manager, colleague, team_lead):
    CaseFactory.create_batch(2, referral__site=workwell_site, case_manager=case_manager)
    CaseFactory(referral__site=workwell_site, case_manager=case_manager, discharged=True)
    CaseFactory(referral__site=workwell_site, case_manager=colleague)
    sizes = {user.pk: user.open_cases for user in selectors.team_case_managers(team_lead)}
    assert sizes == {case_manager.pk: 2, colleague.pk: 1}


@pytest.mark.parametrize("which", ["caseload", "my_tasks", "team"])
def test_a_page_of_any_size_is_the_same_number_of_queries(workwell_site, case_manager, team_lead, which):
    make_cases(workwell_site, team_lead, 6, case_manager=case_manager)
    lists = {
        "caseload": lambda: selectors.caseload(case_manager),
        "my_tasks": lambda: selectors.my_tasks(case_manager),
        "team": lambda: selectors.team_cases(team_lead),
    }
    counts = []
    for size in (1, 25):
        with CaptureQueriesContext(connection) as queries:
            page = paginate(lists[which](), keys=[SortKey("id")], size=size)
            for row in page.items:  # everything a row shows is already loaded
                case = row.case if isinstance(row, Task) else row
                str(case.person.family_name), str(case.referral.reference), str(case.person.date_of_birth)
                if not isinstance(row, Task):  # the task list shows no staff names
                    str(case.case_manager)
        counts.append(len(queries))
    assert counts[0] == counts[1]
    assert len(page.items) > 1


def test_every_list_is_within_what_relationship_filter_allows(workwell_site, case_manager, colleague, team_lead):
    """The work lists may be stricter than the access rule, never wider: for each user, nothing listed falls
    outside relationship_filter."""
    from fitforwork.cases.access import relationship_filter

    make_cases(workwell_site, team_lead, 2, case_manager=case_manager)
    make_cases(workwell_site, team_lead, 1, case_manager=colleague, start=2)
    team = TeamFactory(site=workwell_site)
    Case.objects.filter(case_manager=colleague).update(team=team)
    other_lead = UserFactory(role=Role.TEAM_LEAD, site=workwell_site)
    other_lead.teams.add(team)
    for user in (case_manager, colleague, team_lead, other_lead):
        allowed = set(Case.objects.filter(relationship_filter(user)).values_list("pk", flat=True))
        assert _ids(selectors.caseload(user)) <= allowed
        assert {task.case_id for task in selectors.my_tasks(user)} <= allowed
        assert _ids(selectors.team_cases(user)) <= allowed
    teamed = set(Case.objects.filter(team=team).values_list("pk", flat=True))
    assert teamed <= _ids(selectors.team_cases(other_lead))
    assert not teamed & _ids(selectors.team_cases(team_lead))


def test_a_practitioner_lists_the_open_cases_whose_care_team_they_are_in(workwell_site):
    from fitforwork.cases import mdt
    from fitforwork.cases.models import CaseStatus
    from fitforwork.cases.selectors import care_team_cases

    manager = UserFactory(role=Role.CASE_MANAGER, site=workwell_site)
    physio = UserFactory(role=Role.PRACTITIONER, site=workwell_site)
    mine, other, discharged, left = (open_case(workwell_site, manager, case_manager=manager) for _ in range(4))
    for case in (mine, discharged, left):
        mdt.care_team_add(case=case, user=physio, discipline="physiotherapist", actor=manager)
    case_discharge(case=discharged, actor=manager, reason_code="returned_to_work", work_status="in_work_usual")
    mdt.care_team_remove(member=left.care_team.get(user=physio), actor=manager)
    # Not the one they were never in, nor the discharged one, nor the one they left.
    assert [case.pk for case in care_team_cases(physio)] == [mine.pk]
    assert Case.objects.get(pk=discharged.pk).status == CaseStatus.DISCHARGED
