"""Signed checkpoints of the audit chain's head, kept outside the database.

A checkpoint says "event N had hash H at time T", signed with the current audit key (HMAC-SHA256). Each is
its own file in AUDIT_CHECKPOINT_DIR (in a folder per month), created once and never opened for writing
again, somewhere the database's users cannot write. Verification compares the chain with every checkpoint:
a rewritten chain no longer has hash H at N, and a chain cut back below N has no event N at all.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

from fitforwork.core.audit.keys import UnknownAuditKey, current_key_id, secret
from fitforwork.core.audit.models import GENESIS_HASH, AuditChainHead

SIGNED_FIELDS = ("seq", "hash", "written_at", "key_id")


@dataclass(frozen=True)
class Checkpoint:
    seq: int
    hash: str
    written_at: str
    key_id: str
    name: str


def checkpoint_dir() -> Path:
    return Path(settings.AUDIT_CHECKPOINT_DIR)


def _signature(fields: dict[str, object], key: bytes) -> str:
    message = json.dumps({name: fields[name] for name in SIGNED_FIELDS}, sort_keys=True, separators=(",", ":"))
    return hmac.new(key, message.encode(), hashlib.sha256).hexdigest()


def checkpoint_write(*, now: datetime | None = None) -> Path:
    """Write a signed checkpoint of the chain's head as a new file; no existing file is ever opened."""
    key_id = current_key_id()
    if key_id is None:
        raise ImproperlyConfigured("Set AUDIT_HMAC_KEYS and AUDIT_HMAC_KEY_ID: checkpoints are signed with the key.")
    head = AuditChainHead.objects.filter(pk=1).first()
    written_at = (now or timezone.now()).astimezone(UTC)
    fields: dict[str, object] = {
        "seq": head.last_seq if head else 0,
        "hash": head.last_hash if head else GENESIS_HASH,
        "written_at": written_at.isoformat(timespec="microseconds"),
        "key_id": key_id,
    }
    fields["signature"] = _signature(fields, secret(key_id))
    directory = checkpoint_dir() / f"{written_at:%Y-%m}"  # a folder a month, so none grows past ~9,000 files
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"checkpoint-{written_at:%Y%m%dT%H%M%S%fZ}-{fields['seq']}.json"
    with open(path, "x", encoding="utf-8") as file:  # "x": refuses to overwrite a checkpoint already there
        json.dump(fields, file, sort_keys=True)
        file.write("\n")
        file.flush()
        os.fsync(file.fileno())
    path.chmod(0o444)
    return path


def checkpoints_read() -> tuple[list[Checkpoint], list[str]]:
    """Every checkpoint whose signature holds, and a sentence for each file that is not a good checkpoint."""
    directory = checkpoint_dir()
    good: list[Checkpoint] = []
    bad: list[str] = []
    if not directory.is_dir():
        return good, bad
    for path in sorted(directory.glob("**/checkpoint-*.json")):
        try:
            fields = json.loads(path.read_text(encoding="utf-8"))
            given = str(fields["signature"])
            expected = _signature(fields, secret(str(fields["key_id"])))
            checkpoint = Checkpoint(
                seq=int(fields["seq"]),
                hash=str(fields["hash"]),
                written_at=str(fields["written_at"]),
                key_id=str(fields["key_id"]),
                name=path.name,
            )
        except UnknownAuditKey as error:
            bad.append(f"Checkpoint {path.name} is signed with key {error.args[0]!r}, which AUDIT_HMAC_KEYS lacks.")
            continue
        except (ValueError, KeyError, TypeError, UnicodeDecodeError, OSError):
            bad.append(f"Checkpoint {path.name} cannot be read as a checkpoint.")
            continue
        if not hmac.compare_digest(given, expected):
            bad.append(f"Checkpoint {path.name} is not signed with our key: it was changed or forged.")
            continue
        good.append(checkpoint)
    return good, bad
