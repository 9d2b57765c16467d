"""Small-number suppression for everything a commissioner sees.

Primary: a count from 1 to 4 is shown as "<5". Secondary: where counts add up to a total that is shown (the
cells of a table, a group's denominator and the records excluded from it, the groups of one breakdown), one
suppressed cell could be worked out by subtraction, so the smallest other non-zero cell is hidden too, shown
as "*". A share whose numerator, or whose complement (denominator minus numerator), is hidden has its
numerator, percentage and interval hidden; a median or mean of 1 to 4 records is hidden.
"""

from __future__ import annotations

import copy
from typing import Any

PRIMARY = "<5"
SECONDARY = "*"
COUNT_KEYS = ("n", "events", "missing", "returns", "returned", "numerator", "denominator")
SUMMARY_KEYS = (
    "median_working_days", "median_working_days_from_referral", "median_working_days_from_assessment",
    "median_days", "mean_change", "rate", "per_case", "per_return", "total",
)  # fmt: skip
SHARE_KEYS = ("percent", "ci_low", "ci_high")


def small(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= 4


def suppress_cells(cells: dict[str, int]) -> dict[str, int | str]:
    """One table's cells (adding up to a total that is shown): primary then secondary suppression."""
    out: dict[str, int | str] = dict(cells)
    hidden = {k for k, v in cells.items() if small(v)}
    for key in hidden:
        out[key] = PRIMARY
    if len(hidden) == 1:
        others = sorted((v, k) for k, v in cells.items() if k not in hidden and isinstance(v, int) and v > 0)
        if others:
            out[others[0][1]] = SECONDARY
    return out


def _proportion(item: dict[str, Any]) -> None:
    numerator, denominator = item.get("numerator"), item.get("denominator")
    if not isinstance(numerator, int) or not isinstance(denominator, int):
        return
    complement = denominator - numerator
    if small(denominator):
        item["denominator"] = PRIMARY
    if small(numerator) or small(complement) or small(denominator):
        item["numerator"] = PRIMARY if small(numerator) else SECONDARY
        for key in SHARE_KEYS:
            if key in item:
                item[key] = SECONDARY


def _item(item: dict[str, Any]) -> None:
    """Suppress within one measure's dict (not its children)."""
    if "numerator" in item and "denominator" in item:
        _proportion(item)
    if "cells" in item and isinstance(item["cells"], dict):
        item["cells"] = suppress_cells(item["cells"])
    n = item.get("n")
    if small(item.get("events")):
        for key in ("median_days", "ci_low", "ci_high", "still_off_at_days"):
            if item.get(key) is not None:
                item[key] = SECONDARY
    if small(n):
        for key in SUMMARY_KEYS:
            if item.get(key) is not None:
                item[key] = SECONDARY
    excluded = item.get("excluded")
    if isinstance(excluded, dict) and isinstance(n, int) and excluded:
        table = suppress_cells({"__n__": n, **excluded})
        item["excluded"] = {k: v for k, v in table.items() if k != "__n__"}
        if table["__n__"] == SECONDARY:
            item["n"] = SECONDARY
            for key in SUMMARY_KEYS:
                if item.get(key) is not None:
                    item[key] = SECONDARY
    for key in COUNT_KEYS:
        if small(item.get(key)):
            item[key] = PRIMARY


def suppress_groups(groups: dict[str, dict[str, Any]], key: str) -> None:
    """Secondary suppression across the groups of one breakdown (they add up to the overall figure): when one
    group's `key` is hidden, hide the smallest other group's too (its shares with it)."""
    hidden = [name for name, g in groups.items() if isinstance(g, dict) and small(g.get(key))]
    if len(hidden) != 1:
        return
    others = sorted(
        (g[key], name) for name, g in groups.items()
        if name not in hidden and isinstance(g, dict) and isinstance(g.get(key), int) and g[key] > 0
    )  # fmt: skip
    if others:
        target = groups[others[0][1]]
        target[key] = SECONDARY
        for share in SHARE_KEYS + SUMMARY_KEYS:
            if target.get(share) is not None:
                target[share] = SECONDARY


def _walk(node: Any) -> None:
    if isinstance(node, dict):
        for child in node.values():
            _walk(child)
        _item(node)
    elif isinstance(node, list):
        for child in node:
            _walk(child)


def suppress(report: dict[str, Any]) -> dict[str, Any]:
    """A copy of an evaluation report fit for commissioners. Breakdowns (`by` in each measure) get secondary
    suppression across their groups before the groups themselves are suppressed."""
    out = copy.deepcopy(report)
    for measure in out.get("measures", {}).values():
        for groups in measure.get("by", {}).values():
            for key in ("numerator", "n"):
                suppress_groups(groups, key)
    _walk(out)
    out["suppressed"] = True
    return out
