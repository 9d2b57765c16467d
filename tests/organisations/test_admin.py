import json

import pytest
from django.test import Client
from django.urls import reverse

from fitforwork.accounts.models import Role
from fitforwork.core.audit.models import AuditEvent
from fitforwork.organisations import services
from fitforwork.organisations.models import Organisation, ServiceModel, Site
from tests.accounts.factories import UserFactory
from tests.conftest import admin_form_data, sign_in_with_two_factor
from tests.organisations.factories import OrganisationFactory, ServiceModelFactory, SiteFactory, valid_config

pytestmark = pytest.mark.django_db


@pytest.fixture
def administrator():
    return UserFactory(role=Role.ADMINISTRATOR, is_staff=True, is_superuser=True, with_device=True)


@pytest.fixture
def admin_browser(client, administrator):
    # Staff need two-factor authentication, so sign in as an administrator really would.
    return sign_in_with_two_factor(client, administrator)


@pytest.fixture
def another_admin_browser():
    """Another administrator in another browser: call it for a (client, user) pair."""

    def make():
        user = UserFactory(role=Role.ADMINISTRATOR, is_staff=True, is_superuser=True, with_device=True)
        return sign_in_with_two_factor(Client(), user), user

    return make


def change_form(client, model: ServiceModel) -> tuple[str, dict]:
    url = reverse("admin:organisations_servicemodel_change", args=[model.pk])
    page = client.get(url)
    assert page.status_code == 200
    return url, admin_form_data(page.content.decode(), "servicemodel_form")


def test_editing_rules_in_admin_adds_version_two_and_leaves_version_one(admin_browser, administrator):
    model = ServiceModelFactory()
    url, data = change_form(admin_browser, model)
    config = json.loads(data["config"])
    assert config == valid_config()
    config["time_standards"]["first_contact_working_days"] = 3
    data.update(config=json.dumps(config), change_note="Local standard is 3 working days")

    response = admin_browser.post(url, data)

    assert response.status_code == 302, response.content.decode()[:3000]
    versions = list(model.versions.order_by("number"))
    assert [version.number for version in versions] == [1, 2]
    assert versions[0].config == valid_config()
    assert versions[1].config["time_standards"]["first_contact_working_days"] == 3
    assert versions[1].created_by == administrator
    event = AuditEvent.objects.get(action="organisations.service_model_version_created")
    assert event.actor_id == administrator.pk
    assert event.reason == "Local standard is 3 working days"


def test_the_form_records_which_version_it_was_based_on(admin_browser, administrator):
    model = ServiceModelFactory()
    config = valid_config()
    config["reopen_window_days"] = 60
    services.service_model_new_version(actor=administrator, service_model=model, config=config, change_note="x")
    _, data = change_form(admin_browser, model)
    assert data["based_on_version"] == "2"


def _changed_rules(data: dict, **time_standards) -> str:
    config = json.loads(data["config"])
    config["time_standards"].update(time_standards)
    return json.dumps(config)


def test_two_administrators_editing_at_once_cannot_overwrite_each_other(admin_browser, another_admin_browser):
    model = ServiceModelFactory()
    other_browser, other = another_admin_browser()
    url, mine = change_form(admin_browser, model)
    _, theirs = change_form(other_browser, model)
    theirs.update(config=_changed_rules(theirs, first_contact_working_days=3), change_note="Theirs")
    assert other_browser.post(url, theirs).status_code == 302

    mine.update(config=_changed_rules(mine, face_to_face_working_days=7), change_note="Mine")
    response = admin_browser.post(url, mine)

    assert response.status_code == 200
    assert response.context["adminform"].form.non_field_errors() == [
        f"Someone else saved version 2 of {model.name} while you were editing version 1. "
        "Reload the page to see their changes, then make yours again."
    ]
    assert "Someone else saved version 2" in response.content.decode()
    assert [v.number for v in model.versions.all()] == [2, 1]
    current = model.current_version
    assert current.created_by == other
    assert current.config["time_standards"]["first_contact_working_days"] == 3
    original = valid_config()["time_standards"]["face_to_face_working_days"]
    assert current.config["time_standards"]["face_to_face_working_days"] == original

    # Reloading shows their version, and the edit can then be made on top of it.
    _, reloaded = change_form(admin_browser, model)
    assert reloaded["based_on_version"] == "2"
    reloaded.update(config=_changed_rules(reloaded, face_to_face_working_days=7), change_note="Mine")
    assert admin_browser.post(url, reloaded).status_code == 302
    newest = model.current_version
    assert newest.number == 3
    assert newest.config["time_standards"]["first_contact_working_days"] == 3
    assert newest.config["time_standards"]["face_to_face_working_days"] == 7


