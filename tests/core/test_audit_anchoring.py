"""The audit chain anchored outside the database: keyed hashes and signed checkpoints.

Each tampering test acts as someone with full write access to the database but not the audit key or the
checkpoint directory: they switch the guards off, change rows, recompute what they can and move the head.
"""

import json
import stat

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django_tasks_db.models import DBTaskResult

from fitforwork.core.audit.checkpoints import checkpoint_write, checkpoints_read
from fitforwork.core.audit.models import AuditChainHead, AuditEvent
from fitforwork.core.audit.services import audit_record
from fitforwork.core.audit.verify import verify_chain, verify_report
from tests.accounts.factories import UserFactory
from tests.api.conftest import run_tasks
from tests.conftest import disable_guards

pytestmark = pytest.mark.django_db

KEY = "tests-only-audit-key-not-for-any-deployment"


@pytest.fixture(autouse=True)
def checkpoint_directory(settings, tmp_path):
    settings.AUDIT_CHECKPOINT_DIR = tmp_path / "checkpoints"
    return settings.AUDIT_CHECKPOINT_DIR


def _write_events(count: int) -> list[AuditEvent]:
    user = UserFactory()
    return [audit_record(actor=user, action="test.thing_done", obj=user, data={"n": i}) for i in range(count)]


def _rewrite_from(seq: int, *, key_id: str | None, key: bytes | None, through: int | None = None) -> None:
    """Recompute every hash from `seq` on (to `through`), as an attacker would, and move the head to the end."""
    events = list(AuditEvent.objects.order_by("seq"))
    previous = next((e.hash for e in events if e.seq == seq - 1), "0" * 64)
    for event in events:
        if event.seq < seq:
            continue
        if through is not None and event.seq > through:
            # Past the rewrite: the attacker can relink the next event but not recompute its keyed hash.
            AuditEvent.objects.filter(pk=event.pk).update(prev_hash=previous)
            return
        event.prev_hash, event.key_id = previous, key_id
        event.hash = previous = event.compute_hash(key)
        AuditEvent.objects.filter(pk=event.pk).update(prev_hash=event.prev_hash, key_id=key_id, hash=event.hash)
    AuditChainHead.objects.filter(pk=1).update(last_seq=events[-1].seq, last_hash=previous)


def _kinds(problems) -> list[tuple[str, int]]:
    return [(p.kind, p.seq) for p in problems]


def test_new_events_record_the_key_they_were_hashed_with_and_verify():
    events = _write_events(3)
    assert {AuditEvent.objects.get(pk=e.pk).key_id for e in events} == {"test-1"}
    assert verify_chain() == (3, [])


def test_an_edit_with_recomputed_plain_hashes_is_reported():
    _write_events(5)
    disable_guards()
    AuditEvent.objects.filter(seq=3).update(reason="nothing to see here")
    _rewrite_from(3, key_id=None, key=None)  # the old, unkeyed rule: anyone can compute it
    _, problems = verify_chain()
    assert _kinds(problems) == [("edited", 3), ("edited", 4), ("edited", 5)]
    assert "rewritten by the old rule" in problems[0].message


def test_an_edit_with_hashes_recomputed_without_the_secret_is_reported():
    _write_events(5)
    disable_guards()
    AuditEvent.objects.filter(seq=3).update(reason="nothing to see here")
    _rewrite_from(3, key_id="test-1", key=b"a guess at the key")
    assert _kinds(verify_chain()[1]) == [("edited", 3), ("edited", 4), ("edited", 5)]


def test_a_whole_chain_rewritten_by_the_old_rule_is_caught_by_a_checkpoint():
    _write_events(5)
    checkpoint_write()
    disable_guards()
    AuditEvent.objects.filter(seq=2).update(reason="nothing to see here")
    _rewrite_from(1, key_id=None, key=None)  # every event made to look older than keyed hashes
    report = verify_report()
    assert _kinds(report.problems) == [("edited", 5)]
    assert "not the event checkpoint" in report.problems[0].message


def test_deleting_the_newest_events_and_moving_the_head_back_is_caught_by_a_checkpoint():
    events = _write_events(8)
    checkpoint_write()
    disable_guards()
    AuditEvent.objects.filter(seq__gt=3).delete()
    AuditChainHead.objects.filter(pk=1).update(last_seq=3, last_hash=events[2].hash)
    _, problems = verify_chain()
    assert _kinds(problems) == [("deleted", 4)]
    assert "events 4 to 8 at the end were removed" in problems[0].message


def test_new_events_after_a_truncation_do_not_hide_it():
    _write_events(6)
    checkpoint_write()
    disable_guards()
    AuditEvent.objects.filter(seq__gt=2).delete()
    head = AuditEvent.objects.get(seq=2)
    AuditChainHead.objects.filter(pk=1).update(last_seq=2, last_hash=head.hash)
    from tests.conftest import enable_guards

    enable_guards()
    _write_events(4)  # numbers 3 to 6 again, honestly keyed, but not the events the checkpoint saw
    assert ("edited", 6) in _kinds(verify_chain()[1])


