"""Benchmark: the case work-list pages (caseload, my tasks, the team view filtered by breach) at national scale.

    .venv/bin/python bench/case_pages.py [--cases 1000000] [--requests 200] [--users 4] [--database NAME] [--keep]

Creates a fresh PostgreSQL database on BENCH_DATABASE_URL's server, migrates it and loads the demo (`--cases`
clients, nearly all with a case; about 5,000 staff at 1,000,000), unless `--database` names one already
loaded. Then, in this process with production settings (DEBUG off), it signs in several case managers and
team leads (two-factor verified in their sessions) and, for each page, times `--requests` GETs through
Django's test client, spread over the users, after a few warm-up requests. It counts each page's queries at
page sizes 25 and 100 (they must be equal), and times the page's main query alone as raw SQL. Prints one
JSON line per page: median_ms, p95_ms, queries, raw_sql_median_ms and ratio (page median over raw SQL
median). Exits 1 if a page misses its targets (median 50 ms, 95th percentile 100 ms) or its query count
changes with the page size.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path[:0] = [str(ROOT), str(HERE)]

from demo_load import admin, manage, server_url  # noqa: E402

PAGES = {
    "caseload": ("cases:caseload", {}, "case_manager"),
    "my_tasks": ("cases:my-tasks", {}, "case_manager"),
    "team_breach": ("cases:team", {"breach": "on"}, "team_lead"),
    "caseload_by_last_contact": ("cases:caseload", {"sort": "last_contact", "not_contacted": "on"}, "case_manager"),
    "tasks_due_today": ("cases:my-tasks", {"view": "due_today"}, "case_manager"),
    "team_unallocated": ("cases:team", {"case_manager": "unallocated"}, "team_lead"),
    "home_case_manager": ("accounts:home-case-manager", {}, "case_manager"),
    "home_team_lead": ("accounts:home-team-lead", {}, "team_lead"),
    "home_gp": ("accounts:home-gp", {}, "gp"),
}
# A home page has no one list query: its raw time is all the queries it makes of client data, run one after another.
HOME_PAGES = {"home_case_manager", "home_team_lead", "home_gp"}
CLIENT_TABLES = ('FROM "cases_', 'FROM "referrals_')
TARGET_MEDIAN_MS, TARGET_P95_MS = 50.0, 100.0
WARM_UP = 5


def _django(database_url: str) -> None:
    os.environ.update(
        {
            "DATABASE_URL": database_url,
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DEBUG": "false",
            "ALLOWED_HOSTS": "testserver",
            "FFW_PLAIN_STATIC": "true",
            "SECRET_KEY": "benchmark-only-secret-key-never-used-for-a-service-0123456789",
        }
    )
    import django

    django.setup()


def _users(count: int) -> dict[str, list[Any]]:
    """Case managers with a caseload and team leads of one team each, spread over the sites, in a fixed order."""
    from django.db.models import Count, Q

    from fitforwork.accounts.models import Role, User

    managers = (
        User.objects.filter(role=Role.CASE_MANAGER)
        .annotate(open_cases=Count("managed_cases", filter=~Q(managed_cases__status="discharged")))
        .filter(open_cases__gt=0)
        .order_by("email")
    )
    leads = User.objects.filter(role=Role.TEAM_LEAD).annotate(teams_led=Count("teams")).order_by("teams_led", "email")
    step = max(1, managers.count() // count)
    gps = User.objects.filter(role=Role.GP, organisation__isnull=False).order_by("email")
    return {"case_manager": list(managers[::step][:count]), "team_lead": list(leads[:count]), "gp": list(gps[:count])}


def _signed_in(user: Any) -> Any:
    """A test client whose session is signed in and two-factor verified, as after the sign-in pages."""
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device, _ = TOTPDevice.objects.get_or_create(user=user, name="Benchmark", defaults={"confirmed": True})
    client = Client()
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


CPU_MS: list[float] = []  # this process's CPU time for each timed request (not PostgreSQL's)


def _get(client: Any, path: str, params: dict[str, str]) -> tuple[float, Any]:
    started, cpu_started = time.perf_counter(), time.process_time()
    response = client.get(path, params, secure=True)
    elapsed = (time.perf_counter() - started) * 1000
    CPU_MS.append((time.process_time() - cpu_started) * 1000)
    if response.status_code != 200:
        raise RuntimeError(f"{path} answered {response.status_code}")
    return elapsed, response


def _queries(client: Any, path: str, params: dict[str, str]) -> list[str]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        _get(client, path, params)
    return [query["sql"] for query in captured.captured_queries]


def _main_query(queries: list[str]) -> str:
    """The page's list query: the one that reads the cases or tasks with a LIMIT."""
    listing = [sql for sql in queries if "LIMIT" in sql and ('FROM "cases_case"' in sql or 'FROM "cases_task"' in sql)]
    return max(listing or queries, key=len)