def test_renaming_from_a_stale_page_cannot_put_back_the_old_rules(admin_browser, another_admin_browser):
    # The stale page still holds version 1's rules, which differ from the newest: saving them would
    # silently add a version undoing the other administrator's change.
    model = ServiceModelFactory()
    other_browser, _ = another_admin_browser()
    url, mine = change_form(admin_browser, model)
    _, theirs = change_form(other_browser, model)
    theirs.update(config=_changed_rules(theirs, first_contact_working_days=3), change_note="Theirs")
    assert other_browser.post(url, theirs).status_code == 302

    mine.update(name="Renamed", change_note="Clearer name")
    response = admin_browser.post(url, mine)

    assert response.status_code == 200
    assert "Someone else saved version 2" in response.context["adminform"].form.non_field_errors()[0]
    model.refresh_from_db()
    assert model.name != "Renamed"
    assert model.current_version.number == 2
    assert model.current_version.config["time_standards"]["first_contact_working_days"] == 3


def test_a_form_without_the_version_it_was_based_on_is_refused(admin_browser):
    model = ServiceModelFactory()
    url, data = change_form(admin_browser, model)
    del data["based_on_version"]
    data.update(config=_changed_rules(data, first_contact_working_days=3), change_note="No base")
    response = admin_browser.post(url, data)
    assert response.status_code == 200
    assert response.context["adminform"].form.non_field_errors() == [
        f"{model.name} has changed since this page was loaded: reload the page and make your change again."
    ]
    assert model.versions.count() == 1


def test_the_admin_passes_the_version_it_was_based_on_to_the_service(admin_browser, monkeypatch):
    # The form's check runs before the save; the service checks again under a lock in case another
    # administrator saves in between, so the admin must hand it the version the page showed.
    model = ServiceModelFactory()
    calls = []
    real = services.service_model_new_version

    def spy(**kwargs):
        calls.append(kwargs["based_on"])
        return real(**kwargs)

    monkeypatch.setattr(services, "service_model_new_version", spy)
    url, data = change_form(admin_browser, model)
    data.update(config=_changed_rules(data, first_contact_working_days=3), change_note="Spied")
    assert admin_browser.post(url, data).status_code == 302
    assert calls == [1]


def test_invalid_rules_are_shown_on_the_field_and_nothing_is_saved(admin_browser):
    model = ServiceModelFactory()
    url, data = change_form(admin_browser, model)
    config = json.loads(data["config"])
    config["time_standards"]["first_contact_working_days"] = 0
    data.update(config=json.dumps(config), change_note="Try zero")

    response = admin_browser.post(url, data)

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors["config"]
    assert errors == ["time_standards.first_contact_working_days must be a whole number of 1 or more"]
    assert model.versions.count() == 1


def test_text_that_is_not_json_is_refused_with_where_it_went_wrong(admin_browser):
    model = ServiceModelFactory()
    url, data = change_form(admin_browser, model)
    data.update(config="{not json", change_note="Oops")
    response = admin_browser.post(url, data)
    assert response.status_code == 200
    assert "line 1, column 2" in response.context["adminform"].form.errors["config"][0]
    assert model.versions.count() == 1


def test_saving_unchanged_rules_is_refused(admin_browser):
    model = ServiceModelFactory()
    url, data = change_form(admin_browser, model)
    data["change_note"] = "Nothing really"
    response = admin_browser.post(url, data)
    assert response.status_code == 200
    assert "same as the current version" in response.context["adminform"].form.errors["config"][0]
    assert model.versions.count() == 1


def test_an_edit_needs_a_change_note(admin_browser):
    model = ServiceModelFactory()
    url, data = change_form(admin_browser, model)
    config = json.loads(data["config"])
    config["reopen_window_days"] = 60
    data.update(config=json.dumps(config), change_note="")
    response = admin_browser.post(url, data)
    assert response.status_code == 200
    assert "change_note" in response.context["adminform"].form.errors
    assert model.versions.count() == 1


def test_renaming_a_model_changes_its_name_but_adds_no_version(admin_browser):
    model = ServiceModelFactory()
    url, data = change_form(admin_browser, model)
    data.update(name="Renamed model", change_note="Clearer name")
    response = admin_browser.post(url, data)
    assert response.status_code == 302
    model.refresh_from_db()
    assert model.name == "Renamed model"
    assert model.versions.count() == 1
    assert AuditEvent.objects.filter(action="organisations.service_model_updated").exists()


