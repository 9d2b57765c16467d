from datetime import date, timedelta

import pytest
from django.utils import timezone

from fitforwork.accounts.models import Role
from fitforwork.cases import selectors
from fitforwork.cases.allocation import AllocationError, case_allocate, delegation_add, delegation_cancel
from fitforwork.cases.models import Case, CaseAllocation, Delegation, Task
from fitforwork.cases.services import case_discharge
from fitforwork.core.audit.models import AuditEvent
from tests.accounts.factories import UserFactory
from tests.cases.test_worklists import make_cases
from tests.organisations.factories import SiteFactory, TeamFactory


@pytest.fixture
def team_lead(workwell_site):
    return UserFactory(role=Role.TEAM_LEAD, site=workwell_site)


@pytest.fixture
def colleague(workwell_site):
    return UserFactory(role=Role.CASE_MANAGER, site=workwell_site)


def test_reallocating_moves_the_case_and_its_managers_open_tasks_with_a_record_and_audit(
    workwell_site, case_manager, colleague, team_lead
):
    (case,) = make_cases(workwell_site, team_lead, 1, case_manager=case_manager)
    third = UserFactory(role=Role.CASE_MANAGER, site=workwell_site)
    open_before = set(Task.objects.filter(case=case, assigned_to=case_manager).values_list("pk", flat=True))
    someone_elses = Task.objects.filter(case=case).first()
    Task.objects.filter(pk=someone_elses.pk).update(assigned_to=third)
    done = Task.objects.filter(case=case, assigned_to=case_manager).exclude(pk=someone_elses.pk).first()
    Task.objects.filter(pk=done.pk).update(completed_at=timezone.now(), completed_by=case_manager)

    case_allocate(case=case, to_user=colleague, actor=team_lead, reason="Balancing caseloads")

    case.refresh_from_db()
    assert case.case_manager == colleague
    moved = open_before - {someone_elses.pk, done.pk}
    assert moved
    assert set(Task.objects.filter(case=case, assigned_to=colleague).values_list("pk", flat=True)) == moved
    assert Task.objects.get(pk=someone_elses.pk).assigned_to == third
    assert Task.objects.get(pk=done.pk).assigned_to == case_manager
    allocation = CaseAllocation.objects.filter(case=case).latest("at", "id")
    assert (allocation.from_user, allocation.to_user, allocation.by, allocation.reason) == (
        case_manager,
        colleague,
        team_lead,
        "Balancing caseloads",
    )
    event = AuditEvent.objects.filter(action="cases.case.allocated", object_id=str(case.pk)).latest("id")
    assert event.actor_id == team_lead.pk
    assert event.data["tasks_moved"] == len(moved)
    assert case.pk in {row.pk for row in selectors.caseload(colleague)}
    assert case.pk not in {row.pk for row in selectors.caseload(case_manager)}


def test_a_case_follows_its_new_manager_into_their_team(workwell_site, case_manager, colleague, team_lead):
    (case,) = make_cases(workwell_site, team_lead, 1, case_manager=case_manager)
    old_team, new_team = TeamFactory(site=workwell_site, name="A team"), TeamFactory(site=workwell_site, name="B team")
    case_manager.teams.add(old_team)
    colleague.teams.add(new_team)
    team_lead.teams.add(old_team)
    Case.objects.filter(pk=case.pk).update(team=old_team)
    case_allocate(case=case, to_user=colleague, actor=team_lead, reason="Moved teams")
    case.refresh_from_db()
    assert case.team == new_team


@pytest.mark.parametrize(
    ("who", "message"),
    [
        ("case_manager_actor", "Only a team lead"),
        ("other_site_lead", "Only a team lead"),
        ("practitioner_target", "case manager at this site"),
        ("other_site_target", "case manager at this site"),
        ("no_reason", "Enter why"),
        ("same_manager", "already allocated"),
    ],
)
def test_allocation_is_refused_with_a_reason(workwell_site, case_manager, colleague, team_lead, who, message):
    (case,) = make_cases(workwell_site, team_lead, 1, case_manager=case_manager)
    actor, to_user, reason = team_lead, colleague, "Balancing caseloads"
    if who == "case_manager_actor":
        actor = colleague
    elif who == "other_site_lead":
        actor = UserFactory(role=Role.TEAM_LEAD)
    elif who == "practitioner_target":
        to_user = UserFactory(role=Role.PRACTITIONER, site=workwell_site)
    elif who == "other_site_target":
        to_user = UserFactory(role=Role.CASE_MANAGER, site=SiteFactory())
    elif who == "no_reason":
        reason = "  "
    elif who == "same_manager":
        to_user = case_manager
    with pytest.raises(AllocationError, match=message):
        case_allocate(case=case, to_user=to_user, actor=actor, reason=reason)
    case.refresh_from_db()
    assert case.case_manager == case_manager
    assert CaseAllocation.objects.count() == 1  # only the allocation made as the referral was accepted


