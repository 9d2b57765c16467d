"""The secrets that key the audit trail's hashes and sign its checkpoints, read from settings.

They live outside the database (AUDIT_HMAC_KEYS, a JSON map of key id to secret; AUDIT_HMAC_KEY_ID names
the one new events use), so someone who can rewrite the database cannot recompute a keyed hash.
"""

from __future__ import annotations

from django.conf import settings


class UnknownAuditKey(KeyError):
    """An event or checkpoint names a key id that AUDIT_HMAC_KEYS does not hold."""


def current_key_id() -> str | None:
    """The key id new events are hashed with, or None when no key is set (events then use the old rule)."""
    key_id = getattr(settings, "AUDIT_HMAC_KEY_ID", "") or ""
    if not key_id:
        return None
    secret(key_id)  # a current id with no secret is a configuration mistake: fail loudly, not unkeyed
    return key_id


def secret(key_id: str) -> bytes:
    keys: dict[str, str] = getattr(settings, "AUDIT_HMAC_KEYS", {}) or {}
    try:
        return keys[key_id].encode()
    except KeyError:
        raise UnknownAuditKey(key_id) from None
