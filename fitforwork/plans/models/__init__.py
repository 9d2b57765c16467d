"""The plans app's records. Each module holds one part; this package lists them for Django."""

from fitforwork.plans.models.fit_notes import FitNote, Profession, StaffProfession
from fitforwork.plans.models.plan import (
    Adjustment,
    DiscussedHow,
    Fitness,
    Obstacle,
    ObstacleGroup,
    PhasedWeek,
    Plan,
    PlanVersion,
    Recommendation,
    RecommendationKind,
    TimetableEntry,
)
from fitforwork.plans.models.snippets import RecommendationSnippet

__all__ = [
    "Adjustment",
    "DiscussedHow",
    "FitNote",
    "Fitness",
    "Obstacle",
    "ObstacleGroup",
    "PhasedWeek",
    "Plan",
    "PlanVersion",
    "Profession",
    "Recommendation",
    "RecommendationKind",
    "RecommendationSnippet",
    "StaffProfession",
    "TimetableEntry",
]
