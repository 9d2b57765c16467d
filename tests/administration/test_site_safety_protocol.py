"""An administrator writes each site's safety protocol, shown on a case with an open red flag."""

import pytest
from django.urls import reverse

from fitforwork.core.audit.models import AuditEvent
from fitforwork.organisations.models import DEFAULT_SAFETY_PROTOCOL
from tests.organisations.factories import SiteFactory

pytestmark = pytest.mark.django_db


def test_an_administrator_sets_a_sites_safety_protocol_and_it_is_audited(administrator_client):
    site = SiteFactory()
    assert site.safety_protocol_text == DEFAULT_SAFETY_PROTOCOL
    page = administrator_client.get(reverse("administration:site", args=[site.pk]))
    assert "Safety protocol" in page.content.decode()
    data = {
        "name": site.name,
        "provider": str(site.provider_id),
        "nation": site.nation,
        "service_model": str(site.service_model_id),
        "postcode_districts": " ".join(site.postcode_districts),
        "safety_protocol": "Ring the duty clinician on 0116 000 0000 straight away.",
    }
    response = administrator_client.post(reverse("administration:site", args=[site.pk]), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    site.refresh_from_db()
    assert site.safety_protocol_text == "Ring the duty clinician on 0116 000 0000 straight away."
    event = AuditEvent.objects.get(action="organisations.site_updated", object_id=str(site.pk))
    assert event.data["changed"] == ["safety_protocol"]
