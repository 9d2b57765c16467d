"""Reference numbers people can read out on the phone: no 0/O or 1/I to confuse."""

from __future__ import annotations

import secrets

ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"


def new_reference() -> str:
    """Like 'FW-7K3P-9Q2M': 40 random bits, so clashes are vanishingly rare (and refused by a unique index)."""
    body = "".join(secrets.choice(ALPHABET) for _ in range(8))
    return f"FW-{body[:4]}-{body[4:]}"
