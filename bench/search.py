"""Benchmark: the header's case search at national scale, each kind of query.

    .venv/bin/python bench/search.py [--cases 1000000] [--requests 200] [--users 4] [--database NAME] [--keep]

Creates a fresh PostgreSQL database on BENCH_DATABASE_URL's server, migrates it and loads the demo (`--cases`
clients), unless `--database` names one already loaded. Then, in this process with production settings (DEBUG
off), it signs in several case managers (two-factor verified in their sessions) and, for each kind of search,
times `--requests` GETs of the search page through Django's test client, spread over the users, each asking
for a different case the user may see (its NHS number with spaces, referral reference, date of birth as
3/4/1980, postcode without its space, family name alone, first and family name, family name and date of
birth), and for the commonest family name in the database. Every request is the whole page: sign-in checks,
the search, the audit event it writes and the template. Prints one JSON line per kind: median_ms, p95_ms,
queries, the results on the page, and the machine's load average (the machine may be shared). Exits 1 if a
kind's median is over 100 ms or a search missed the case it asked for.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path[:0] = [str(ROOT), str(HERE)]

from case_pages import WARM_UP, _django, _percentile, _signed_in  # noqa: E402
from demo_load import admin, manage, server_url  # noqa: E402

TARGET_MEDIAN_MS = 100.0
SAMPLE = 400  # visible cases a user's queries are drawn from

KINDS: dict[str, Callable[[Any], str]] = {
    "nhs_number": lambda case: (
        f"{case.person.nhs_number[:3]} {case.person.nhs_number[3:6]} {case.person.nhs_number[6:]}"
    ),
    "reference": lambda case: case.referral.reference,
    "date_of_birth": lambda case: (
        f"{case.person.date_of_birth.day}/{case.person.date_of_birth.month}/{case.person.date_of_birth.year}"
    ),
    "postcode": lambda case: case.person.postcode.replace(" ", ""),
    "family_name": lambda case: case.person.family_name,
    "full_name": lambda case: f"{case.person.given_name} {case.person.family_name}",
    "family_name_and_date_of_birth": lambda case: f"{case.person.family_name} {case.person.date_of_birth:%d-%m-%Y}",
}


def _users(count: int) -> list[Any]:
    """Case managers in a team with a caseload, spread over the sites, in a fixed order."""
    from django.db.models import Count, Q

    from fitforwork.accounts.models import Role, User

    managers = (
        User.objects.filter(role=Role.CASE_MANAGER, teams__isnull=False)
        .annotate(open_cases=Count("managed_cases", filter=~Q(managed_cases__status="discharged")))
        .filter(open_cases__gt=0)
        .order_by("email")
        .distinct()
    )
    step = max(1, managers.count() // count)
    return list(managers[::step][:count])


def _visible_sample(user: Any, rng: random.Random) -> list[Any]:
    """Cases `user` may see, with an NHS number, chosen at random (from the first few thousand by id)."""
    from fitforwork.cases.access import cases_visible_to

    cases = cases_visible_to(user).exclude(person__nhs_number="").select_related("person", "referral")
    pool = list(cases.order_by("pk")[: SAMPLE * 5])
    return rng.sample(pool, min(SAMPLE, len(pool)))


def _commonest_family_name() -> str:
    from django.db.models import Count

    from fitforwork.people.models import Person

    row = Person.objects.values("family_name").annotate(n=Count("pk")).order_by("-n").first()
    return row["family_name"] if row else "Smith"


def _get(client: Any, text: str) -> tuple[float, Any]:
    started = time.perf_counter()
    response = client.get("/cases/search/", {"q": text}, secure=True)
    elapsed = (time.perf_counter() - started) * 1000
    if response.status_code != 200:
        raise RuntimeError(f"search for a {text!r} answered {response.status_code}")
    return elapsed, response


def _queries(client: Any, text: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        _get(client, text)
    return len(captured.captured_queries)


def measure(kind: str, work: list[tuple[Any, Any, str]], requests: int, cases: int) -> dict[str, Any]:
    """`work` holds (client, case or None, text) for each request, in turn."""
    for client, _, text in work[:WARM_UP]:
        _get(client, text)
    timings, rows, missed = [], [], 0
    for number in range(requests):
        client, case, text = work[number % len(work)]
        elapsed, response = _get(client, text)
        timings.append(elapsed)
        rows.append(response.content.count(b'class="nhsuk-table__row"'))
        if (
            case is not None
            and f"/cases/{case.pk}/".encode() not in response.content
            and b"add a first name" not in response.content
        ):
            missed += 1
    median = statistics.median(timings)
    return {
        "benchmark": "search",
        "kind": kind,
        "cases": cases,
        "users": len({id(client) for client, _, _ in work}),
        "requests": requests,
        "median_ms": round(median, 1),
        "p95_ms": round(_percentile(timings, 0.95), 1),
        "queries": _queries(work[0][0], work[0][2]),
        "results_median": statistics.median(rows),
        "results_max": max(rows),
        "missed": missed,
        "load_average": [round(value, 2) for value in os.getloadavg()],
        "within_target": median <= TARGET_MEDIAN_MS and missed == 0,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--users", type=int, default=4)
    parser.add_argument("--database", default="", help="an already loaded database to measure (kept)")
    parser.add_argument("--keep", action="store_true", help="keep the database this run creates")
    parser.add_argument("--kinds", nargs="*", default=[*KINDS, "common_family_name"])
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
            # As autovacuum leaves a live database: the visibility map set, so index-only scans stay so.
            cursor.execute("VACUUM (ANALYZE) people_person, cases_case")
        cases = Case.objects.count()
        rng = random.Random(options.seed)
        users = _users(options.users)
        clients = [_signed_in(user) for user in users]
        samples = [_visible_sample(user, rng) for user in users]
        common = _commonest_family_name()
        results = []
        for kind in options.kinds:
            work: list[tuple[Any, Any, str]] = []
            for index in range(max(len(sample) for sample in samples)):
                for client, sample in zip(clients, samples, strict=True):
                    if kind == "common_family_name":
                        work.append((client, None, common))
                    elif index < len(sample):
                        work.append((client, sample[index], KINDS[kind](sample[index])))
            results.append(measure(kind, work, options.requests, cases))
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
