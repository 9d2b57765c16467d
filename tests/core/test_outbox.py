import json
from datetime import datetime, timedelta

import pytest
from django.contrib.admin.sites import site as admin_site
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import transaction
from django.test import RequestFactory
from django.utils import timezone
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from fitforwork.accounts.models import Role
from fitforwork.core.outbox.backends import FileBackend, NotifyBackend, get_backend
from fitforwork.core.outbox.models import Message
from fitforwork.core.outbox.services import (
    BACKOFF,
    INTERRUPTED_ERROR,
    MAX_ATTEMPTS,
    deliver,
    message_enqueue,
    send_pending,
)
from fitforwork.core.outbox.tasks import send_message, send_pending_messages
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db

TEMPLATE_ID = "f33517ff-2a88-4f6e-b855-c550268ce08a"


class Boom(Exception):
    pass


def _queue(**overrides) -> Message:
    fields = {
        "channel": Message.Channel.EMAIL,
        "template_id": TEMPLATE_ID,
        "template_name": "referral_received",
        "recipient": "sam.client@example.org",
        "personalisation": {"first_name": "Sam", "reference": "REF-1"},
        "reference": "referral-123",
    }
    return message_enqueue(**(fields | overrides))


def _run_worker() -> list[DBTaskResult]:
    """Run every ready task the way `fitforwork db_worker` does, one by one."""
    worker = Worker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test-worker",
        excluded_queue_names=[],
    )
    ran = []
    while (result := DBTaskResult.objects.ready().first()) is not None:
        result.claim(worker.worker_id)
        worker.run_task(result)
        result.refresh_from_db()
        ran.append(result)
    return ran


def _written(settings, message: Message) -> dict:
    return json.loads((settings.OUTBOX_FILE_DIR / f"{message.pk}.json").read_text(encoding="utf-8"))


def test_message_queued_in_a_transaction_that_rolls_back_leaves_no_message_and_no_task(
    django_capture_on_commit_callbacks,
):
    def change_that_fails_after_queueing():
        with transaction.atomic():
            _queue()
            raise Boom

    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(Boom):
        change_that_fails_after_queueing()
    assert callbacks == []
    assert not Message.objects.exists()
    assert not DBTaskResult.objects.exists()


def test_committed_message_is_sent_by_the_worker_and_written_to_a_file(settings, django_capture_on_commit_callbacks):
    actor = UserFactory()
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        message = _queue(actor=actor)
        assert not DBTaskResult.objects.exists()  # nothing is enqueued before the commit
    assert len(callbacks) == 1
    task_result = DBTaskResult.objects.get()
    assert task_result.task_path == "fitforwork.core.outbox.tasks.send_message"
    assert task_result.args_kwargs == {"args": [str(message.pk)], "kwargs": {}}

    [ran] = _run_worker()

    assert ran.status == "SUCCESSFUL"
    assert ran.return_value == "sent"
    message.refresh_from_db()
    assert message.status == Message.Status.SENT
    assert message.provider_id == f"local-{message.pk}"
    assert message.sent_at is not None
    assert message.attempts == 1
    assert message.created_by == actor
    written = _written(settings, message)
    written_at = datetime.fromisoformat(written.pop("created_at"))
    assert abs(written_at - message.created_at) < timedelta(milliseconds=1)
    assert written == {
        "id": str(message.pk),
        "channel": "email",
        "template_id": TEMPLATE_ID,
        "template_name": "referral_received",
        "recipient": "sam.client@example.org",
        "personalisation": {"first_name": "Sam", "reference": "REF-1"},
        "reference": "referral-123",
    }


def test_message_whose_task_was_never_enqueued_is_sent_by_send_pending(settings, django_capture_on_commit_callbacks):
    # The process dies after the commit, before its on-commit callback enqueues the task.
    with django_capture_on_commit_callbacks(execute=False), transaction.atomic():
        message = _queue()
    assert not DBTaskResult.objects.exists()

    outcome = send_pending()

    assert outcome == {"sent": 1, "queued": 0, "failed": 0, "skipped": 0, "interrupted": 0}
    message.refresh_from_db()
    assert message.status == Message.Status.SENT
    assert _written(settings, message)["recipient"] == "sam.client@example.org"


