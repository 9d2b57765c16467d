"""A service model's next version: a draft, checked by the rules' own validation, reviewed, then published."""

import json

import pytest
from django.urls import reverse

from fitforwork.core.audit.models import AuditEvent
from fitforwork.organisations.models import ServiceModelVersion
from tests.organisations.factories import ServiceModelFactory

pytestmark = pytest.mark.django_db


def _draft_url(model):
    return reverse("administration:service-model-draft", args=[model.pk])


def test_the_draft_starts_from_the_current_version(administrator_client):
    model = ServiceModelFactory()
    page = administrator_client.get(_draft_url(model)).content.decode()
    assert "starting from version 1" in page
    assert 'name="based_on" value="1"' in page


def test_invalid_rules_are_refused_with_the_validation_s_reasons(administrator_client):
    model = ServiceModelFactory()
    config = model.current_version.config
    config["time_standards"] = "soon"
    response = administrator_client.post(
        _draft_url(model), {"config": json.dumps(config), "change_note": "Faster", "based_on": "1", "action": "check"}
    )
    assert response.status_code == 400
    assert "time_standards" in response.content.decode()
    assert model.versions.count() == 1


def test_json_that_does_not_parse_is_refused_with_where(administrator_client):
    model = ServiceModelFactory()
    response = administrator_client.post(_draft_url(model), {"config": "{", "change_note": "x", "based_on": "1"})
    assert response.status_code == 400
    assert "The rules are not valid JSON" in response.content.decode()


def test_checking_a_draft_publishes_nothing_and_publishing_adds_version_2(administrator_client):
    model = ServiceModelFactory()
    first = model.current_version
    config = first.config
    config["time_standards"]["first_contact_working_days"] = 1
    data = {"config": json.dumps(config), "change_note": "First contact within 1 working day", "based_on": "1"}
    review = administrator_client.post(_draft_url(model), {**data, "action": "check"})
    assert review.status_code == 200
    assert "Publish version 2" in review.content.decode()
    assert "Time standards" in review.content.decode()
    assert model.versions.count() == 1
    published = administrator_client.post(_draft_url(model), {**data, "action": "publish"})
    assert published["Location"] == reverse("administration:service-model", args=[model.pk])
    second = ServiceModelVersion.objects.get(service_model=model, number=2)
    assert second.config["time_standards"]["first_contact_working_days"] == 1
    assert ServiceModelVersion.objects.get(pk=first.pk).config["time_standards"]["first_contact_working_days"] == 2
    event = AuditEvent.objects.get(action="organisations.service_model_version_created", object_id=str(second.pk))
    assert event.reason == "First contact within 1 working day"


def test_publishing_from_a_stale_draft_is_refused(administrator_client):
    model = ServiceModelFactory()
    config = model.current_version.config
    config["time_standards"]["first_contact_working_days"] = 1
    data = {"config": json.dumps(config), "change_note": "Change", "action": "publish"}
    administrator_client.post(_draft_url(model), {**data, "based_on": "1"})
    config["time_standards"]["first_contact_working_days"] = 3
    stale = administrator_client.post(_draft_url(model), {**data, "config": json.dumps(config), "based_on": "1"})
    assert stale.status_code == 400
    assert "Someone else saved version 2" in stale.content.decode()
    assert model.versions.count() == 2


def test_changing_a_checked_draft_keeps_the_edits(administrator_client):
    model = ServiceModelFactory()
    config = model.current_version.config
    config["time_standards"]["review_every_weeks"] = 9
    data = {"config": json.dumps(config), "change_note": "Review less often", "based_on": "1", "action": "edit"}
    response = administrator_client.post(_draft_url(model), data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Check the draft" in page
    assert "&#34;review_every_weeks&#34;: 9" in page
    assert "Review less often" in page
    assert model.versions.count() == 1


def test_a_new_service_model_starts_from_another_s_rules_and_is_audited(administrator_client):
    from fitforwork.organisations.models import ServiceModel

    source = ServiceModelFactory()
    response = administrator_client.post(
        reverse("administration:service-model-add"),
        {"name": "WorkWell Leicester", "key": "workwell-leicester", "start_from": str(source.pk)},
    )
    created = ServiceModel.objects.get(key="workwell-leicester")
    assert response["Location"] == reverse("administration:service-model", args=[created.pk])
    assert created.current_version.number == 1
    assert created.current_version.config["time_standards"] == source.current_version.config["time_standards"]
    assert AuditEvent.objects.filter(action="organisations.service_model_created", object_id=str(created.pk)).exists()
    again = administrator_client.post(
        reverse("administration:service-model-add"),
        {"name": "Another", "key": "workwell-leicester", "start_from": str(source.pk)},
    )
    assert again.status_code == 400
    assert ServiceModel.objects.filter(key="workwell-leicester").count() == 1


def test_a_new_service_model_needs_a_name_a_short_name_and_rules_to_start_from(administrator_client):
    response = administrator_client.post(reverse("administration:service-model-add"), {"key": "Not A Slug"})
    assert response.status_code == 400
    page = response.content.decode()
    for message in [
        "Enter the service model&#39;s name",
        "Enter a short name using only lower-case letters, numbers and hyphens",
        "Select the service model to start from",
    ]:
        assert message in page


def test_changing_a_service_model_s_name_keeps_its_versions_and_is_audited(administrator_client):
    model = ServiceModelFactory()
    url = reverse("administration:service-model-details", args=[model.pk])
    assert administrator_client.post(url, {"name": ""}).status_code == 400
    administrator_client.post(url, {"name": "Renamed", "description": "Words", "source": ""})
    model.refresh_from_db()
    assert (model.name, model.description, model.versions.count()) == ("Renamed", "Words", 1)
    assert AuditEvent.objects.filter(action="organisations.service_model_updated", object_id=str(model.pk)).exists()
