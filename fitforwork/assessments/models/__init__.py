"""The assessment's records. Each module holds one part; this package lists them for Django."""

from fitforwork.assessments.models.assessment import Assessment, AssessmentRevision, PathwayDecision  # noqa: F401
