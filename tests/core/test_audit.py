import uuid
from datetime import date

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction

from fitforwork.core.audit.keys import secret
from fitforwork.core.audit.models import GENESIS_HASH, AuditChainHead, AuditEvent
from fitforwork.core.audit.services import audit_batch, audit_record
from fitforwork.core.audit.verify import verify_chain
from tests.accounts.factories import UserFactory
from tests.conftest import disable_guards

pytestmark = pytest.mark.django_db

TABLE = AuditEvent._meta.db_table


def _write_events(count: int = 5) -> list[AuditEvent]:
    user = UserFactory()
    return [
        audit_record(actor=user, action="test.thing_done", obj=user, data={"n": i}, reason=f"reason {i}")
        for i in range(count)
    ]


def _execute(sql: str, params: list | None = None) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params or [])


def test_events_are_chained_each_to_the_one_before():
    events = _write_events(3)
    assert events[0].prev_hash == GENESIS_HASH
    assert events[1].prev_hash == events[0].hash
    assert events[2].prev_hash == events[1].hash
    assert [e.seq for e in events] == [1, 2, 3]
    assert AuditChainHead.objects.get().last_hash == events[2].hash


def test_an_untouched_trail_verifies_and_the_command_says_so(capsys):
    _write_events(4)
    checked, problems = verify_chain()
    assert (checked, problems) == (4, [])
    call_command("audit", "verify")
    assert "intact: 4 events checked" in capsys.readouterr().out


def test_the_database_refuses_to_update_or_delete_an_event():
    _write_events(2)
    with pytest.raises(DatabaseError), transaction.atomic():
        _execute(f"UPDATE {TABLE} SET reason = 'changed' WHERE seq = 1")
    with pytest.raises(DatabaseError), transaction.atomic():
        _execute(f"DELETE FROM {TABLE} WHERE seq = 2")
    assert AuditEvent.objects.count() == 2
    assert AuditEvent.objects.get(seq=1).reason == "reason 0"


def test_an_edited_event_is_reported_as_edited():
    _write_events(5)
    disable_guards()
    _execute(f"UPDATE {TABLE} SET reason = 'nothing to see here' WHERE seq = 3")
    _, problems = verify_chain()
    assert [(p.kind, p.seq) for p in problems] == [("edited", 3)]
    with pytest.raises(CommandError, match="1 problem"):
        call_command("audit", "verify")


def test_a_deleted_event_is_reported_as_deleted():
    _write_events(5)
    disable_guards()
    _execute(f"DELETE FROM {TABLE} WHERE seq = 2")
    _, problems = verify_chain()
    assert [(p.kind, p.seq) for p in problems] == [("deleted", 3)]


def test_a_deleted_event_with_renumbering_to_hide_the_gap_is_still_reported():
    _write_events(5)
    disable_guards()
    _execute(f"DELETE FROM {TABLE} WHERE seq = 2")
    for seq in (3, 4, 5):
        _execute(f"UPDATE {TABLE} SET seq = %s WHERE seq = %s", [seq - 1, seq])
    _execute("UPDATE audit_auditchainhead SET last_seq = 4")
    _, problems = verify_chain()
    assert ("deleted", 2) in [(p.kind, p.seq) for p in problems]
    assert not [p for p in problems if p.kind == "edited"]


def test_deleting_the_newest_events_is_reported():
    _write_events(5)
    disable_guards()
    _execute(f"DELETE FROM {TABLE} WHERE seq >= 4")
    _, problems = verify_chain()
    assert [(p.kind, p.seq) for p in problems] == [("deleted", 4)]


def test_swapped_events_are_reported_as_reordered_not_edited():
    _write_events(5)
    disable_guards()
    _execute(f"UPDATE {TABLE} SET seq = -1 WHERE seq = 2")
    _execute(f"UPDATE {TABLE} SET seq = 2 WHERE seq = 3")
    _execute(f"UPDATE {TABLE} SET seq = 3 WHERE seq = -1")
    _, problems = verify_chain()
    kinds = {p.kind for p in problems}
    assert kinds == {"reordered"}
    assert {p.seq for p in problems} >= {2, 3}


