"""Checking the audit trail: every event's own (keyed) hash, every link to the one before, and the checkpoints."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from fitforwork.core.audit.checkpoints import Checkpoint, checkpoints_read
from fitforwork.core.audit.keys import UnknownAuditKey, secret
from fitforwork.core.audit.models import GENESIS_HASH, AuditChainHead, AuditEvent


@dataclass(frozen=True)
class Problem:
    kind: str  # "edited", "deleted", "reordered", "key" (cannot be checked) or "checkpoint" (a bad file)
    seq: int
    message: str


@dataclass
class Report:
    checked: int = 0
    unkeyed: int = 0  # events made before keyed hashes, checked by the old, plain rule
    problems: list[Problem] = field(default_factory=list)
    checkpoints: list[Checkpoint] = field(default_factory=list)


def _events() -> Iterator[AuditEvent]:
    return AuditEvent.objects.order_by("seq").iterator(chunk_size=5000)


class _Keys:
    """The secrets the walk needs, looked up once each."""

    def __init__(self) -> None:
        self.found: dict[str, bytes | None] = {}

    def get(self, key_id: str) -> bytes | None:
        if key_id not in self.found:
            try:
                self.found[key_id] = secret(key_id)
            except UnknownAuditKey:
                self.found[key_id] = None
        return self.found[key_id]


def _check_own_hash(event: AuditEvent, keys: _Keys, keyed_seen: bool, report: Report) -> None:
    if not event.key_id:
        report.unkeyed += 1
        if keyed_seen:
            report.problems.append(
                Problem(
                    "edited",
                    event.seq,
                    f"Event {event.seq} has no key id but comes after keyed events: it was rewritten by the old rule.",
                )
            )
        elif event.compute_hash() != event.hash:
            report.problems.append(Problem("edited", event.seq, f"Event {event.seq} was changed after it was written."))
        return
    key = keys.get(event.key_id)
    if key is None:
        report.problems.append(
            Problem(
                "key",
                event.seq,
                f"Event {event.seq} was keyed with key {event.key_id!r}, which AUDIT_HMAC_KEYS lacks: add it to check.",
            )
        )
    elif event.compute_hash(key) != event.hash:
        report.problems.append(Problem("edited", event.seq, f"Event {event.seq} was changed after it was written."))


def _check_link(event: AuditEvent, previous_seq: int, previous_hash: str, report: Report) -> None:
    if event.seq != previous_seq + 1:
        missing = f"{previous_seq + 1}" if event.seq == previous_seq + 2 else f"{previous_seq + 1} to {event.seq - 1}"
        report.problems.append(Problem("deleted", event.seq, f"Events {missing} are missing."))
    elif event.prev_hash != previous_hash:
        if AuditEvent.objects.filter(hash=event.prev_hash).exists():
            report.problems.append(
                Problem(
                    "reordered", event.seq, f"Event {event.seq} is out of order: it was written after another event."
                )
            )
        else:
            report.problems.append(
                Problem("deleted", event.seq, f"The event written just before event {event.seq} is missing.")
            )


def verify_report() -> Report:
    """Walk the chain in order and compare it with the checkpoints; say what is wrong and how it was checked.

    An event whose contents no longer match its keyed hash was edited (only the holder of the key can make a
    matching one). An event that does not point to the one before it was moved, or follows a deleted one.
    Missing numbers and a head ahead of the newest event are deletions. An event that is not the one a
    checkpoint recorded means the chain was rewritten; a checkpoint past the newest event means the end was cut.
    """
    report = Report()
    checkpoints, unreadable = checkpoints_read()
    report.checkpoints = checkpoints
    report.problems.extend(Problem("checkpoint", 0, message) for message in unreadable)
    by_seq: dict[int, list[Checkpoint]] = {}
    for checkpoint in checkpoints:
        by_seq.setdefault(checkpoint.seq, []).append(checkpoint)
    keys = _Keys()
    previous_hash, previous_seq, keyed_seen = GENESIS_HASH, 0, False
    for event in _events():
        report.checked += 1
        _check_own_hash(event, keys, keyed_seen, report)
        keyed_seen = keyed_seen or bool(event.key_id)
        _check_link(event, previous_seq, previous_hash, report)
        for checkpoint in by_seq.get(event.seq, []):
            if checkpoint.hash != event.hash:
                report.problems.append(
                    Problem(
                        "edited",
                        event.seq,
                        f"Event {event.seq} is not the event checkpoint {checkpoint.name} recorded: "
                        "the chain was rewritten at or before it.",
                    )
                )
        previous_hash, previous_seq = event.hash, event.seq
    beyond = [checkpoint for checkpoint in checkpoints if checkpoint.seq > previous_seq]
    if beyond:
        furthest = max(beyond, key=lambda checkpoint: checkpoint.seq)
        report.problems.append(
            Problem(
                "deleted",
                previous_seq + 1,
                f"Checkpoint {furthest.name} recorded event {furthest.seq}, but the newest event is {previous_seq}: "
                f"events {previous_seq + 1} to {furthest.seq} at the end were removed.",
            )
        )
    head = AuditChainHead.objects.filter(pk=1).first()
    if head is not None and (head.last_seq != previous_seq or head.last_hash != previous_hash):
        if head.last_seq > previous_seq:
            report.problems.append(
                Problem(
                    "deleted", previous_seq + 1, f"Events {previous_seq + 1} to {head.last_seq} at the end are missing."
                )
            )
        else:
            report.problems.append(
                Problem("edited", previous_seq, "The newest event does not match the chain's record of it.")
            )
    return report


def verify_chain() -> tuple[int, list[Problem]]:
    """How many events were checked and what is wrong with them."""
    report = verify_report()
    return report.checked, report.problems
