"""Case status changes, discharge, reopening and tasks, through the services."""

from datetime import date, datetime, time, timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone

from fitforwork.accounts.models import Role
from fitforwork.cases.models import Case, Task
from fitforwork.cases.services import (
    CaseError,
    InvalidTransition,
    case_discharge,
    case_reopen,
    case_transition,
    task_add,
    task_complete,
)
from fitforwork.core.audit.models import AuditEvent
from tests.accounts.factories import UserFactory
from tests.cases.conftest import open_case
from tests.organisations.factories import SiteFactory

FORWARD = ["contacted", "assessed", "plan_agreed", "active_support"]


def _history(case):
    return list(case.status_changes.order_by("at", "id").values_list("from_status", "to_status"))


def _open_tasks(case, kind=None):
    tasks = Task.objects.filter(case=case, completed_at__isnull=True, cancelled_at__isnull=True)
    return list(tasks.filter(kind=kind) if kind else tasks)


def _discharge(case, actor, **overrides):
    values = {"reason_code": "returned_to_work", "work_status": "in_work_usual"}
    values.update(overrides)
    return case_discharge(case=case, actor=actor, **values)


def test_a_case_opens_at_the_referrals_site_and_rules_with_history_and_audit(workwell_site, case_manager):
    case = open_case(workwell_site, case_manager, case_manager=case_manager)

    assert (case.status, case.furthest_stage) == ("referred", "referred")
    assert (case.site, case.rules, case.person) == (workwell_site, case.referral.rules, case.referral.person)
    assert (case.created_by, case.modified_by) == (case_manager, case_manager)
    assert _history(case) == [("", "referred")]
    assert AuditEvent.objects.filter(action="cases.case.opened", object_id=str(case.pk)).exists()
    assert {task.kind for task in _open_tasks(case)} == {"first_contact", "assessment", "case_length"}
    assert {task.assigned_to for task in _open_tasks(case)} == {case_manager}


def test_a_case_moves_forward_one_step_at_a_time_recording_each_change(workwell_site, case_manager):
    case = open_case(workwell_site, case_manager)

    for to in FORWARD:
        case = case_transition(case=case, to=to, actor=case_manager, reason=f"now {to}")
        assert (case.status, case.furthest_stage) == (to, to)

    assert _history(case) == [
        ("", "referred"),
        ("referred", "contacted"),
        ("contacted", "assessed"),
        ("assessed", "plan_agreed"),
        ("plan_agreed", "active_support"),
    ]
    change = case.status_changes.get(to_status="assessed")
    assert (change.actor, change.reason) == (case_manager, "now assessed")
    audited = AuditEvent.objects.filter(object_id=str(case.pk)).values_list("action", flat=True)
    assert {f"cases.case.{to}" for to in FORWARD} <= set(audited)


@pytest.mark.parametrize(
    ("path", "to", "message"),
    [
        ([], "assessed", "is referred, so it cannot move to assessed: it can only move to contacted or discharged"),
        (["contacted", "assessed"], "contacted", "is assessed, so it cannot move to contacted"),
        (["contacted"], "contacted", "is contacted, so it cannot move to contacted"),
        (FORWARD, "plan_agreed", "is active support, so it cannot move to plan agreed: it can only move to discharged"),
        ([], "referred", "is referred, so it cannot move to referred"),
    ],
)
def test_a_move_that_skips_or_goes_back_is_refused_and_nothing_changes(workwell_site, case_manager, path, to, message):
    case = open_case(workwell_site, case_manager)
    for step in path:
        case = case_transition(case=case, to=step, actor=case_manager)
    before = _history(case)

    with pytest.raises(InvalidTransition, match=message):
        case_transition(case=case, to=to, actor=case_manager)

    case.refresh_from_db()
    assert _history(case) == before
    assert case.status == (path[-1] if path else "referred")


def test_an_unknown_status_is_refused(workwell_site, case_manager):
    case = open_case(workwell_site, case_manager)
    with pytest.raises(InvalidTransition, match="'closed' is not a case status"):
        case_transition(case=case, to="closed", actor=case_manager)


def test_discharging_through_a_plain_transition_is_refused_because_it_needs_a_reason(workwell_site, case_manager):
    case = open_case(workwell_site, case_manager)
    with pytest.raises(InvalidTransition, match="only be discharged with a discharge reason"):
        case_transition(case=case, to="discharged", actor=case_manager)


