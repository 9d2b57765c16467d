"""The demo's questionnaire histories: scored by the real engine, baselines first, some red flags, and pathway
decisions that are what the case's rules propose for the stored scores."""

from decimal import Decimal

import pytest
from django.db.models import F
from django.db.models.fields import NOT_PROVIDED
from django.utils import timezone

from fitforwork.assessments import safety
from fitforwork.assessments.models import Assessment, PathwayDecision, QuestionnaireResponse, RedFlag
from fitforwork.assessments.pathways import pathway_propose
from fitforwork.assessments.registry import definition_get
from fitforwork.assessments.scoring import score
from fitforwork.cases.models import Case, Task
from fitforwork.demo import assessments
from fitforwork.organisations.selectors import rules_config

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _demo(loaded_demo):
    return loaded_demo


def test_every_not_null_column_is_written():
    tables = [
        (QuestionnaireResponse, assessments.RESPONSE_COLUMNS),
        (Assessment, assessments.ASSESSMENT_COLUMNS),
        (PathwayDecision, assessments.DECISION_COLUMNS),
        (RedFlag, assessments.RED_FLAG_COLUMNS),
    ]
    for model, columns in tables:
        required = {
            field.attname
            for field in model._meta.concrete_fields
            if not field.null and not field.primary_key and field.db_default is NOT_PROVIDED
        }
        assert required <= set(columns), (model, required - set(columns))


def test_every_stored_score_is_the_engines_score_of_the_stored_answers():
    responses = list(QuestionnaireResponse.objects.all())
    assert len(responses) > 100
    assert {r.instrument_code for r in responses} == {"phq9", "gad7", "ompsq10", "wsas", "who5"}
    for response in responses:
        result = score(definition_get(response.instrument_code, response.instrument_version), response.answers)
        assert response.score == result.score
        assert response.band == result.band
        assert response.flags == result.flag_codes
        assert response.percentages == {k: str(v) for k, v in result.percentages.items()}
        assert response.completed_at is not None


def test_assessed_cases_have_an_assessment_a_decision_and_baselines_before_follow_ups():
    assessed = Case.objects.filter(furthest_stage__in=["assessed", "plan_agreed", "active_support"])
    assert assessed.exists()
    assert Assessment.objects.count() == assessed.count() == PathwayDecision.objects.count()
    assert not Assessment.objects.exclude(case__in=assessed).exists()
    assert not QuestionnaireResponse.objects.exclude(case__in=assessed).exists()
    follow_ups = 0
    for case in assessed.prefetch_related("questionnaire_responses"):
        times: dict[str, list] = {}
        for response in case.questionnaire_responses.all():
            times.setdefault(response.instrument_code, []).append(response.completed_at)
        assert times, case
        baseline = min(min(ts) for ts in times.values())
        assert case.assessment.assessed_at == baseline
        follow_ups += sum(len(ts) - 1 for ts in times.values())
        for ts in times.values():
            assert ts[0] == baseline
            assert ts == sorted(ts)
            assert len(set(ts)) == len(ts)
    assert follow_ups > 0


def test_follow_ups_mostly_improve():
    better = worse = 0
    for case_id in QuestionnaireResponse.objects.values_list("case_id", flat=True).distinct():
        for code in ("ompsq10", "phq9", "gad7", "wsas"):
            scores = list(
                QuestionnaireResponse.objects.filter(case_id=case_id, instrument_code=code)
                .order_by("completed_at")
                .values_list("score", flat=True)
            )
            if len(scores) > 1:
                better += scores[-1] < scores[0]
                worse += scores[-1] > scores[0]
    assert better > 2 * worse


def test_some_phq9s_have_question_9_above_0_and_carry_the_self_harm_flag():
    phq9 = list(QuestionnaireResponse.objects.filter(instrument_code="phq9"))
    flagged = [r for r in phq9 if r.answers["q9"] > 0]
    assert flagged
    assert len(flagged) < len(phq9) * 0.15
    assert all(r.flags == score(definition_get("phq9", r.instrument_version), r.answers).flag_codes for r in flagged)
    assert all(r.flags for r in flagged)
    assert all(r.flags == [] for r in phq9 if r.answers["q9"] == 0)


def test_each_flagged_phq9_has_its_red_flag_closed_with_what_was_done_when_staff_recorded_it():
    flagged = {r.pk: r for r in QuestionnaireResponse.objects.filter(instrument_code="phq9") if r.flags}
    red_flags = list(RedFlag.objects.select_related("case"))
    assert sorted(f.response_id for f in red_flags) == sorted(flagged)
    for red_flag in red_flags:
        response = flagged[red_flag.response_id]
        assert red_flag.case_id == response.case_id
        assert red_flag.code in response.flags
        if response.recorded_by_id is None and red_flag.case.status != "discharged":
            assert red_flag.closed_at is None
            assert red_flag.action_taken == ""
        else:
            assert red_flag.closed_by_id == (response.recorded_by_id or red_flag.case.case_manager_id)
            assert red_flag.action_taken


