"""Switching the audit table's append-only guard on and off, as only a database owner could.

Transactional tests empty every table when they finish, which the guard (rightly) refuses; the
fixture in conftest.py lifts it just for that clean-up. Tampering tests use it to play an attacker.
"""

from django.db import connection

TABLE = "audit_auditevent"
SQLITE_TRIGGERS = {
    "audit_event_no_update": "UPDATE",
    "audit_event_no_delete": "DELETE",
}


def enable_guard() -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"ALTER TABLE {TABLE} ENABLE TRIGGER USER")
        else:
            for name, operation in SQLITE_TRIGGERS.items():
                cursor.execute(
                    f"CREATE TRIGGER IF NOT EXISTS {name} BEFORE {operation} ON {TABLE} "
                    "BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END;"
                )


def disable_guard() -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"ALTER TABLE {TABLE} DISABLE TRIGGER USER")
        else:
            for name in SQLITE_TRIGGERS:
                cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
