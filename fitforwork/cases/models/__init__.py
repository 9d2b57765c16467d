"""The cases app's models, one module per part of the work; import them from here."""

from fitforwork.cases.models.case import (
    STAGES,
    Case,
    CaseStatus,
    CaseStatusChange,
    DischargeReason,
    Risk,
    Task,
    WorkStatus,
    stage_rank,
)
from fitforwork.cases.models.contact import Contact
from fitforwork.cases.models.letter import Letter, LetterKind, LetterStatus
from fitforwork.cases.models.team import BreakGlass, CareTeamMember, CaseAllocation, Delegation, MdtNote

__all__ = [
    "STAGES",
    "BreakGlass",
    "CareTeamMember",
    "Case",
    "CaseAllocation",
    "CaseStatus",
    "CaseStatusChange",
    "Contact",
    "Delegation",
    "DischargeReason",
    "Letter",
    "LetterKind",
    "LetterStatus",
    "MdtNote",
    "Risk",
    "Task",
    "WorkStatus",
    "stage_rank",
]