def test_each_red_flag_has_its_urgent_task_as_the_live_path_makes_it():
    """Kind red_flag, due the day it was raised, for the case manager; open while the flag is, done when closed."""
    red_flags = list(RedFlag.objects.select_related("task", "case"))
    assert red_flags
    for red_flag in red_flags:
        task = red_flag.task
        assert task is not None, red_flag
        assert task.case_id == red_flag.case_id
        assert task.kind == Task.Kind.RED_FLAG
        assert task.title == safety.red_flag_task_title("PHQ-9")
        assert task.due_on == timezone.localdate(red_flag.raised_at)
        assert task.assigned_to_id == red_flag.case.case_manager_id
        assert task.automatic
        assert task.cancelled_at is None
        if red_flag.closed_at is None:
            assert task.completed_at is None
        else:
            assert (task.completed_at, task.completed_by_id) == (red_flag.closed_at, red_flag.closed_by_id)
    assert Task.objects.filter(kind=Task.Kind.RED_FLAG).count() == len(red_flags)


def test_an_open_red_flag_on_a_case_without_a_case_manager_gives_its_task_to_the_team_lead():
    flagged = [
        ("r1", "c1", "2026-11-02 09:15:00+00:00", None, None, "lead-1", True),  # online, no manager, open case
        ("r2", "c2", "2026-11-03 10:00:00+00:00", None, "manager-2", "lead-1", True),
        ("r3", "c3", "2026-11-04 11:00:00+00:00", "manager-3", "manager-3", "lead-1", True),  # staff recorded
        ("r4", "c4", "2026-11-05 12:00:00+00:00", None, "manager-4", "lead-1", False),  # since discharged
    ]
    keys = iter(["t1", "t2", "t3", "t4"])

    (task_model, task_columns, tasks), (flag_model, flag_columns, flags) = assessments.red_flag_rows(
        flagged, lambda: next(keys)
    )

    assert (task_model, flag_model) == (Task, RedFlag)
    tasks_by = [dict(zip(task_columns, row, strict=True)) for row in tasks]
    flags_by = [dict(zip(flag_columns, row, strict=True)) for row in flags]
    assert [t["assigned_to_id"] for t in tasks_by] == ["lead-1", "manager-2", "manager-3", "manager-4"]
    assert [t["due_on"] for t in tasks_by] == ["2026-11-02", "2026-11-03", "2026-11-04", "2026-11-05"]
    assert {t["kind"] for t in tasks_by} == {"red_flag"}
    assert [f["task_id"] for f in flags_by] == ["t1", "t2", "t3", "t4"]
    assert [f["closed_at"] is None for f in flags_by] == [True, True, False, False]
    assert [t["completed_at"] is None for t in tasks_by] == [True, True, False, False]
    assert [f["closed_by_id"] for f in flags_by] == [None, None, "manager-3", "manager-4"]
    assert assessments.red_flag_rows([], lambda: next(keys)) == []


def test_each_decision_is_the_proposal_of_its_stored_scores_under_the_case_rules():
    outcomes = set()
    for decision in PathwayDecision.objects.select_related("case__rules", "rules"):
        assert decision.rules_id == decision.case.rules_id
        scores = {code: Decimal(value) for code, value in decision.scores.items()}
        proposal = pathway_propose(rules_config(decision.rules), scores)
        assert decision.proposed_pathway == proposal.pathway
        assert decision.reasons == list(proposal.reasons)
        baseline = {
            r.instrument_code: r.score
            for r in QuestionnaireResponse.objects.filter(
                case=decision.case, completed_at=decision.case.assessment.assessed_at
            )
            if r.instrument_code in decision.scores
        }
        assert baseline == scores
        if decision.outcome == "confirmed":
            assert decision.chosen_pathway == decision.proposed_pathway
        else:
            assert decision.chosen_pathway != decision.proposed_pathway
            assert decision.override_reason
        outcomes.add(decision.outcome)
    assert "confirmed" in outcomes


def test_the_pattern_pools_are_the_same_for_a_seed():
    import random

    definition = definition_get("phq9")
    one = assessments.pattern_pool(random.Random(3), definition, red_flag=False, as_text=True)
    two = assessments.pattern_pool(random.Random(3), definition, red_flag=False, as_text=True)
    assert one == two
    assert [p.score for p in one] == sorted(p.score for p in one)


def test_no_questionnaire_is_after_its_case_was_discharged():
    late = QuestionnaireResponse.objects.filter(
        case__discharged_at__isnull=False, completed_at__date__gt=F("case__discharged_at__date")
    )
    assert not late.exists()
