import json
from pathlib import Path

import pytest
from django.core.management import call_command

from fitforwork.organisations.config import (
    ConfigError,
    ServiceModelConfig,
    field_paths,
    json_schema,
    validate_config,
)
from tests.organisations.factories import valid_config


def test_a_valid_config_round_trips_through_the_models_unchanged():
    data = valid_config()
    assert ServiceModelConfig.from_dict(data).to_dict() == data


def test_from_dict_gives_typed_values():
    config = ServiceModelConfig.from_dict(valid_config())
    assert config.time_standards.first_contact_working_days == 2
    assert config.route("employer").min_absence_weeks == 4
    assert config.route("self") is None
    assert config.outcome_schedule.follow_up_months == (3, 6)


def test_left_out_settings_with_a_default_take_it():
    data = valid_config()
    del data["uncertain"]
    del data["service_issues_fit_notes"]
    assert validate_config(data) == []
    config = ServiceModelConfig.from_dict(data)
    assert config.uncertain == ()
    assert config.service_issues_fit_notes is False


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            lambda c: c["time_standards"].update(first_contact_working_days=0),
            "time_standards.first_contact_working_days must be a whole number of 1 or more",
        ),
        (
            lambda c: c["time_standards"].update(first_contact_working_days=2.5),
            "time_standards.first_contact_working_days must be a whole number of 1 or more",
        ),
        (
            lambda c: c["time_standards"].update(review_every_weeks=None),
            "time_standards.review_every_weeks must have a value",
        ),
        (
            lambda c: c["time_standards"].update(face_to_face_working_days="five"),
            "time_standards.face_to_face_working_days must be a whole number of 1 or more, or null",
        ),
        (
            lambda c: c["eligibility"].update(nations=["wales"]),
            "eligibility.nations holds 'wales', which is not one of: england_wales, scotland, northern_ireland",
        ),
        (
            lambda c: c["eligibility"].update(max_employer_size_band="huge"),
            "eligibility.max_employer_size_band must be one of: micro, small, medium, large, or null",
        ),
        (
            lambda c: c["eligibility"].update(employment_statuses=[]),
            "eligibility.employment_statuses must list at least 1",
        ),
        (lambda c: c["eligibility"].pop("nations"), "eligibility.nations is missing"),
        (
            lambda c: c["eligibility"].update(requires_explicit_consent="yes"),
            "eligibility.requires_explicit_consent must be true or false",
        ),
        (
            lambda c: c.update(case_length_weeks=12),
            "case_length_weeks is not a setting we recognise",
        ),
        (
            lambda c: c["referral_routes"].append({"source": "pharmacy"}),
            "referral_routes[3].source must be one of: gp, employer, self, jobcentre, community, advice_line, "
            "nhs24_msk",
        ),
        (lambda c: c["referral_routes"].append({"source": "gp"}), "referral_routes lists 'gp' more than once"),
        (
            lambda c: c["referral_routes"][0].update(only_if_gp_has_not_referred=True),
            "referral_routes: the gp route cannot depend on the GP not having referred",
        ),
        (
            lambda c: c["outcome_schedule"].update(follow_up_months=[6, 3]),
            "outcome_schedule.follow_up_months must be in order, earliest first",
        ),
        (
            lambda c: c["outcome_schedule"].update(follow_up_months=[0]),
            "outcome_schedule.follow_up_months must hold only whole numbers of 1 or more, not 0",
        ),
        (
            lambda c: c["eligibility"].update(self_employed_allowed=True),
            "eligibility.self_employed_allowed must be true exactly when eligibility.employment_statuses "
            "includes self_employed",
        ),
        (
            lambda c: c["eligibility"].update(within_weeks_of_unemployment=12),
            "eligibility.within_weeks_of_unemployment needs unemployed in eligibility.employment_statuses",
        ),
        (
            lambda c: c["case_length"].update(max_weeks_by_employment_status={"unemployed": 16}),
            "case_length.max_weeks_by_employment_status.unemployed is not an eligible employment status",
        ),
        (
            lambda c: c.update(uncertain=["time_standards.first_contact_days"]),
            "uncertain lists 'time_standards.first_contact_days', which is not a setting",
        ),
        (lambda c: c.update(pathways=[]), "pathways must list at least 1"),
        (lambda c: c.update(max_failed_contact_attempts=True), "max_failed_contact_attempts must be a whole"),
    ],
)
def test_invalid_config_is_refused_with_the_field_named(change, message):
    data = valid_config()
    change(data)
    errors = validate_config(data)
    assert any(error.startswith(message) for error in errors), errors
    with pytest.raises(ConfigError):
        ServiceModelConfig.from_dict(data)


def test_a_config_that_is_not_an_object_is_refused():
    assert validate_config([1, 2]) == ["The configuration must be a JSON object of settings"]


def test_a_section_that_is_not_an_object_is_refused():
    data = valid_config()
    data["time_standards"] = 2
    assert validate_config(data) == ["time_standards must be a group of settings (a JSON object)"]


def test_every_problem_is_reported_at_once():
    data = valid_config()
    data["time_standards"]["assessment_working_days"] = -1
    data["reopen_window_days"] = "a month"
    assert len(validate_config(data)) == 2


def test_uncertain_may_name_a_whole_section_and_is_answered_for_its_fields():
    data = valid_config()
    data["uncertain"] = ["time_standards"]
    config = ServiceModelConfig.from_dict(data)
    assert config.is_uncertain("time_standards.review_every_weeks")
    assert not config.is_uncertain("case_length.max_weeks")


def test_field_paths_reach_nested_settings_with_units_in_their_names():
    paths = field_paths()
    assert "time_standards.first_contact_working_days" in paths
    assert "eligibility.min_absence_weeks" in paths
    assert "outcome_schedule.follow_up_months" in paths


def test_a_list_of_bad_items_names_each_item_and_not_its_length():
    data = valid_config()
    data["pathways"] = ["  ", 5]
    data["outcome_schedule"]["follow_up_months"] = [3, 3]
    assert validate_config(data) == [
        "pathways must hold only text, not '  '",
        "pathways must hold only text, not 5",
        "outcome_schedule.follow_up_months lists 3 more than once",
    ]


def test_the_published_json_schema_is_the_schema_of_the_models(capsys):
    # When this fails, publish the new schema: fitforwork service_models schema > docs/service-model-config.schema.json
    published = Path(__file__).resolve().parents[2] / "docs" / "service-model-config.schema.json"
    call_command("service_models", "schema")
    printed = json.loads(capsys.readouterr().out)
    assert printed == json_schema()
    assert json.loads(published.read_text()) == printed
    assert printed["properties"]["time_standards"] == {"$ref": "#/$defs/TimeStandards"}
    assert printed["$defs"]["Eligibility"]["properties"]["nations"]["items"]["enum"] == [
        "england_wales",
        "scotland",
        "northern_ireland",
    ]
