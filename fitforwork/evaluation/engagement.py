"""GP engagement (issue 18): per GP practice of the sites in scope, its referrals, referrals per 1,000 fit notes
it issued (the counts loaded by `fitforwork fitnotes load`), and the share of its referrals accepted; and the
outreach list, the practices that refer least for their fit notes, for the team that visits practices.

Definitions, for the dashboard's and the download's notes:
- referrals: referrals the practice made (its staff on the form or its system over FHIR) received in the
  period, whatever became of them;
- fit notes: the practice's fit notes in the months of the period, summed; "not loaded" when no month of the
  period has a count, and then no rate;
- accepted: accepted among those decided (accepted or declined), so referrals still waiting do not count
  against the practice.

What a commissioner sees is suppressed as the rest of the evaluation is (`suppression.py`): a referral count
from 1 to 4 shows as "<5", with the smallest other practice's count hidden too where a total is shown, and a
rate or share worked from a hidden count is hidden with it.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Count, Q, Sum

from fitforwork.evaluation.suppression import PRIMARY, SECONDARY, small, suppress_cells
from fitforwork.organisations.models import FitNoteCount, Organisation, Site
from fitforwork.referrals.models import Referral


@dataclass(frozen=True)
class Period:
    """Whole months, from the first day of `first` to the last day of `last`."""

    first: date
    last: date

    def __post_init__(self) -> None:
        if self.first.day != 1 or self.last.day != 1 or self.last < self.first:
            raise ValueError("A period runs from the first of one month to the first of a later or the same month")

    @property
    def end(self) -> date:
        """The day after the period."""
        return date(self.last.year + self.last.month // 12, self.last.month % 12 + 1, 1)


def practice_figures(sites: Iterable[Site], period: Period) -> list[dict[str, Any]]:
    """One row per GP practice of the sites, unsuppressed (for the engine and tests; see `suppressed`)."""
    practices = list(
        Organisation.objects.filter(kind=Organisation.Kind.GP_PRACTICE, covered_by_sites__in=list(sites)).distinct()
    )
    ids = [practice.pk for practice in practices]
    referrals: dict[Any, dict[str, Any]] = {
        row["referrer_organisation_id"]: dict(row)
        for row in Referral.objects.filter(
            referrer_organisation_id__in=ids, received_at__date__gte=period.first, received_at__date__lt=period.end
        )
        .values("referrer_organisation_id")
        .annotate(
            n=Count("id"),
            accepted=Count("id", filter=Q(status=Referral.Status.ACCEPTED)),
            declined=Count("id", filter=Q(status=Referral.Status.DECLINED)),
        )
    }
    fit_notes = {
        row["practice_id"]: row["total"]
        for row in FitNoteCount.objects.filter(practice_id__in=ids, month__gte=period.first, month__lte=period.last)
        .values("practice_id")
        .annotate(total=Sum("count"))
    }
    rows = []
    for practice in practices:
        made = referrals.get(practice.pk, {})
        n, accepted = made.get("n", 0), made.get("accepted", 0)
        decided = accepted + made.get("declined", 0)
        notes = fit_notes.get(practice.pk)
        rows.append(
            {
                "practice": practice.name,
                "ods_code": practice.ods_code,
                "email": practice.email,
                "postcode": practice.postcode,
                "referrals": n,
                "fit_notes": notes,
                "per_1000_fit_notes": round(1000 * n / notes, 1) if notes else None,
                "accepted": accepted,
                "decided": decided,
                "accepted_percent": round(100 * accepted / decided, 1) if decided else None,
            }
        )
    return sorted(rows, key=lambda row: (row["practice"], row["ods_code"]))


def suppressed(rows: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], int | str]:
    """The rows as a commissioner may see them, and the total of referrals (shown beside them)."""
    total = sum(row["referrals"] for row in rows)
    cells = suppress_cells({row["ods_code"]: row["referrals"] for row in rows} | {TOTAL: total})
    return [_shown(row, cells[row["ods_code"]]) for row in rows], cells[TOTAL]


TOTAL = "__total__"
HIDDEN = (PRIMARY, SECONDARY)


def _shown(row: dict[str, Any], referrals: int | str) -> dict[str, Any]:
    shown = dict(row, referrals=referrals)
    if referrals in HIDDEN:
        # Everything worked from the referrals goes with them: the rate, and the decided and accepted counts
        # (each at most the referrals).
        for key in ("per_1000_fit_notes", "accepted", "decided", "accepted_percent"):
            shown[key] = SECONDARY if row[key] is not None else None
        return shown
    declined = row["decided"] - row["accepted"]
    if small(row["accepted"]) or small(declined) or small(row["decided"]):
        shown["accepted"] = PRIMARY if small(row["accepted"]) else SECONDARY
        shown["decided"] = PRIMARY if small(row["decided"]) else row["decided"]
        shown["accepted_percent"] = SECONDARY
    return shown


def outreach(rows: list[dict[str, Any]], limit: int = 20) -> list[dict[str, Any]]:
    """The practices with fit notes loaded that refer least for them, fewest first (from unsuppressed rows; the
    list shows suppressed figures)."""
    counted = [row for row in rows if row["fit_notes"]]
    lowest = sorted(counted, key=lambda row: (row["per_1000_fit_notes"], row["practice"]))[:limit]
    shown, _ = suppressed(rows)
    by_code = {row["ods_code"]: row for row in shown}
    return [by_code[row["ods_code"]] for row in lowest]


OUTREACH_COLUMNS = (
    ("practice", "Practice"),
    ("ods_code", "ODS code"),
    ("email", "Email"),
    ("postcode", "Postcode"),
    ("fit_notes", "Fit notes issued"),
    ("referrals", "Referrals"),
    ("per_1000_fit_notes", "Referrals per 1,000 fit notes"),
    ("accepted_percent", "Accepted (%)"),
)


def outreach_csv(rows: list[dict[str, Any]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([title for _, title in OUTREACH_COLUMNS])
    for row in rows:
        writer.writerow(["" if row[key] is None else row[key] for key, _ in OUTREACH_COLUMNS])
    return out.getvalue()
