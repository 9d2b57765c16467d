"""Reads of a case's red flags; the case has already been fetched through `access.case_for`."""

from __future__ import annotations

from django.db.models import QuerySet

from fitforwork.assessments.models import RedFlag
from fitforwork.cases.models import Case


def open_red_flags(case: Case) -> QuerySet[RedFlag]:
    """The case's open red flags, newest first, with their tasks and who raised them."""
    return RedFlag.objects.filter(case=case, closed_at__isnull=True).select_related("task__assigned_to", "raised_by")


def red_flag_history(case: Case) -> QuerySet[RedFlag]:
    """Every red flag the case has had, open or closed, newest first."""
    return RedFlag.objects.filter(case=case).select_related("task__assigned_to", "raised_by", "closed_by")


def red_flag_for(case: Case, pk: int) -> RedFlag:
    """One of this case's red flags (a flag of another case is not found)."""
    return RedFlag.objects.select_related("task").get(case=case, pk=pk)
