"""Time to return to work: Kaplan-Meier curves, the Cox comparison of service models, and the funnel plot.

Estimators are lifelines' (and scipy's normal quantiles); nothing here re-implements them. `cox_compare` takes
any frame (a duration, an event, a group and covariates), so published datasets go through the same code.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pandas as pd
from lifelines import CoxPHFitter, KaplanMeierFitter
from lifelines.exceptions import ConvergenceError, StatError
from lifelines.statistics import proportional_hazard_test
from lifelines.utils import median_survival_times
from scipy.stats import norm

from fitforwork.evaluation.columns import RISK_INSTRUMENT

Result = dict[str, Any]
CURVE_DAYS = (28, 56, 91, 182, 365)
CONTINUOUS = ("age", "absence_days_at_referral", "baseline_risk")
CATEGORICAL = ("sex", "main_condition", "employment_status", "employer_size_band")


def return_times(frame: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, int]]:
    """Clients absent at referral, with days from referral (`duration`) and from absence start (`since_absence`,
    entering at `entry` = days absent at referral) to return (`event` 1), or to censoring: discharge without
    a return, or the data cut-off for open cases and returns after it. Excluded and why, counted."""
    absent = frame[frame["absent"]].copy()
    excluded = {"not_absent_at_referral": int((~frame["absent"]).sum())}
    returned = absent["returned_on"].notna() & (absent["returned_on"] <= absent["data_cutoff"])
    end = absent["data_cutoff"].where(absent["discharged_on"].isna(), absent["discharged_on"])
    end = end.where(end <= absent["data_cutoff"], absent["data_cutoff"])
    stop = absent["returned_on"].where(returned, end)
    absent["event"] = returned.astype(int)
    absent["duration"] = (stop - absent["referred_on"]).dt.days.astype(float)
    absent["entry"] = (absent["referred_on"] - absent["absence_start"]).dt.days.astype(float)
    absent["since_absence"] = absent["duration"] + absent["entry"]
    bad = absent["duration"] < 0
    excluded["returned_or_ended_before_referral"] = int(bad.sum())
    return absent[~bad], {k: v for k, v in excluded.items() if v}


def _km(durations: pd.Series, events: pd.Series, entry: pd.Series | None = None) -> Result:
    if durations.empty:
        return {"n": 0, "events": 0, "median_days": None, "ci_low": None, "ci_high": None, "survival": {}}
    try:
        kmf = KaplanMeierFitter().fit(durations, events, entry=entry)
    except StatError as error:  # lifelines refuses left-truncated samples whose risk set empties early
        return {"n": len(durations), "events": int(events.sum()), "median_days": None, "error": str(error).strip()}
    interval = median_survival_times(kmf.confidence_interval_)
    low, high = (float(v) for v in interval.iloc[0])
    median = float(kmf.median_survival_time_)
    finite = lambda v: None if not np.isfinite(v) else v  # noqa: E731
    survival = kmf.survival_function_at_times(list(CURVE_DAYS) if entry is None else [d + 0.0 for d in CURVE_DAYS])
    return {
        "n": len(durations),
        "events": int(events.sum()),
        "median_days": finite(median),
        "ci_low": finite(low),
        "ci_high": finite(high),
        "still_off_at_days": {str(int(t)): round(float(s), 4) for t, s in survival.items()},
    }


def kaplan_meier(times: pd.DataFrame, excluded: dict[str, int], by: str = "model") -> Result:
    """KM of time to return from referral and from absence start (left-truncated at referral: a client is only
    seen once referred), overall and per service model; medians with lifelines' 95% intervals."""
    result: Result = {"excluded": excluded, "from_referral": {}, "from_absence_start": {}}
    groups = [("all", times)] + [(str(k), g) for k, g in times.groupby(by)]
    for name, group in groups:
        result["from_referral"][name] = _km(group["duration"], group["event"])
        result["from_absence_start"][name] = _km(group["since_absence"], group["event"], entry=group["entry"])
    return result


