"""Writing many rows fast: COPY on PostgreSQL, bulk_create everywhere else (SQLite).

A writer takes batches of (model, columns, rows), rows being tuples of Python values in column order.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from itertools import chain
from typing import Any, Protocol

from django.db import connection
from django.db.models import Model

BULK_CREATE_BATCH = 5000

Rows = Sequence[tuple[Any, ...]]
Batch = Sequence[tuple[type[Model], Sequence[str], Rows]]


class RowWriter(Protocol):
    def write(self, batch: Batch) -> None: ...

    def close(self) -> None: ...


class BulkCreateWriter:
    """Django's bulk_create, for databases without COPY."""

    def write(self, batch: Batch) -> None:
        for model, columns, rows in batch:
            objects = [model(**dict(zip(columns, row, strict=True))) for row in rows]
            model._default_manager.bulk_create(objects, batch_size=BULK_CREATE_BATCH)

    def close(self) -> None:
        pass


class _CopyTable:
    """COPY's text format for one model's columns: tab-separated, one row a line.

    Every value goes in as its `str()`: None as "None", which the statement names as its null marker;
    booleans as True or False, which PostgreSQL reads as booleans; dates, datetimes, decimals and UUIDs
    (objects or the demo's string keys) in forms PostgreSQL reads back. A whole batch is one `%`
    format, so no Python code runs per value. Values are the demo's own (names from fixed lists, digits,
    dates), never tabs, newlines, backslashes or the word None, so nothing needs escaping; `text` checks
    that cheaply over the whole batch.
    """

    def __init__(self, model: type[Model], columns: Sequence[str]) -> None:
        fields = {field.attname: field for field in model._meta.concrete_fields}
        unknown = set(columns) - set(fields)
        if unknown:
            raise ValueError(f"{model._meta.label} has no columns {sorted(unknown)}")
        quote = connection.ops.quote_name
        # Table and column names come from the model, never from input.
        names = ", ".join(quote(str(fields[name].column)) for name in columns)
        self.statement = f"COPY {quote(model._meta.db_table)} ({names}) FROM STDIN WITH (NULL 'None')"
        self.width = len(columns)
        self.line = "\t".join(["%s"] * self.width) + "\n"

    def text(self, rows: Rows) -> str:
        if rows and set(map(len, rows)) != {self.width}:
            raise ValueError(f"A row does not have {self.width} values")
        text = (self.line * len(rows)) % tuple(chain.from_iterable(rows))
        if text.count("\n") != len(rows) or text.count("\t") != len(rows) * (self.width - 1):
            raise ValueError("A demo value holds a tab or a newline, which COPY would misread")
        if "\\" in text:
            raise ValueError("A demo value holds a backslash, which COPY would misread")
        return text


class CopyWriter:
    """PostgreSQL's COPY FROM STDIN on Django's own connection, so it joins the open transaction.

    One worker thread sends a batch while the caller makes the next: the generator and the database
    each get a core. The caller must `close()` before the transaction ends.
    """

    def __init__(self) -> None:
        connection.ensure_connection()
        self.raw = connection.connection
        self.tables: dict[tuple[type[Model], tuple[str, ...]], _CopyTable] = {}
        self.executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="demo-copy")
        self.pending: Future[None] | None = None

    def write(self, batch: Batch) -> None:
        # Formatting needs Python's lock, so it happens here; the worker only waits on the socket.
        work = [(self._table(model, columns).statement, self._table(model, columns).text(rows))
                for model, columns, rows in batch if rows]  # fmt: skip
        self._wait()
        self.pending = self.executor.submit(self._copy, work)

    def close(self) -> None:
        try:
            self._wait()
        finally:
            self.executor.shutdown()

    def _wait(self) -> None:
        pending, self.pending = self.pending, None
        if pending is not None:
            pending.result()

    def _table(self, model: type[Model], columns: Sequence[str]) -> _CopyTable:
        key = (model, tuple(columns))
        if key not in self.tables:
            self.tables[key] = _CopyTable(model, columns)
        return self.tables[key]

    def _copy(self, work: list[tuple[str, str]]) -> None:
        """In the worker thread: only the raw connection, never Django's per-thread one."""
        assert self.raw is not None  # noqa: S101 - opened in __init__
        with self.raw.cursor() as cursor:
            for statement, text in work:
                with cursor.copy(statement) as copy:
                    copy.write(text)