def test_a_lead_at_another_site_cannot_allocate_even_with_the_role(workwell_site, case_manager, colleague, team_lead):
    (case,) = make_cases(workwell_site, team_lead, 1, case_manager=case_manager)
    elsewhere = UserFactory(role=Role.TEAM_LEAD, site=SiteFactory())
    with pytest.raises(AllocationError, match="your own teams"):
        case_allocate(case=case, to_user=colleague, actor=elsewhere, reason="Mine now")


def test_a_discharged_case_cannot_be_allocated(workwell_site, case_manager, colleague, team_lead):
    (case,) = make_cases(workwell_site, team_lead, 1, case_manager=case_manager)
    case_discharge(case=case, actor=case_manager, reason_code="returned_to_work", work_status="in_work_usual")
    with pytest.raises(AllocationError, match="discharged"):
        case_allocate(case=case, to_user=colleague, actor=team_lead, reason="Tidy up")


# --- Cover ---------------------------------------------------------------------------------------------


def test_cover_is_recorded_audited_and_ends_by_itself(workwell_site, case_manager, colleague, team_lead):
    (case,) = make_cases(workwell_site, team_lead, 1, case_manager=colleague)
    today = timezone.localdate()
    delegation = delegation_add(
        from_user=colleague, to_user=case_manager, starts_on=today, ends_on=today + timedelta(days=4),
        reason="Annual leave", actor=team_lead,
    )  # fmt: skip
    assert delegation.created_by == team_lead
    assert AuditEvent.objects.filter(action="cases.delegation.added", object_id=str(delegation.pk)).exists()
    assert case.pk in {row.pk for row in selectors.caseload(case_manager, today=today + timedelta(days=4))}
    assert case.pk not in {row.pk for row in selectors.caseload(case_manager, today=today + timedelta(days=5))}
    assert delegation in selectors.cover_at_site(team_lead, today=today + timedelta(days=4))
    assert delegation not in selectors.cover_at_site(team_lead, today=today + timedelta(days=5))


def test_cancelled_cover_stops_at_once_and_is_kept(workwell_site, case_manager, colleague, team_lead):
    (case,) = make_cases(workwell_site, team_lead, 1, case_manager=colleague)
    today = timezone.localdate()
    delegation = delegation_add(
        from_user=colleague, to_user=case_manager, starts_on=today, ends_on=today, reason="Sick", actor=team_lead
    )
    delegation_cancel(delegation=delegation, actor=team_lead, reason="Back early")
    assert Delegation.objects.get(pk=delegation.pk).cancelled_at is not None
    assert case.pk not in {row.pk for row in selectors.caseload(case_manager)}
    with pytest.raises(AllocationError, match="already cancelled"):
        delegation_cancel(delegation=delegation, actor=team_lead)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"to_user": "same"}, "cannot cover for themselves"),
        ({"ends_on": -1}, "same as or after the first day"),
        ({"starts_on": -10, "ends_on": -5}, "today or in the future"),
        ({"reason": ""}, "Enter why cover is needed"),
        ({"actor": "case_manager"}, "Only a team lead"),
        ({"to_user": "practitioner"}, "someone to cover"),
    ],
)
def test_cover_is_refused_with_a_reason(workwell_site, case_manager, colleague, team_lead, change, message):
    today = timezone.localdate()
    values = {
        "from_user": colleague,
        "to_user": case_manager,
        "starts_on": today,
        "ends_on": today + timedelta(days=2),
        "reason": "Leave",
        "actor": team_lead,
    }
    for key, value in change.items():
        if key in ("starts_on", "ends_on"):
            values[key] = today + timedelta(days=value)
        elif value == "same":
            values[key] = colleague
        elif value == "case_manager":
            values[key] = case_manager
        elif value == "practitioner":
            values[key] = UserFactory(role=Role.PRACTITIONER, site=workwell_site)
        else:
            values[key] = value
    with pytest.raises(AllocationError, match=message):
        delegation_add(**values)
    assert not Delegation.objects.exists()


def test_the_model_refuses_cover_that_ends_before_it_starts(workwell_site, case_manager, colleague, team_lead):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Delegation.objects.create(
            from_user=colleague, to_user=case_manager, starts_on=date(2026, 12, 2), ends_on=date(2026, 12, 1),
            created_by=team_lead,
        )  # fmt: skip
