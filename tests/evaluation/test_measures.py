"""Every descriptive measure on small tables worked out by hand."""

from datetime import date

import pandas as pd
import pytest

from fitforwork.core.calendar import Nation, working_days_between
from fitforwork.evaluation import measures
from fitforwork.evaluation.frame import prepare, working_days
from fitforwork.evaluation.report import evaluate
from tests.evaluation.helpers import episodes

CUTOFF = date(2026, 12, 1)
DECLINED = "declined_before_assessment"


def ready(*rows):
    return prepare(episodes(*rows), CUTOFF)


def test_wilson_interval_matches_the_published_worked_value():
    # Wilson 95% interval for 81 of 263 (Newcombe 1998, Statistics in Medicine 17:857, table I): 0.2553 to 0.3662
    result = measures.proportion(81, 263)
    assert (result["ci_low"], result["ci_high"]) == (25.5, 36.6)
    assert result["percent"] == 30.8


def test_working_days_agree_with_the_project_calendar_over_bank_holidays():
    # Good Friday 2026 is 3 April and Easter Monday 6 April (England and Wales); Scotland works on Easter Monday.
    frame = pd.DataFrame(
        {
            "start": pd.to_datetime(["2026-04-01", "2026-04-01", "2026-03-27", "2026-04-02"]),
            "end": pd.to_datetime(["2026-04-08", "2026-04-08", "2026-03-30", "2026-04-01"]),
            "nation": ["england_wales", "scotland", "england_wales", "england_wales"],
        }
    )
    counted = working_days(frame, "start", "end").tolist()
    assert counted[:3] == [
        working_days_between(date(2026, 4, 1), date(2026, 4, 8), Nation.ENGLAND_AND_WALES),
        working_days_between(date(2026, 4, 1), date(2026, 4, 8), Nation.SCOTLAND),
        working_days_between(date(2026, 3, 27), date(2026, 3, 30), Nation.ENGLAND_AND_WALES),
    ]
    assert counted[:3] == [3, 4, 1]
    assert counted[3] == -1  # before the start: the measures exclude it as a data error


def test_referrals_by_source_and_practice():
    frame = ready(
        {"referral_source": "gp"}, {"referral_source": "gp", "gp_practice": "P2"},
        {"referral_source": "self", "gp_practice": None}, {"referral_source": "employer"},
    )  # fmt: skip
    result = measures.referrals(frame, practices=True)
    assert result["n"] == 4
    assert result["by_source"]["cells"] == {"employer": 1, "gp": 2, "self": 1}
    assert result["by_practice"]["cells"] == {"P1": 2, "P2": 1}
    assert result["excluded"] == {"practice_not_known": 1}


def test_time_standards_in_working_days():
    # Referred Monday 2 March 2026. Contacted Wed (2 wd: within 2), Thu (3: late), never; assessed on Mon 9
    # (5 wd: within 5) and Tue 10 (6: late).
    frame = ready(
        {"first_contact_on": "2026-03-04", "assessed_on": "2026-03-09"},
        {"first_contact_on": "2026-03-05", "assessed_on": "2026-03-10"},
        {"furthest_stage": "referred"},
    )
    result = measures.time_standards(frame)
    contact = result["contacted_within_standard"]
    assert (contact["numerator"], contact["denominator"], contact["percent"]) == (1, 2, 50.0)
    assert contact["median_working_days"] == 2.5
    assert contact["excluded"] == {"not_contacted": 1}
    assessed = result["assessed_within_standard"]
    assert (assessed["numerator"], assessed["denominator"], assessed["median_working_days"]) == (1, 2, 5.5)


def test_the_sites_own_standard_is_used_when_the_extract_carries_it():
    frame = ready({"first_contact_on": "2026-03-05", "contact_standard_wd": 3})
    assert measures.time_standards(frame)["contacted_within_standard"]["numerator"] == 1


