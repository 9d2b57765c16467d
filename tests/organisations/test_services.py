import pytest
from django.core.exceptions import ValidationError

from fitforwork.accounts.models import Role
from fitforwork.core.audit.models import AuditEvent
from fitforwork.organisations import services
from fitforwork.organisations.config import canonical_config
from fitforwork.organisations.models import (
    ImmutableVersionError,
    Organisation,
    ServiceModel,
    ServiceModelVersion,
)
from fitforwork.organisations.presets import PRESETS, preset
from tests.accounts.factories import UserFactory
from tests.organisations.factories import OrganisationFactory, ServiceModelFactory, SiteFactory, valid_config

pytestmark = pytest.mark.django_db


@pytest.fixture
def administrator():
    return UserFactory(role=Role.ADMINISTRATOR, is_staff=True, is_superuser=True)


def test_load_presets_creates_every_preset_at_version_one():
    assert services.service_model_presets_load(actor=None) == len(PRESETS)
    for item in PRESETS:
        model = ServiceModel.objects.get(key=item.key)
        assert model.name == item.name
        assert model.source == item.source
        assert [version.number for version in model.versions.all()] == [1]
        assert model.current_version.config == item.config


def test_load_presets_twice_creates_nothing_more():
    services.service_model_presets_load()
    assert services.service_model_presets_load() == 0
    assert ServiceModel.objects.count() == len(PRESETS)
    assert ServiceModelVersion.objects.count() == len(PRESETS)


def test_load_presets_never_changes_a_model_an_administrator_has_edited(administrator):
    services.service_model_presets_load()
    workwell = ServiceModel.objects.get(key="workwell")
    changed = preset("workwell").config
    changed["time_standards"]["first_contact_working_days"] = 3
    services.service_model_new_version(
        actor=administrator, service_model=workwell, config=changed, change_note="Local standard"
    )
    assert services.service_model_presets_load() == 0
    assert [v.number for v in workwell.versions.all()] == [2, 1]
    assert workwell.current_version.config == changed


def test_load_presets_fills_in_only_the_missing_ones():
    services.service_model_create(actor=None, key="workwell", name="Our WorkWell", config=valid_config("workwell"))
    assert services.service_model_presets_load() == len(PRESETS) - 1
    assert ServiceModel.objects.get(key="workwell").name == "Our WorkWell"


def test_service_model_create_audits_and_stamps(administrator):
    model = services.service_model_create(
        actor=administrator, key="local", name="Local model", config=valid_config(), source="Our board"
    )
    assert model.created_by == administrator
    assert model.current_version.number == 1
    assert model.current_version.created_by == administrator
    event = AuditEvent.objects.get(action="organisations.service_model_created")
    assert event.object_id == str(model.pk)
    assert event.actor_id == administrator.pk


def test_service_model_create_refuses_an_invalid_config():
    config = valid_config()
    config["time_standards"]["first_contact_working_days"] = 0
    with pytest.raises(ValidationError) as raised:
        services.service_model_create(actor=None, key="bad", name="Bad", config=config)
    assert raised.value.message_dict["config"] == [
        "time_standards.first_contact_working_days must be a whole number of 1 or more"
    ]
    assert not ServiceModel.objects.filter(key="bad").exists()


def test_a_new_version_is_numbered_two_and_leaves_version_one_exactly_as_it_was(administrator):
    model = ServiceModelFactory()
    first = model.current_version
    original = valid_config()
    changed = valid_config()
    changed["time_standards"]["face_to_face_working_days"] = 7

    second = services.service_model_new_version(
        actor=administrator, service_model=model, config=changed, change_note="Slower face-to-face"
    )

    assert second.number == 2
    assert second.config["time_standards"]["face_to_face_working_days"] == 7
    assert second.change_note == "Slower face-to-face"
    first.refresh_from_db()
    assert first.config == original
    assert first.number == 1
    assert model.current_version == second
    event = AuditEvent.objects.get(action="organisations.service_model_version_created")
    assert event.object_id == str(second.pk)
    assert event.reason == "Slower face-to-face"
    assert event.data == {"service_model": model.key, "number": 2}


def test_versions_keep_counting_up(administrator):
    model = ServiceModelFactory()
    for weeks in (5, 6, 7):
        config = valid_config()
        config["case_length"]["max_weeks"] = weeks
        version = services.service_model_new_version(
            actor=administrator, service_model=model, config=config, change_note=f"{weeks} weeks"
        )
    assert version.number == 4
    assert list(model.versions.values_list("number", flat=True)) == [4, 3, 2, 1]


def test_a_new_version_identical_to_the_current_one_is_refused(administrator):
    model = ServiceModelFactory()
    with pytest.raises(ValidationError) as raised:
        services.service_model_new_version(
            actor=administrator, service_model=model, config=valid_config(), change_note="No change"
        )
    assert "same as the current version" in raised.value.message_dict["config"][0]
    assert model.versions.count() == 1


def test_leaving_out_a_setting_at_its_default_is_no_change(administrator):
    model = ServiceModelFactory()
    config = valid_config()
    assert config.pop("service_issues_fit_notes") is False
    with pytest.raises(ValidationError, match="same as the current version"):
        services.service_model_new_version(actor=administrator, service_model=model, config=config, change_note="y")
    assert model.versions.count() == 1


