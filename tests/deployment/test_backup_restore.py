"""The backup and restore drill (docs/backup-and-restore.md), run for real on PostgreSQL.

A small demo is loaded into a fresh database, dumped with `pg_dump -Fc`, restored with `pg_restore` into
another new database, and then the two agree on the number of rows in every table, and `fitforwork audit
verify` passes on the copy. The databases are this test's own (ffw_dpo_drill_*) and are dropped after.

PostgreSQL only: SQLite's backup is a copy of one file.
"""

import json
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


def _fitforwork(database: str, *args: str, var_dir: Path, **extra: str) -> subprocess.CompletedProcess[str]:
    env = os.environ | {
        "DJANGO_SETTINGS_MODULE": "config.test_settings",
        "DATABASE_URL": _url(database),
        "FFW_VAR_DIR": str(var_dir),
        **extra,
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


def _load_dump_and_restore(tmp_path: Path) -> None:
    """The drill itself: a small demo into the source, `pg_dump -Fc`, `pg_restore` into a new database."""
    migrated = _fitforwork(SOURCE, "migrate", "--no-input", var_dir=tmp_path)
    assert migrated.returncode == 0, migrated.stderr
    loaded = _fitforwork(SOURCE, "demo", "--cases", "30", "--no-progress", "--allow-production", var_dir=tmp_path)
    assert loaded.returncode == 0, loaded.stderr
    dump = tmp_path / "fitforwork.dump"
    _pg("pg_dump", "-Fc", "-d", SOURCE, "-f", str(dump))
    _pg("createdb", COPY)
    _pg("pg_restore", "--no-owner", "--exit-on-error", "-d", COPY, str(dump))


def test_a_restored_dump_has_the_same_rows_and_an_intact_audit_trail(drill_databases, tmp_path):
    _load_dump_and_restore(tmp_path)

    source, copy = _counts(SOURCE), _counts(COPY)
    assert copy == source
    assert source["audit_auditevent"] > 0
    assert source["cases_case"] > 0
    verified = _fitforwork(COPY, "audit", "verify", var_dir=tmp_path)
    assert verified.returncode == 0, verified.stderr
    assert "The audit trail is intact" in verified.stdout


def test_on_the_restored_copy_a_subject_access_export_and_a_retention_run_leave_the_audit_intact(
    drill_databases, tmp_path
):
    """End to end on a restored demo: export one person, delete every closed case (a retention of 0 years,
    so the demo's recent cases expire), and the audit trail still verifies, with a tombstone per person."""
    _load_dump_and_restore(tmp_path)
    nhs_number = _pg(
        "psql", "-d", COPY, "-At", "-c",
        "SELECT p.nhs_number FROM people_person p JOIN cases_case c ON c.person_id = p.id "
        "WHERE p.nhs_number <> '' LIMIT 1",
    ).stdout.strip()  # fmt: skip

    out = tmp_path / "sar.json"
    exported = _fitforwork(COPY, "sar", nhs_number, "--out", str(out), "--format", "json", var_dir=tmp_path)
    assert exported.returncode == 0, exported.stderr
    assert json.loads(out.read_text())["person"]["nhs_number"] == nhs_number

    expire_now = {"RETENTION_YEARS": json.dumps({"case": 0, "declined_referral": 0})}
    closed = int(
        _pg("psql", "-d", COPY, "-At", "-c", "SELECT count(*) FROM cases_case WHERE status = 'discharged'").stdout
    )
    assert closed > 0
    deleted = _fitforwork(COPY, "retention", "--delete", var_dir=tmp_path, **expire_now)
    assert deleted.returncode == 0, deleted.stderr
    after = _counts(COPY)
    assert after["cases_case"] == _counts(SOURCE)["cases_case"] - closed
    tombstone = "SELECT count(*) FROM audit_auditevent WHERE action = 'retention.records_deleted'"
    assert int(_pg("psql", "-d", COPY, "-At", "-c", tombstone).stdout) > 0
    verified = _fitforwork(COPY, "audit", "verify", var_dir=tmp_path)
    assert verified.returncode == 0, verified.stderr
