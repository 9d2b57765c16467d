"""The Notify backend against a real HTTP server on 127.0.0.1 that answers like GOV.UK Notify."""

import json
import socket
import threading
import uuid
from dataclasses import dataclass
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import jwt
import pytest
from django.db import transaction
from django.utils import timezone

from fitforwork.core.outbox import backends
from fitforwork.core.outbox.models import Message
from fitforwork.core.outbox.services import UNCONFIRMED_ERROR, deliver, message_enqueue, send_pending
from fitforwork.core.outbox.tasks import send_message

pytestmark = pytest.mark.django_db

SERVICE_ID = "26785a09-ab16-4eb0-8407-a37497a57506"
SECRET = "3d844edf-8d35-48ac-975b-e847b4f122b0"
API_KEY = f"fit_for_work_test-{SERVICE_ID}-{SECRET}"
TEMPLATE_ID = "f33517ff-2a88-4f6e-b855-c550268ce08a"
PROVIDER_ID = "c3ab9b5a-4d7c-4bb5-8b34-5b4c8c0c56b1"
# The client gives up on an answer after this long; a held answer comes only after it has.
CLIENT_TIMEOUT = 0.25


@dataclass
class Reply:
    """How the fake answers one POST.

    body: a dict is sent as JSON, bytes as they are, None as Notify's usual answer with a new id.
    accept: whether Notify keeps the notification (so a lookup finds it); by default when the status is 2xx.
    hold: answer only once the test is over, long after the client has timed out.
    drop: close the connection after reading the request, without answering.
    """

    status: int = 201
    body: dict | bytes | None = None
    accept: bool | None = None
    hold: bool = False
    drop: bool = False


class FakeNotify(ThreadingHTTPServer):
    """Records each request and answers with the next queued reply (201 with a new id by default).

    POSTs are kept in `received`; lookups (GET /v2/notifications) in `lookups`, answered from the
    notifications it accepted unless `lookup_replies` holds an answer. `log` has both, in order.
    """

    def __init__(self):
        super().__init__(("127.0.0.1", 0), NotifyHandler)
        self.received: list[dict] = []
        self.lookups: list[dict] = []
        self.log: list[str] = []
        self.replies: list[Reply | tuple[int, dict]] = []
        self.lookup_replies: list[tuple[int, dict | bytes]] = []
        self.accepted: list[dict] = []
        self.release = threading.Event()
        self.lock = threading.Lock()

    def next_reply(self) -> Reply:
        with self.lock:
            reply = self.replies.pop(0) if self.replies else Reply()
        return Reply(*reply) if isinstance(reply, tuple) else reply

    def accept(self, reply: Reply, body: dict) -> dict | bytes:
        """Keep the notification if this reply accepts it; return the answer to send."""
        answer = reply.body
        if answer is None:
            answer = {"id": str(uuid.uuid4()), "reference": body.get("reference"), "content": {}}
        accepted = reply.accept if reply.accept is not None else 200 <= reply.status < 300
        if accepted:
            notification_id = answer.get("id") if isinstance(answer, dict) else None
            with self.lock:
                self.accepted.append({"id": notification_id or str(uuid.uuid4()), "reference": body.get("reference")})
        return answer

    def next_lookup_reply(self, reference: str | None) -> tuple[int, dict | bytes]:
        with self.lock:
            if self.lookup_replies:
                return self.lookup_replies.pop(0)
            found = [
                {"id": n["id"], "reference": n["reference"], "type": "email", "status": "created"}
                for n in self.accepted
                if n["reference"] == reference
            ]
        return 200, {"notifications": found, "links": {"current": f"/v2/notifications?reference={reference}"}}


class NotifyHandler(BaseHTTPRequestHandler):
    server: FakeNotify

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        with self.server.lock:
            self.server.received.append({"path": self.path, "headers": dict(self.headers), "body": body})
            self.server.log.append(f"POST {self.path}")
        reply = self.server.next_reply()
        answer = self.server.accept(reply, body)
        if reply.drop:
            self.close_connection = True
            return
        if reply.hold:
            self.server.release.wait(timeout=10)
            self.close_connection = True
        self.answer(reply.status, answer)

    def do_GET(self):
        url = urlsplit(self.path)
        query = {key: values[0] for key, values in parse_qs(url.query).items()}
        with self.server.lock:
            self.server.lookups.append({"path": url.path, "query": query, "headers": dict(self.headers)})
            self.server.log.append(f"GET {url.path}")
        self.answer(*self.server.next_lookup_reply(query.get("reference")))

    def answer(self, status: int, body: dict | bytes) -> None:
        payload = body if isinstance(body, bytes) else json.dumps(body).encode()
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)
        except OSError:
            pass  # a held answer: the client stopped listening long ago

    def log_message(self, format, *args):
        pass