@pytest.mark.parametrize("steps", range(5))
def test_a_case_can_be_discharged_from_any_open_status_keeping_its_furthest_stage(workwell_site, case_manager, steps):
    case = open_case(workwell_site, case_manager)
    for to in FORWARD[:steps]:
        case = case_transition(case=case, to=to, actor=case_manager)
    reached = case.status

    case = _discharge(case, case_manager, return_to_work_date=date(2026, 11, 16))

    assert (case.status, case.furthest_stage) == ("discharged", reached)
    assert (case.discharge_reason, case.work_status_at_discharge) == ("returned_to_work", "in_work_usual")
    assert case.return_to_work_date == date(2026, 11, 16)
    assert case.discharged_at is not None
    change = case.status_changes.get(to_status="discharged")
    assert (change.from_status, change.discharge_reason) == (reached, "returned_to_work")
    event = AuditEvent.objects.get(action="cases.case.discharged", object_id=str(case.pk))
    assert event.data["reason_code"] == "returned_to_work"
    assert _open_tasks(case) == []
    assert Task.objects.filter(case=case, cancelled_at__isnull=False).exists()


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"reason_code": ""}, "Select a reason for discharging the case"),
        ({"reason_code": "bored"}, "Select a reason for discharging the case"),
        ({"work_status": ""}, "Select the person's work status at discharge"),
        ({"reason_code": "other", "note": "  "}, "Enter why the case is being discharged"),
    ],
)
def test_a_discharge_without_its_required_details_is_refused(workwell_site, case_manager, overrides, message):
    case = open_case(workwell_site, case_manager)
    with pytest.raises(InvalidTransition, match=message):
        _discharge(case, case_manager, **overrides)
    case.refresh_from_db()
    assert case.status == "referred"


def test_a_discharged_case_cannot_be_discharged_again(workwell_site, case_manager):
    case = _discharge(open_case(workwell_site, case_manager), case_manager, reason_code="not_contactable")
    with pytest.raises(InvalidTransition, match="is already discharged"):
        _discharge(case, case_manager)


def test_a_discharged_case_reopens_within_the_window_at_the_status_it_left(workwell_site, case_manager):
    case = open_case(workwell_site, case_manager)
    case = case_transition(case=case, to="contacted", actor=case_manager)
    case = case_transition(case=case, to="assessed", actor=case_manager)
    case = _discharge(case, case_manager, reason_code="consent_withdrawn", work_status="off_sick")

    case = case_reopen(case=case, actor=case_manager, reason="They asked to come back")

    assert (case.status, case.furthest_stage, case.reopened_count) == ("assessed", "assessed", 1)
    assert (case.discharge_reason, case.discharged_at, case.work_status_at_discharge) == ("", None, "")
    assert _history(case)[-2:] == [("assessed", "discharged"), ("discharged", "assessed")]
    assert case.status_changes.last().reason == "They asked to come back"
    assert [task.kind for task in _open_tasks(case)] == ["review"]


def test_a_case_reopened_before_first_contact_gets_new_time_standards(workwell_site, case_manager):
    case = _discharge(open_case(workwell_site, case_manager), case_manager, reason_code="moved_out_of_area")
    case = case_reopen(case=case, actor=case_manager, reason="Moved back")
    assert case.status == "referred"
    assert sorted(task.kind for task in _open_tasks(case)) == ["assessment", "first_contact"]


def test_reopening_needs_a_reason(workwell_site, case_manager):
    case = _discharge(open_case(workwell_site, case_manager), case_manager)
    with pytest.raises(InvalidTransition, match="Enter a reason for reopening the case"):
        case_reopen(case=case, actor=case_manager, reason=" ")


def test_reopening_after_the_service_models_window_is_refused(workwell_site, case_manager):
    case = _discharge(open_case(workwell_site, case_manager), case_manager)
    window = 28  # the WorkWell preset's reopen_window_days

    def days_ago(days):
        # Noon on that day here: "now minus 29 days" can fall on another local date across a clock change
        # (at 23:45 on 22 November, 29 days before is 00:45 BST on 25 October, 28 days by the calendar).
        day = timezone.localdate() - timedelta(days=days)
        return timezone.make_aware(datetime.combine(day, time(12)))

    Case.objects.filter(pk=case.pk).update(discharged_at=days_ago(window + 1))

    with pytest.raises(InvalidTransition, match="discharged 29 days ago; the service model allows reopening within 28"):
        case_reopen(case=case, actor=case_manager, reason="Too late")

    Case.objects.filter(pk=case.pk).update(discharged_at=days_ago(window))
    assert case_reopen(case=case, actor=case_manager, reason="Just in time").status == "referred"


def test_a_discharged_case_reopens_only_at_the_status_it_left(workwell_site, case_manager):
    case = open_case(workwell_site, case_manager)
    case = _discharge(case_transition(case=case, to="contacted", actor=case_manager), case_manager)
    with pytest.raises(InvalidTransition, match="can only be reopened as contacted"):
        case_transition(case=case, to="active_support", actor=case_manager, reason="Skip ahead")


