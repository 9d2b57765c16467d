"""The eligibility rules of every preset, as properties over any referral."""

from dataclasses import replace
from datetime import date, timedelta

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from fitforwork.core.calendar import Nation
from fitforwork.core.choices import EmploymentStatus
from fitforwork.organisations.config import ReferralSource, ServiceModelConfig
from fitforwork.organisations.presets import PRESETS
from fitforwork.referrals.eligibility import ReferralFacts, evaluate

CONFIGS = {preset.key: ServiceModelConfig.from_dict(preset.config) for preset in PRESETS}
TODAY = date(2026, 11, 23)

facts_strategy = st.builds(
    ReferralFacts,
    source=st.sampled_from(ReferralSource.ALL),
    received_on=st.just(TODAY),
    employment_status=st.sampled_from(list(EmploymentStatus.values)),
    absence_start=st.none() | st.integers(0, 60).map(lambda weeks: TODAY - timedelta(weeks=weeks)),
    expected_absence_weeks=st.none() | st.integers(0, 52),
    return_expected_within_months=st.none() | st.integers(1, 12),
    employer_size_band=st.none() | st.sampled_from(["micro", "small", "medium", "large"]),
    nation=st.sampled_from(list(Nation.values)),
    in_area=st.booleans(),
    previous_referral_on=st.none() | st.integers(1, 800).map(lambda days: TODAY - timedelta(days=days)),
    consent_given=st.booleans(),
    written_consent_confirmed=st.booleans(),
    gp_has_referred=st.booleans(),
    unemployed_since=st.none() | st.integers(0, 60).map(lambda weeks: TODAY - timedelta(weeks=weeks)),
    fit_note_requested_or_at_risk=st.booleans(),
)
presets = st.sampled_from(sorted(CONFIGS))


def rules_failed(key, facts):
    return {failure.rule for failure in evaluate(CONFIGS[key], facts).failures}


@given(key=presets, facts=facts_strategy)
def test_eligible_exactly_when_no_rule_fails_and_every_failure_says_why(key, facts):
    decision = evaluate(CONFIGS[key], facts)
    assert decision.eligible == (len(decision.failures) == 0)
    for failure in decision.failures:
        assert failure.message.endswith(".")
        assert len(failure.message) > 20


@given(key=presets, facts=facts_strategy)
def test_a_source_the_model_does_not_take_always_fails_the_route_rule(key, facts):
    sources = {route.source for route in CONFIGS[key].referral_routes}
    assert ("referral_route" in rules_failed(key, facts)) == (facts.source not in sources)


@given(key=presets, facts=facts_strategy)
def test_no_consent_is_never_eligible(key, facts):
    assert not evaluate(CONFIGS[key], replace(facts, consent_given=False)).eligible


@given(key=presets, facts=facts_strategy)
def test_out_of_area_is_never_eligible_where_the_model_has_an_area(key, facts):
    config = CONFIGS[key]
    failed = rules_failed(key, replace(facts, in_area=False))
    assert ("area" in failed) == config.eligibility.residence_or_gp_in_area


@given(key=presets, facts=facts_strategy)
def test_fixing_one_failing_fact_removes_only_that_rules_failure(key, facts):
    before = rules_failed(key, facts)
    assume("consent" in before)
    after = rules_failed(key, replace(facts, consent_given=True))
    assert after == before - {"consent"}


@given(facts=facts_strategy)
def test_national_fit_for_work_takes_no_self_referrals(facts):
    assert "referral_route" in rules_failed("fit-for-work-national", replace(facts, source=ReferralSource.SELF))


@given(facts=facts_strategy, weeks=st.integers(0, 3))
def test_national_fit_for_work_takes_employers_only_after_four_weeks_off(facts, weeks):
    employer = replace(facts, source=ReferralSource.EMPLOYER, absence_start=TODAY - timedelta(weeks=weeks))
    assert "route_absence" in rules_failed("fit-for-work-national", employer)
    later = replace(employer, absence_start=TODAY - timedelta(weeks=4))
    assert "route_absence" not in rules_failed("fit-for-work-national", later)


@given(facts=facts_strategy)
def test_national_fit_for_work_takes_employers_only_if_the_gp_has_not_referred(facts):
    employer = replace(facts, source=ReferralSource.EMPLOYER)
    assert "route_gp_referred" in rules_failed("fit-for-work-national", replace(employer, gp_has_referred=True))
    assert "route_gp_referred" not in rules_failed("fit-for-work-national", replace(employer, gp_has_referred=False))


