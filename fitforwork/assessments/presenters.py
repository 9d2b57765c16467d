"""How questionnaire scores and red flags are shown: tags for bands, the banner for an open red flag, and the
rows the case's summary panel adds."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from fitforwork.assessments import red_flag_selectors, registry, selectors
from fitforwork.assessments.models import RedFlag
from fitforwork.cases.models import Case
from fitforwork.core.presenters import date_long, datetime_long


def _name(user: Any) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.email


def red_flag_alert(flag: RedFlag, case: Case) -> dict[str, str]:
    """The banner at the top of every section while a red flag is open: the site's safety protocol and the task."""
    task = flag.task
    task_text = ""
    if task is not None:
        owner = _name(task.assigned_to) or "nobody yet"
        task_text = f"Urgent task: {task.title}, due {date_long(task.due_on)}, for {owner}."
    raised = "by the client online" if flag.raised_by_id is None else f"by {_name(flag.raised_by)}"
    return {
        "heading": f"Red flag: {flag.label}",
        "text": case.site.safety_protocol_text,
        "task": task_text,
        "raised": f"Raised {datetime_long(flag.raised_at)} {raised}.",
        "href": reverse("cases:questionnaires", args=[case.pk]) + "#red-flags",
        "link": "Close the red flag when you have acted",
        "red_flag": "yes",
    }


def red_flag_alerts(case: Case) -> list[dict[str, str]]:
    """A banner for each open red flag on the case."""
    return [red_flag_alert(flag, case) for flag in red_flag_selectors.open_red_flags(case)]


def red_flag_rows(flags: list[RedFlag]) -> list[dict[str, Any]]:
    """The case's red flags for the questionnaires page, open ones with their close form, closed with what was done."""
    rows = []
    for flag in flags:
        raised = "the client, online" if flag.raised_by_id is None else _name(flag.raised_by)
        row: dict[str, Any] = {
            "flag": flag,
            "label": flag.label,
            "raised": f"{datetime_long(flag.raised_at)} by {raised}",
            "task": flag.task.title if flag.task is not None else "",
            "open": flag.closed_at is None,
        }
        if flag.closed_at is not None:
            row["closed"] = f"{datetime_long(flag.closed_at)} by {_name(flag.closed_by)}"
            row["action_taken"] = flag.action_taken
        rows.append(row)
    return rows


def latest_bands(case: Case) -> str:
    """The latest band of each instrument, for the case's summary panel: "GAD-7 mild; PHQ-9 moderate"."""
    parts = []
    for code, response in sorted(selectors.responses_latest(case).items()):
        try:
            found = registry.definition_get(code, response.instrument_version)
            name = found.short_title or found.title
        except registry.UnknownInstrument:
            name = code
        parts.append(f"{name} {response.band_label.lower() or 'not scored'}")
    return "; ".join(parts)


def panel_rows(case: Case) -> list[dict[str, Any]]:
    """What the case's summary panel adds: the latest band of each questionnaire, and any open red flag."""
    rows = []
    bands = latest_bands(case)
    if bands:
        rows.append({"key": {"text": "Questionnaires"}, "value": {"text": bands}})
    open_flags = list(red_flag_selectors.open_red_flags(case))
    if open_flags:
        rows.append({"key": {"text": "Red flag"}, "value": {"text": "Open: " + "; ".join(f.label for f in open_flags)}})
    return rows