def test_an_invalid_new_version_is_refused_naming_each_field(administrator):
    model = ServiceModelFactory()
    config = valid_config()
    config["time_standards"]["first_contact_working_days"] = "two"
    config["eligibility"]["nations"] = ["france"]
    with pytest.raises(ValidationError) as raised:
        services.service_model_new_version(actor=administrator, service_model=model, config=config, change_note="x")
    messages = raised.value.message_dict["config"]
    assert "time_standards.first_contact_working_days must be a whole number of 1 or more" in messages
    assert any(message.startswith("eligibility.nations holds 'france'") for message in messages)
    assert model.versions.count() == 1


def test_a_new_version_needs_a_change_note(administrator):
    model = ServiceModelFactory()
    config = valid_config()
    config["reopen_window_days"] = 60
    with pytest.raises(ValidationError) as raised:
        services.service_model_new_version(actor=administrator, service_model=model, config=config, change_note=" ")
    assert "change_note" in raised.value.message_dict


def test_a_new_version_based_on_the_current_one_is_saved(administrator):
    model = ServiceModelFactory()
    config = valid_config()
    config["reopen_window_days"] = 60
    version = services.service_model_new_version(
        actor=administrator, service_model=model, config=config, change_note="Longer", based_on=1
    )
    assert version.number == 2


def test_a_new_version_based_on_an_older_one_is_refused_naming_the_newer(administrator):
    model = ServiceModelFactory()
    theirs = valid_config()
    theirs["reopen_window_days"] = 60
    services.service_model_new_version(
        actor=administrator, service_model=model, config=theirs, change_note="Theirs", based_on=1
    )
    mine = valid_config()
    mine["case_length"]["max_weeks"] = 10

    with pytest.raises(ValidationError) as raised:
        services.service_model_new_version(
            actor=administrator, service_model=model, config=mine, change_note="Mine", based_on=1
        )

    assert raised.value.code == "stale"
    assert raised.value.messages == [
        f"Someone else saved version 2 of {model.name} while you were editing version 1. "
        "Reload the page to see their changes, then make yours again."
    ]
    assert [v.number for v in model.versions.all()] == [2, 1]
    assert model.current_version.config == canonical_config(theirs)
    assert AuditEvent.objects.filter(action="organisations.service_model_version_created").count() == 1


def test_a_new_version_based_on_a_version_that_does_not_exist_yet_is_refused(administrator):
    model = ServiceModelFactory()
    config = valid_config()
    config["reopen_window_days"] = 60
    with pytest.raises(ValidationError, match="Someone else saved version 1 .* editing version 5"):
        services.service_model_new_version(
            actor=administrator, service_model=model, config=config, change_note="x", based_on=5
        )
    assert model.versions.count() == 1


def test_a_saved_version_can_never_be_changed():
    version = ServiceModelFactory().current_version
    version.config = {}
    with pytest.raises(ImmutableVersionError):
        version.save()
    version.refresh_from_db()
    assert version.config == valid_config()


def test_a_site_follows_its_models_newest_version(administrator):
    site = SiteFactory()
    config = valid_config()
    config["reopen_window_days"] = 90
    services.service_model_new_version(
        actor=administrator, service_model=site.service_model, config=config, change_note="Longer"
    )
    assert site.service_model.current_version.config["reopen_window_days"] == 90


def test_organisation_create_tidies_the_ods_code_and_audits(administrator):
    practice = services.organisation_create(
        actor=administrator, kind=Organisation.Kind.GP_PRACTICE, name="Mill Lane Surgery", ods_code=" c82001 "
    )
    assert practice.ods_code == "C82001"
    assert practice.created_by == administrator
    assert AuditEvent.objects.filter(action="organisations.organisation_created", object_id=str(practice.pk)).exists()


def test_organisation_create_refuses_a_gp_practice_without_an_ods_code():
    with pytest.raises(ValidationError, match="Enter the GP practice's ODS code"):
        services.organisation_create(actor=None, kind=Organisation.Kind.GP_PRACTICE, name="No Code Surgery")
    assert not Organisation.objects.exists()


def test_organisation_update_records_which_fields_changed(administrator):
    employer = OrganisationFactory(employer=True)
    services.organisation_update(actor=administrator, organisation=employer, size_band=Organisation.SizeBand.LARGE)
    event = AuditEvent.objects.get(action="organisations.organisation_updated")
    assert event.data == {"changed": ["size_band"]}
    employer.refresh_from_db()
    assert employer.modified_by == administrator


def test_site_create_sets_practices_and_tidies_postcode_districts(administrator):
    practice = OrganisationFactory(gp_practice=True)
    site = services.site_create(
        actor=administrator,
        provider=OrganisationFactory(oh_provider=True),
        name="Leicestershire",
        nation="england_wales",
        service_model=ServiceModelFactory(),
        postcode_districts="le1, le2 LE1",
        gp_practices=[practice],
    )
    assert site.postcode_districts == ["LE1", "LE2"]
    assert list(site.gp_practices.all()) == [practice]
    assert AuditEvent.objects.filter(action="organisations.site_created", object_id=str(site.pk)).exists()


def test_team_names_are_unique_within_a_site(administrator):
    site = SiteFactory()
    services.team_create(actor=administrator, site=site, name="North")
    with pytest.raises(ValidationError):
        services.team_create(actor=administrator, site=site, name="North")
    team = services.team_create(actor=administrator, site=SiteFactory(), name="North")
    services.team_update(actor=administrator, team=team, name="North and East")
    assert AuditEvent.objects.get(action="organisations.team_updated").data == {"changed": ["name"]}
