"""Values for demo rows as text, which COPY and Django's fields both read: keys, days and times.

A million-case load makes nearly twenty million rows; formatting a UUID, date or datetime object for
each of them costs more than making the rest of the row, so the rows hold these as strings made cheaply.

Keys are UUIDs from a seeded prefix and a counter. Each maker draws a random prefix (a version 4 UUID's
first 20 hex digits, 74 random bits) from the seeded generator and counts up in the last twelve digits,
so a seed always gives the same keys, two makers' keys all but never meet, and a key costs one string
format instead of a UUID object and its slow `str()`. Keys that rise within a load also go into primary
key indexes at the right-hand end rather than all over them. Django's UUID fields take these strings.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Callable
from datetime import date
from functools import cache, partial
from itertools import count


def id_maker(rng: random.Random) -> Callable[[], str]:
    """A function returning a new key each call: '<seeded prefix>-<12 hex digits of a counter>'."""
    prefix = str(uuid.UUID(int=rng.getrandbits(128) >> 48 << 48, version=4))[:24]
    return partial(next, map(f"{prefix}%012x".__mod__, count(1)))


# Times of day as text, `minutes` after 08:00 UTC (wrapping within a ten-hour working day).
_TIMES = [f" {8 + minutes // 60 % 10:02d}:{minutes % 60:02d}:00+00:00" for minutes in range(600)]


@cache
def day_text(ordinal: int) -> str:
    """The day with this ordinal as text, '2026-11-01'."""
    return date.fromordinal(ordinal).isoformat()


def at_text(ordinal: int, minutes: int) -> str:
    """`minutes` into the working day (from 08:00 UTC) of the day with this ordinal, as text."""
    return day_text(ordinal) + _TIMES[minutes % 600]
