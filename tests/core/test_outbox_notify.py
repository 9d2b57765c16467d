"""The Notify backend against a real HTTP server on 127.0.0.1 that answers like GOV.UK Notify."""

import json
import threading
import uuid
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import jwt
import pytest
from django.db import transaction
from django.utils import timezone

from fitforwork.core.outbox.models import Message
from fitforwork.core.outbox.services import deliver, message_enqueue, send_pending
from fitforwork.core.outbox.tasks import send_message

pytestmark = pytest.mark.django_db

SERVICE_ID = "26785a09-ab16-4eb0-8407-a37497a57506"
SECRET = "3d844edf-8d35-48ac-975b-e847b4f122b0"
API_KEY = f"fit_for_work_test-{SERVICE_ID}-{SECRET}"
TEMPLATE_ID = "f33517ff-2a88-4f6e-b855-c550268ce08a"
PROVIDER_ID = "c3ab9b5a-4d7c-4bb5-8b34-5b4c8c0c56b1"


class FakeNotify(ThreadingHTTPServer):
    """Records each request and answers with the next queued reply (201 with a new id by default)."""

    def __init__(self):
        super().__init__(("127.0.0.1", 0), NotifyHandler)
        self.received: list[dict] = []
        self.replies: list[tuple[int, dict]] = []
        self.lock = threading.Lock()

    def next_reply(self, body: dict) -> tuple[int, dict]:
        with self.lock:
            if self.replies:
                return self.replies.pop(0)
        return 201, {"id": str(uuid.uuid4()), "reference": body.get("reference"), "content": {}}


class NotifyHandler(BaseHTTPRequestHandler):
    server: FakeNotify

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        with self.server.lock:
            self.server.received.append({"path": self.path, "headers": dict(self.headers), "body": body})
        status, reply = self.server.next_reply(body)
        payload = json.dumps(reply).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, format, *args):
        pass


@pytest.fixture
def notify(settings, monkeypatch):
    # Keep the client off any proxy: these requests must go straight to 127.0.0.1.
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    monkeypatch.setenv("no_proxy", "127.0.0.1")
    server = FakeNotify()
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    settings.NOTIFY_API_KEY = API_KEY
    settings.NOTIFY_BASE_URL = f"http://127.0.0.1:{server.server_port}"
    yield server
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


def _queue(**overrides) -> Message:
    fields = {
        "channel": Message.Channel.EMAIL,
        "template_id": TEMPLATE_ID,
        "recipient": "sam.client@example.org",
        "personalisation": {"first_name": "Sam", "case_number": 42},
        "reference": "referral-123",
    }
    return message_enqueue(**(fields | overrides))


def _claims(request: dict) -> dict:
    scheme, _, token = request["headers"]["Authorization"].partition(" ")
    assert scheme == "Bearer"
    return jwt.decode(token, SECRET, algorithms=["HS256"])


def test_email_is_posted_to_notify_with_a_signed_token_and_its_id_is_kept(notify, django_capture_on_commit_callbacks):
    notify.replies.append((201, {"id": "740e5834-3a29-46b4-9a6f-16142fde533a", "reference": "referral-123"}))
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        message = _queue()

    send_message.call(str(message.pk))

    [request] = notify.received
    assert request["path"] == "/v2/notifications/email"
    assert request["body"] == {
        "email_address": "sam.client@example.org",
        "template_id": TEMPLATE_ID,
        "personalisation": {"first_name": "Sam", "case_number": 42},
        "reference": "referral-123",
    }
    assert _claims(request)["iss"] == SERVICE_ID
    message.refresh_from_db()
    assert message.status == Message.Status.SENT
    assert message.provider_id == "740e5834-3a29-46b4-9a6f-16142fde533a"
    assert message.sent_at is not None


def test_text_message_is_posted_to_notify_with_the_phone_number(notify):
    notify.replies.append((201, {"id": PROVIDER_ID}))
    message = _queue(channel="sms", recipient="07700 900123", personalisation={"code": "1234"})

    deliver(message.pk)

    [request] = notify.received
    assert request["path"] == "/v2/notifications/sms"
    assert request["body"] == {
        "phone_number": "07700 900123",
        "template_id": TEMPLATE_ID,
        "personalisation": {"code": "1234"},
        "reference": "referral-123",
    }
    assert _claims(request)["iss"] == SERVICE_ID
    message.refresh_from_db()
    assert (message.status, message.provider_id) == (Message.Status.SENT, PROVIDER_ID)


def test_letter_is_posted_to_notify_with_the_address_in_its_personalisation(notify):
    address = {"address_line_1": "Sam Client", "address_line_2": "1 High Street", "address_line_3": "LS1 1AA"}
    message = _queue(channel="letter", recipient="", personalisation=address, reference="")

    deliver(message.pk)

    [request] = notify.received
    assert request["path"] == "/v2/notifications/letter"
    assert request["body"] == {"template_id": TEMPLATE_ID, "personalisation": address}
    assert Message.objects.get(pk=message.pk).status == Message.Status.SENT


def test_notify_rejecting_the_message_with_400_fails_it_at_once_without_retrying(notify):
    notify.replies.append(
        (
            400,
            {
                "status_code": 400,
                "errors": [{"error": "ValidationError", "message": "phone_number Not a UK mobile number"}],
            },
        )
    )
    message = _queue(channel="sms", recipient="0113 496 0000")

    result = deliver(message.pk)

    assert result is not None
    assert (result.status, result.attempts) == (Message.Status.FAILED, 1)
    assert "400" in result.last_error
    assert "Not a UK mobile number" in result.last_error
    assert send_pending(now=timezone.now() + timedelta(days=1))["sent"] == 0
    assert len(notify.received) == 1


def test_notify_server_error_is_retried_later_and_then_sent(notify):
    notify.replies.append((500, {"status_code": 500, "errors": [{"error": "Exception", "message": "Boom"}]}))
    message = _queue()

    first = deliver(message.pk)

    assert first is not None
    assert (first.status, first.attempts) == (Message.Status.QUEUED, 1)
    assert "500" in first.last_error
    assert first.next_attempt_at > timezone.now()
    assert send_pending()["sent"] == 0  # not due yet: nothing posted
    assert len(notify.received) == 1

    assert send_pending(now=first.next_attempt_at)["sent"] == 1
    assert len(notify.received) == 2
    message.refresh_from_db()
    assert (message.status, message.attempts, message.last_error) == (Message.Status.SENT, 2, "")


def test_delivering_twice_posts_to_notify_once(notify, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        message = _queue()

    send_message.call(str(message.pk))
    send_message.call(str(message.pk))
    deliver(message.pk)
    send_pending()

    assert len(notify.received) == 1
    message.refresh_from_db()
    assert (message.status, message.attempts) == (Message.Status.SENT, 1)
