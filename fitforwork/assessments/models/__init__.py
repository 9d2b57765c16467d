"""The assessment's records. Each module holds one part; this package lists them for Django."""

from fitforwork.assessments.models.assessment import Assessment, AssessmentRevision, PathwayDecision
from fitforwork.assessments.models.links import QuestionnaireLink
from fitforwork.assessments.models.red_flags import RedFlag
from fitforwork.assessments.models.responses import InstrumentDefinition, Mode, QuestionnaireResponse

__all__ = [
    "Assessment",
    "AssessmentRevision",
    "InstrumentDefinition",
    "Mode",
    "PathwayDecision",
    "QuestionnaireLink",
    "QuestionnaireResponse",
    "RedFlag",
]