def test_an_open_case_cannot_be_reopened(workwell_site, case_manager):
    case = open_case(workwell_site, case_manager)
    with pytest.raises(InvalidTransition, match="is referred, not discharged"):
        case_reopen(case=case, actor=case_manager, reason="Why not")


def test_reaching_a_stage_completes_its_task_and_assessment_books_one_review(workwell_site, case_manager):
    case = open_case(workwell_site, case_manager)
    case = case_transition(case=case, to="contacted", actor=case_manager)
    first_contact = Task.objects.get(case=case, kind="first_contact")
    assert (first_contact.completed_by, first_contact.completed_at is not None) == (case_manager, True)

    case = case_transition(case=case, to="assessed", actor=case_manager)
    case = case_transition(case=case, to="plan_agreed", actor=case_manager)

    assert Task.objects.get(case=case, kind="assessment").completed_by == case_manager
    reviews = Task.objects.filter(case=case, kind="review")
    assert reviews.count() == 1
    assert reviews.get().due_on >= timezone.localdate() + timedelta(weeks=4)


def test_completing_a_review_records_who_and_when_and_books_the_next(workwell_site, case_manager):
    case = open_case(workwell_site, case_manager)
    for to in FORWARD[:2]:
        case = case_transition(case=case, to=to, actor=case_manager)
    review = Task.objects.get(case=case, kind="review")

    done = task_complete(task=review, actor=case_manager)

    assert (done.completed_by, done.modified_by) == (case_manager, case_manager)
    assert done.completed_at is not None
    assert len(_open_tasks(case, "review")) == 1
    assert AuditEvent.objects.filter(action="cases.task.completed", object_id=str(review.pk)).exists()
    with pytest.raises(CaseError, match="is already complete"):
        task_complete(task=review, actor=case_manager)


def test_a_task_added_by_hand_goes_to_the_named_person_or_the_case_manager(workwell_site, case_manager):
    colleague = UserFactory(role=Role.CASE_MANAGER, site=workwell_site)
    case = open_case(workwell_site, case_manager, case_manager=case_manager)

    mine = task_add(case=case, actor=case_manager, title="Call the employer", due_on=date(2026, 12, 1))
    theirs = task_add(
        case=case, actor=case_manager, title="Cover call", due_on=date(2026, 12, 2), assigned_to=colleague
    )

    assert (mine.kind, mine.automatic, mine.assigned_to, mine.created_by) == (
        "manual",
        False,
        case_manager,
        case_manager,
    )
    assert theirs.assigned_to == colleague
    with pytest.raises(CaseError, match="Enter what the task is"):
        task_add(case=case, actor=case_manager, title=" ", due_on=date(2026, 12, 1))


def test_no_task_can_be_added_to_or_completed_on_a_discharged_case(workwell_site, case_manager):
    case = open_case(workwell_site, case_manager)
    cancelled = Task.objects.get(case=case, kind="first_contact")
    case = _discharge(case, case_manager)
    with pytest.raises(CaseError, match="is discharged, so no task can be added"):
        task_add(case=case, actor=case_manager, title="Call", due_on=date(2026, 12, 1))
    with pytest.raises(CaseError, match="was closed when its case was discharged"):
        task_complete(task=cancelled, actor=case_manager)


@pytest.mark.parametrize("role", [Role.PRACTITIONER, Role.ADVICE_ADVISER, Role.GP])
def test_only_the_sites_case_managers_and_team_leads_change_a_case(workwell_site, case_manager, role):
    case = open_case(workwell_site, case_manager)
    outsiders = [
        UserFactory(role=role, site=workwell_site),
        UserFactory(role=Role.CASE_MANAGER, site=SiteFactory()),
    ]
    for outsider in outsiders:
        with pytest.raises(PermissionDenied):
            case_transition(case=case, to="contacted", actor=outsider)
        with pytest.raises(PermissionDenied):
            _discharge(case, outsider)
    lead = UserFactory(role=Role.TEAM_LEAD, site=workwell_site)
    assert case_transition(case=case, to="contacted", actor=lead).status == "contacted"


def test_the_database_refuses_a_discharged_case_without_a_reason(workwell_site, case_manager):
    case = open_case(workwell_site, case_manager)
    with pytest.raises(IntegrityError), transaction.atomic():
        Case.objects.filter(pk=case.pk).update(status="discharged", discharged_at=timezone.now())


def test_the_database_refuses_a_completed_task_without_who_completed_it(workwell_site, case_manager):
    case = open_case(workwell_site, case_manager)
    with pytest.raises(IntegrityError), transaction.atomic():
        Task.objects.filter(case=case).update(completed_at=timezone.now())
