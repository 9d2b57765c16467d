"""Kaplan-Meier and Cox through the engine: by hand, on simulated cohorts with known ratios, and on a published
dataset with a published Cox table."""

from datetime import date

import numpy as np
import pandas as pd
import pytest
from lifelines.datasets import load_rossi
from scipy.stats import binom

from fitforwork.evaluation import survival
from fitforwork.evaluation.frame import prepare
from fitforwork.evaluation.simulation import CUTOFF, TRUE_HR, cohort
from tests.evaluation.helpers import episodes

ABSENT = {"absence_start": "2026-02-20", "referred_on": "2026-03-02", "assessed_on": "2026-03-09"}


def test_return_times_censor_at_discharge_without_return_and_at_the_cut_off():
    frame = prepare(
        episodes(
            {**ABSENT, "returned_on": "2026-03-12", "discharged_on": "2026-03-20"},  # returned after 10 days
            {**ABSENT, "discharged_on": "2026-04-01"},  # discharged without a return: censored at 30
            {**ABSENT},  # open: censored at the cut-off, 2026-04-11, 40 days
            {**ABSENT, "returned_on": "2026-05-01"},  # a return after the cut-off is not seen yet: censored at 40
            {"absence_start": None, "referred_on": "2026-03-02"},  # not absent at referral
        ),
        date(2026, 4, 11),
    )
    times, excluded = survival.return_times(frame)
    assert times["duration"].tolist() == [10, 30, 40, 40]
    assert times["event"].tolist() == [1, 0, 0, 0]
    assert times["entry"].tolist() == [10, 10, 10, 10]  # absent 10 days when referred
    assert times["since_absence"].tolist() == [20, 40, 50, 50]
    assert excluded == {"not_absent_at_referral": 1}


def test_kaplan_meier_median_by_hand():
    # Returns at 2, 4, 6 days, censored at 3 and 8: S(2) = 4/5 = 0.8; S(4) = 0.8 x 2/3 = 0.533; S(6) = 0.533 x
    # 1/2 = 0.267. The median (first S <= 0.5) is 6 days.
    times = pd.DataFrame(
        {"duration": [2, 3, 4, 6, 8], "event": [1, 0, 1, 1, 0], "entry": 0, "since_absence": [2, 3, 4, 6, 8]}
    )
    times["model"] = "m"
    result = survival.kaplan_meier(times, {})
    overall = result["from_referral"]["all"]
    assert (overall["n"], overall["events"], overall["median_days"]) == (5, 3, 6.0)
    assert overall["still_off_at_days"]["28"] == pytest.approx(0.2667, abs=1e-4)
    assert set(result["from_referral"]) == {"all", "m"}


def test_from_absence_start_is_left_truncated_at_referral():
    # Days since absence start: two clients referred on day 0 return on days 5 and 15; two referred on day 10
    # return on 12 and are censored on 20. At day 5 only the first two are at risk (the others are not referred
    # yet): S = 1/2, so the median is 5 days. Ignoring when they were referred would give 4 at risk and 12.
    times = pd.DataFrame({"since_absence": [5, 15, 12, 20], "event": [1, 1, 1, 0], "entry": [0, 0, 10, 10]})
    times["duration"] = times["since_absence"] - times["entry"]
    times["model"] = "m"
    result = survival.kaplan_meier(times, {})["from_absence_start"]["all"]
    assert result["median_days"] == 5.0
    assert result["still_off_at_days"]["28"] == pytest.approx(1 / 6, abs=1e-4)


def test_too_few_early_entries_is_reported_not_raised():
    times = pd.DataFrame({"duration": [2, 4], "event": [1, 0], "entry": [10, 1], "since_absence": [12, 5]})
    times["model"] = "m"
    result = survival.kaplan_meier(times, {})["from_absence_start"]["all"]
    assert result["median_days"] is None
    assert "too few" in result["error"]


def _simulated(seed, n=1500):
    times, _ = survival.return_times(prepare(cohort(seed, n), CUTOFF))
    return survival.cox_service_models(times)


def test_the_reference_is_the_model_with_most_episodes_and_constant_or_absent_covariates_are_named():
    result = _simulated(1, 600)
    assert result["reference"] == "alpha"
    assert result["left_out"] == {"employment_status": "the same for everyone"}
    assert {r["service_model"] for r in result["hazard_ratios"]} == {"beta", "gamma"}
    assert "p_by_covariate" in result["proportional_hazards"]


