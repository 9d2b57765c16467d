"""A Hypothesis state machine: no sequence of actions reaches an invalid status or loses history.

Each example runs inside its own transaction, rolled back at the end, so examples do not see each other.
The expected behaviour is modelled here independently of the services: a small table of allowed moves.
"""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from fitforwork.cases.models import Case, CaseStatus, DischargeReason, Task, WorkStatus
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
from tests.cases.conftest import open_case

OPEN = ["referred", "contacted", "assessed", "plan_agreed", "active_support"]
REOPEN_WINDOW_DAYS = 28  # the WorkWell preset


def _is_allowed(from_status: str, to_status: str) -> bool:
    """The moves a case may make, as the ADR states them."""
    if from_status == "":
        return to_status == "referred"
    if to_status == "discharged":
        return from_status in OPEN
    if from_status in OPEN and to_status in OPEN:
        return OPEN.index(to_status) == OPEN.index(from_status) + 1
    return from_status == "discharged" and to_status in OPEN  # a reopening


class CaseMachine(RuleBasedStateMachine):
    site = None
    actor = None

    def __init__(self):
        super().__init__()
        self._atomic = transaction.atomic()
        self._atomic.__enter__()
        self.case = open_case(self.site, self.actor, case_manager=self.actor)
        self.status = "referred"
        self.left_from = ""  # the status a discharged case was discharged from
        self.days_since_discharge = 0
        self.changes = 1
        self.furthest = "referred"

    def teardown(self):
        transaction.set_rollback(True)
        self._atomic.__exit__(None, None, None)

    @rule(to=st.sampled_from([*CaseStatus.values, "closed"]), reason=st.sampled_from(["", "Because"]))
    def transition(self, to, reason):
        if self.status == "discharged":
            expected = to == self.left_from and bool(reason) and self.days_since_discharge <= REOPEN_WINDOW_DAYS
        else:
            expected = to in OPEN and _is_allowed(self.status, to)
        try:
            self.case = case_transition(case=self.case, to=to, actor=self.actor, reason=reason)
        except InvalidTransition:
            assert not expected, f"{self.status} to {to} was refused"
            return
        assert expected, f"{self.status} to {to} was allowed"
        self.status = to
        self.changes += 1

    @rule()
    def advance(self):
        """The common case, so the machine reaches the later stages often: the next step forward."""
        if self.status in OPEN[:-1]:
            self.transition(to=OPEN[OPEN.index(self.status) + 1], reason="")

    @rule(
        reason_code=st.sampled_from([*DischargeReason.values, ""]),
        work_status=st.sampled_from([*WorkStatus.values, ""]),
        note=st.sampled_from(["", "Moved abroad"]),
    )
    def discharge(self, reason_code, work_status, note):
        expected = (
            self.status != "discharged"
            and reason_code != ""
            and work_status != ""
            and (reason_code != "other" or bool(note))
        )
        try:
            self.case = case_discharge(
                case=self.case, actor=self.actor, reason_code=reason_code, work_status=work_status, note=note
            )
        except InvalidTransition:
            assert not expected
            return
        assert expected
        self.left_from, self.status = self.status, "discharged"
        self.days_since_discharge = 0
        self.changes += 1

    @rule(days_ago=st.integers(min_value=0, max_value=40), reason=st.sampled_from(["", "Asked to come back"]))
    def reopen(self, days_ago, reason):
        if self.status == "discharged":
            Case.objects.filter(pk=self.case.pk).update(discharged_at=timezone.now() - timedelta(days=days_ago))
            self.days_since_discharge = days_ago
        expected = self.status == "discharged" and bool(reason) and days_ago <= REOPEN_WINDOW_DAYS
        try:
            self.case = case_reopen(case=self.case, actor=self.actor, reason=reason)
        except InvalidTransition:
            assert not expected
            return
        assert expected
        self.status = self.left_from
        self.changes += 1

    @rule()
    def add_task(self):
        try:
            task_add(case=self.case, actor=self.actor, title="Call back", due_on=timezone.localdate())
        except CaseError:
            assert self.status == "discharged"
            return
        assert self.status != "discharged"

    @rule(data=st.data())
    def complete_a_task(self, data):
        tasks = list(Task.objects.filter(case=self.case).order_by("created_at", "id"))
        if not tasks:
            return
        task = data.draw(st.sampled_from(tasks))
        try:
            task_complete(task=task, actor=self.actor)
        except CaseError:
            assert not task.is_open
            return
        assert task.is_open

    @invariant()
    def status_is_valid_and_as_modelled(self):
        case = Case.objects.get(pk=self.case.pk)
        assert case.status in CaseStatus.values
        assert case.status == self.status
        assert case.furthest_stage in OPEN
        assert (case.status == "discharged") == (case.discharged_at is not None) == (case.discharge_reason != "")

    @invariant()
    def history_replays_to_the_current_status(self):
        case = Case.objects.get(pk=self.case.pk)
        history = list(case.status_changes.order_by("at", "id").values_list("from_status", "to_status"))
        assert len(history) == self.changes, "a change was lost or invented"
        current = ""
        reached = "referred"
        for from_status, to_status in history:
            assert from_status == current, "the history does not chain"
            assert _is_allowed(from_status, to_status), f"{from_status} to {to_status} is not an allowed move"
            current = to_status
            if to_status in OPEN and OPEN.index(to_status) > OPEN.index(reached):
                reached = to_status
        assert current == case.status
        assert case.furthest_stage == reached
        audited = (
            AuditEvent.objects.filter(object_id=str(case.pk), action__startswith="cases.case.")
            .exclude(action="cases.case.allocated")
            .count()
        )
        assert audited == self.changes

    @invariant()
    def furthest_stage_never_decreases(self):
        furthest = Case.objects.get(pk=self.case.pk).furthest_stage
        assert OPEN.index(furthest) >= OPEN.index(self.furthest)
        self.furthest = furthest

    @invariant()
    def a_discharged_case_has_no_open_tasks(self):
        if self.status == "discharged":
            open_tasks = Task.objects.filter(case=self.case, completed_at__isnull=True, cancelled_at__isnull=True)
            assert not open_tasks.exists()


def test_no_sequence_of_actions_reaches_an_invalid_status_or_loses_history(workwell_site, case_manager):
    machine = type("WorkWellCaseMachine", (CaseMachine,), {"site": workwell_site, "actor": case_manager})
    run_state_machine_as_test(
        machine,
        settings=settings(
            max_examples=25,
            stateful_step_count=20,
            deadline=None,
            database=None,
            suppress_health_check=[HealthCheck.too_slow],
        ),
    )
