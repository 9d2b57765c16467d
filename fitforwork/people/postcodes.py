"""UK postcodes: one way to check and write them, and the district (outward code) a site's area is drawn in."""

from __future__ import annotations

import re

_UK_POSTCODE = re.compile(r"[A-Z]{1,2}[0-9][A-Z0-9]?[0-9][A-Z]{2}")


def normalise_postcode(value: str) -> str | None:
    """'le16tp' becomes 'LE1 6TP'; None when it is not shaped like a UK postcode."""
    compact = value.replace(" ", "").upper()
    if not _UK_POSTCODE.fullmatch(compact):
        return None
    return f"{compact[:-3]} {compact[-3:]}"


def postcode_district(postcode: str) -> str:
    """The outward code: LE1 of LE1 6TP, DD11 of DD11 1AB."""
    compact = postcode.replace(" ", "").upper()
    return compact[:-3] if len(compact) > 3 else compact
