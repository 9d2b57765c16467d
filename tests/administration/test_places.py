"""Teams, sites and the directory of organisations from the administration pages."""

import pytest
from django.urls import reverse

from fitforwork.core.audit.models import AuditEvent
from fitforwork.organisations.models import Organisation, Site, Team
from tests.organisations.factories import OrganisationFactory, ServiceModelFactory, SiteFactory

pytestmark = pytest.mark.django_db


def test_an_administrator_adds_a_team_and_it_is_audited(administrator_client):
    site = SiteFactory()
    response = administrator_client.post(reverse("administration:teams"), {"site": str(site.pk), "name": "North"})
    team = Team.objects.get(site=site, name="North")
    assert response["Location"] == reverse("administration:team", args=[team.pk])
    assert AuditEvent.objects.filter(action="organisations.team_created", object_id=str(team.pk)).exists()


def test_a_team_needs_a_site_and_a_name_that_is_not_taken(administrator_client):
    site = SiteFactory()
    Team.objects.create(site=site, name="North")
    missing = administrator_client.post(reverse("administration:teams"), {})
    assert missing.status_code == 400
    assert "Select the team&#39;s site" in missing.content.decode()
    assert "Enter the team&#39;s name" in missing.content.decode()
    taken = administrator_client.post(reverse("administration:teams"), {"site": str(site.pk), "name": "North"})
    assert taken.status_code == 400
    assert "There is a problem" in taken.content.decode()
    assert Team.objects.filter(site=site, name="North").count() == 1


def _site_data(**overrides):
    data = {
        "name": "Leicester",
        "provider": str(OrganisationFactory(oh_provider=True).pk),
        "nation": "england_wales",
        "service_model": str(ServiceModelFactory().pk),
        "postcode_districts": "le1, le2 LE2",
    }
    data.update(overrides)
    return data


def test_an_administrator_adds_a_site_with_its_postcode_districts_tidied(administrator_client):
    data = _site_data()
    response = administrator_client.post(reverse("administration:site-add"), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    site = Site.objects.get(name="Leicester")
    assert site.postcode_districts == ["LE1", "LE2"]
    assert AuditEvent.objects.filter(action="organisations.site_created", object_id=str(site.pk)).exists()


def test_changing_a_site_is_audited_with_what_changed(administrator_client):
    site = SiteFactory(name="Old name")
    data = _site_data(
        name="New name",
        provider=str(site.provider_id),
        service_model=str(site.service_model_id),
        postcode_districts=" ".join(site.postcode_districts),
    )
    administrator_client.post(reverse("administration:site", args=[site.pk]), data)
    site.refresh_from_db()
    assert site.name == "New name"
    event = AuditEvent.objects.get(action="organisations.site_updated", object_id=str(site.pk))
    assert event.data["changed"] == ["name"]


def test_a_site_form_with_nothing_chosen_says_what_is_missing(administrator_client):
    response = administrator_client.post(reverse("administration:site-add"), {})
    assert response.status_code == 400
    page = response.content.decode()
    for message in [
        "Enter the site&#39;s name",
        "Select the provider",
        "Select the nation",
        "Select the service model",
    ]:
        assert message in page


def test_a_gp_practice_without_an_ods_code_is_refused_in_plain_words(administrator_client):
    response = administrator_client.post(
        reverse("administration:organisation-add"), {"kind": "gp_practice", "name": "Park Surgery", "is_active": "on"}
    )
    assert response.status_code == 400
    assert "Enter the GP practice&#39;s ODS code" in response.content.decode()
    assert not Organisation.objects.filter(name="Park Surgery").exists()


def test_an_administrator_adds_a_gp_practice_to_the_directory(administrator_client):
    response = administrator_client.post(
        reverse("administration:organisation-add"),
        {
            "kind": "gp_practice",
            "name": "Park Surgery",
            "ods_code": "c82001 ",
            "postcode": "le1 1aa",
            "is_active": "on",
        },
    )
    assert response["Location"] == reverse("administration:directory")
    practice = Organisation.objects.get(name="Park Surgery")
    assert (practice.ods_code, practice.postcode, practice.is_active) == ("C82001", "LE1 1AA", True)
    assert AuditEvent.objects.filter(action="organisations.organisation_created", object_id=str(practice.pk)).exists()
    listed = administrator_client.get(reverse("administration:directory"), {"kind": "gp_practice", "q": "park"})
    assert "Park Surgery" in listed.content.decode()


def test_closing_an_organisation_is_audited(administrator_client):
    practice = OrganisationFactory(gp_practice=True)
    url = reverse("administration:organisation", args=[practice.pk])
    administrator_client.post(url, {"kind": "gp_practice", "name": practice.name, "ods_code": practice.ods_code})
    practice.refresh_from_db()
    assert not practice.is_active
    event = AuditEvent.objects.get(action="organisations.organisation_updated", object_id=str(practice.pk))
    assert event.data["changed"] == ["is_active"]


def test_an_administrator_adds_an_intervention_and_a_duplicate_is_refused(administrator_client):
    from fitforwork.interventions.models import Intervention

    data = {
        "name": "Back to work physio",
        "kind": "physiotherapy",
        "provider": "Leicester NHS",
        "typical_wait_days": "14",
    }
    response = administrator_client.post(reverse("administration:intervention-add"), {**data, "is_active": "on"})
    assert response["Location"] == reverse("administration:interventions")
    intervention = Intervention.objects.get(name="Back to work physio")
    assert intervention.site is None
    assert AuditEvent.objects.filter(
        action="interventions.intervention.created", object_id=str(intervention.pk)
    ).exists()
    again = administrator_client.post(reverse("administration:intervention-add"), data)
    assert again.status_code == 400
    assert "There is already an intervention with this name and provider" in again.content.decode()
    missing = administrator_client.post(reverse("administration:intervention-add"), {"typical_wait_days": "soon"})
    assert missing.status_code == 400
    assert "Enter the typical wait as a whole number of days, like 14" in missing.content.decode()
    assert Intervention.objects.count() == 1
