"""`evaluate`: every measure from one episodes table (database or pooled extracts, the same code), split by
site, service model version, period, main condition and referral source, with survival and the comparison of
service models. The JSON names each measure; `suppression.suppress` makes the commissioners' copy."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pandas as pd

from fitforwork.evaluation import measures, survival
from fitforwork.evaluation.columns import OUTCOME_NAMES
from fitforwork.evaluation.frame import prepare

DIMENSIONS = {
    "site": "site",
    "service_model": "model",
    "period": "quarter",
    "main_condition": "main_condition",
    "referral_source": "referral_source",
}
# A measure for every group of a column (or, for None, the whole table as measures.ALL).
Measure = Callable[[pd.DataFrame, str | None], dict[str, dict[str, Any]]]


def _period(frame: pd.DataFrame) -> dict[str, Any]:
    referred = frame["referred_on"].dropna()
    return {
        "referred_from": None if referred.empty else referred.min().date().isoformat(),
        "referred_to": None if referred.empty else referred.max().date().isoformat(),
        "data_cutoff": None if frame.empty else frame["data_cutoff"].max().date().isoformat(),
    }


def _periods(frame: pd.DataFrame, column: str) -> dict[str, dict[str, Any]]:
    """_period for each group of `column`, in one groupby."""
    grouped = frame.groupby(frame[column].astype(str).to_numpy())
    first, last, cutoff = grouped["referred_on"].min(), grouped["referred_on"].max(), grouped["data_cutoff"].max()
    day = lambda value: None if pd.isna(value) else value.date().isoformat()  # noqa: E731
    return {
        str(key): {"referred_from": day(first[key]), "referred_to": day(last[key]), "data_cutoff": day(cutoff[key])}
        for key in first.index
    }


def _split(frame: pd.DataFrame, named: dict[str, Measure]) -> dict[str, dict[str, Any]]:
    """Every measure overall and for every group of each dimension (each measure takes a whole dimension at once)."""
    period = _period(frame)
    out = {name: {**measure(frame, None)[measures.ALL], "period": period, "by": {}} for name, measure in named.items()}
    for dimension, column in DIMENSIONS.items():
        periods = _periods(frame, column)
        for name, measure in named.items():
            out[name]["by"][dimension] = {
                group: {**result, "period": periods[group]} for group, result in measure(frame, column).items()
            }
    return out


def period_filter(frame: pd.DataFrame, period: str | None, site: str | None) -> tuple[pd.DataFrame, dict[str, int]]:
    """Episodes referred in YYYY-MM..YYYY-MM (inclusive months) and at one site (by name)."""
    excluded: dict[str, int] = {}
    if site:
        keep = frame["site"].str.lower() == site.lower()
        excluded["other_sites"] = int((~keep).sum())
        frame = frame[keep]
    if period:
        first, _, last = period.partition("..")
        months = frame["referred_on"].dt.strftime("%Y-%m")
        keep = (months >= first) & (months <= (last or first))
        excluded["referred_outside_period"] = int((~keep).sum())
        frame = frame[keep]
    return frame, {k: v for k, v in excluded.items() if v}


def evaluate(
    episodes: pd.DataFrame,
    outcomes: pd.DataFrame | None = None,
    *,
    data_cutoff: date | None = None,
    unit_costs: dict[str, dict[str, float]] | None = None,
    site: str | None = None,
    period: str | None = None,
    reference: str | None = None,
    source: str = "extract",
) -> dict[str, Any]:
    """The whole report, unsuppressed (for the evaluator); pass it through `suppression.suppress` for
    commissioners."""
    frame = prepare(episodes, data_cutoff)
    frame, scoped_out = period_filter(frame, period, site)
    outcomes = outcomes if outcomes is not None else pd.DataFrame(columns=list(OUTCOME_NAMES))
    costs = unit_costs or {}
    named: dict[str, Measure] = {
        "referrals": measures.referrals_by,
        "time_standards": measures.time_standards_by,
        "time_to_first_intervention": measures.time_to_first_intervention_by,
        "engagement": measures.engagement_by,
        "returned_to_work": measures.returned_to_work_by,
        "sustained_return": lambda f, by: measures.sustained_return_by(f, by, outcomes),
        "questionnaire_change": lambda f, by: measures.questionnaire_change_by(f, by, outcomes),
        "cost": lambda f, by: measures.cost_by(f, by, costs),
    }
    report: dict[str, Any] = {
        "source": source,
        "episodes": len(frame),
        "scope": {"site": site, "period": period, "excluded": scoped_out},
        "period": _period(frame),
        "measures": _split(frame, named),
    }
    report["measures"]["referrals_by_practice"] = {
        **measures.referrals(frame, practices=True), "period": _period(frame)
    }  # fmt: skip
    times, excluded = survival.return_times(frame)
    report["km"] = survival.kaplan_meier(times, excluded)
    report["cox"] = survival.cox_service_models(times, reference)
    report["cox"]["excluded"] = {**excluded, **report["cox"]["excluded"]}
    report["funnel"] = survival.funnel(frame)
    return report