def test_send_pending_command_sends_what_a_crash_left_behind(settings, django_capture_on_commit_callbacks, capsys):
    with django_capture_on_commit_callbacks(execute=False):
        first, second = _queue(), _queue(channel="sms", recipient="07700 900123")

    call_command("outbox", "send-pending")

    assert "sent 2" in capsys.readouterr().out
    assert set(Message.objects.values_list("status", flat=True)) == {Message.Status.SENT}
    assert _written(settings, second)["recipient"] == "07700 900123"
    assert (settings.OUTBOX_FILE_DIR / f"{first.pk}.json").exists()


def test_send_pending_task_sweeps_due_messages_and_leaves_future_retries_alone():
    due = _queue()
    later = _queue()
    Message.objects.filter(pk=later.pk).update(next_attempt_at=timezone.now() + timedelta(minutes=5))

    outcome = send_pending_messages.call()

    assert outcome["sent"] == 1
    assert Message.objects.get(pk=due.pk).status == Message.Status.SENT
    assert Message.objects.get(pk=later.pk).status == Message.Status.QUEUED


def test_status_command_prints_counts_for_every_status(capsys):
    sent = _queue()
    deliver(sent.pk)
    _queue()
    _queue()

    call_command("outbox", "status")

    out = capsys.readouterr().out.splitlines()
    assert out == ["queued: 2", "sending: 0", "sent: 1", "failed: 0", "cancelled: 0", "due now: 2"]


def test_delivering_twice_sends_once(settings):
    message = _queue()
    first = deliver(message.pk)
    path = settings.OUTBOX_FILE_DIR / f"{message.pk}.json"
    path.unlink()

    again = deliver(message.pk)
    task_again = send_message.call(str(message.pk))

    assert first is not None
    assert first.status == Message.Status.SENT
    assert again is None
    assert task_again is None
    assert not path.exists()  # the second and third calls wrote nothing
    message.refresh_from_db()
    assert message.attempts == 1


def test_failures_back_off_then_the_message_fails_after_the_last_attempt(
    settings, tmp_path, django_capture_on_commit_callbacks
):
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("a file where the outbox directory should be")
    settings.OUTBOX_FILE_DIR = blocker / "outbox"
    message = _queue()
    now = timezone.now()
    waits, retry_times = [], []

    for attempt in range(1, MAX_ATTEMPTS):
        with django_capture_on_commit_callbacks(execute=True):
            result = deliver(message.pk, now=now)
        assert result is not None
        assert (result.status, result.attempts) == (Message.Status.QUEUED, attempt)
        assert "outbox" in result.last_error
        assert deliver(message.pk, now=result.next_attempt_at - timedelta(seconds=1)) is None  # not due yet
        waits.append(result.next_attempt_at - now)
        retry_times.append(result.next_attempt_at)
        now = result.next_attempt_at

    final = deliver(message.pk, now=now)

    assert waits == list(BACKOFF)
    assert final is not None
    assert (final.status, final.attempts) == (Message.Status.FAILED, MAX_ATTEMPTS)
    assert deliver(message.pk, now=now + timedelta(days=1)) is None
    assert send_pending(now=now + timedelta(days=1))["sent"] == 0
    # Each retry was handed to the worker to run when it falls due; the final failure was not.
    assert sorted(DBTaskResult.objects.values_list("run_after", flat=True)) == retry_times


def test_a_failed_attempt_is_retried_and_sent_once_the_problem_is_fixed(settings, tmp_path):
    blocker = tmp_path / "blocker"
    blocker.write_text("")
    good_dir = settings.OUTBOX_FILE_DIR
    settings.OUTBOX_FILE_DIR = blocker / "outbox"
    message = _queue()
    failed = deliver(message.pk)
    assert failed is not None
    assert failed.status == Message.Status.QUEUED

    settings.OUTBOX_FILE_DIR = good_dir
    outcome = send_pending(now=failed.next_attempt_at)

    assert outcome["sent"] == 1
    message.refresh_from_db()
    assert (message.status, message.attempts, message.last_error) == (Message.Status.SENT, 2, "")