@pytest.fixture
def notify(settings, monkeypatch):
    # Keep the client off any proxy: these requests must go straight to 127.0.0.1.
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    monkeypatch.setenv("no_proxy", "127.0.0.1")
    monkeypatch.setattr(backends, "NOTIFY_TIMEOUT", CLIENT_TIMEOUT)
    server = FakeNotify()
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    settings.NOTIFY_API_KEY = API_KEY
    settings.NOTIFY_BASE_URL = f"http://127.0.0.1:{server.server_port}"
    yield server
    server.release.set()
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


@pytest.fixture
def closed_port():
    """A port on 127.0.0.1 that refuses connections: bound, so nothing else takes it, but not listening."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        yield sock.getsockname()[1]


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
        "reference": str(message.pk),  # our message id, not the referral: the lookup finds this one message
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
        "reference": str(message.pk),
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
    assert request["body"] == {"template_id": TEMPLATE_ID, "personalisation": address, "reference": str(message.pk)}
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


def _due_again(message: Message) -> dict[str, int]:
    """Run the sweep at the moment the message's retry falls due."""
    message.refresh_from_db()
    return send_pending(now=message.next_attempt_at)


def test_a_send_notify_accepted_but_answered_too_late_is_found_by_reference_and_not_sent_again(notify):
    notify.replies.append(Reply(body={"id": PROVIDER_ID}, hold=True))
    message = _queue()

    first = deliver(message.pk)

    assert first is not None
    assert (first.status, first.attempts, first.unconfirmed) == (Message.Status.QUEUED, 1, True)
    assert "ReadTimeout" in first.last_error
    assert notify.lookups == []
    assert send_pending()["sent"] == 0  # not due yet: nothing asked, nothing posted

    assert _due_again(message)["sent"] == 1

    assert notify.log == ["POST /v2/notifications/email", "GET /v2/notifications"]
    [lookup] = notify.lookups
    assert lookup["query"] == {"reference": str(message.pk)}
    assert _claims(lookup)["iss"] == SERVICE_ID
    message.refresh_from_db()
    assert (message.status, message.provider_id) == (Message.Status.SENT, PROVIDER_ID)
    assert (message.attempts, message.unconfirmed, message.last_error) == (2, False, "")
    assert send_pending(now=timezone.now() + timedelta(days=1))["sent"] == 0
    assert len(notify.received) == 1


def test_a_timed_out_send_notify_does_not_have_is_sent_again_once_the_lookup_finds_nothing(notify):
    notify.replies.append(Reply(hold=True, accept=False))
    message = _queue()

    first = deliver(message.pk)

    assert first is not None
    assert (first.status, first.unconfirmed) == (Message.Status.QUEUED, True)
    assert len(notify.received) == 1

    assert _due_again(message)["sent"] == 1

    assert notify.log == ["POST /v2/notifications/email", "GET /v2/notifications", "POST /v2/notifications/email"]
    assert len(notify.accepted) == 1
    message.refresh_from_db()
    assert (message.status, message.provider_id) == (Message.Status.SENT, notify.accepted[0]["id"])
    assert (message.attempts, message.unconfirmed) == (2, False)
    assert send_pending(now=timezone.now() + timedelta(days=1))["sent"] == 0
    assert len(notify.received) == 2


def test_a_refused_connection_is_retried_without_asking_notify_first(notify, settings, closed_port):
    notify_url = settings.NOTIFY_BASE_URL
    settings.NOTIFY_BASE_URL = f"http://127.0.0.1:{closed_port}"
    message = _queue()

    first = deliver(message.pk)

    assert first is not None
    assert (first.status, first.attempts, first.unconfirmed) == (Message.Status.QUEUED, 1, False)
    assert "ConnectionError" in first.last_error
    assert "not sent" in first.last_error

    settings.NOTIFY_BASE_URL = notify_url
    assert _due_again(message)["sent"] == 1
    assert notify.log == ["POST /v2/notifications/email"]  # no lookup: Notify cannot have had it
    message.refresh_from_db()
    assert (message.status, message.attempts) == (Message.Status.SENT, 2)


