"""Switching the service model versions' append-only guard on and off, as only a database owner could.

Transactional tests empty every table when they finish, which the guard (rightly) refuses; the
`_audit_guard` fixture in tests/conftest.py lifts it just for that clean-up, as it does the audit
table's. Tests that play an attacker (or need a state no service can make) use it too.
"""

from django.db import connection

TABLE = "organisations_servicemodelversion"
MESSAGE = "service model versions are append-only: add a new version instead"
SQLITE_TRIGGERS = {
    "service_model_version_no_update": "UPDATE",
    "service_model_version_no_delete": "DELETE",
}


def enable_version_guard() -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            _fire_pending_foreign_key_checks()
            cursor.execute(f"ALTER TABLE {TABLE} ENABLE TRIGGER USER")
        else:
            for name, operation in SQLITE_TRIGGERS.items():
                cursor.execute(
                    f"CREATE TRIGGER IF NOT EXISTS {name} BEFORE {operation} ON {TABLE} "
                    f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;"
                )


def disable_version_guard() -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            _fire_pending_foreign_key_checks()
            cursor.execute(f"ALTER TABLE {TABLE} DISABLE TRIGGER USER")
        else:
            for name in SQLITE_TRIGGERS:
                cursor.execute(f"DROP TRIGGER IF EXISTS {name}")


def _fire_pending_foreign_key_checks() -> None:
    # PostgreSQL refuses ALTER TABLE while a version inserted earlier in this transaction still has its
    # deferred foreign key check pending; running the checks now (they stay deferred after) clears them.
    if connection.in_atomic_block:
        connection.check_constraints()
