import re

import pytest
from django.urls import reverse

from fitforwork.accounts.models import Role
from fitforwork.api.models import ApiClient
from fitforwork.api.services import apiclient_create, apiclient_for_token
from fitforwork.core.audit.models import AuditEvent
from tests.accounts.factories import UserFactory
from tests.conftest import sign_in_with_two_factor
from tests.organisations.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def administrator():
    return UserFactory(role=Role.ADMINISTRATOR, is_staff=True, is_superuser=True, with_device=True)


@pytest.fixture
def admin_browser(client, administrator):
    return sign_in_with_two_factor(client, administrator)


def test_an_administrator_issues_a_token_that_is_shown_once_and_works(admin_browser, administrator):
    practice = OrganisationFactory()
    response = admin_browser.post(
        reverse("admin:api_apiclient_add"), {"name": "Practice system", "organisation": practice.pk}, follow=True
    )
    page = response.content.decode()
    token = re.search(r"The token for Practice system is (ffw_[A-Za-z0-9_\-]+)", page).group(1)
    client = apiclient_for_token(token)
    assert (client.name, client.organisation, client.created_by) == ("Practice system", practice, administrator)
    assert token not in admin_browser.get(reverse("admin:api_apiclient_change", args=[client.pk])).content.decode()
    event = AuditEvent.objects.get(action="api.apiclient.created")
    assert event.actor_id == administrator.pk


def test_revoking_in_the_admin_stops_the_token_and_is_audited(admin_browser, administrator):
    client, token = apiclient_create(name="Old system", organisation=OrganisationFactory())
    response = admin_browser.post(
        reverse("admin:api_apiclient_changelist"),
        {"action": "revoke", "_selected_action": [client.pk]},
        follow=True,
    )
    assert "Revoked 1 API client" in response.content.decode()
    assert apiclient_for_token(token) is None
    client.refresh_from_db()
    assert client.is_active is False
    assert client.revoked_at is not None
    assert AuditEvent.objects.get(action="api.apiclient.revoked").actor_id == administrator.pk


def test_api_clients_cannot_be_deleted_or_edited(admin_browser):
    client, _ = apiclient_create(name="Kept", organisation=OrganisationFactory())
    assert admin_browser.get(reverse("admin:api_apiclient_delete", args=[client.pk])).status_code == 403
    admin_browser.post(reverse("admin:api_apiclient_change", args=[client.pk]), {"name": "Renamed", "organisation": ""})
    assert ApiClient.objects.get(pk=client.pk).name == "Kept"
