"""The descriptive measures of evaluation.md, overall or for every group of a dimension at once.

Each measure `name(frame, ...)` has a `name_by(frame, by, ...)` that returns the same result for each value of
column `by` (or for the whole table, as `ALL`, when `by` is None): the counts are one `groupby().sum()` over
per-row flags and the medians one `groupby().median()`, so the overall figure and every group's come from the
same code.

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
from fitforwork.evaluation.columns import IN_WORK, INSTRUMENTS, NOT_ENGAGED_REASONS, STAGES
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


ALL = "all"
Results = dict[str, Result]


def _excluded(**reasons: int) -> dict[str, int]:
    return {reason: int(count) for reason, count in reasons.items() if count}


def _keys(frame: pd.DataFrame, by: str | None) -> tuple[np.ndarray, list[str]]:
    """Each row's group as a number into the labels, and the labels in order (the whole table is one group, ALL,
    when by is None). Grouping on the numbers is much cheaper than on the text."""
    if by is None:
        return np.zeros(len(frame), dtype=np.int64), [ALL]
    codes, uniques = pd.factorize(frame[by].astype(str), sort=True)
    return codes, [str(label) for label in uniques]


def _labelled(found: pd.DataFrame | pd.Series, labels: list[str], fill: Any) -> Any:
    """A result grouped on the codes of _keys, with a row for every label in order."""
    found = found.reindex(range(len(labels)), fill_value=fill)
    found.index = labels
    return found


def _sums(keys: np.ndarray, labels: list[str], **flags: Any) -> pd.DataFrame:
    """Per group, the count of each named per-row flag (or sum of a per-row number)."""
    table = pd.DataFrame({name: np.asarray(values) for name, values in flags.items()}, index=range(len(keys)))
    return _labelled(table.groupby(keys).sum(), labels, 0)


def _means(keys: np.ndarray, labels: list[str], values: Any, where: Any, how: str = "mean") -> dict[str, float | None]:
    """Per group, the mean (or median) of `values` on the rows `where` holds (None for a group with none)."""
    masked = pd.Series(np.where(np.asarray(where), np.asarray(values, dtype=float), np.nan))
    found = _labelled(masked.groupby(keys).agg(how), labels, np.nan)
    return {label: None if pd.isna(value) else float(value) for label, value in found.items()}


def _medians(keys: np.ndarray, labels: list[str], values: Any, where: Any) -> dict[str, float | None]:
    return _means(keys, labels, values, where, "median")


def _cells(keys: np.ndarray, labels: list[str], values: pd.Series, where: Any = None) -> dict[str, dict[str, int]]:
    """Per group, the count of each value (those that occur in it), in value order."""
    chosen = values.notna().to_numpy() & (True if where is None else np.asarray(where))
    text = values.astype(str).to_numpy()
    counts = pd.Series(np.ones(int(chosen.sum()), dtype=int)).groupby([keys[chosen], text[chosen]]).size()
    out: dict[str, dict[str, int]] = {label: {} for label in labels}
    for (code, value), count in counts.sort_index().items():
        out[labels[int(code)]][str(value)] = int(count)
    return out


def referrals(frame: pd.DataFrame, practices: bool = False) -> Result:
    """Referrals by source (and by GP practice where asked): every episode counts once."""
    result = referrals_by(frame, None)[ALL]
    if practices:
        keys, labels = _keys(frame, None)
        known = (frame["gp_practice"].fillna("") != "").to_numpy()
        result["by_practice"] = {"cells": _cells(keys, labels, frame["gp_practice"], known)[ALL]}
        result["excluded"] = _excluded(practice_not_known=int((~known).sum()))
    return result


def referrals_by(frame: pd.DataFrame, by: str | None) -> Results:
    keys, labels = _keys(frame, by)
    sizes = _sums(keys, labels, n=np.ones(len(frame), dtype=int))["n"]
    cells = _cells(keys, labels, frame["referral_source"])
    return {label: {"n": int(sizes[label]), "excluded": {}, "by_source": {"cells": cells[label]}} for label in labels}


def _days(frame: pd.DataFrame, name: str) -> pd.Series:
    """A working-days column of frame.prepare (worked out here for a table that did not come through it)."""
    if name in frame.columns:
        return frame[name]
    start, end = WORKING_DAYS[name]
    return working_days(frame, start, end)


def _standard_by(frame: pd.DataFrame, by: str | None, column: str, standard_column: str, label: str) -> Results:
    keys, labels = _keys(frame, by)
    days = _days(frame, column)
    happened = days.notna()
    valid = happened & (days >= 0)
    within = valid & (days <= frame[standard_column])
    sums = _sums(keys, labels, happened=happened, valid=valid, within=within, n=np.ones(len(frame), dtype=int))
    medians = _medians(keys, labels, days, valid)
    out: Results = {}
    for group in labels:
        row = sums.loc[group]
        out[group] = {
            **proportion(int(row["within"]), int(row["valid"])),
            "n": int(row["valid"]),
            "median_working_days": medians[group],
            "excluded": _excluded(
                **{
                    f"not_{label}": int(row["n"] - row["happened"]),
                    f"{label}_before_referral": int(row["happened"] - row["valid"]),
                }
            ),
        }
    return out


def time_standards(frame: pd.DataFrame) -> Result:
    """% contacted and assessed within the site's standard (working days from referral, in the site's nation's
    calendar; 2 and 5 when an extract does not say), and median working days to first contact, assessment and
    first intervention. The denominator of each is the episodes that reached the step."""
    return time_standards_by(frame, None)[ALL]


def time_standards_by(frame: pd.DataFrame, by: str | None) -> Results:
    contacted = _standard_by(frame, by, "wd_to_contact", "contact_standard_wd", "contacted")
    assessed = _standard_by(frame, by, "wd_to_assessment", "assessment_standard_wd", "assessed")
    return {
        group: {"contacted_within_standard": contacted[group], "assessed_within_standard": assessed[group]}
        for group in contacted
    }


def time_to_first_intervention(frame: pd.DataFrame) -> Result:
    """Median working days from referral, and from assessment, to the first intervention started."""
    return time_to_first_intervention_by(frame, None)[ALL]


def time_to_first_intervention_by(frame: pd.DataFrame, by: str | None) -> Results:
    keys, labels = _keys(frame, by)
    from_referral = _days(frame, "wd_to_intervention")
    from_assessment = _days(frame, "wd_assessment_to_intervention")
    valid = from_referral.notna() & (from_referral >= 0)
    assessed = valid & from_assessment.notna() & (from_assessment >= 0)
    sums = _sums(keys, labels, valid=valid, none=frame["first_intervention_on"].isna(), before=from_referral < 0)
    referral_medians = _medians(keys, labels, from_referral, valid)
    assessment_medians = _medians(keys, labels, from_assessment, assessed)
    return {
        group: {
            "n": int(sums.loc[group, "valid"]),
            "median_working_days_from_referral": referral_medians[group],
            "median_working_days_from_assessment": assessment_medians[group],
            "excluded": _excluded(
                no_intervention_started=int(sums.loc[group, "none"]),
                started_before_referral=int(sums.loc[group, "before"]),
            ),
        }
        for group in labels
    }


def engagement(frame: pd.DataFrame) -> Result:
    """Furthest stage reached (every episode), and among discharged episodes the share discharged as not
    contactable or as declined before assessment."""
    return engagement_by(frame, None)[ALL]


def engagement_by(frame: pd.DataFrame, by: str | None) -> Results:
    keys, labels = _keys(frame, by)
    stages = frame["furthest_stage"].fillna("")
    discharged = frame["discharged"].to_numpy(dtype=bool)
    reasons = frame["discharge_reason"]
    flags: dict[str, Any] = {f"stage:{stage}": stages == stage for stage in STAGES}
    flags.update({f"reason:{reason}": discharged & (reasons == reason) for reason in NOT_ENGAGED_REASONS})
    sums = _sums(
        keys,
        labels,
        n=np.ones(len(frame), dtype=int),
        known=stages.isin(STAGES),
        discharged=discharged,
        dropped=discharged & reasons.isin(NOT_ENGAGED_REASONS),
        **flags,
    )
    out: Results = {}
    for group in labels:
        row = sums.loc[group]
        size = int(row["n"])
        out[group] = {
            "n": int(row["known"]),
            "furthest_stage": {"cells": {stage: int(row[f"stage:{stage}"]) for stage in STAGES}},
            "dropped_out": {
                **proportion(int(row["dropped"]), int(row["discharged"])),
                "by_reason": {"cells": {reason: int(row[f"reason:{reason}"]) for reason in NOT_ENGAGED_REASONS}},
            },
            "excluded": _excluded(stage_not_known=size - int(row["known"]), still_open=size - int(row["discharged"])),
        }
    return out


def returned_to_work(frame: pd.DataFrame) -> Result:
    """The "77%" measure: among discharged clients who were assessed, the share whose work status at discharge
    is in work (usual duties, with adjustments or a phased return, or a new job); Wilson 95% interval."""
    return returned_to_work_by(frame, None)[ALL]


def returned_to_work_by(frame: pd.DataFrame, by: str | None) -> Results:
    keys, labels = _keys(frame, by)
    discharged = frame["discharged"]
    assessed = frame["assessed"]
    known = frame["work_status_at_discharge"].fillna("") != ""
    base = discharged & assessed & known
    sums = _sums(
        keys,
        labels,
        base=base,
        in_work=base & frame["in_work"],
        open=~discharged,
        not_assessed=discharged & ~assessed,
        not_recorded=discharged & assessed & ~known,
    )
    out: Results = {}
    for group in labels:
        row = sums.loc[group]
        result = proportion(int(row["in_work"]), int(row["base"]))
        result["n"] = int(row["base"])
        result["excluded"] = _excluded(
            still_open=int(row["open"]),
            not_assessed=int(row["not_assessed"]),
            work_status_not_recorded=int(row["not_recorded"]),
        )
        out[group] = result
    return out


def sustained_return(frame: pd.DataFrame, outcomes: pd.DataFrame) -> Result:
    """Among those who returned (in work at discharge), the share still in work at each follow-up; follow-ups
    not done are counted as missing, never imputed; those not yet due at the cut-off are left out."""
    return sustained_return_by(frame, None, outcomes)[ALL]


def sustained_return_by(frame: pd.DataFrame, by: str | None, outcomes: pd.DataFrame) -> Results:
    keys, labels = _keys(frame, by)
    returned = (frame["discharged"] & frame["in_work"]).to_numpy(dtype=bool)
    points = sorted(
        (p for p in pd.unique(outcomes["time_point"].dropna()) if p not in ("baseline", "discharge")), key=str
    )
    flags: dict[str, Any] = {"returned": returned}
    for point in points:
        rows = outcomes[outcomes["time_point"] == point].drop_duplicates("episode_id").set_index("episode_id")
        due_on = pd.to_datetime(frame["episode_id"].map(rows["due_on"]))
        not_due = returned & (due_on.notna() & (due_on > frame["data_cutoff"])).to_numpy()
        due = returned & ~not_due
        done = due & frame["episode_id"].map(rows["done_on"]).notna().to_numpy()
        status = frame["episode_id"].map(rows["work_status"])
        flags[f"{point}:not_due"] = not_due
        flags[f"{point}:done"] = done
        flags[f"{point}:missing"] = due & ~done
        flags[f"{point}:in_work"] = done & status.isin(IN_WORK).to_numpy()
    sums = _sums(keys, labels, **flags)
    out: Results = {}
    for group in labels:
        row = sums.loc[group]
        result: Result = {"n": int(row["returned"]), "excluded": {}, "time_points": {}}
        for point in points:
            result["time_points"][str(point)] = {
                **proportion(int(row[f"{point}:in_work"]), int(row[f"{point}:done"])),
                "missing": int(row[f"{point}:missing"]),
                "excluded": _excluded(not_yet_due=int(row[f"{point}:not_due"])),
            }
        if not points:
            result["excluded"] = _excluded(no_follow_ups_recorded=int(row["returned"]))
        out[group] = result
    return out


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
    return questionnaire_change_by(frame, None, outcomes)[ALL]


def questionnaire_change_by(frame: pd.DataFrame, by: str | None, outcomes: pd.DataFrame) -> Results:
    keys, labels = _keys(frame, by)
    at_discharge = outcomes[outcomes["time_point"] == "discharge"].drop_duplicates("episode_id").set_index("episode_id")
    out: Results = {label: {} for label in labels}
    for code, (better, threshold) in _thresholds().items():
        if code not in INSTRUMENTS:
            continue
        before = frame[f"baseline_{code}"].astype(float)
        after = frame.get(f"discharge_{code}", pd.Series(np.nan, index=frame.index)).astype(float)
        if not at_discharge.empty and f"score_{code}" in at_discharge.columns:
            reported = pd.to_numeric(frame["episode_id"].map(at_discharge[f"score_{code}"]), errors="coerce")
            after = reported.where(reported.notna(), after)
        pair = before.notna() & after.notna()
        change = after - before
        if threshold is None:
            improved = pd.Series(False, index=frame.index)
        else:
            improved = pair & ((change >= threshold) if better == "higher" else (change <= -threshold))
        sums = _sums(
            keys,
            labels,
            pair=pair,
            improved=improved,
            no_baseline=before.isna(),
            no_after=before.notna() & after.isna(),
        )
        means = _means(keys, labels, change, pair)
        for group in labels:
            row = sums.loc[group]
            item: Result = {
                "n": int(row["pair"]),
                "mean_change": None if means[group] is None else round(float(means[group] or 0.0), 2),
                "better": better,
                "threshold": threshold,
                "excluded": _excluded(no_baseline=int(row["no_baseline"]), no_discharge_score=int(row["no_after"])),
            }
            item["meaningful_improvement"] = (
                None if threshold is None else proportion(int(row["improved"]), int(row["pair"]))
            )
            out[group][code] = item
    return out


def cost(frame: pd.DataFrame, unit_costs: dict[str, dict[str, float]]) -> Result:
    """Cost per case and per successful return from each site's unit costs (pounds): a `budget` for the period
    where given, else `case` x cases + `assessment` x assessed + `intervention` x interventions started.
    Sites with no unit costs configured are left out and named."""
    return cost_by(frame, None, unit_costs)[ALL]


def cost_by(frame: pd.DataFrame, by: str | None, unit_costs: dict[str, dict[str, float]]) -> Results:
    keys, labels = _keys(frame, by)
    sites = frame["site"].astype(str).to_numpy()
    interventions = frame["interventions"].fillna(frame["first_intervention_on"].notna().astype(float))
    table = pd.DataFrame(
        {
            "cases": np.ones(len(frame), dtype=int),
            "assessed": frame["assessed"].to_numpy(dtype=int),
            "interventions": interventions.to_numpy(dtype=float),
            "returns": (frame["discharged"] & frame["in_work"]).to_numpy(dtype=int),
        }
    )
    by_site = table.groupby([keys, sites]).sum()
    totals: dict[str, dict[str, Any]] = {
        label: {"total": 0.0, "cases": 0, "returns": 0, "missing": [], "excluded": 0} for label in labels
    }
    for (code, site), row in by_site.iterrows():
        into = totals[labels[int(code)]]
        costs = unit_costs.get(str(site))
        if not costs:
            into["missing"].append(str(site))
            into["excluded"] += int(row["cases"])
            continue
        if "budget" in costs:
            into["total"] += costs["budget"]
        else:
            into["total"] += (
                costs.get("case", 0.0) * int(row["cases"])
                + costs.get("assessment", 0.0) * int(row["assessed"])
                + costs.get("intervention", 0.0) * float(row["interventions"])
            )
        into["cases"] += int(row["cases"])
        into["returns"] += int(row["returns"])
    out: Results = {}
    for label, into in totals.items():
        total, cases, returns = into["total"], into["cases"], into["returns"]
        out[label] = {
            "n": cases,
            "returns": returns,
            "total": round(total, 2) if cases else None,
            "per_case": round(total / cases, 2) if cases else None,
            "per_return": round(total / returns, 2) if returns else None,
            "sites_without_unit_costs": sorted(into["missing"]),
            "excluded": _excluded(site_has_no_unit_costs=into["excluded"]),
        }
    return out
