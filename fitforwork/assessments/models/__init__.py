"""The assessment's records. Each module holds one part; this package lists them for Django."""

from fitforwork.assessments.models.links import QuestionnaireLink
from fitforwork.assessments.models.responses import InstrumentDefinition, Mode, QuestionnaireResponse

__all__ = ["InstrumentDefinition", "Mode", "QuestionnaireLink", "QuestionnaireResponse"]
