"""Checking the audit trail: every event's own hash, and every link to the one before."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from fitforwork.core.audit.models import GENESIS_HASH, AuditChainHead, AuditEvent


@dataclass(frozen=True)
class Problem:
    kind: str  # "edited", "deleted" or "reordered"
    seq: int
    message: str


def _events() -> Iterator[AuditEvent]:
    return AuditEvent.objects.order_by("seq").iterator(chunk_size=5000)


def verify_chain() -> tuple[int, list[Problem]]:
    """Walk the chain in order; return how many events were checked and what is wrong with them.

    An event whose contents no longer match its hash was edited. An event that does not point to
    the one before it was either moved (it points to another event that exists) or follows a
    deleted one (it points to nothing we hold). Missing numbers and a head that is ahead of the
    newest event are deletions too.
    """
    problems: list[Problem] = []
    previous_hash, previous_seq, checked = GENESIS_HASH, 0, 0
    for event in _events():
        checked += 1
        if event.compute_hash() != event.hash:
            problems.append(Problem("edited", event.seq, f"Event {event.seq} was changed after it was written."))
        if event.seq != previous_seq + 1:
            missing = (
                f"{previous_seq + 1}" if event.seq == previous_seq + 2 else f"{previous_seq + 1} to {event.seq - 1}"
            )
            problems.append(Problem("deleted", event.seq, f"Events {missing} are missing."))
        elif event.prev_hash != previous_hash:
            if AuditEvent.objects.filter(hash=event.prev_hash).exists():
                problems.append(
                    Problem(
                        "reordered",
                        event.seq,
                        f"Event {event.seq} is out of order: it was written after another event.",
                    )
                )
            else:
                problems.append(
                    Problem("deleted", event.seq, f"The event written just before event {event.seq} is missing.")
                )
        previous_hash, previous_seq = event.hash, event.seq
    head = AuditChainHead.objects.filter(pk=1).first()
    if head is not None and (head.last_seq != previous_seq or head.last_hash != previous_hash):
        if head.last_seq > previous_seq:
            problems.append(
                Problem(
                    "deleted",
                    previous_seq + 1,
                    f"Events {previous_seq + 1} to {head.last_seq} at the end are missing.",
                )
            )
        else:
            problems.append(
                Problem("edited", previous_seq, "The newest event does not match the chain's record of it.")
            )
    return checked, problems