@given(facts=facts_strategy, expected=st.integers(4, 52))
def test_national_fit_for_work_accepts_a_gp_expecting_four_weeks_off(facts, expected):
    gp = replace(
        facts, source=ReferralSource.GP, absence_start=TODAY - timedelta(weeks=1), expected_absence_weeks=expected
    )
    assert "absence_length" not in rules_failed("fit-for-work-national", gp)
    assert "absence_length" in rules_failed("fit-for-work-national", replace(gp, expected_absence_weeks=3))


@given(facts=facts_strategy, days=st.integers(1, 364))
def test_national_fit_for_work_refuses_a_re_referral_within_twelve_months(facts, days):
    again = replace(facts, previous_referral_on=TODAY - timedelta(days=days))
    assert "re_referral" in rules_failed("fit-for-work-national", again)
    assert "re_referral" not in rules_failed(
        "fit-for-work-national", replace(facts, previous_referral_on=date(2025, 11, 1))
    )


@given(facts=facts_strategy)
def test_national_fit_for_work_is_not_for_the_self_employed(facts):
    failed = rules_failed("fit-for-work-national", replace(facts, employment_status=EmploymentStatus.SELF_EMPLOYED))
    assert "self_employed" in failed


@given(facts=facts_strategy)
def test_scotland_service_is_for_employers_of_fewer_than_250(facts):
    at_work = replace(facts, employment_status=EmploymentStatus.EMPLOYED_AT_WORK)
    assert "employer_size" in rules_failed(
        "working-health-services-scotland", replace(at_work, employer_size_band="large")
    )
    assert "employer_size" not in rules_failed(
        "working-health-services-scotland", replace(at_work, employer_size_band="medium")
    )


@given(facts=facts_strategy)
def test_scotland_service_is_only_for_scotland(facts):
    assert "nation" in rules_failed("working-health-services-scotland", replace(facts, nation=Nation.ENGLAND_AND_WALES))
    assert "nation" not in rules_failed("working-health-services-scotland", replace(facts, nation=Nation.SCOTLAND))


@given(facts=facts_strategy, weeks=st.integers(13, 60))
def test_workwell_takes_people_out_of_work_only_within_twelve_weeks(facts, weeks):
    out = replace(facts, employment_status=EmploymentStatus.UNEMPLOYED, unemployed_since=TODAY - timedelta(weeks=weeks))
    assert "unemployment_length" in rules_failed("workwell", out)
    assert "unemployment_length" not in rules_failed(
        "workwell", replace(out, unemployed_since=TODAY - timedelta(weeks=12))
    )


@given(facts=facts_strategy)
def test_workwell_takes_every_door(facts):
    for source in ("self", "gp", "employer", "jobcentre", "community"):
        assert "referral_route" not in rules_failed("workwell", replace(facts, source=source))


@given(facts=facts_strategy)
def test_gp_practice_coaching_is_for_patients_asking_for_a_fit_note_or_at_risk(facts):
    assert "fit_note" in rules_failed("gp-practice-work-coaching", replace(facts, fit_note_requested_or_at_risk=False))
    assert "fit_note" not in rules_failed(
        "gp-practice-work-coaching", replace(facts, fit_note_requested_or_at_risk=True)
    )


def test_a_referral_meeting_every_rule_of_the_national_model_is_eligible():
    facts = ReferralFacts(
        source="gp",
        received_on=TODAY,
        employment_status=EmploymentStatus.EMPLOYED_OFF_SICK,
        absence_start=TODAY - timedelta(weeks=5),
        return_expected_within_months=2,
        nation=Nation.SCOTLAND,
        consent_given=True,
    )
    assert evaluate(CONFIGS["fit-for-work-national"], facts).failures == ()


@pytest.mark.parametrize("key", sorted(CONFIGS))
def test_each_preset_says_which_doors_it_takes_when_refusing_one(key):
    refused_source = next(s for s in ReferralSource.ALL if CONFIGS[key].route(s) is None)
    facts = ReferralFacts(source=refused_source, received_on=TODAY, employment_status="employed_off_sick")
    message = next(f.message for f in evaluate(CONFIGS[key], facts).failures if f.rule == "referral_route")
    assert "It takes referrals from" in message
