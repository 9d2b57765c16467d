"""The descriptive measures of evaluation.md, each for one group of episodes (the caller splits by dimension).

Every measure returns its denominator (`n`) and the records excluded from it with the reason (`excluded`);
the period is stated once per report and per group by the caller. Proportions carry Wilson 95% intervals
(statsmodels). Counts are raw here; suppression is applied to what commissioners see (`suppression`).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from statsmodels.stats.proportion import proportion_confint

from fitforwork.assessments.registry import shipped_definitions
from fitforwork.evaluation.columns import INSTRUMENTS, NOT_ENGAGED_REASONS, STAGES
from fitforwork.evaluation.frame import WORKING_DAYS, working_days

Result = dict[str, Any]


def proportion(numerator: int, denominator: int) -> Result:
    """A share with its Wilson 95% interval, as percentages to one decimal place."""
    if denominator == 0:
        return {"numerator": 0, "denominator": 0, "percent": None, "ci_low": None, "ci_high": None}
    low, high = proportion_confint(numerator, denominator, alpha=0.05, method="wilson")
    return {
        "numerator": int(numerator),
        "denominator": int(denominator),
        "percent": round(100 * numerator / denominator, 1),
        "ci_low": round(100 * float(low), 1),
        "ci_high": round(100 * float(high), 1),
    }


def _excluded(**reasons: int) -> dict[str, int]:
    return {reason: int(count) for reason, count in reasons.items() if count}


def _median(values: pd.Series) -> float | None:
    return None if values.empty else float(np.median(values))


def _counts(values: pd.Series) -> dict[str, int]:
    return {str(k): int(v) for k, v in values.value_counts().sort_index().items()}


def referrals(frame: pd.DataFrame, practices: bool = False) -> Result:
    """Referrals by source (and by GP practice where asked): every episode counts once."""
    result: Result = {"n": len(frame), "excluded": {}, "by_source": {"cells": _counts(frame["referral_source"])}}
    if practices:
        known = frame["gp_practice"].fillna("") != ""
        result["by_practice"] = {"cells": _counts(frame.loc[known, "gp_practice"])}
        result["excluded"] = _excluded(practice_not_known=int((~known).sum()))
    return result


def _days(frame: pd.DataFrame, name: str) -> pd.Series:
    """A working-days column of frame.prepare (worked out here for a table that did not come through it)."""
    if name in frame.columns:
        return frame[name]
    start, end = WORKING_DAYS[name]
    return working_days(frame, start, end)


def _standard(frame: pd.DataFrame, column: str, standard_column: str, label: str) -> Result:
    days = _days(frame, column)
    happened = days.notna()
    valid = happened & (days >= 0)
    within = valid & (days <= frame[standard_column])
    return {
        **proportion(int(within.sum()), int(valid.sum())),
        "n": int(valid.sum()),
        "median_working_days": _median(days[valid]),
        "excluded": _excluded(
            **{f"not_{label}": int((~happened).sum()), f"{label}_before_referral": int((happened & ~valid).sum())}
        ),
    }


def time_standards(frame: pd.DataFrame) -> Result:
    """% contacted and assessed within the site's standard (working days from referral, in the site's nation's
    calendar; 2 and 5 when an extract does not say), and median working days to first contact, assessment and
    first intervention. The denominator of each is the episodes that reached the step."""
    return {
        "contacted_within_standard": _standard(frame, "wd_to_contact", "contact_standard_wd", "contacted"),
        "assessed_within_standard": _standard(frame, "wd_to_assessment", "assessment_standard_wd", "assessed"),
    }


def time_to_first_intervention(frame: pd.DataFrame) -> Result:
    """Median working days from referral, and from assessment, to the first intervention started."""
    from_referral = _days(frame, "wd_to_intervention")
    from_assessment = _days(frame, "wd_assessment_to_intervention")
    valid = from_referral.notna() & (from_referral >= 0)
    assessed = valid & from_assessment.notna() & (from_assessment >= 0)
    return {
        "n": int(valid.sum()),
        "median_working_days_from_referral": _median(from_referral[valid]),
        "median_working_days_from_assessment": _median(from_assessment[assessed]),
        "excluded": _excluded(
            no_intervention_started=int(frame["first_intervention_on"].isna().sum()),
            started_before_referral=int((from_referral < 0).sum()),
        ),
    }


def engagement(frame: pd.DataFrame) -> Result:
    """Furthest stage reached (every episode), and among discharged episodes the share discharged as not
    contactable or as declined before assessment."""
    stages = frame["furthest_stage"].fillna("")
    known = stages.isin(STAGES)
    cells = {stage: int((stages == stage).sum()) for stage in STAGES}
    discharged = frame[frame["discharged"]]
    dropped = discharged["discharge_reason"].isin(NOT_ENGAGED_REASONS)
    return {
        "n": int(known.sum()),
        "furthest_stage": {"cells": cells},
        "dropped_out": {
            **proportion(int(dropped.sum()), len(discharged)),
            "by_reason": {"cells": {r: int((discharged["discharge_reason"] == r).sum()) for r in NOT_ENGAGED_REASONS}},
        },
        "excluded": _excluded(stage_not_known=int((~known).sum()), still_open=int((~frame["discharged"]).sum())),
    }


def returned_to_work(frame: pd.DataFrame) -> Result:
    """The "77%" measure: among discharged clients who were assessed, the share whose work status at discharge
    is in work (usual duties, with adjustments or a phased return, or a new job); Wilson 95% interval."""
    discharged = frame["discharged"]
    assessed = frame["assessed"]
    known = frame["work_status_at_discharge"].fillna("") != ""
    base = discharged & assessed & known
    result = proportion(int((base & frame["in_work"]).sum()), int(base.sum()))
    result["n"] = int(base.sum())
    result["excluded"] = _excluded(
        still_open=int((~discharged).sum()),
        not_assessed=int((discharged & ~assessed).sum()),
        work_status_not_recorded=int((discharged & assessed & ~known).sum()),
    )
    return result


def sustained_return(frame: pd.DataFrame, outcomes: pd.DataFrame) -> Result:
    """Among those who returned (in work at discharge), the share still in work at each follow-up; follow-ups
    not done are counted as missing, never imputed; those not yet due at the cut-off are left out."""
    returned = frame.loc[frame["discharged"] & frame["in_work"], ["episode_id", "data_cutoff"]]
    points = [p for p in pd.unique(outcomes["time_point"].dropna()) if p not in ("baseline", "discharge")]
    result: Result = {"n": len(returned), "excluded": {}, "time_points": {}}
    for point in sorted(points, key=str):
        rows = outcomes[outcomes["time_point"] == point].drop_duplicates("episode_id").set_index("episode_id")
        joined = returned.join(rows[["due_on", "done_on", "work_status"]], on="episode_id")
        not_due = joined["due_on"].notna() & (pd.to_datetime(joined["due_on"]) > joined["data_cutoff"])
        due = joined[~not_due]
        done = due["done_on"].notna()
        in_work = done & due["work_status"].isin(("in_work_usual", "in_work_adjusted", "new_job"))
        result["time_points"][str(point)] = {
            **proportion(int(in_work.sum()), int(done.sum())),
            "missing": int((~done).sum()),
            "excluded": _excluded(not_yet_due=int(not_due.sum())),
        }
    if not points:
        result["excluded"] = _excluded(no_follow_ups_recorded=len(returned))
    return result


def _thresholds() -> dict[str, tuple[str, float | None]]:
    found: dict[str, tuple[str, float | None]] = {}
    for (code, _version), definition in sorted(shipped_definitions().items()):
        threshold = definition.change.threshold
        found[code] = (definition.change.better, None if threshold is None else float(threshold))
    return found


def questionnaire_change(frame: pd.DataFrame, outcomes: pd.DataFrame) -> Result:
    """Per instrument: mean change from baseline to discharge (after minus before, on the instrument's change
    measure), and the share with a meaningful improvement (by at least the instrument definition's published
    threshold, in its better direction); null share where no threshold is published."""
    at_discharge = outcomes[outcomes["time_point"] == "discharge"].drop_duplicates("episode_id").set_index("episode_id")
    result: Result = {}
    for code, (better, threshold) in _thresholds().items():
        if code not in INSTRUMENTS:
            continue
        before = frame[f"baseline_{code}"]
        after = frame.get(f"discharge_{code}", pd.Series(np.nan, index=frame.index))
        if not at_discharge.empty and f"score_{code}" in at_discharge.columns:
            reported = pd.to_numeric(frame["episode_id"].map(at_discharge[f"score_{code}"]), errors="coerce")
            after = reported.where(reported.notna(), after)
        pair = before.notna() & after.notna()
        change = (after - before)[pair]
        item: Result = {
            "n": int(pair.sum()),
            "mean_change": None if change.empty else round(float(change.mean()), 2),
            "better": better,
            "threshold": threshold,
            "excluded": _excluded(
                no_baseline=int(before.isna().sum()), no_discharge_score=int((before.notna() & after.isna()).sum())
            ),
        }
        if threshold is None:
            item["meaningful_improvement"] = None
        else:
            improved = change >= threshold if better == "higher" else change <= -threshold
            item["meaningful_improvement"] = proportion(int(improved.sum()), int(pair.sum()))
        result[code] = item
    return result


def cost(frame: pd.DataFrame, unit_costs: dict[str, dict[str, float]]) -> Result:
    """Cost per case and per successful return from each site's unit costs (pounds): a `budget` for the period
    where given, else `case` x cases + `assessment` x assessed + `intervention` x interventions started.
    Sites with no unit costs configured are left out and named."""
    total = 0.0
    cases = returns = 0
    missing: list[str] = []
    for site, rows in frame.groupby("site"):
        costs = unit_costs.get(str(site))
        if not costs:
            missing.append(str(site))
            continue
        interventions = rows["interventions"].fillna(rows["first_intervention_on"].notna().astype(float)).sum()
        if "budget" in costs:
            total += costs["budget"]
        else:
            total += (
                costs.get("case", 0.0) * len(rows)
                + costs.get("assessment", 0.0) * int(rows["assessed"].sum())
                + costs.get("intervention", 0.0) * float(interventions)
            )
        cases += len(rows)
        returns += int((rows["discharged"] & rows["in_work"]).sum())
    excluded_cases = int(frame["site"].isin(missing).sum())
    return {
        "n": cases,
        "returns": returns,
        "total": round(total, 2) if cases else None,
        "per_case": round(total / cases, 2) if cases else None,
        "per_return": round(total / returns, 2) if returns else None,
        "sites_without_unit_costs": sorted(missing),
        "excluded": _excluded(site_has_no_unit_costs=excluded_cases),
    }