def test_versions_are_listed_read_only_on_the_model_page(admin_browser, administrator):
    model = services.service_model_create(actor=administrator, key="m", name="M", config=valid_config())
    url, data = change_form(admin_browser, model)
    page = admin_browser.get(url)
    assert "First version" in page.content.decode()
    assert not [
        name
        for name in data
        if name.startswith("versions-0-") and name not in {"versions-0-id", "versions-0-service_model"}
    ]
    inline = page.context["inline_admin_formsets"][0]
    assert inline.has_change_permission is False
    assert inline.has_add_permission is False
    assert inline.has_delete_permission is False


def test_adding_a_model_in_admin_creates_version_one(admin_browser, administrator):
    add_url = reverse("admin:organisations_servicemodel_add")
    data = admin_form_data(admin_browser.get(add_url).content.decode(), "servicemodel_form")
    assert json.loads(data["config"]) == valid_config()
    data.update(key="our-model", name="Our model", description="Ours")
    response = admin_browser.post(add_url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    model = ServiceModel.objects.get(key="our-model")
    assert model.current_version.number == 1
    assert model.created_by == administrator
    assert AuditEvent.objects.filter(action="organisations.service_model_created", object_id=str(model.pk)).exists()


def test_organisation_admin_filters_by_kind_and_searches_ods_code(admin_browser):
    OrganisationFactory(gp_practice=True, ods_code="C82001", name="Mill Lane Surgery")
    OrganisationFactory(employer=True, name="Acme Ltd")
    url = reverse("admin:organisations_organisation_changelist")
    by_kind = admin_browser.get(url, {"kind__exact": "employer"})
    assert [o.name for o in by_kind.context["cl"].result_list] == ["Acme Ltd"]
    by_code = admin_browser.get(url, {"q": "C82001"})
    assert [o.name for o in by_code.context["cl"].result_list] == ["Mill Lane Surgery"]


def test_adding_a_gp_practice_without_ods_code_in_admin_shows_the_error(admin_browser):
    url = reverse("admin:organisations_organisation_add")
    data = admin_form_data(admin_browser.get(url).content.decode(), "organisation_form")
    data.update(kind="gp_practice", name="Nameless Surgery", ods_code="")
    response = admin_browser.post(url, data)
    assert response.status_code == 200
    assert response.context["adminform"].form.non_field_errors() == ["Enter the GP practice's ODS code"]
    assert not Organisation.objects.filter(name="Nameless Surgery").exists()


def test_site_admin_saves_practices_and_teams_through_the_services(admin_browser, administrator):
    site = SiteFactory()
    practice = OrganisationFactory(gp_practice=True)
    url = reverse("admin:organisations_site_change", args=[site.pk])
    data = admin_form_data(admin_browser.get(url).content.decode(), "site_form")
    data.update(
        {
            "gp_practices": [str(practice.pk)],
            "postcode_districts": json.dumps(["le3"]),
            "teams-TOTAL_FORMS": "1",
            "teams-0-name": "North",
        }
    )
    response = admin_browser.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    site = Site.objects.get(pk=site.pk)
    assert list(site.gp_practices.all()) == [practice]
    assert site.postcode_districts == ["LE3"]
    assert [team.name for team in site.teams.all()] == ["North"]
    assert site.teams.get().created_by == administrator
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"organisations.site_updated", "organisations.team_created"} <= actions


def test_staff_without_two_factor_cannot_reach_the_admin(client, administrator):
    client.force_login(administrator)
    response = client.get(reverse("admin:organisations_servicemodel_changelist"))
    assert response.status_code == 302
    assert "two-factor" in response["Location"]


def test_a_new_model_can_start_as_a_copy_of_a_preset(admin_browser):
    services.service_model_presets_load()
    add_url = reverse("admin:organisations_servicemodel_add")
    page = admin_browser.get(add_url, {"copy_from": "workwell"})
    data = admin_form_data(page.content.decode(), "servicemodel_form")
    assert json.loads(data["config"]) == valid_config("workwell")
    assert data["source"].startswith("Copied from WorkWell (England, 2024-), version 1")
    config = json.loads(data["config"])
    config["case_length"]["max_weeks"] = 12
    data.update(key="workwell-leeds", name="WorkWell, Leeds", config=json.dumps(config))
    assert admin_browser.post(add_url, data).status_code == 302
    copy = ServiceModel.objects.get(key="workwell-leeds").current_version
    assert copy.number == 1
    assert copy.config["case_length"]["max_weeks"] == 12
    assert ServiceModel.objects.get(key="workwell").current_version.config == valid_config("workwell")


def test_the_model_list_shows_each_models_newest_version(admin_browser, administrator):
    model = ServiceModelFactory()
    config = valid_config()
    config["reopen_window_days"] = 60
    services.service_model_new_version(actor=administrator, service_model=model, config=config, change_note="x")
    response = admin_browser.get(reverse("admin:organisations_servicemodel_changelist"))
    assert [row.newest_version for row in response.context["cl"].result_list] == [2]
