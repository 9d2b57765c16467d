"""Reads of the assessment, its history and the pathway decisions of a case (issue 14)."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from django.apps import apps

from fitforwork.assessments.models import Assessment, AssessmentRevision, PathwayDecision
from fitforwork.assessments.pathways import Proposal, pathway_propose
from fitforwork.cases.models import Case
from fitforwork.organisations.selectors import rules_config


def assessment_of(case: Case) -> Assessment | None:
    return Assessment.objects.select_related("consent_recorded_by", "assessed_by").filter(case=case).first()


def assessment_revisions(assessment: Assessment) -> list[AssessmentRevision]:
    return list(assessment.revisions.select_related("replaced_by"))


def current_decision(case: Case) -> PathwayDecision | None:
    """The case's pathway: its newest decision."""
    return PathwayDecision.objects.select_related("decided_by", "rules__service_model").filter(case=case).first()


def latest_scores(case: Case) -> dict[str, Decimal | int | None]:
    """Each questionnaire's latest completed score on the case, once the questionnaires are in this build."""
    try:
        # Looked up by name: the questionnaire engine is built alongside and may not be in this build yet.
        model = apps.get_model("assessments", "QuestionnaireResponse")  # type: ignore[misc]
    except LookupError:
        return {}
    scores: dict[str, Decimal | int | None] = {}
    rows = model.objects.filter(case=case, status="completed").order_by("instrument_code", "-completed_at")
    for row in rows.values("instrument_code", "score"):
        scores.setdefault(row["instrument_code"], row["score"])
    return scores


def pathway_proposal(case: Case, scores: Mapping[str, Decimal | int | None]) -> Proposal:
    return pathway_propose(rules_config(case.rules), scores)
