"""The daily run: follow-up tasks and links once, missed follow-ups stay missing, the counts."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from fitforwork.assessments.models import QuestionnaireLink
from fitforwork.cases.models import Task
from fitforwork.core.audit.models import AuditEvent
from fitforwork.core.outbox.models import Message
from fitforwork.outcomes import selectors
from fitforwork.outcomes.due import outcomes_due
from fitforwork.outcomes.models import OutcomeTimePoint
from fitforwork.outcomes.services import OutcomeError, outcome_record
from tests.outcomes.conftest import assess, discharge

pytestmark = pytest.mark.django_db


def three_months(case):
    return OutcomeTimePoint.objects.get(case=case, kind="follow_up", offset_months=3)


def test_nothing_happens_before_a_follow_up_is_due(discharged):
    point = three_months(discharged)
    outcomes_due(point.due_on - timedelta(days=1))
    assert not Task.objects.filter(case=discharged, kind=Task.Kind.OUTCOME).exists()
    assert not QuestionnaireLink.objects.filter(case=discharged).exists()


def test_running_the_command_twice_makes_one_task_and_one_link(discharged):
    point = three_months(discharged)
    out = StringIO()
    for _ in range(2):
        call_command("outcomes", "due", "--today", point.due_on.isoformat(), stdout=out)
    tasks = Task.objects.filter(case=discharged, kind=Task.Kind.OUTCOME)
    assert tasks.count() == 1
    assert tasks.get().assigned_to == discharged.case_manager
    links = QuestionnaireLink.objects.filter(case=discharged)
    assert links.count() == 1
    assert links.get().instrument_codes == ["phq9"]
    assert Message.objects.filter(reference=f"outcome-follow-up:{point.pk}").count() == 1
    assert "Follow-up tasks made: 1, links sent: 1" in out.getvalue()
    assert "Follow-up tasks made: 0, links sent: 0" in out.getvalue()
    assert AuditEvent.objects.filter(action="outcomes.follow_up.started").count() == 1


def test_a_person_with_no_email_or_mobile_gets_a_task_and_no_link(case, manager):
    case.person.email, case.person.phone = "", ""
    case.person.save()
    discharged = discharge(assess(case, manager), manager)
    outcomes_due(three_months(discharged).due_on)
    assert "no email or mobile" in Task.objects.get(case=discharged, kind=Task.Kind.OUTCOME).title
    assert three_months(discharged).link is None


def test_a_follow_up_not_done_in_time_stays_missing(discharged, manager):
    point = three_months(discharged)
    outcomes_due(point.due_on + timedelta(days=30))
    assert three_months(discharged).status == "due"  # the last day of the grace period
    outcomes_due(point.due_on + timedelta(days=31))
    missed = three_months(discharged)
    assert missed.status == "missed"
    with pytest.raises(OutcomeError, match="stays missing"):
        outcome_record(time_point=missed, actor=manager, work_status="in_work_usual", mode="phone", hours_per_week=37)
    outcomes_due(point.due_on + timedelta(days=60))
    assert three_months(discharged).status == "missed"
    summary = {s.label: s for s in selectors.outcomes_summary(discharged)}["3-month follow-up"]
    assert (summary.status, summary.work_status, summary.in_work) == ("missed", None, None)


def test_the_counts_give_due_done_and_missed_per_time_point(discharged, case, manager):
    point = three_months(discharged)
    outcomes_due(point.due_on + timedelta(days=31))
    counts = {(c.kind, c.offset_months): c for c in selectors.outcome_counts()}
    assert (counts[("follow_up", 3)].due, counts[("follow_up", 3)].missed) == (0, 1)
    assert (counts[("follow_up", 6)].due, counts[("follow_up", 6)].done) == (1, 0)
    assert (counts[("discharge", 0)].done, counts[("discharge", 0)].in_work) == (1, 1)


def test_a_discharged_case_with_no_time_points_is_picked_up(case, manager):
    discharged = discharge(assess(case, manager), manager, schedule=False)
    assert not OutcomeTimePoint.objects.filter(case=discharged).exists()
    result = outcomes_due(timezone.localdate())
    assert result.scheduled == 1
    assert OutcomeTimePoint.objects.filter(case=discharged).count() == 4
    assert outcomes_due(timezone.localdate()).scheduled == 0
