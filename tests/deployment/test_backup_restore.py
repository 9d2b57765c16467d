"""The backup and restore drill (docs/backup-and-restore.md), run for real on PostgreSQL.

A small demo is loaded into a fresh database, dumped with `pg_dump -Fc`, restored with `pg_restore` into
another new database, and then the two agree on the number of rows in every table, and `fitforwork audit
verify` passes on the copy. The databases are this test's own (ffw_dpo_drill_*) and are dropped after.

PostgreSQL only: SQLite's backup is a copy of one file.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

pytestmark = [
    pytest.mark.skipif(
        settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
        reason="needs PostgreSQL: the drill is pg_dump and pg_restore",
    ),
    pytest.mark.timeout(600),
]

ROOT = Path(__file__).resolve().parents[2]
FITFORWORK = [sys.executable, "-m", "fitforwork"]
SOURCE, COPY = "ffw_dpo_drill_source", "ffw_dpo_drill_copy"


def _server() -> dict[str, str]:
    db = settings.DATABASES["default"]
    return {"host": db.get("HOST") or "127.0.0.1", "port": str(db.get("PORT") or 5432), "user": db["USER"]}


def _pg(*command: str) -> subprocess.CompletedProcess[str]:
    server = _server()
    args = [command[0], "-h", server["host"], "-p", server["port"], "-U", server["user"], *command[1:]]
    return subprocess.run(args, check=True, capture_output=True, text=True, timeout=300)  # noqa: S603 (our own tools)


def _url(name: str) -> str:
    server = _server()
    password = settings.DATABASES["default"].get("PASSWORD")
    auth = f"{server['user']}:{password}" if password else server["user"]
    return f"postgres://{auth}@{server['host']}:{server['port']}/{name}"


def _fitforwork(database: str, *args: str, var_dir: Path) -> subprocess.CompletedProcess[str]:
    env = os.environ | {
        "DJANGO_SETTINGS_MODULE": "config.test_settings",
        "DATABASE_URL": _url(database),
        "FFW_VAR_DIR": str(var_dir),
    }
    command = [*FITFORWORK, *args]
    return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=500)  # noqa: S603


def _counts(database: str) -> dict[str, int]:
    """Rows in every table of the public schema, by one query that counts each."""
    tables = _pg(
        "psql", "-d", database, "-At", "-c",
        "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename",
    ).stdout.split()  # fmt: skip
    query = " UNION ALL ".join(f"SELECT '{table}', count(*) FROM \"{table}\"" for table in tables)
    rows = _pg("psql", "-d", database, "-At", "-F", " ", "-c", query).stdout.splitlines()
    return {name: int(number) for name, number in (line.split(" ") for line in rows)}


@pytest.fixture
def drill_databases():
    for name in (SOURCE, COPY):
        _pg("dropdb", "--if-exists", name)
    _pg("createdb", SOURCE)
    yield
    for name in (SOURCE, COPY):
        _pg("dropdb", "--if-exists", name)


def test_a_restored_dump_has_the_same_rows_and_an_intact_audit_trail(drill_databases, tmp_path):
    migrated = _fitforwork(SOURCE, "migrate", "--no-input", var_dir=tmp_path)
    assert migrated.returncode == 0, migrated.stderr
    loaded = _fitforwork(SOURCE, "demo", "--cases", "30", "--no-progress", "--allow-production", var_dir=tmp_path)
    assert loaded.returncode == 0, loaded.stderr
    dump = tmp_path / "fitforwork.dump"

    _pg("pg_dump", "-Fc", "-d", SOURCE, "-f", str(dump))
    _pg("createdb", COPY)
    _pg("pg_restore", "--no-owner", "--exit-on-error", "-d", COPY, str(dump))

    source, copy = _counts(SOURCE), _counts(COPY)
    assert copy == source
    assert source["audit_auditevent"] > 0
    assert source["cases_case"] > 0
    verified = _fitforwork(COPY, "audit", "verify", var_dir=tmp_path)
    assert verified.returncode == 0, verified.stderr
    assert "The audit trail is intact" in verified.stdout