def test_episodes_missing_a_used_covariate_are_excluded_and_counted():
    frame = cohort(2, 600)
    frame.loc[:9, "baseline_ompsq10"] = np.nan
    frame["employer_size_band"] = None  # missing for everyone: left out, not a reason to exclude
    times, _ = survival.return_times(prepare(frame, CUTOFF))
    result = survival.cox_service_models(times)
    assert result["excluded"] == {"missing_a_covariate": 10}
    assert result["n"] == 590
    assert result["left_out"]["employer_size_band"] == "missing for everyone"


def test_a_named_reference_is_used():
    times, _ = survival.return_times(prepare(cohort(3, 600), CUTOFF))
    result = survival.cox_service_models(times, reference="beta")
    assert result["reference"] == "beta"
    assert {r["service_model"] for r in result["hazard_ratios"]} == {"alpha", "gamma"}


SEEDS = 20


def test_simulated_cohorts_recover_the_hazard_ratios_they_were_given():
    # 20 seeds x 2 ratios = 40 intervals; a correct 95% interval covers the truth ~38 times. Fewer than 35 has
    # probability binom.cdf(34, 40, 0.95) = 1.4% if the pipeline is right (bench/evaluation.py runs 100 seeds).
    covered = 0
    for seed in range(SEEDS):
        for ratio in _simulated(seed)["hazard_ratios"]:
            covered += ratio["ci_low"] <= TRUE_HR[ratio["service_model"]] <= ratio["ci_high"]
    assert binom.cdf(34, 40, 0.95) < 0.02
    assert covered >= 35


# Fox, J. and Weisberg, S. (2011). "Cox Proportional-Hazards Regression for Survival Data in R", an appendix to
# An R Companion to Applied Regression, 2nd edition (Sage), section 4, the coxph fit `mod.allison` of the Rossi
# et al. (1980) recidivism data (432 released prisoners, weeks to re-arrest), ties by Efron's method: coef to 5
# decimal places, exp(coef) to 4.
PUBLISHED = {
    "fin": (-0.37942, 0.6843), "age": (-0.05744, 0.9442), "race": (0.31390, 1.3688), "wexp": (-0.14980, 0.8609),
    "mar": (-0.43370, 0.6481), "paro": (-0.08487, 0.9186), "prio": (0.09150, 1.0958),
}  # fmt: skip


def test_the_published_rossi_cox_table_is_reproduced_through_the_engine():
    rossi = load_rossi()
    # Financial aid goes in as the "service model" (no aid the reference), so the hazard-ratio path is the one
    # service models take; the other covariates as the case mix.
    rossi["fin"] = rossi["fin"].map({0: "no", 1: "yes"})
    result = survival.cox_compare(
        rossi, "week", "arrest", "fin", ("age", "race", "wexp", "mar", "paro", "prio"), reference="no"
    )
    coefficients = {c["covariate"]: c for c in result["coefficients"]}
    coefficients["fin"] = coefficients.pop("fin=yes")
    assert set(coefficients) == set(PUBLISHED)
    for name, (coef, hr) in PUBLISHED.items():
        assert round(coefficients[name]["coef"], 5) == coef, name
        assert round(coefficients[name]["hr"], 4) == hr, name
    assert result["hazard_ratios"][0]["service_model"] == "yes"
    assert round(result["hazard_ratios"][0]["hr"], 4) == 0.6843
    assert (result["n"], result["events"]) == (432, 114)


def test_funnel_limits_by_hand():
    # Overall 60 returns of 100 (p 0.6). Site with 25: se = sqrt(0.6 x 0.4 / 25) = 0.09798; 95% limits
    # 0.6 -/+ 1.95996 x 0.09798 = 0.4080 to 0.7920; 99.8%: 0.6 -/+ 3.09023 x 0.09798 = 0.2972 to 0.9028.
    rows = []
    for site, n, returned in (("A", 25, 10), ("B", 75, 50)):
        for i in range(n):
            rows.append({
                "site": site, "discharged_on": "2026-05-01", "assessed_on": "2026-03-09",
                "work_status_at_discharge": "in_work_usual" if i < returned else "off_sick",
            })  # fmt: skip
    result = survival.funnel(prepare(episodes(*rows), date(2026, 6, 1)))
    assert result["overall_rate"] == 0.6
    a = next(s for s in result["sites"] if s["site"] == "A")
    assert (round(a["lower_95"], 4), round(a["upper_95"], 4)) == (0.408, 0.792)
    assert (round(a["lower_998"], 4), round(a["upper_998"], 4)) == (0.2972, 0.9028)
    assert a["rate"] == 0.4
    assert a["position"] == "below 95%"