@pytest.mark.parametrize(
    ("reply", "error"),
    [
        (Reply(status=200, body=b"<html><body>Welcome to the proxy</body></html>"), "could not be read"),
        (Reply(status=201, body={"reference": "no id here"}), "without a notification id"),
    ],
    ids=["unreadable", "no-id"],
)
def test_a_success_answer_we_cannot_read_is_unconfirmed_and_looked_up_before_any_resend(notify, reply, error):
    notify.replies.append(reply)
    message = _queue()

    first = deliver(message.pk)

    assert first is not None
    assert (first.status, first.unconfirmed) == (Message.Status.QUEUED, True)
    assert error in first.last_error
    [accepted] = notify.accepted

    assert _due_again(message)["sent"] == 1

    assert notify.log == ["POST /v2/notifications/email", "GET /v2/notifications"]
    message.refresh_from_db()
    assert (message.status, message.provider_id) == (Message.Status.SENT, accepted["id"])


def test_a_connection_dropped_after_the_request_was_sent_is_unconfirmed_not_retried_blindly(notify):
    notify.replies.append(Reply(drop=True, accept=False))
    message = _queue()

    first = deliver(message.pk)

    assert first is not None
    assert (first.status, first.unconfirmed) == (Message.Status.QUEUED, True)
    assert "may have reached Notify" in first.last_error

    assert _due_again(message)["sent"] == 1
    assert notify.log == ["POST /v2/notifications/email", "GET /v2/notifications", "POST /v2/notifications/email"]


def test_when_notify_cannot_be_asked_the_message_is_failed_for_a_person_to_check(notify):
    notify.replies.append(Reply(status=200, body=b"garbled", accept=False))
    notify.lookup_replies.append((500, {"status_code": 500, "errors": [{"error": "Exception", "message": "Boom"}]}))
    message = _queue()
    deliver(message.pk)

    assert _due_again(message)["failed"] == 1

    message.refresh_from_db()
    assert (message.status, message.unconfirmed) == (Message.Status.FAILED, True)
    assert message.last_error.startswith(UNCONFIRMED_ERROR.split("{")[0])
    assert "Check with the provider before sending it again." in message.last_error
    assert "500" in message.last_error
    assert send_pending(now=timezone.now() + timedelta(days=1)) == {
        "sent": 0,
        "queued": 0,
        "failed": 0,
        "skipped": 0,
        "interrupted": 0,
    }
    assert notify.log == ["POST /v2/notifications/email", "GET /v2/notifications"]


def test_an_unconfirmed_last_attempt_fails_the_message_for_a_person_to_check(notify):
    notify.replies.append(Reply(hold=True))
    message = _queue()
    Message.objects.filter(pk=message.pk).update(attempts=4)

    final = deliver(message.pk)

    assert final is not None
    assert (final.status, final.attempts, final.unconfirmed) == (Message.Status.FAILED, 5, True)
    assert "the last attempt went unconfirmed" in final.last_error
    assert "Check with the provider" in final.last_error
    assert len(notify.received) == 1


def test_a_lookup_answer_listing_another_reference_is_not_taken_for_this_message(notify):
    other = {"id": str(uuid.uuid4()), "reference": "someone-else", "type": "email", "status": "delivered"}
    notify.lookup_replies.append((200, {"notifications": [other], "links": {}}))
    notify.replies.append((201, {"id": PROVIDER_ID}))
    message = _queue()
    Message.objects.filter(pk=message.pk).update(unconfirmed=True)

    deliver(message.pk)

    assert notify.log == ["GET /v2/notifications", "POST /v2/notifications/email"]
    message.refresh_from_db()
    assert (message.status, message.provider_id) == (Message.Status.SENT, PROVIDER_ID)


@pytest.mark.parametrize(
    ("status", "ends", "unconfirmed"),
    [
        (429, Message.Status.QUEUED, False),
        (503, Message.Status.QUEUED, False),
        (403, Message.Status.FAILED, False),
        (504, Message.Status.QUEUED, True),
    ],
)
def test_notify_error_statuses_are_retried_failed_or_looked_up(notify, status, ends, unconfirmed):
    notify.replies.append((status, {"status_code": status, "errors": [{"error": "Error", "message": "No"}]}))
    message = _queue()

    result = deliver(message.pk)

    assert result is not None
    assert (result.status, result.unconfirmed) == (ends, unconfirmed)
    assert str(status) in result.last_error
    assert len(notify.received) == 1


def test_a_notify_key_the_client_cannot_use_is_recorded_as_a_failure_not_left_sending(notify, settings):
    settings.NOTIFY_API_KEY = "too-short"
    message = _queue()

    result = deliver(message.pk)

    assert result is not None
    assert (result.status, result.attempts, result.unconfirmed) == (Message.Status.QUEUED, 1, False)
    assert notify.log == []
