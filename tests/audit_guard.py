"""Switching the audit trail's append-only guards on and off, as only a database owner could.

Transactional tests empty every table when they finish, which the guards (rightly) refuse; the
fixture in conftest.py lifts them just for that clean-up. Tampering tests use it to play an attacker.
"""

from django.db import connection

TABLES = ("audit_auditevent", "audit_auditchainhead")
SQLITE_TRIGGERS = {
    "audit_event_no_update": "BEFORE UPDATE ON audit_auditevent",
    "audit_event_no_delete": "BEFORE DELETE ON audit_auditevent",
    "audit_head_forward_only": "BEFORE UPDATE ON audit_auditchainhead WHEN NEW.last_seq != OLD.last_seq + 1",
    "audit_head_no_delete": "BEFORE DELETE ON audit_auditchainhead",
}


def enable_guard() -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            for table in TABLES:
                cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER USER")
        else:
            for name, when in SQLITE_TRIGGERS.items():
                cursor.execute(
                    f"CREATE TRIGGER IF NOT EXISTS {name} {when} "
                    "BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END;"
                )


def disable_guard() -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            for table in TABLES:
                cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")
        else:
            for name in SQLITE_TRIGGERS:
                cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