def _raw_sql_ms(sqls: list[str], repeats: int) -> float:
    from django.db import connection

    timings = []
    with connection.cursor() as cursor:
        for _ in range(repeats + WARM_UP):
            started = time.perf_counter()
            for sql in sqls:
                cursor.execute(sql)
                cursor.fetchall()
            timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings[WARM_UP:])


def _client_queries(queries: list[str]) -> list[str]:
    """A home page's queries of client data (cases, tasks, referrals), not the session's or the user's."""
    return [sql for sql in queries if any(table in sql for table in CLIENT_TABLES) and "INSERT" not in sql]


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def measure(name: str, users: dict[str, list[Any]], requests: int, cases: int) -> dict[str, Any]:
    from django.urls import reverse

    url_name, params, role = PAGES[name]
    path = reverse(url_name)
    clients = [_signed_in(user) for user in users[role]]
    for client in clients:
        for _ in range(WARM_UP):
            _get(client, path, params)
    timings = []
    rows = 0
    CPU_MS.clear()
    for number in range(requests):
        elapsed, response = _get(clients[number % len(clients)], path, params)
        timings.append(elapsed)
        rows = max(rows, response.content.count(b'class="nhsuk-table__row"'))
    cpu = statistics.median(CPU_MS)
    by_size = {size: _queries(clients[0], path, {**params, "size": str(size)}) for size in (25, 100)}
    raw = _client_queries(by_size[25]) if name in HOME_PAGES else [_main_query(by_size[25])]
    raw_ms = _raw_sql_ms(raw, repeats=min(requests, 100))
    median = statistics.median(timings)
    p95 = _percentile(timings, 0.95)
    same_queries = len(by_size[25]) == len(by_size[100])
    return {
        "benchmark": "case_pages",
        "page": name,
        "cases": cases,
        "users": len(clients),
        "requests": requests,
        "median_ms": round(median, 1),
        "p95_ms": round(p95, 1),
        "python_cpu_median_ms": round(cpu, 1),
        "queries": len(by_size[25]),
        "queries_at_100": len(by_size[100]),
        "rows_on_page_max": rows,
        "raw_sql_median_ms": round(raw_ms, 2),
        "raw_queries": len(raw),
        "ratio": round(median / raw_ms, 1) if raw_ms else None,
        "within_target": median <= TARGET_MEDIAN_MS and p95 <= TARGET_P95_MS and same_queries,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--users", type=int, default=4)
    parser.add_argument("--database", default="", help="an already loaded database to measure (kept)")
    parser.add_argument("--keep", action="store_true", help="keep the database this run creates")
    parser.add_argument("--pages", nargs="*", default=list(PAGES), choices=list(PAGES))
    options = parser.parse_args()

    database = options.database or f"ffw_bench_{datetime.now(UTC):%Y%m%d_%H%M%S}_{os.getpid()}"
    database_url = server_url(database)
    load_seconds = None
    if not options.database:
        admin(f'CREATE DATABASE "{database}"')
    try:
        if not options.database:
            manage("migrate", "--no-input", "-v0", database_url=database_url)
            load_seconds, _ = manage(
                "demo", "--cases", str(options.cases), "--seed", str(options.seed), "--no-progress",
                "--allow-production", database_url=database_url,
            )  # fmt: skip
        _django(database_url)
        from django.db import connection

        from fitforwork.cases.models import Case

        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        cases = Case.objects.count()
        users = _users(options.users)
        results = [measure(name, users, options.requests, cases) for name in options.pages]
        connection.close()
    finally:
        if not options.database and not options.keep:
            admin(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
    for result in results:
        result["load_seconds"] = round(load_seconds, 1) if load_seconds else None
        result["database"] = database if (options.database or options.keep) else None
        print(json.dumps(result))
    return 0 if all(result["within_target"] for result in results) else 1


if __name__ == "__main__":
    sys.exit(main())
