"""Reading records about people in Django's admin writes audit events, like the service's own pages."""

import pytest
from django.contrib import admin
from django.urls import reverse

from fitforwork.core.audit.admin_reads import AuditedReadsAdmin
from fitforwork.core.audit.models import AuditEvent
from fitforwork.core.audit.verify import verify_chain
from fitforwork.core.outbox.models import Message
from fitforwork.core.outbox.services import message_enqueue
from tests.accounts.factories import UserFactory
from tests.conftest import admin_form_data
from tests.people.factories import PersonFactory

pytestmark = pytest.mark.django_db

# Admin pages that show no records about people: places, service models, interventions, API clients and
# permission groups. Each shows at most the name of the member of staff who made a thing.
NO_PERSON_RECORDS = {
    "auth.group",
    "organisations.organisation",
    "organisations.site",
    "organisations.team",
    "organisations.servicemodel",
    "interventions.intervention",
    "api.apiclient",
    "advice_line.adviceline",  # the line's name, freephone number, team and opening hours
    "plans.staffprofession",  # a member of staff's registered profession, not a client's record
}


def _message() -> Message:
    return message_enqueue(
        channel=Message.Channel.EMAIL,
        template_id="f33517ff-2a88-4f6e-b855-c550268ce08a",
        template_name="referral_received",
        recipient="sam.client@example.org",
        personalisation={"first_name": "Sam", "reference": "REF-1"},
        reference="referral-123",
    )


def test_every_admin_page_with_records_about_people_audits_its_reads():
    unaudited = {
        model._meta.label_lower
        for model, model_admin in admin.site._registry.items()
        if not isinstance(model_admin, AuditedReadsAdmin)
    }
    assert unaudited == NO_PERSON_RECORDS


def test_opening_an_outbox_message_is_audited_naming_the_message(verified_admin_client):
    message = _message()
    url = reverse("admin:outbox_message_change", args=[message.pk])
    response = verified_admin_client.get(url)
    assert response.status_code == 200
    assert "sam.client@example.org" in response.content.decode()
    event = AuditEvent.objects.get(action="outbox.message.viewed")
    assert (event.object_type, event.object_id) == ("outbox.message", str(message.pk))
    assert event.actor_id == verified_admin_client.admin.pk
    assert event.reason == "Opened in administration"
    assert verify_chain()[1] == []


def test_the_outbox_list_is_audited_with_the_messages_shown_and_the_search(verified_admin_client):
    shown = _message()
    response = verified_admin_client.get(reverse("admin:outbox_message_changelist"), {"q": "referral-123"})
    assert response.status_code == 200
    event = AuditEvent.objects.get(action="outbox.message.listed")
    assert event.data["search"] == "referral-123"
    assert event.data["shown"] == [str(shown.pk)]


def test_opening_a_staff_account_is_audited(verified_admin_client):
    colleague = UserFactory(email="colleague@example.org")
    response = verified_admin_client.get(reverse("admin:accounts_user_change", args=[colleague.pk]))
    assert response.status_code == 200
    event = AuditEvent.objects.get(action="accounts.user.viewed")
    assert event.object_id == str(colleague.pk)


def test_a_third_party_page_about_people_is_audited_too(verified_admin_client):
    response = verified_admin_client.get(reverse("admin:otp_totp_totpdevice_changelist"))
    assert response.status_code == 200
    event = AuditEvent.objects.get(action="otp_totp.totpdevice.listed")
    assert event.actor_id == verified_admin_client.admin.pk
    assert len(event.data["shown"]) == 1  # the administrator's own authenticator app


def test_a_page_that_was_refused_writes_no_read_event(client):
    message = _message()
    response = client.get(reverse("admin:outbox_message_change", args=[message.pk]))
    assert response.status_code == 302  # not signed in: sent to sign in, nothing shown
    assert not AuditEvent.objects.filter(action="outbox.message.viewed").exists()


def test_a_change_form_sent_back_with_errors_is_a_read_too(verified_admin_client):
    person = PersonFactory()
    url = reverse("admin:people_person_change", args=[person.pk])
    data = admin_form_data(verified_admin_client.get(url).content.decode(), "person_form")
    data["nhs_number"] = "123"
    response = verified_admin_client.post(url, data)
    assert response.status_code == 200  # shown again, with the error and the person's details
    assert AuditEvent.objects.filter(action="people.person.viewed", object_id=str(person.pk)).count() == 2
