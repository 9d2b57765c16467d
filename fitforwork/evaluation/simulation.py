"""Simulated cohorts with known hazard ratios between service models and a known case mix, with censoring.

Used by the tests (a few seeds) and bench/evaluation.py (100 seeds): does the pipeline recover the ratio it was
given? Times are exponential with a log-hazard linear in the case mix; service models are given to clients
unevenly by condition and risk (so an unadjusted comparison would be biased); clients are censored at a
discharge without return and at the data cut-off.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from fitforwork.evaluation.columns import EPISODE_NAMES

TRUE_HR = {"alpha": 1.0, "beta": 0.7, "gamma": 1.4}  # alpha is the reference (the most episodes)
CUTOFF = date(2026, 6, 30)
START = date(2024, 7, 1)
CASE_MIX = {  # log hazard ratios of the case mix
    "age_per_year": -0.01,
    "male": 0.1,
    "mental_health": -0.4,
    "other": -0.2,
    "risk_per_point": -0.015,
    "absence_per_day": -0.004,
}


def cohort(seed: int, n: int = 1500, daily_hazard: float = 1 / 60) -> pd.DataFrame:
    """An episodes table (the extract's columns) of `n` clients absent at referral."""
    rng = np.random.default_rng(seed)
    condition = rng.choice(["msk", "mental_health", "other"], size=n, p=[0.5, 0.35, 0.15])
    # Uneven allocation: beta sees more mental health, gamma more musculoskeletal.
    p_model = np.where(
        (condition == "mental_health")[:, None], [[0.40, 0.40, 0.20]],
        np.where((condition == "msk")[:, None], [[0.50, 0.20, 0.30]], [[0.50, 0.30, 0.20]]),
    )  # fmt: skip
    cumulative = p_model.cumsum(axis=1)
    model = np.array(list(TRUE_HR))[(rng.random(n)[:, None] > cumulative).sum(axis=1)]
    age = rng.integers(20, 65, size=n)
    sex = rng.choice(["female", "male"], size=n)
    risk = np.clip(rng.normal(50 + 8 * (condition == "mental_health"), 15), 0, 100).round()
    absence = rng.integers(1, 90, size=n)
    log_hazard = (
        np.log([TRUE_HR[m] for m in model])
        + CASE_MIX["age_per_year"] * (age - 40)
        + CASE_MIX["male"] * (sex == "male")
        + CASE_MIX["mental_health"] * (condition == "mental_health")
        + CASE_MIX["other"] * (condition == "other")
        + CASE_MIX["risk_per_point"] * (risk - 50)
        + CASE_MIX["absence_per_day"] * (absence - 30)
    )
    time = rng.exponential(1 / (daily_hazard * np.exp(log_hazard)))
    days = np.ceil(time).astype(int)
    referred = pd.Timestamp(START) + pd.to_timedelta(rng.integers(0, 700, size=n), unit="D")
    discharge_after = rng.integers(30, 400, size=n)  # discharged without a return (if not returned first)
    returned = days <= discharge_after
    returned_on = referred + pd.to_timedelta(days, unit="D")
    discharged_on = referred + pd.to_timedelta(np.where(returned, days, discharge_after), unit="D")
    cutoff = pd.Timestamp(CUTOFF)
    open_at_cutoff = discharged_on > cutoff
    frame = pd.DataFrame(
        {
            "episode_id": [f"s{seed}-{i}" for i in range(n)],
            "person_id": [f"p{seed}-{i}" for i in range(n)],
            "site": rng.choice(["North", "South", "East"], size=n),
            "service_model": model,
            "referral_source": rng.choice(["gp", "employer", "self"], size=n),
            "birth_year": referred.year - age,
            "sex": sex,
            "main_condition": condition,
            "employment_status": "employed_off_sick",
            "employer_size_band": rng.choice(["small", "medium", "large"], size=n),
            "absence_start": referred - pd.to_timedelta(absence, unit="D"),
            "referred_on": referred,
            "assessed_on": referred + pd.to_timedelta(5, unit="D"),
            "furthest_stage": "assessed",
            "discharged_on": discharged_on.where(~open_at_cutoff),
            "returned_on": returned_on.where(returned & (returned_on <= cutoff)),
            "work_status_at_discharge": np.where(returned, "in_work_usual", "off_sick"),
            "baseline_ompsq10": risk,
        }
    )
    frame.loc[open_at_cutoff, "work_status_at_discharge"] = None
    return frame.reindex(columns=list(EPISODE_NAMES))