def test_events_record_who_did_what_to_which_object():
    user = UserFactory(email="dpo.check@example.org")
    event = audit_record(actor=user, action="people.person.viewed", obj=user, reason="checking")
    stored = AuditEvent.objects.get(pk=event.pk)
    assert stored.actor_id == user.pk
    assert stored.actor_label == "dpo.check@example.org"
    assert stored.object_type == "accounts.user"
    assert stored.object_id == str(user.pk)
    assert stored.key_id == "test-1"
    assert stored.compute_hash(secret("test-1")) == stored.hash


def test_values_the_database_normalises_still_verify():
    from django.test import RequestFactory

    request = RequestFactory().get("/", REMOTE_ADDR="2001:DB8:0:0:0:0:0:1")
    user = UserFactory()
    audit_record(
        actor=user,
        action="test.normalised",
        obj=user,
        data={"counts": {2: 1, 10: 1}, "when": date(2026, 11, 22), "id": uuid.UUID(int=7)},
        request=request,
    )
    stored = AuditEvent.objects.get(action="test.normalised")
    assert stored.ip_address == "2001:db8::1"
    assert stored.data["counts"] == {"2": 1, "10": 1}
    assert verify_chain() == (1, [])


def test_the_chain_head_only_moves_forward_to_events_that_are_there():
    events = _write_events(3)
    with pytest.raises(DatabaseError), transaction.atomic():
        _execute("UPDATE audit_auditchainhead SET last_seq = 1")
    with pytest.raises(DatabaseError), transaction.atomic():
        _execute("DELETE FROM audit_auditchainhead")
    # Forward past events that do not exist, as if events had been appended and then removed.
    with pytest.raises(DatabaseError), transaction.atomic():
        _execute("UPDATE audit_auditchainhead SET last_seq = 5, last_hash = %s", [events[2].hash])
    # Forward by one, but to a hash that is not the stored event's.
    with pytest.raises(DatabaseError), transaction.atomic():
        _execute("UPDATE audit_auditchainhead SET last_seq = 4, last_hash = %s", ["f" * 64])
    assert AuditChainHead.objects.get().last_seq == 3


def test_a_batch_appends_its_events_in_order_in_one_step_and_the_chain_verifies():
    user = UserFactory()
    before = _write_events(1)[0]
    with transaction.atomic(), audit_batch():
        held = [audit_record(actor=user, action="test.batched", obj=user, data={"n": i}) for i in range(3)]
        # Held until the batch ends: nothing is written, and the head has not moved.
        assert not AuditEvent.objects.filter(action="test.batched").exists()
        assert AuditChainHead.objects.get().last_seq == before.seq
    stored = list(AuditEvent.objects.filter(action="test.batched").order_by("seq"))
    assert [e.data["n"] for e in stored] == [0, 1, 2]
    assert [e.seq for e in stored] == [before.seq + 1, before.seq + 2, before.seq + 3]
    assert stored[0].prev_hash == before.hash
    assert AuditChainHead.objects.get().last_hash == stored[-1].hash == held[-1].hash
    assert verify_chain() == (4, [])


def test_a_batch_that_fails_writes_no_events():
    user = UserFactory()

    def change_that_fails():
        with transaction.atomic(), audit_batch():
            audit_record(actor=user, action="test.batched", obj=user)
            raise ValueError("the change failed")

    with pytest.raises(ValueError, match="the change failed"):
        change_that_fails()
    assert not AuditEvent.objects.filter(action="test.batched").exists()
    with transaction.atomic(), audit_batch():
        audit_record(actor=user, action="test.after_failure", obj=user)
    assert AuditEvent.objects.get(action="test.after_failure").seq == 1


def test_a_batch_needs_a_transaction_to_belong_to(transactional_db):
    with pytest.raises(RuntimeError, match="inside transaction.atomic"), audit_batch():
        pass


def test_behind_a_load_balancer_the_configured_header_gives_the_client_address(settings):
    from django.test import RequestFactory

    settings.CLIENT_IP_META = "HTTP_X_REAL_IP"
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.5", HTTP_X_REAL_IP="203.0.113.9")
    user = UserFactory()
    event = audit_record(actor=user, action="test.behind_proxy", obj=user, request=request)
    assert AuditEvent.objects.get(pk=event.pk).ip_address == "203.0.113.9"
