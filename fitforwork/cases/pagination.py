"""Keyset pagination for long lists: one query per page, however deep, and never a count of the table.

A list is sorted by one or more keys that end with a unique tiebreaker (the row's id), so the rows after a
given row are exactly those whose keys compare greater. The last row's keys become an opaque "after" cursor
in the query string, the first row's a "before" cursor for the previous page. Sort keys must never be NULL
(selectors wrap nullable ones in Coalesce), because NULL compares as unknown.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Generic, TypeVar
from urllib.parse import urlencode
from uuid import UUID

from django.core.exceptions import ValidationError
from django.db import DataError, connections, transaction
from django.db.models import F, Model, Q, QuerySet

from fitforwork.core.reads import LIST_PLANNER_SETTINGS

M = TypeVar("M", bound=Model)

DEFAULT_PAGE_SIZE = 25
MAX_PAGE_SIZE = 100


@dataclass(frozen=True)
class SortKey:
    """One key of a sort: a field or annotation name on the rows, and its direction."""

    name: str
    descending: bool = False


@dataclass(frozen=True)
class Page(Generic[M]):
    items: list[M]
    next_cursor: str
    previous_cursor: str

    @property
    def has_next(self) -> bool:
        return bool(self.next_cursor)

    @property
    def has_previous(self) -> bool:
        return bool(self.previous_cursor)


class BadCursor(ValueError):
    """A cursor that is not one this module made (edited by hand, or for another sort)."""


def _plain(value: Any) -> Any:
    # Datetimes keep their microseconds (DjangoJSONEncoder would drop them, and then rows would repeat).
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, UUID):
        return str(value)
    if value is None or isinstance(value, str | int | bool):
        return value
    raise TypeError(f"Cannot put a {type(value).__name__} in a cursor")


def encode_cursor(values: Sequence[Any]) -> str:
    text = json.dumps([_plain(value) for value in values], separators=(",", ":"))
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def decode_cursor(cursor: str, width: int) -> list[Any]:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        values = json.loads(base64.urlsafe_b64decode(padded.encode()).decode())
    except (binascii.Error, UnicodeError, ValueError) as error:
        raise BadCursor("Not a cursor") from error
    if not isinstance(values, list) or len(values) != width:
        raise BadCursor("A cursor for another sort")
    if not all(value is None or isinstance(value, str | int | bool) for value in values):
        raise BadCursor("Not a cursor")
    return values


def _keys_with_tiebreaker(keys: Sequence[SortKey]) -> list[SortKey]:
    if keys and keys[-1].name in ("id", "pk"):
        return list(keys)
    # The tiebreaker follows the direction of the last key, so one index can serve the whole sort.
    return [*keys, SortKey("id", keys[-1].descending if keys else False)]


def _after(keys: Sequence[SortKey], values: Sequence[Any]) -> Q:
    """Rows strictly after `values` in the sort: (k1 > v1) or (k1 = v1 and k2 > v2) or ..."""
    condition = Q(pk__in=[])
    equal = Q()
    for key, value in zip(keys, values, strict=True):
        lookup = "lt" if key.descending else "gt"
        condition |= equal & Q(**{f"{key.name}__{lookup}": value})
        equal &= Q(**{key.name: value})
    return condition


def _order(keys: Sequence[SortKey], *, reverse: bool = False) -> list[Any]:
    return [
        F(key.name).desc() if key.descending != reverse else F(key.name).asc()  # type: ignore[union-attr]
        for key in keys
    ]


def _values(row: Model, keys: Sequence[SortKey]) -> list[Any]:
    return [getattr(row, key.name) for key in keys]


def _fetch(rows: QuerySet[M]) -> list[M]:
    """Run a page's query. On PostgreSQL, without parallel workers or JIT compilation for this one statement:
    a page reads a few dozen rows through indexes, and starting workers or compiling (20 to 30 ms each on a
    busy server, which the planner chooses when its estimate of a filtered list is high) costs more than the
    whole query."""
    connection = connections[rows.db]
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        # Inside a page's one transaction (core.reads), the settings are already made for all its queries.
        return list(rows)
    with transaction.atomic(using=rows.db):
        with connection.cursor() as cursor:
            cursor.execute(LIST_PLANNER_SETTINGS)
        return list(rows)


def paginate(
    queryset: QuerySet[M],
    *,
    keys: Sequence[SortKey],
    after: str = "",
    before: str = "",
    size: int = DEFAULT_PAGE_SIZE,
) -> Page[M]:
    """One page of `queryset` in the order of `keys` (plus id), after or before a cursor, in one query."""
    size = max(1, min(size, MAX_PAGE_SIZE))
    keys = _keys_with_tiebreaker(keys)
    backwards = bool(before) and not after
    try:
        cursor = decode_cursor(before if backwards else after, len(keys)) if (after or before) else None
    except BadCursor:
        cursor, backwards = None, False
    fetched: list[M] | None = None
    if cursor is not None:
        reversed_keys = [SortKey(key.name, not key.descending) for key in keys]
        rows = queryset.order_by(*_order(keys, reverse=backwards))
        try:
            fetched = _fetch(rows.filter(_after(reversed_keys if backwards else keys, cursor))[: size + 1])
        except (ValidationError, ValueError, TypeError, DataError):
            # A cursor whose values do not fit the sort's columns (edited by hand): start from the first page.
            cursor, backwards = None, False
    if fetched is None:
        fetched = _fetch(queryset.order_by(*_order(keys))[: size + 1])
    more = len(fetched) > size
    items = fetched[:size]
    if backwards:
        items.reverse()
        has_next, has_previous = True, more
    else:
        has_next, has_previous = more, cursor is not None
    return Page(
        items=items,
        next_cursor=encode_cursor(_values(items[-1], keys)) if items and has_next else "",
        previous_cursor=encode_cursor(_values(items[0], keys)) if items and has_previous else "",
    )


def page_links(page: Page[Any], query: Mapping[str, str]) -> dict[str, Any]:
    """The NHS.UK pagination component's previous and next links, keeping the page's other parameters."""
    kept = {name: value for name, value in query.items() if name not in ("after", "before") and value}
    links: dict[str, Any] = {}
    if page.has_previous:
        links["previous"] = {"href": "?" + urlencode({**kept, "before": page.previous_cursor}), "text": "Previous"}
    if page.has_next:
        links["next"] = {"href": "?" + urlencode({**kept, "after": page.next_cursor}), "text": "Next"}
    return links