def test_a_deleted_middle_event_with_renumbering_and_rehashing_is_reported():
    _write_events(5)
    disable_guards()
    AuditEvent.objects.filter(seq=2).delete()
    for seq in (3, 4, 5):
        AuditEvent.objects.filter(seq=seq).update(seq=seq - 1)
    _rewrite_from(2, key_id="test-1", key=b"a guess at the key")
    assert _kinds(verify_chain()[1]) == [("edited", 2), ("edited", 3), ("edited", 4)]


def test_a_rotated_key_still_verifies_events_and_checkpoints_made_with_the_old_one(settings):
    _write_events(2)
    checkpoint_write()
    settings.AUDIT_HMAC_KEYS = {"test-1": KEY, "test-2": "the next tests-only audit key"}
    settings.AUDIT_HMAC_KEY_ID = "test-2"
    _write_events(2)
    checkpoint_write()
    assert list(AuditEvent.objects.order_by("seq").values_list("key_id", flat=True)) == [
        "test-1",
        "test-1",
        "test-2",
        "test-2",
    ]
    report = verify_report()
    assert (report.checked, report.problems) == (4, [])
    assert sorted(c.key_id for c in report.checkpoints) == ["test-1", "test-2"]
    # A retired key must be kept for checking: without it the old events cannot be verified.
    settings.AUDIT_HMAC_KEYS = {"test-2": "the next tests-only audit key"}
    report = verify_report()
    assert _kinds(p for p in report.problems if p.kind == "key") == [("key", 1), ("key", 2)]
    assert [p.kind for p in report.problems if p.kind == "checkpoint"] == ["checkpoint"]


def test_events_made_before_keyed_hashes_verify_by_the_old_rule_and_the_command_says_so(settings, capsys):
    settings.AUDIT_HMAC_KEY_ID = ""
    _write_events(2)
    settings.AUDIT_HMAC_KEY_ID = "test-1"
    _write_events(2)
    assert list(AuditEvent.objects.order_by("seq").values_list("key_id", flat=True)) == [None, None, "test-1", "test-1"]
    report = verify_report()
    assert (report.checked, report.unkeyed, report.problems) == (4, 2, [])
    call_command("audit", "verify")
    out = capsys.readouterr().out
    assert "2 event(s) were made before keyed hashes and were checked by the old, unkeyed rule" in out
    assert "intact: 4 events checked" in out


def test_an_old_unkeyed_event_rewritten_is_caught_by_the_first_keyed_event_after_it(settings):
    settings.AUDIT_HMAC_KEY_ID = ""
    _write_events(2)
    settings.AUDIT_HMAC_KEY_ID = "test-1"
    _write_events(2)
    disable_guards()
    AuditEvent.objects.filter(seq=1).update(reason="nothing to see here")
    _rewrite_from(1, key_id=None, key=None, through=2)
    assert _kinds(verify_chain()[1]) == [("edited", 3)]


def test_the_checkpoint_command_writes_a_signed_read_only_file_of_the_head(checkpoint_directory, capsys):
    events = _write_events(3)
    call_command("audit", "checkpoint", "--now")
    call_command("audit", "checkpoint", "--now")
    files = sorted(checkpoint_directory.glob("*/checkpoint-*.json"))
    assert len(files) == 2  # one file per checkpoint; none is written over
    fields = json.loads(files[0].read_text())
    assert (fields["seq"], fields["hash"], fields["key_id"]) == (3, events[-1].hash, "test-1")
    assert len(fields["signature"]) == 64
    assert not files[0].stat().st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH)
    good, bad = checkpoints_read()
    assert ([c.seq for c in good], bad) == ([3, 3], [])
    call_command("audit", "verify")
    assert "Compared with 2 checkpoint(s)" in capsys.readouterr().out


def test_the_scheduled_command_hands_the_checkpoint_to_the_task_worker(checkpoint_directory):
    _write_events(2)
    call_command("audit", "checkpoint")
    assert not list(checkpoint_directory.glob("**/*.json"))
    assert DBTaskResult.objects.get().task_path == "fitforwork.core.audit.tasks.audit_checkpoint"
    run_tasks()
    [file] = checkpoint_directory.glob("*/checkpoint-*.json")
    assert json.loads(file.read_text())["seq"] == 2
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"


def test_a_checkpoint_changed_or_forged_is_reported_and_not_trusted(checkpoint_directory):
    _write_events(4)
    path = checkpoint_write()
    fields = json.loads(path.read_text())
    forged = path.parent / "checkpoint-20990101T000000000000Z-9.json"
    forged.write_text(json.dumps({**fields, "seq": 9}))
    report = verify_report()
    assert [c.seq for c in report.checkpoints] == [4]
    assert _kinds(report.problems) == [("checkpoint", 0)]
    assert "not signed with our key" in report.problems[0].message
    with pytest.raises(CommandError, match="1 problem"):
        call_command("audit", "verify")


def test_verify_without_checkpoints_says_truncation_would_not_be_seen(capsys):
    _write_events(1)
    call_command("audit", "verify")
    assert "No checkpoints in" in capsys.readouterr().out


def test_deploy_check_warns_when_audit_hashes_are_not_keyed(settings):
    from fitforwork.core.checks import audit_hashes_are_keyed

    assert audit_hashes_are_keyed(None) == []
    settings.AUDIT_HMAC_KEY_ID = ""
    assert [w.id for w in audit_hashes_are_keyed(None)] == ["fitforwork.W001"]