def test_a_send_interrupted_by_a_crash_is_failed_for_a_person_to_check_not_sent_again(settings):
    message = _queue()
    now = timezone.now()
    # A sender claimed the message, then its process died before recording the result.
    Message.objects.filter(pk=message.pk).update(
        status=Message.Status.SENDING, attempts=1, next_attempt_at=now + timedelta(minutes=10)
    )
    assert send_pending(now=now + timedelta(minutes=1))["interrupted"] == 0

    outcome = send_pending(now=now + timedelta(minutes=11))

    assert outcome["interrupted"] == 1
    message.refresh_from_db()
    assert (message.status, message.last_error, message.unconfirmed) == (Message.Status.FAILED, INTERRUPTED_ERROR, True)
    assert not (settings.OUTBOX_FILE_DIR / f"{message.pk}.json").exists()


def test_an_unconfirmed_message_already_written_is_recorded_as_sent_without_writing_it_again(settings):
    message = _queue()
    path = FileBackend(settings.OUTBOX_FILE_DIR).path_for(message)
    FileBackend(settings.OUTBOX_FILE_DIR).send(message)
    path.write_text("the earlier attempt's file", encoding="utf-8")
    Message.objects.filter(pk=message.pk).update(unconfirmed=True)

    result = deliver(message.pk)

    assert result is not None
    assert (result.status, result.provider_id, result.unconfirmed) == (
        Message.Status.SENT,
        f"local-{message.pk}",
        False,
    )
    assert path.read_text(encoding="utf-8") == "the earlier attempt's file"


def test_an_unconfirmed_message_with_no_file_is_written(settings):
    message = _queue()
    Message.objects.filter(pk=message.pk).update(unconfirmed=True)

    result = deliver(message.pk)

    assert result is not None
    assert result.status == Message.Status.SENT
    assert _written(settings, message)["id"] == str(message.pk)


@pytest.mark.parametrize(
    ("overrides", "code"),
    [
        ({"recipient": "not an email address"}, "invalid"),
        ({"channel": "sms", "recipient": "call me"}, "invalid_phone"),
        ({"channel": "letter", "recipient": "", "personalisation": {"address_line_1": "Sam"}}, "invalid_address"),
    ],
)
def test_a_message_that_could_never_be_delivered_is_refused_and_not_stored(overrides, code):
    with pytest.raises(ValidationError) as refused:
        _queue(**overrides)
    assert refused.value.code == code
    assert not Message.objects.exists()


def test_a_letter_with_an_address_is_written_with_its_address(settings):
    address = {"address_line_1": "Sam Client", "address_line_2": "1 High Street", "address_line_3": "LS1 1AA"}
    message = _queue(channel="letter", recipient="", personalisation=address)
    deliver(message.pk)
    assert _written(settings, message)["personalisation"] == address


def test_backend_is_notify_only_when_an_api_key_is_set(settings):
    settings.NOTIFY_API_KEY = ""
    assert isinstance(get_backend(), FileBackend)
    settings.NOTIFY_API_KEY = "test-26785a09-ab16-4eb0-8407-a37497a57506-3d844edf-8d35-48ac-975b-e847b4f122b0"
    assert isinstance(get_backend(), NotifyBackend)


def test_admin_shows_messages_but_cannot_add_change_or_delete_them():
    model_admin = admin_site._registry[Message]
    request = RequestFactory().get("/admin/outbox/message/")
    request.user = UserFactory(role=Role.ADMINISTRATOR, is_superuser=True, is_staff=True)
    message = _queue()

    assert model_admin.has_view_permission(request, message)
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request, message)
    assert not model_admin.has_delete_permission(request, message)
    readonly = set(model_admin.get_readonly_fields(request, message))
    assert {"status", "recipient", "personalisation"} <= readonly
    assert model_admin.list_filter == ["status", "unconfirmed", "channel"]
