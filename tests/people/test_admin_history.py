import pytest
from django.urls import reverse

from fitforwork.core.audit.models import AuditEvent
from tests.people.factories import PersonFactory

pytestmark = pytest.mark.django_db


def test_opening_a_persons_change_history_is_audited(verified_admin_client):
    person = PersonFactory()
    response = verified_admin_client.get(reverse("admin:people_person_history", args=[person.pk]))
    assert response.status_code == 200
    event = AuditEvent.objects.get(action="people.person.viewed", object_id=str(person.pk))
    assert event.actor_id == verified_admin_client.admin.pk
    assert "history" in event.reason