def test_time_to_first_intervention():
    # From Monday 2 March: started Mon 16 (10 wd), Fri 20 (14 wd); assessed Mon 9: 5 and 9 wd after it.
    frame = ready(
        {"assessed_on": "2026-03-09", "first_intervention_on": "2026-03-16"},
        {"assessed_on": "2026-03-09", "first_intervention_on": "2026-03-20"},
        {"assessed_on": "2026-03-09"},
    )
    result = measures.time_to_first_intervention(frame)
    assert result["n"] == 2
    assert result["median_working_days_from_referral"] == 12.0
    assert result["median_working_days_from_assessment"] == 7.0
    assert result["excluded"] == {"no_intervention_started": 1}


def test_engagement_furthest_stage_and_drop_out():
    frame = ready(
        {"furthest_stage": "referred", "discharged_on": "2026-04-01", "discharge_reason": "not_contactable"},
        {
            "furthest_stage": "contacted",
            "discharged_on": "2026-04-01",
            "discharge_reason": "declined_before_assessment",
        },
        {"furthest_stage": "active_support", "discharged_on": "2026-05-01", "discharge_reason": "returned_to_work"},
        {"furthest_stage": "assessed", "discharged_on": "2026-05-01", "discharge_reason": "time_limit"},
        {"furthest_stage": "assessed"},
    )
    result = measures.engagement(frame)
    assert result["furthest_stage"]["cells"] == {
        "referred": 1, "contacted": 1, "assessed": 2, "plan_agreed": 0, "active_support": 1,
    }  # fmt: skip
    dropped = result["dropped_out"]
    assert (dropped["numerator"], dropped["denominator"], dropped["percent"]) == (2, 4, 50.0)
    assert result["excluded"] == {"still_open": 1}


def test_returned_to_or_stayed_in_work_among_the_assessed():
    discharged = {"discharged_on": "2026-05-01", "assessed_on": "2026-03-09"}
    frame = ready(
        {**discharged, "work_status_at_discharge": "in_work_usual"},
        {**discharged, "work_status_at_discharge": "in_work_adjusted"},
        {**discharged, "work_status_at_discharge": "new_job"},
        {**discharged, "work_status_at_discharge": "off_sick"},
        {"discharged_on": "2026-05-01", "furthest_stage": "contacted", "work_status_at_discharge": "in_work_usual"},
        {"assessed_on": "2026-03-09"},
    )
    result = measures.returned_to_work(frame)
    assert (result["numerator"], result["denominator"], result["percent"]) == (3, 4, 75.0)
    # Wilson 95% for 3/4: 30.1% to 95.4%
    assert (result["ci_low"], result["ci_high"]) == (30.1, 95.4)
    assert result["excluded"] == {"still_open": 1, "not_assessed": 1}


def test_sustained_return_counts_missing_follow_ups_and_leaves_out_those_not_due():
    returned = {"discharged_on": "2026-05-01", "assessed_on": "2026-03-09", "work_status_at_discharge": "in_work_usual"}
    frame = ready(returned, returned, returned, returned, {**returned, "work_status_at_discharge": "off_sick"})
    outcomes = pd.DataFrame(
        {
            "episode_id": ["e0", "e1", "e2", "e3", "e0"],
            "time_point": ["3m", "3m", "3m", "6m", "6m"],
            "due_on": pd.to_datetime(["2026-08-01", "2026-08-01", "2026-08-01", "2026-11-01", "2027-01-01"]),
            "done_on": pd.to_datetime(["2026-08-03", "2026-08-02", None, None, None]),
            "work_status": ["in_work_usual", "off_sick", None, None, None],
        }
    )
    result = measures.sustained_return(frame, outcomes)
    assert result["n"] == 4
    three = result["time_points"]["3m"]
    # e3 has no 3-month row at all: missing too
    assert (three["numerator"], three["denominator"], three["missing"]) == (1, 2, 2)
    six = result["time_points"]["6m"]
    assert (six["denominator"], six["missing"], six["excluded"]) == (0, 3, {"not_yet_due": 1})


