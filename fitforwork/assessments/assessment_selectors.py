"""Reads of the assessment, its history and the pathway decisions of a case (issue 14)."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from fitforwork.assessments.models import Assessment, AssessmentRevision, PathwayDecision
from fitforwork.assessments.pathways import Proposal, pathway_propose
from fitforwork.assessments.selectors import responses_latest
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
    """Each questionnaire's latest completed score on the case (None: completed but not scorable)."""
    return {code: response.score for code, response in responses_latest(case).items()}


def pathway_proposal(case: Case, scores: Mapping[str, Decimal | int | None]) -> Proposal:
    """The pathway the case's rules propose for these scores, with the reasons."""
    return pathway_propose(rules_config(case.rules), scores)