def writer_for_connection() -> RowWriter:
    return CopyWriter() if connection.vendor == "postgresql" else BulkCreateWriter()


@contextmanager
def indexes_rebuilt_after(models: Sequence[type[Model]]) -> Iterator[None]:
    """On PostgreSQL, drop the tables' secondary indexes and foreign keys for a bulk load, then put
    them back from their own definitions.

    Building an index once is far quicker than updating it a million times, and adding a foreign key
    back checks every row in one join instead of one lookup per row. This runs inside the load's
    transaction, so if anything fails the indexes and keys come back with the rollback. Primary keys,
    unique and check constraints stay in place throughout.
    """
    if connection.vendor != "postgresql":
        yield
        return
    tables = [model._meta.db_table for model in models]
    with connection.cursor() as cursor:
        # Dropping a foreign key alters the table it refers to, which PostgreSQL allows only once the
        # checks still deferred in this transaction (on users, say) have run.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(_INDEXES, [tables])
        indexes = cursor.fetchall()
        cursor.execute(_FOREIGN_KEYS, [tables])
        foreign_keys = cursor.fetchall()
        for drop, _ in [*foreign_keys, *indexes]:
            cursor.execute(drop)
        # Django makes every foreign key initially deferred, so this restores the usual behaviour.
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
    yield
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("SET LOCAL maintenance_work_mem = '1GB'")
        timed = _timed if os.environ.get("FFW_DEMO_TIMINGS") else _untimed
        for _, create in indexes:
            timed(cursor, create)
        # Statistics before the keys: checking a key runs a query per key, and with the tables' statistics and
        # indexes in place a column that is nearly all empty (created_by, say) is checked through its index
        # instead of a scan of the whole table.
        for table in tables:
            timed(cursor, f"ANALYZE {connection.ops.quote_name(table)}")
        for _, create in foreign_keys:
            timed(cursor, create)
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def _untimed(cursor: Any, statement: str) -> None:
    cursor.execute(statement)


def _timed(cursor: Any, statement: str) -> None:
    """FFW_DEMO_TIMINGS set: each rebuild statement's seconds on standard error, to see where the phase goes."""
    began = time.monotonic()
    cursor.execute(statement)
    sys.stderr.write(f"{time.monotonic() - began:7.2f} s {statement[:140]}\n")


# Secondary indexes that no constraint owns (a constraint's index goes only with the constraint). Partial
# indexes over an IN list stay: PostgreSQL prints their predicate in a form that, read back, is stored
# differently (the same index under another definition), and they cover only a few rows (open cases).
_INDEXES = """
    SELECT format('DROP INDEX %%I.%%I', n.nspname, c.relname), pg_get_indexdef(i.indexrelid)
    FROM pg_index i
    JOIN pg_class c ON c.oid = i.indexrelid
    JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE i.indrelid IN (SELECT to_regclass(name) FROM unnest(%s::text[]) AS name)
      AND NOT i.indisprimary
      AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid)
      AND coalesce(pg_get_expr(i.indpred, i.indrelid), '') NOT LIKE '%%ARRAY[%%'
    ORDER BY c.relname
"""
_FOREIGN_KEYS = """
    SELECT format('ALTER TABLE %%s DROP CONSTRAINT %%I', conrelid::regclass, conname),
           format('ALTER TABLE %%s ADD CONSTRAINT %%I %%s', conrelid::regclass, conname, pg_get_constraintdef(oid))
    FROM pg_constraint
    WHERE conrelid IN (SELECT to_regclass(name) FROM unnest(%s::text[]) AS name) AND contype = 'f'
    ORDER BY conname
"""
