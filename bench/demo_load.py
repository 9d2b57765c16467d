"""Benchmark: load the demo at national scale into a fresh PostgreSQL database and time it.

    .venv/bin/python bench/demo_load.py [--cases 1000000] [--seed 1] [--budget 300] [--keep]

Creates a database named ffw_bench_<timestamp> on the server BENCH_DATABASE_URL names (default
postgres://postgres@127.0.0.1:5432), migrates it, runs `manage.py demo` in a subprocess with DEBUG off
and --allow-production (as a production load would run), counts the rows, drops the database and
prints one JSON line. Exits 1 when the load takes longer than --budget seconds.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import resource
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SERVER = "postgres://postgres@127.0.0.1:5432"
TABLES = {
    "people_person": "persons",
    "people_employment": "employments",
    "people_condition": "conditions",
    "referrals_submission": "submissions",
    "referrals_referral": "referrals",
    "cases_case": "cases",
    "cases_casestatuschange": "status_changes",
    "cases_caseallocation": "allocations",
    "cases_task": "tasks",
    "cases_contact": "contacts",
    "interventions_onwardreferral": "onward_referrals",
    "interventions_onwardreferralstatuschange": "onward_status_changes",
    "assessments_questionnaireresponse": "questionnaire_responses",
    "assessments_assessment": "assessments",
    "assessments_pathwaydecision": "pathway_decisions",
    "outcomes_outcometimepoint": "outcome_time_points",
    "outcomes_outcomerecord": "outcome_records",
    "plans_plan": "plans",
    "plans_planversion": "plan_versions",
    "plans_obstacle": "plan_obstacles",
    "plans_recommendation": "plan_recommendations",
    "plans_timetableentry": "plan_timetable_entries",
    "plans_phasedweek": "plan_phased_weeks",
    "plans_fitnote": "fit_notes",
    "consent_consent": "consents",
    "employers_employerresponse": "employer_responses",
    "employers_recommendationanswer": "employer_answers",
    "cases_letter": "letters",
    "organisations_organisation": "organisations",
    "accounts_user": "users",
}
BULK = [label for label in TABLES.values() if label not in ("organisations", "users")]
PHASES = re.compile(r"(setup|rows|indexes|waiting) ([0-9.]+) s")


def server_url(database: str) -> str:
    """BENCH_DATABASE_URL with its database part replaced."""
    parts = urlsplit(os.environ.get("BENCH_DATABASE_URL", DEFAULT_SERVER))
    return urlunsplit((parts.scheme, parts.netloc, f"/{database}", parts.query, ""))


def admin(statement: str) -> None:
    with psycopg.connect(server_url("postgres"), autocommit=True) as connection:
        connection.execute(statement)


def manage(*args: str, database_url: str) -> tuple[float, str]:
    """Run a manage.py command against the benchmark database; return its wall time in seconds and output."""
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DEBUG": "false",
        "SECRET_KEY": "benchmark-only-secret-key-never-used-for-a-service-0123456789",
    }
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *args], cwd=ROOT, env=env, check=True, capture_output=True, text=True
    )
    sys.stderr.write(done.stdout + done.stderr)
    return time.perf_counter() - started, done.stdout


def count_rows(database_url: str) -> tuple[dict[str, int], str]:
    with psycopg.connect(database_url) as connection:
        counts = {}
        for table, label in TABLES.items():
            row = connection.execute(f"SELECT count(*) FROM {table}").fetchone()  # noqa: S608 - fixed names
            counts[label] = int(row[0]) if row else 0
        version = connection.execute("SHOW server_version").fetchone()
    return counts, str(version[0]) if version else ""


def memory_gib() -> float:
    pages = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    return round(pages / 2**30, 1)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--budget", type=float, default=300.0, help="seconds the load may take")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument(
        "--database", help="use (drop and create afresh) this database name instead of a new ffw_bench_ one"
    )
    options = parser.parse_args()

    database = options.database or f"ffw_bench_{datetime.now(UTC):%Y%m%d_%H%M%S}_{os.getpid()}"
    if not re.fullmatch(r"[a-z0-9_]+", database):
        parser.error("--database takes lower-case letters, digits and underscores")
    database_url = server_url(database)
    if options.database:
        admin(f'DROP DATABASE IF EXISTS "{database}"')
    admin(f'CREATE DATABASE "{database}"')
    load_before = os.getloadavg()
    try:
        migrate_seconds, _ = manage("migrate", "--no-input", "-v0", database_url=database_url)
        seconds, output = manage(
            "demo",
            "--cases", str(options.cases),
            "--seed", str(options.seed),
            "--no-progress",
            "--allow-production",
            database_url=database_url,
        )  # fmt: skip
        rows, server_version = count_rows(database_url)
    finally:
        if not options.keep:
            admin(f'DROP DATABASE IF EXISTS "{database}"')
    total = sum(rows[label] for label in BULK)
    result = {
        "benchmark": "demo_load",
        "cases": options.cases,
        "seed": options.seed,
        "seconds": round(seconds, 1),
        "cases_per_second": round(options.cases / seconds),
        "bulk_rows": total,
        "rows_per_second": round(total / seconds),
        "rows": rows,
        "phases": {name: float(value) for name, value in PHASES.findall(output)},
        "budget_seconds": options.budget,
        "within_budget": seconds <= options.budget,
        "migrate_seconds": round(migrate_seconds, 1),
        "cpu_seconds": round(sum(resource.getrusage(resource.RUSAGE_CHILDREN)[:2]), 1),
        "load_average_before": [round(value, 2) for value in load_before],
        "load_average_after": [round(value, 2) for value in os.getloadavg()],
        "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024),
        "postgresql": server_version,
        "cpus": os.cpu_count(),
        "memory_gib": memory_gib(),
        "python": platform.python_version(),
        "database": database if options.keep else None,
    }
    print(json.dumps(result))
    return 0 if result["within_budget"] else 1


if __name__ == "__main__":
    sys.exit(main())
