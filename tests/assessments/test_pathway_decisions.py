"""Confirming or overriding the proposed pathway: the decision keeps its reasons and the rules version."""

import pytest

from fitforwork.assessments.assessment_selectors import current_decision
from fitforwork.assessments.assessment_services import AssessmentError, assessment_save, pathway_decide
from fitforwork.assessments.models import PathwayDecision
from fitforwork.core.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def assessed(case, manager):
    assessment_save(
        case=case,
        actor=manager,
        expected_version=0,
        main_condition="mental_health",
        fit_note_status="not_fit",
        consent_given=True,
        done=True,
    )
    return case


def test_confirming_records_the_proposal_its_reasons_and_the_rules_version(assessed, manager):
    decision = pathway_decide(case=assessed, actor=manager, confirm=True, scores={"phq9": 10, "gad7": 4})
    assert decision.outcome == PathwayDecision.Outcome.CONFIRMED
    assert decision.proposed_pathway == decision.chosen_pathway == "case_managed_fast_access"
    assert decision.reasons == ["PHQ-9 score 10 is 10 or more"]
    assert decision.rules == assessed.rules
    assert decision.scores == {"phq9": "10", "gad7": "4"}
    assert AuditEvent.objects.filter(action="assessments.pathway_confirmed", object_id=str(decision.pk)).exists()


def test_overriding_needs_a_reason(assessed, manager):
    with pytest.raises(AssessmentError, match="Say why"):
        pathway_decide(case=assessed, actor=manager, confirm=False, chosen="guidance_and_advice", scores={"phq9": 12})
    assert not PathwayDecision.objects.exists()


def test_overriding_with_a_reason_is_kept_and_becomes_current(assessed, manager):
    pathway_decide(case=assessed, actor=manager, confirm=True, scores={"phq9": 9})
    decision = pathway_decide(
        case=assessed,
        actor=manager,
        confirm=False,
        chosen="case_managed_fast_access",
        override_reason="Off sick for 5 months and worried about losing the job",
        scores={"phq9": 9},
    )
    assert (decision.proposed_pathway, decision.chosen_pathway) == ("guidance_and_advice", "case_managed_fast_access")
    assert decision.outcome == PathwayDecision.Outcome.OVERRIDDEN
    assert current_decision(assessed) == decision
    assert PathwayDecision.objects.count() == 2
    event = AuditEvent.objects.get(action="assessments.pathway_overridden")
    assert event.reason == "Off sick for 5 months and worried about losing the job"


def test_overriding_to_an_unknown_or_the_same_pathway_is_refused(assessed, manager):
    with pytest.raises(AssessmentError, match="Select the pathway"):
        pathway_decide(case=assessed, actor=manager, confirm=False, chosen="nowhere", override_reason="x", scores={})
    with pytest.raises(AssessmentError, match="confirm it"):
        pathway_decide(
            case=assessed,
            actor=manager,
            confirm=False,
            chosen="guidance_and_advice",
            override_reason="x",
            scores={"ompsq10": 20},
        )


def test_the_pathway_waits_for_a_finished_assessment(case, manager):
    with pytest.raises(AssessmentError, match="Finish the assessment"):
        pathway_decide(case=case, actor=manager, confirm=True, scores={})


def test_a_subject_access_export_holds_the_assessment_its_earlier_versions_and_the_decisions(assessed, manager):
    from fitforwork.assessments.assessment_services import assessment_save
    from fitforwork.dataprotection.selectors import subject_access_gather

    assessment_save(
        case=assessed,
        actor=manager,
        expected_version=1,
        main_condition="mental_health",
        fit_note_status="may_be_fit",
        goals="Part-time first",
        consent_given=True,
        done=True,
    )
    pathway_decide(case=assessed, actor=manager, confirm=True, scores={"gad7": 11})
    export = subject_access_gather(assessed.person)
    assert [item["goals"] for item in export["assessments"]] == ["Part-time first"]
    assert [old["version"] for old in export["assessments"][0]["earlier_versions"]] == [1]
    assert [item["reasons"] for item in export["pathway_decisions"]] == [["GAD-7 score 11 is 10 or more"]]


@pytest.mark.parametrize(("total", "pathway"), [(9, "guidance_and_advice"), (10, "case_managed_fast_access")])
def test_the_latest_completed_questionnaire_scores_drive_the_proposal(assessed, manager, total, pathway):
    from fitforwork.assessments.assessment_selectors import latest_scores, pathway_proposal
    from fitforwork.assessments.services import response_record

    answers = {f"q{n}": 0 for n in range(1, 10)} | {"difficulty": 0}
    response_record(case=assessed, instrument_code="phq9", answers=answers | {"q1": 3}, mode="phone", actor=manager)
    ones = {f"q{n}": 1 for n in range(1, total + 1)} if total <= 9 else {f"q{n}": 1 for n in range(1, 9)} | {"q9": 2}
    response_record(case=assessed, instrument_code="phq9", answers=answers | ones, mode="phone", actor=manager)
    scores = latest_scores(assessed)
    assert scores["phq9"] == total
    proposal = pathway_proposal(assessed, scores)
    assert proposal.pathway == pathway
    decision = pathway_decide(case=assessed, actor=manager, confirm=True, scores=scores)
    assert decision.scores == {"phq9": f"{total}.00"}