def cox_compare(
    data: pd.DataFrame,
    duration: str,
    event: str,
    group: str | None,
    continuous: tuple[str, ...] = (),
    categorical: tuple[str, ...] = (),
    reference: str | None = None,
    keep_design: bool = False,
) -> Result:
    """Cox proportional hazards with `group` as dummies against `reference` (default: the largest group),
    adjusted for the covariates. A covariate missing (or the same) for everyone is left out and named; rows
    missing a covariate that is used are excluded and counted. Hazard ratios with 95% intervals, and
    lifelines' proportional-hazards test (rank-transformed time) beside them."""
    left_out: dict[str, str] = {}
    used_continuous = []
    for name in continuous:
        values = pd.to_numeric(data[name], errors="coerce")
        if values.isna().all():
            left_out[name] = "missing for everyone"
        elif values.nunique() < 2:
            left_out[name] = "the same for everyone"
        else:
            used_continuous.append(name)
    used_categorical = []
    for name in categorical:
        values = data[name].astype(object).where(data[name].astype(str) != "")
        if values.isna().all():
            left_out[name] = "missing for everyone"
        elif values.nunique() < 2:
            left_out[name] = "the same for everyone"
        else:
            used_categorical.append(name)
    columns = [duration, event] + ([group] if group else []) + used_continuous + used_categorical
    frame = data[columns].copy()
    for name in used_categorical + ([group] if group else []):
        frame[name] = frame[name].astype(object).where(frame[name].astype(str) != "")
    complete = frame.notna().all(axis=1)
    missing = {name: int(frame[name].isna().sum()) for name in columns if frame[name].isna().any()}
    frame = frame[complete]
    result: Result = {
        "n": len(frame),
        "events": int(frame[event].sum()),
        "covariates": used_continuous + used_categorical,
        "left_out": left_out,
        "excluded": {"missing_a_covariate": int((~complete).sum())} if (~complete).any() else {},
        "missing_by_covariate": missing,
    }
    if group:
        sizes = frame[group].value_counts()
        if reference is None and not sizes.empty:
            reference = str(sizes.index[0])
        result["reference"] = reference
        result["episodes_by_group"] = {str(k): int(v) for k, v in sizes.items()}
    if frame.empty or frame[event].sum() == 0:
        result.update(hazard_ratios=[], error="no events to fit")
        return result
    design = (
        pd.get_dummies(frame, columns=used_categorical, drop_first=True, dtype=float)
        if used_categorical
        else frame.copy()
    )
    groups: list[str] = []
    if group:
        groups = [str(g) for g in sorted(frame[group].unique(), key=str) if str(g) != reference]
        for name in groups:
            design[f"{group}={name}"] = (frame[group].astype(str) == name).astype(float)
        design = design.drop(columns=[group])
    design = design.loc[:, design.nunique() > 1] if len(design) > 1 else design
    design[duration] = frame[duration].astype(float)
    design[event] = frame[event].astype(float)
    if keep_design:  # for bench/evaluation.py's bare lifelines fit on the same arrays
        result["design"] = design
    fitter = CoxPHFitter()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            fitter.fit(design, duration_col=duration, event_col=event)
    except ConvergenceError as error:
        result.update(hazard_ratios=[], error=f"the model could not be fitted: {str(error).split('.')[0]}")
        return result
    summary = fitter.summary
    result["coefficients"] = [
        {
            "covariate": str(name),
            "coef": float(row["coef"]),
            "se": float(row["se(coef)"]),
            "hr": float(row["exp(coef)"]),
            "ci_low": float(row["exp(coef) lower 95%"]),
            "ci_high": float(row["exp(coef) upper 95%"]),
            "p": float(row["p"]),
        }
        for name, row in summary.iterrows()
    ]
    result["hazard_ratios"] = [
        {"service_model": name, **{k: c[k] for k in ("hr", "ci_low", "ci_high", "p")}}
        for name in groups
        for c in result["coefficients"]
        if c["covariate"] == f"{group}={name}"
    ]
    result["proportional_hazards"] = _ph_check(fitter, design)
    return result


def _ph_check(fitter: CoxPHFitter, design: pd.DataFrame) -> Result:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            test = proportional_hazard_test(fitter, design, time_transform="rank")
    except (ValueError, np.linalg.LinAlgError) as error:
        return {"test": "not possible on these data", "error": str(error)}
    table = test.summary
    by_covariate = {str(name): round(float(row["p"]), 4) for name, row in table.iterrows()}
    failing = sorted(name for name, p in by_covariate.items() if p < 0.05)
    return {
        "test": "Schoenfeld residuals against rank of time (lifelines proportional_hazard_test)",
        "p_by_covariate": by_covariate,
        "violated_at_0.05": failing,
    }


def cox_service_models(times: pd.DataFrame, reference: str | None = None, keep_design: bool = False) -> Result:
    """Hazard ratios for return to work by service model (time from referral), adjusted for case mix."""
    data = times.copy()
    data["age"] = data["referred_on"].dt.year - data["birth_year"]
    data["absence_days_at_referral"] = data["entry"]
    data["baseline_risk"] = data[f"baseline_{RISK_INSTRUMENT}"]
    result = cox_compare(data, "duration", "event", "model", CONTINUOUS, CATEGORICAL, reference, keep_design)
    result["time"] = "days from referral"
    result["baseline_risk"] = f"baseline_{RISK_INSTRUMENT}"
    return result


def funnel(frame: pd.DataFrame, by: str = "site") -> Result:
    """Each site's return-to-work rate (the returned-to-or-stayed-in-work measure) against the overall rate, with
    95% and 99.8% control limits from the normal approximation to the binomial at the site's denominator."""
    chosen = frame["discharged"] & frame["assessed"] & (frame["work_status_at_discharge"].fillna("") != "")
    base = frame.loc[chosen, [by, "in_work"]]
    total = len(base)
    if total == 0:
        return {"overall_rate": None, "sites": [], "limits": []}
    p = float(base["in_work"].mean())
    z95, z998 = float(norm.ppf(0.975)), float(norm.ppf(0.999))

    def limits(n: int) -> dict[str, float]:
        se = (p * (1 - p) / n) ** 0.5
        return {
            "lower_95": max(0.0, p - z95 * se), "upper_95": min(1.0, p + z95 * se),
            "lower_998": max(0.0, p - z998 * se), "upper_998": min(1.0, p + z998 * se),
        }  # fmt: skip

    sites = []
    for name, rows in base.groupby(by):
        n = len(rows)
        rate = float(rows["in_work"].mean())
        bounds = limits(n)
        outside = (
            "above 99.8%"
            if rate > bounds["upper_998"]
            else "below 99.8%"
            if rate < bounds["lower_998"]
            else ("above 95%" if rate > bounds["upper_95"] else "below 95%" if rate < bounds["lower_95"] else "within")
        )
        sites.append(
            {
                "site": str(name),
                "n": n,
                "returned": int(rows["in_work"].sum()),
                "rate": rate,
                **bounds,
                "position": outside,
            }
        )
    grid = sorted({int(v) for v in np.unique(np.geomspace(5, max(total, 6), 40).round())})
    return {"overall_rate": p, "n": total, "sites": sites, "limits": [{"n": n, **limits(n)} for n in grid]}
