import pytest

from fitforwork.organisations.config import ServiceModelConfig, validate_config
from fitforwork.organisations.presets import PRESETS, preset

KEYS = [
    "fit-for-work-national",
    "fit-for-work-pilot-gp-led",
    "pilot-guidance-and-gateway",
    "pilot-guidance-plus",
    "pilot-fast-access",
    "workwell",
    "working-health-services-scotland",
    "health-and-work-support-pilot",
    "gp-practice-work-coaching",
]


def config(key: str) -> ServiceModelConfig:
    return ServiceModelConfig.from_dict(preset(key).config)


def test_every_service_model_in_the_domain_notes_is_shipped_under_its_agreed_key():
    assert [item.key for item in PRESETS] == KEYS


@pytest.mark.parametrize("item", PRESETS, ids=lambda item: item.key)
def test_every_preset_is_a_valid_config_with_name_description_and_source(item):
    assert validate_config(item.config) == []
    assert item.name
    assert item.description
    assert "[V]" in item.source


def test_a_preset_handed_out_is_a_copy_so_the_shipped_rules_cannot_be_changed():
    preset("workwell").config["pathways"].append("Changed")
    assert "Changed" not in preset("workwell").config["pathways"]


def test_national_fit_for_work_follows_the_published_rules():
    rules = config("fit-for-work-national")
    assert rules.eligibility.employment_statuses == ("employed_off_sick",)
    assert rules.eligibility.self_employed_allowed is False
    assert rules.eligibility.min_absence_weeks == 4
    assert rules.eligibility.absence_or_expected is True
    assert rules.eligibility.return_expected_within_months == 3
    assert rules.eligibility.re_referral_window_months == 12
    assert set(rules.eligibility.nations) == {"england_wales", "scotland"}
    assert [route.source for route in rules.referral_routes] == ["gp", "employer"]
    employer = rules.route("employer")
    assert employer.min_absence_weeks == 4
    assert employer.only_if_gp_has_not_referred is True
    assert employer.requires_written_consent is True
    assert rules.route("self") is None
    assert rules.time_standards.first_contact_working_days == 2
    assert rules.time_standards.face_to_face_working_days == 5
    assert rules.case_length.max_weeks == 13
    assert rules.case_length.ends_on_return_to_work is True
    assert not rules.is_uncertain("time_standards.first_contact_working_days")


def test_gp_led_pilot_takes_gp_referrals_only_and_signs_fit_notes():
    rules = config("fit-for-work-pilot-gp-led")
    assert [route.source for route in rules.referral_routes] == ["gp"]
    assert rules.service_issues_fit_notes is True
    assert rules.eligibility.residence_or_gp_in_area is True
    assert "unemployed" in rules.eligibility.employment_statuses
    assert rules.time_standards.assessment_working_days == 5
    assert rules.is_uncertain("case_length.max_weeks")


@pytest.mark.parametrize(
    ("key", "support"),
    [
        ("pilot-guidance-and-gateway", "Case manager, mainly non-clinical"),
        ("pilot-guidance-plus", "Fast-track physiotherapy"),
        ("pilot-fast-access", "Fast access to psychological therapy"),
    ],
)
def test_the_three_pilot_delivery_models_differ_in_support_and_leave_the_rest_to_the_site(key, support):
    rules = config(key)
    assert support in rules.support_offered
    for section in ("eligibility", "referral_routes", "time_standards", "case_length"):
        assert rules.is_uncertain(section)


def test_workwell_has_no_wrong_door_and_marks_its_local_variants_uncertain():
    rules = config("workwell")
    assert {route.source for route in rules.referral_routes} == {"self", "gp", "employer", "jobcentre", "community"}
    assert rules.eligibility.within_weeks_of_unemployment == 12
    assert rules.case_length.max_weeks_by_employment_status["employed_at_work"] == 8
    assert rules.case_length.max_weeks_by_employment_status["unemployed"] == 16
    for path in (
        "eligibility.within_weeks_of_unemployment",
        "eligibility.residence_or_gp_in_area",
        "case_length.max_weeks_by_employment_status",
        "time_standards.first_contact_working_days",
    ):
        assert rules.is_uncertain(path), path


def test_working_health_services_scotland_serves_small_firms_and_the_self_employed_in_scotland():
    rules = config("working-health-services-scotland")
    assert rules.eligibility.nations == ("scotland",)
    assert rules.eligibility.self_employed_allowed is True
    assert rules.eligibility.max_employer_size_band == "medium"
    assert rules.eligibility.min_absence_weeks is None
    assert {route.source for route in rules.referral_routes} == {"self", "nhs24_msk"}
    assert rules.outcome_schedule.follow_up_months == (3, 6)
    assert not rules.is_uncertain("outcome_schedule.follow_up_months")


def test_health_and_work_support_pilot_lasts_up_to_twenty_weeks():
    rules = config("health-and-work-support-pilot")
    assert rules.case_length.max_weeks == 20
    assert not rules.is_uncertain("case_length.max_weeks")
    assert {route.source for route in rules.referral_routes} == {"self", "gp", "employer"}


def test_gp_practice_coaching_is_for_patients_asking_for_a_fit_note():
    rules = config("gp-practice-work-coaching")
    assert rules.eligibility.fit_note_requested_or_at_risk is True
    assert [route.source for route in rules.referral_routes] == ["gp"]


@pytest.mark.parametrize("item", PRESETS, ids=lambda item: item.key)
def test_values_no_source_gives_are_marked_uncertain(item):
    rules = ServiceModelConfig.from_dict(item.config)
    # No source in the notes states how many failed contact attempts end a referral.
    assert rules.is_uncertain("max_failed_contact_attempts")
    assert rules.is_uncertain("reopen_window_days")
