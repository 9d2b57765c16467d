"""How questionnaire scores and red flags are shown: tags for bands, the banner for an open red flag, and the
rows the case's summary panel adds."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.html import format_html, format_html_join

from fitforwork.assessments import assessment_selectors, red_flag_selectors, registry, selectors
from fitforwork.assessments.models import RedFlag
from fitforwork.assessments.scoring import number
from fitforwork.cases.models import Case
from fitforwork.core.presenters import date_long, datetime_long
from fitforwork.organisations.selectors import rules_config


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


def latest_bands(case: Case) -> list[dict[str, str]]:
    """The latest band of each instrument, for the case's summary panel: its name, and the band as an NHS.UK
    tag's words and colour ("PHQ-9", "Moderate", red)."""
    shown = []
    for code, response in sorted(selectors.responses_latest(case).items()):
        try:
            found = registry.definition_get(code, response.instrument_version)
        except registry.UnknownInstrument:
            name, colour = code, "grey"
        else:
            name = found.short_title or found.title
            colour = next((band.colour for band in found.bands if band.code == response.band), "grey")
        if response.band_label:
            words = response.band_label
        elif response.score is not None:
            words = f"Score {number(response.score)}"
        else:
            words = "Not scored"
        shown.append({"name": name, "text": words, "colour": colour})
    return shown


def _tag_html(text: str, colour: str) -> str:
    return format_html('<strong class="nhsuk-tag nhsuk-tag--{}">{}</strong>', colour, text)


def panel_rows(case: Case) -> list[dict[str, Any]]:
    """What the case's summary panel adds: the latest band of each questionnaire as an NHS.UK tag, the
    pathway decided, and any open red flag as a red tag, each linking to its page of the assessment."""
    rows = []
    bands = latest_bands(case)
    href = reverse("cases:questionnaires", args=[case.pk])
    if bands:
        items = format_html_join(
            "", "<li>{} {}</li>", ((band["name"], _tag_html(band["text"], band["colour"])) for band in bands)
        )
        rows.append(
            {
                "key": {"text": "Questionnaires"},
                "value": {"html": format_html('<ul class="nhsuk-list nhsuk-u-margin-bottom-0">{}</ul>', items)},
                "actions": {"items": [{"href": href, "text": "See", "visuallyHiddenText": "questionnaire scores"}]},
            }
        )
    decision = assessment_selectors.current_decision(case)
    if decision is not None:
        labels = {p.code: p.label for p in rules_config(case.rules).pathway_allocation.pathways}
        rows.append(
            {
                "key": {"text": "Pathway"},
                "value": {"text": labels.get(decision.chosen_pathway, decision.chosen_pathway)},
                "actions": {
                    "items": [
                        {
                            "href": reverse("cases:case-assessment", args=[case.pk]) + "#pathway-decision",
                            "text": "See",
                            "visuallyHiddenText": "the pathway decision",
                        }
                    ]
                },
            }
        )
    open_flags = list(red_flag_selectors.open_red_flags(case))
    if open_flags:
        flags = format_html_join(" ", "{} {}", ((_tag_html("Open", "red"), flag.label) for flag in open_flags))
        rows.append(
            {
                "key": {"text": "Red flag"},
                "value": {"html": flags},
                "actions": {"items": [{"href": href + "#red-flags", "text": "Act", "visuallyHiddenText": "on it"}]},
            }
        )
    return rows
