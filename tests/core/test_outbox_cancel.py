"""Cancelling messages not yet sent: queued ones and failures that never reached the provider, with the reason;
a message sent, being sent or possibly delivered is left as it is."""

import pytest
from django.utils import timezone

from fitforwork.core.outbox.models import Message
from fitforwork.core.outbox.services import messages_cancel

pytestmark = pytest.mark.django_db


def _message(status, **extra):
    return Message.objects.create(
        channel="email", template_id="t", recipient="hr@example.org", reference="share:v:o", status=status, **extra
    )


def test_only_messages_not_yet_sent_are_cancelled_with_the_reason():
    queued = _message("queued")
    failed = _message("failed")
    unconfirmed = _message("failed", unconfirmed=True)
    sending = _message("sending")
    sent = _message("sent", sent_at=timezone.now())
    other = Message.objects.create(channel="email", template_id="t", recipient="x@example.org", reference="other")

    assert messages_cancel(references=["share:v:o"], reason="Consent withdrawn") == 2

    statuses = {m.pk: (m.status, m.cancelled_reason) for m in Message.objects.all()}
    assert statuses[queued.pk] == ("cancelled", "Consent withdrawn")
    assert statuses[failed.pk] == ("cancelled", "Consent withdrawn")
    assert statuses[unconfirmed.pk] == ("failed", "")
    assert statuses[sending.pk] == ("sending", "")
    assert statuses[sent.pk] == ("sent", "")
    assert statuses[other.pk] == ("queued", "")
