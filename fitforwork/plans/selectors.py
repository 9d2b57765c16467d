"""Reading plans, snippets and fit notes. The case pages fetch the case through `cases.access.case_for`,
which checks the reader's relationship and audits the read; these read only within that case."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from fitforwork.cases.models import Case
from fitforwork.plans.models import FitNote, Obstacle, Plan, PlanVersion, Recommendation, RecommendationSnippet


def plan_of(case: Case) -> Plan | None:
    return Plan.objects.filter(case=case).first()


def versions_of(plan: Plan) -> list[PlanVersion]:
    """Every version, newest first, with who agreed it."""
    return list(plan.versions.select_related("agreed_by", "modified_by").order_by("-number"))


def version_full(case: Case, number: int) -> PlanVersion | None:
    """One version of the case's plan with everything in it, ready to show or compare."""
    recommendations = Recommendation.objects.select_related("intervention", "onward_referral").order_by(
        "position", "id"
    )
    obstacles = Obstacle.objects.prefetch_related(Prefetch("recommendations", queryset=recommendations))
    return (
        PlanVersion.objects.filter(plan__case=case, number=number)
        .select_related("plan", "agreed_by", "modified_by")
        .prefetch_related(Prefetch("obstacles", queryset=obstacles), "timetable", "phased_weeks")
        .first()
    )


def draft_of(plan: Plan) -> PlanVersion | None:
    return plan.versions.filter(status=PlanVersion.Status.DRAFT).first()


def latest_agreed(plan: Plan) -> PlanVersion | None:
    return plan.versions.filter(status=PlanVersion.Status.AGREED).order_by("-number").first()


def snippets_for(codes: list[str]) -> QuerySet[RecommendationSnippet]:
    """The active snippets for these obstacle codes, for the plan editor."""
    return RecommendationSnippet.objects.filter(obstacle_code__in=codes, is_active=True).order_by(
        "obstacle_code", "title"
    )


def snippets_all() -> QuerySet[RecommendationSnippet]:
    return RecommendationSnippet.objects.order_by("obstacle_code", "title")


def fit_notes_of(case: Case) -> list[FitNote]:
    return list(FitNote.objects.filter(case=case).select_related("issued_by").order_by("-period_from", "-created_at"))
