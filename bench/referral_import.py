"""Benchmark: `fitforwork import-referrals` on a large CSV file, on PostgreSQL.

    .venv/bin/python bench/referral_import.py [--rows 20000] [--cases 1000] [--target 200]

Makes a fresh database (BENCH_DATABASE_URL's server), loads a demo of `--cases` clients, writes a CSV file of
`--rows` referrals from GP practices in a WorkWell site (one row in 50 is refused for a bad date, one in 50
is a second referral for someone earlier in the file), imports it with the management command, as an operator
would, then imports it again. Prints one JSON line; exits 1 unless every row had the expected outcome, the
second import made nothing new, and the first imported at least `--target` rows a second.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import re
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parent))
from demo_load import admin, manage, server_url  # noqa: E402

SUMMARY = re.compile(r"(\d+) rows from \S+: (\d+) made, (\d+) ineligible, (\d+) refused, (\d+) already imported")
HEADER = [
    "source", "given_name", "family_name", "date_of_birth", "postcode", "gp_practice_code", "email",
    "employment_status", "absence_start", "condition_category", "reason", "consent",
]  # fmt: skip


def write_file(path: Path, rows: int, practice: str) -> dict[str, int]:
    """The CSV file; returns how many rows should be refused and how many repeat someone earlier in it."""
    off_since = (datetime.now(UTC).date() - timedelta(weeks=3)).isoformat()
    expected = {"refused": 0, "repeats": 0}
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        for n in range(rows):
            person = n - 1 if n % 50 == 49 else n  # a second referral for the person on the row before
            expected["repeats"] += person != n
            born = (date(1970, 1, 1) + timedelta(days=person % 15000)).isoformat()
            if n % 50 == 25:
                born, expected["refused"] = "31/02/1980", expected["refused"] + 1
            writer.writerow([
                "gp", "Sam", f"Import{person}", born, "LE1 6TP", practice, f"import{person}@example.org",
                "employed_off_sick", off_since, "musculoskeletal", "Low back pain, off work.", "yes",
            ])  # fmt: skip
    return expected


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--cases", type=int, default=1000, help="demo clients loaded first")
    parser.add_argument("--target", type=float, default=200, help="rows a second the first import must reach")
    options = parser.parse_args()

    database = f"ffw_bench_import_{int(time.time())}_{os.getpid()}"
    url = server_url(database)
    admin(f'CREATE DATABASE "{database}"')
    try:
        manage("migrate", "--no-input", "-v0", database_url=url)
        manage("demo", "--cases", str(options.cases), "--seed", "1", "--no-progress", "--allow-production",
               database_url=url)  # fmt: skip
        with psycopg.connect(url) as connection:
            site, practice = connection.execute(
                "SELECT s.name, o.ods_code FROM organisations_site s JOIN organisations_site_gp_practices p "
                "ON p.site_id = s.id JOIN organisations_organisation o ON o.id = p.organisation_id "
                "WHERE s.name LIKE 'WorkWell%%' ORDER BY s.name, o.ods_code LIMIT 1"
            ).fetchone()
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "referrals.csv"
            expected = write_file(path, options.rows, practice)
            first_seconds, first = manage("import-referrals", str(path), "--site", site, "--no-progress",
                                          database_url=url)  # fmt: skip
            again_seconds, again = manage("import-referrals", str(path), "--site", site, "--no-progress",
                                          database_url=url)  # fmt: skip
        with psycopg.connect(url) as connection:
            referrals = connection.execute("SELECT count(*) FROM referrals_referral WHERE channel = 'bulk_file'")
            made_in_database = int(referrals.fetchone()[0])
            flagged = connection.execute(
                "SELECT count(*) FROM referrals_referral WHERE channel = 'bulk_file' AND duplicate_status = 'flagged'"
            ).fetchone()[0]
    finally:
        admin(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
    counts = [int(n) for n in SUMMARY.search(first).groups()]  # type: ignore[union-attr]
    repeat = [int(n) for n in SUMMARY.search(again).groups()]  # type: ignore[union-attr]
    made = counts[1] + counts[2]
    rate = round(options.rows / first_seconds, 1)
    result = {
        "benchmark": "referral_import",
        "rows": options.rows,
        "demo_cases": options.cases,
        "seconds": round(first_seconds, 1),
        "rows_per_second": rate,
        "made": made,
        "refused": counts[3],
        "flagged_as_possible_duplicates": int(flagged),
        "seconds_to_import_again": round(again_seconds, 1),
        "already_imported_the_second_time": repeat[4],
        "cpus": os.cpu_count(),
        "target_rows_per_second": options.target,
    }
    result["within_target"] = (
        counts[0] == options.rows
        and counts[3] == expected["refused"]
        and made == made_in_database == options.rows - expected["refused"]
        and flagged == expected["repeats"]
        and repeat[4] == options.rows
        and rate >= options.target
    )
    print(json.dumps(result))
    return 0 if result["within_target"] else 1


if __name__ == "__main__":
    sys.exit(main())
