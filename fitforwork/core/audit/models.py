"""The audit trail: append-only events, each holding the hash of the one before it."""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models

GENESIS_HASH = "0" * 64


class AuditEvent(models.Model):
    """One thing someone did or saw. Never updated or deleted: the database refuses both."""

    seq = models.BigIntegerField(unique=True, editable=False)
    occurred_at = models.DateTimeField(editable=False)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_constraint=False,
    )
    actor_label = models.CharField(max_length=254, blank=True)
    action = models.CharField(max_length=100, db_index=True)
    object_type = models.CharField(max_length=100, blank=True)
    object_id = models.CharField(max_length=64, blank=True, db_index=True)
    reason = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True, encoder=DjangoJSONEncoder)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)
    # Which AUDIT_HMAC_KEYS secret keyed this event's hash. Null: made before keyed hashes (or with no key
    # set), hashed by the old, plain rule. Nullable, not blank, so adding it alters the table in place:
    # SQLite rebuilds a table for a column with a default, which would drop its append-only triggers.
    key_id = models.CharField(max_length=64, null=True, blank=True, editable=False)  # noqa: DJ001

    class Meta:
        ordering = ["seq"]
        indexes = [models.Index(fields=["object_type", "object_id", "seq"], name="audit_object_idx")]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} by {self.actor_label or 'system'}"

    def content(self) -> dict[str, Any]:
        """What the hash covers: everything but the position (seq) and the hash itself.

        Leaving seq out means a swapped pair still hashes correctly on its own, so verification
        can tell reordering (links broken, contents intact) from editing (contents changed).
        """
        return {
            "occurred_at": self.occurred_at.isoformat(timespec="microseconds"),
            "actor_id": str(self.actor_id) if self.actor_id else "",
            "actor_label": self.actor_label,
            "action": self.action,
            "object_type": self.object_type,
            "object_id": self.object_id,
            "reason": self.reason,
            "data": self.data,
            "ip_address": self.ip_address or "",
        }

    def compute_hash(self, secret: bytes | None = None) -> str:
        """The event's hash: keyed with `secret` (HMAC-SHA256) when it has a key id, plain SHA-256 before that.

        The key id is part of what is keyed, so an event cannot be passed off as made under another key.
        """
        canonical = json.dumps(
            self.content(), sort_keys=True, separators=(",", ":"), cls=DjangoJSONEncoder, ensure_ascii=False
        )
        if not self.key_id:
            return hashlib.sha256(f"{self.prev_hash}|{canonical}".encode()).hexdigest()
        if secret is None:
            raise ValueError(f"The audit key {self.key_id!r} is needed to hash this event.")
        message = f"{self.key_id}|{self.prev_hash}|{canonical}".encode()
        return hmac.new(secret, message, hashlib.sha256).hexdigest()


class AuditChainHead(models.Model):
    """A single row holding the newest event's number and hash; locking it orders appends."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1, editable=False)
    last_seq = models.BigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default=GENESIS_HASH)

    class Meta:
        constraints = [models.CheckConstraint(condition=models.Q(id=1), name="audit_chain_head_singleton")]
