"""Every measure for all groups of a dimension at once (`name_by`) gives, for each group, what the measure gives
on that group's episodes alone; and a grouped breakdown worked out by hand."""

from datetime import date

import pandas as pd
import pytest

from fitforwork.evaluation import measures
from fitforwork.evaluation.frame import prepare
from tests.evaluation.helpers import episodes

CUTOFF = date(2026, 12, 1)
DONE = {"discharged_on": "2026-05-01", "assessed_on": "2026-03-09"}


@pytest.fixture
def frame():
    return prepare(
        episodes(
            {"site": "A", **DONE, "work_status_at_discharge": "in_work_usual", "first_contact_on": "2026-03-03",
             "first_intervention_on": "2026-03-20", "interventions": 2, "baseline_who5": 40, "discharge_who5": 52},
            {"site": "A", **DONE, "work_status_at_discharge": "off_sick", "first_contact_on": "2026-03-10",
             "referral_source": "self", "baseline_who5": 60, "discharge_who5": 45},
            {"site": "A", "furthest_stage": "referred", "discharged_on": "2026-04-01",
             "discharge_reason": "not_contactable"},
            {"site": "B", **DONE, "work_status_at_discharge": "new_job", "first_contact_on": "2026-03-04",
             "referral_source": "employer", "referred_on": "2026-04-06"},
            {"site": "B", "furthest_stage": "contacted", "first_contact_on": "2026-03-01"},
            {"site": "C", "referral_source": "self", "main_condition": "other"},
        ),
        CUTOFF,
    )  # fmt: skip


OUTCOMES = pd.DataFrame(
    {
        "episode_id": ["e0", "e3", "e3"],
        "time_point": ["3m", "3m", "6m"],
        "due_on": pd.to_datetime(["2026-08-01", "2026-08-01", "2026-11-01"]),
        "done_on": pd.to_datetime(["2026-08-03", None, "2026-11-02"]),
        "work_status": ["in_work_usual", None, "new_job"],
    }
)
COSTS = {"A": {"case": 100, "assessment": 50, "intervention": 200}, "B": {"budget": 1000}}
WHOLE = {
    "referrals": (measures.referrals, measures.referrals_by),
    "time_standards": (measures.time_standards, measures.time_standards_by),
    "time_to_first_intervention": (measures.time_to_first_intervention, measures.time_to_first_intervention_by),
    "engagement": (measures.engagement, measures.engagement_by),
    "returned_to_work": (measures.returned_to_work, measures.returned_to_work_by),
    "sustained_return": (
        lambda f: measures.sustained_return(f, OUTCOMES),
        lambda f, by: measures.sustained_return_by(f, by, OUTCOMES),
    ),
    "questionnaire_change": (
        lambda f: measures.questionnaire_change(f, OUTCOMES),
        lambda f, by: measures.questionnaire_change_by(f, by, OUTCOMES),
    ),
    "cost": (lambda f: measures.cost(f, COSTS), lambda f, by: measures.cost_by(f, by, COSTS)),
}


@pytest.mark.parametrize("name", list(WHOLE))
@pytest.mark.parametrize("by", ["site", "referral_source", "main_condition"])
def test_each_group_gets_what_its_episodes_alone_would(frame, name, by):
    whole, grouped = WHOLE[name]
    results = grouped(frame, by)
    assert list(results) == sorted(frame[by].unique())
    for group, result in results.items():
        assert result == whole(frame[frame[by] == group]), (name, group)


def test_a_breakdown_by_site_worked_out_by_hand(frame):
    by_site = measures.returned_to_work_by(frame, "site")
    # A: of two assessed and discharged, one in work (the third was never assessed); B: one of one; C: open.
    assert {site: (r["numerator"], r["denominator"]) for site, r in by_site.items()} == {
        "A": (1, 2), "B": (1, 1), "C": (0, 0),
    }  # fmt: skip
    assert by_site["A"]["excluded"] == {"not_assessed": 1}
    assert by_site["B"]["excluded"] == {"still_open": 1}
    stages = measures.engagement_by(frame, "site")
    assert stages["A"]["furthest_stage"]["cells"] == {
        "referred": 1, "contacted": 0, "assessed": 2, "plan_agreed": 0, "active_support": 0,
    }  # fmt: skip
    assert stages["A"]["dropped_out"]["numerator"] == 1
    contact = measures.time_standards_by(frame, "site")
    # A (referred Mon 2 March): 1 working day (Tue 3 March) within 2, 6 working days (Tue 10 March) not: median 3.5.
    # B: both contacts (4 March, 1 March) before their referrals (6 April, 2 March), so left out and named.
    assert contact["A"]["contacted_within_standard"]["numerator"] == 1
    assert contact["A"]["contacted_within_standard"]["median_working_days"] == 3.5
    assert contact["B"]["contacted_within_standard"]["excluded"] == {"contacted_before_referral": 2}
    assert measures.referrals_by(frame, "site")["A"]["by_source"]["cells"] == {"gp": 2, "self": 1}
    assert measures.cost_by(frame, "site", COSTS)["C"]["sites_without_unit_costs"] == ["C"]