def test_questionnaire_change_and_meaningful_improvement():
    # WHO-5 (higher is better, 10 points meaningful): +12, +9, -15; PHQ-9 has no published threshold here.
    frame = ready(
        {"baseline_who5": 40, "discharge_who5": 52, "baseline_phq9": 15, "discharge_phq9": 9},
        {"baseline_who5": 40, "discharge_who5": 49, "baseline_phq9": 12},
        {"baseline_who5": 60, "discharge_who5": 45},
        {},
    )
    result = measures.questionnaire_change(frame, pd.DataFrame(columns=["episode_id", "time_point"]))
    who5 = result["who5"]
    assert (who5["n"], who5["mean_change"]) == (3, 2.0)
    assert (who5["meaningful_improvement"]["numerator"], who5["meaningful_improvement"]["denominator"]) == (1, 3)
    assert who5["excluded"] == {"no_baseline": 1}
    phq9 = result["phq9"]
    assert (phq9["n"], phq9["mean_change"], phq9["meaningful_improvement"]) == (1, -6.0, None)
    assert phq9["excluded"] == {"no_baseline": 2, "no_discharge_score": 1}


def test_cost_per_case_and_per_return():
    returned = {"discharged_on": "2026-05-01", "assessed_on": "2026-03-09", "work_status_at_discharge": "in_work_usual"}
    frame = ready(
        {**returned, "interventions": 2}, {**returned, "interventions": 0}, {"furthest_stage": "referred"},
        {"site": "B"}, {"site": "C"},
    )  # fmt: skip
    # Site A: 3 cases x 100 + 2 assessed x 50 + 2 interventions x 200 = 800; B: budget 1,000; C has no costs.
    result = measures.cost(frame, {"A": {"case": 100, "assessment": 50, "intervention": 200}, "B": {"budget": 1000}})
    assert (result["total"], result["n"], result["returns"]) == (1800.0, 4, 2)
    assert (result["per_case"], result["per_return"]) == (450.0, 900.0)
    assert result["sites_without_unit_costs"] == ["C"]
    assert result["excluded"] == {"site_has_no_unit_costs": 1}


def test_evaluate_splits_every_measure_by_each_dimension_and_states_the_period():
    frame = episodes(
        {"site": "A", "referred_on": "2026-01-05"}, {"site": "B", "referred_on": "2026-04-06"},
        {"site": "B", "referred_on": "2026-07-06", "main_condition": "other"},
    )  # fmt: skip
    report = evaluate(frame, data_cutoff=CUTOFF)
    referrals = report["measures"]["referrals"]
    assert referrals["period"] == {
        "referred_from": "2026-01-05",
        "referred_to": "2026-07-06",
        "data_cutoff": "2026-12-01",
    }
    assert {k: v["n"] for k, v in referrals["by"]["site"].items()} == {"A": 1, "B": 2}
    assert list(referrals["by"]["period"]) == ["2026Q1", "2026Q2", "2026Q3"]
    assert set(referrals["by"]) == {"site", "service_model", "period", "main_condition", "referral_source"}
    assert set(report["measures"]) >= {
        "referrals", "time_standards", "engagement", "returned_to_work", "sustained_return",
        "questionnaire_change", "time_to_first_intervention", "cost", "referrals_by_practice",
    }  # fmt: skip


@pytest.mark.parametrize(
    ("period", "site", "kept"), [("2026-04..2026-07", None, 2), (None, "b", 2), ("2026-01", "A", 1)]
)
def test_scope_by_period_and_site(period, site, kept):
    frame = episodes(
        {"site": "A", "referred_on": "2026-01-05"}, {"site": "B", "referred_on": "2026-04-06"},
        {"site": "B", "referred_on": "2026-07-31"},
    )  # fmt: skip
    report = evaluate(frame, data_cutoff=CUTOFF, period=period, site=site)
    assert report["episodes"] == kept
    assert sum(report["scope"]["excluded"].values()) == 3 - kept
