"""Benchmark: referral intake over HTTP on PostgreSQL with 16 concurrent clients.

    .venv/bin/python bench/referral_intake.py [--clients 16] [--seconds 20] [--workers 2] [--threads 8] [--target 200]

Makes a fresh database (BENCH_DATABASE_URL's server), loads a small demo, creates an API client for a GP
practice, serves the service with gunicorn (production settings, DEBUG off), and has N client threads POST
FHIR ServiceRequests (each with its own Idempotency-Key) for a fixed time. Then the same clients POST to a
bare Django view that inserts one row, on the same server and database, for the ratio. Prints one JSON
line; exits 1 if any request failed or the rate is under the target.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit

import psycopg
import requests

sys.path.insert(0, str(Path(__file__).resolve().parent))
from demo_load import admin, manage, server_url  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
EXT = "https://fitforwork.example.org/fhir/StructureDefinition"
JSON = "application/json"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _processes() -> list[tuple[int, int, str]]:
    """(pid, parent pid, command line) of every process we can read (Linux /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        found.append((int(entry.name), int(stat.rsplit(")", 1)[1].split()[1]), command))
    return found


def _cpu_seconds(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def cpu_used(server_pid: int, database: str) -> dict[str, float]:
    """CPU seconds so far of the server and its workers, PostgreSQL's backends for `database`, and this load
    generator."""
    parts = {"server": {server_pid}, "database": set(), "load_generator": {os.getpid()}}
    for pid, parent, command in _processes():
        if parent == server_pid:
            parts["server"].add(pid)
        elif f" {database} " in command:
            parts["database"].add(pid)
    return {part: sum(_cpu_seconds(pid) for pid in pids) for part, pids in parts.items()}


def _spent(before: dict[str, float], after: dict[str, float]) -> dict[str, float]:
    return {part: after[part] - before[part] for part in before}


def service_request(n: int) -> dict:
    absence_start = (datetime.now(UTC).date() - timedelta(weeks=3)).isoformat()
    return {
        "resourceType": "ServiceRequest",
        "status": "active",
        "intent": "order",
        "subject": {"reference": "#p"},
        "contained": [
            {
                "resourceType": "Patient",
                "id": "p",
                "name": [{"family": f"Bench{n}", "given": ["Sam"]}],
                "birthDate": (date(1970, 1, 1) + timedelta(days=n % 15000)).isoformat(),
                "address": [{"postalCode": "LE1 6TP"}],
                "telecom": [{"system": "email", "value": f"bench{n}@example.org"}],
            }
        ],
        "reasonCode": [{"text": "Low back pain, off work."}],
        "extension": [
            {"url": f"{EXT}/employment-status", "valueCode": "employed_off_sick"},
            {"url": f"{EXT}/condition-category", "valueCode": "musculoskeletal"},
            {"url": f"{EXT}/consent", "valueBoolean": True},
            {"url": f"{EXT}/absence-start", "valueDate": absence_start},
        ],
    }


def hammer(url: str, headers: dict, body, clients: int, seconds: float, ok: str = "201") -> dict:
    """POST from `clients` threads for `seconds`, each on its own kept-alive connection; count answers by status.

    Plain `http.client`, not `requests`: the load generator shares the machine's two cores with the server and
    the database, and `requests` cost about 1.8 ms of CPU a request, as much as a third of what is measured.
    """
    counts: dict[str, int] = {}
    lock = threading.Lock()
    stop_at = time.perf_counter() + seconds
    sequence = iter(range(10**9))
    where = urlsplit(url)

    def client() -> None:
        connection = http.client.HTTPConnection(where.hostname, where.port, timeout=30)
        while time.perf_counter() < stop_at:
            with lock:
                n = next(sequence)
            content = json.dumps(body(n)).encode()
            sent = {**headers, "Idempotency-Key": str(uuid.uuid4()), "Content-Type": headers.get("Content-Type", JSON)}
            try:
                connection.request("POST", where.path, body=content, headers=sent)
                answer = connection.getresponse()
                answer.read()
                key = str(answer.status)
            except (OSError, http.client.HTTPException) as error:
                key = type(error).__name__
                connection.close()
            with lock:
                counts[key] = counts.get(key, 0) + 1
        connection.close()

    started = time.perf_counter()
    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    return {"per_second": round(counts.get(ok, 0) / elapsed, 1), "answers": counts, "seconds": round(elapsed, 1)}


def _count(database: psycopg.Connection, sql: str, *params: object) -> int:
    return int(database.execute(sql, params).fetchone()[0])


def without_waiting(base: str, headers: dict, url: str, clients: int, seconds: float, cpu: Callable) -> dict:
    """Referrals sent with `Prefer: respond-async`: answered 202 once stored and checked, made by each worker's
    background writer. The rate is of referrals made: from the first request until the last is committed."""
    database = psycopg.connect(url, autocommit=True)  # one connection, so its backend's CPU is counted throughout
    made_before = _count(database, "SELECT count(*) FROM referrals_referral")
    since = database.execute("SELECT now()").fetchone()[0]
    before = cpu()
    started = time.perf_counter()
    phase = hammer(
        f"{base}/fhir/R4/ServiceRequest",
        {**headers, "Prefer": "respond-async"},
        service_request,
        clients,
        seconds,
        ok="202",
    )
    deadline = time.perf_counter() + 120
    while _count(database, WAITING, since) and time.perf_counter() < deadline:
        time.sleep(0.05)
    finished = time.perf_counter()
    phase["cpu_seconds"] = _spent(before, cpu())
    phase["made"] = _count(database, "SELECT count(*) FROM referrals_referral") - made_before
    phase["still_waiting"] = _count(database, WAITING, since)
    database.close()
    phase["made_per_second"] = round(phase["made"] / (finished - started), 1)
    phase["seconds_to_finish_after_the_last_request"] = round(finished - started - phase["seconds"], 2)
    return phase


WAITING = "SELECT count(*) FROM referrals_submission WHERE outcome = 'received' AND received_at >= %s"


def _transactions(stats_file: Path) -> dict[str, float]:
    """Referrals per group-commit transaction, from what each gunicorn worker wrote as it stopped."""
    totals: dict[str, list[int]] = {}
    if stats_file.exists():
        for line in stats_file.read_text().splitlines():
            for kind, (batches, jobs) in json.loads(line).items():
                total = totals.setdefault(kind, [0, 0])
                total[0] += batches
                total[1] += jobs
        stats_file.unlink()
    return {kind: round(jobs / batches, 1) for kind, (batches, jobs) in totals.items() if batches}


def _per_answer(phase: dict) -> dict[str, float] | None:
    """CPU milliseconds per answer, in all and by part."""
    answered = sum(phase["answers"].values())
    if not answered:
        return None
    parts = {part: round(seconds * 1000 / answered, 2) for part, seconds in phase["cpu_seconds"].items()}
    return {"total": round(sum(phase["cpu_seconds"].values()) * 1000 / answered, 2), **parts}


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=20)
    # Two processes for two cores, eight threads each: a process's waiting referrals share a transaction, so
    # more threads a process make bigger batches (4 workers of 4 threads made 1.6 referrals a transaction).
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--target", type=float, default=200)
    options = parser.parse_args()

    database = f"ffw_bench_intake_{int(time.time())}_{os.getpid()}"
    stats_file = Path(tempfile.gettempdir()) / f"{database}.jsonl"
    admin(f'CREATE DATABASE "{database}"')
    url = server_url(database)
    server = None
    try:
        manage("migrate", "--no-input", "-v0", database_url=url)
        manage("demo", "--cases", "200", "--seed", "1", "--no-progress", "--allow-production", database_url=url)
        ods = subprocess.run(
            [
                "psql",
                url,
                "-Atc",
                "SELECT o.ods_code FROM organisations_organisation o JOIN organisations_site_gp_practices "
                "p ON p.organisation_id = o.id JOIN organisations_site s ON s.id = p.site_id "
                "WHERE s.name LIKE 'WorkWell%' LIMIT 1",
            ],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
        env = {
            **os.environ,
            "DATABASE_URL": url,
            "DJANGO_SETTINGS_MODULE": "bench_site",
            "PYTHONPATH": f"{ROOT / 'bench'}:{ROOT}",
            "DEBUG": "false",
            "SECRET_KEY": "benchmark-only-secret-key-never-used-for-a-service-0123456789",
            "ALLOWED_HOSTS": "127.0.0.1",
            "SECURE_SSL_REDIRECT": "false",
            "FFW_PLAIN_STATIC": "true",
            "LOG_LEVEL": "WARNING",
            "BENCH_STATS_FILE": str(stats_file),
            # Connections kept for the whole run: a backend closed midway takes its CPU time out of the sums.
            "CONN_MAX_AGE": "3600",
        }
        created = subprocess.run(
            [sys.executable, str(ROOT / "manage.py"), "apiclient", "create", "bench", "--organisation", ods],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        token = re.search(r"([A-Za-z0-9_\-]{30,})", created).group(1)
        port = free_port()
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "config.wsgi:application",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                str(options.workers),
                "--worker-class",
                "gthread",
                "--threads",
                str(options.threads),
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=env,
        )
        base = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                requests.get(f"{base}/fhir/R4/metadata", timeout=1)
                break
            except requests.RequestException:
                time.sleep(0.2)
        headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/fhir+json"}
        hammer(f"{base}/fhir/R4/ServiceRequest", headers, service_request, options.clients, 3)  # warm up
        hammer(f"{base}/bench/bare-insert/", {}, lambda n: {"n": n}, options.clients, 1)
        cpu = cpu_used(server.pid, database)
        intake = hammer(f"{base}/fhir/R4/ServiceRequest", headers, service_request, options.clients, options.seconds)
        intake["cpu_seconds"] = _spent(cpu, cpu_used(server.pid, database))
        later = without_waiting(
            base, headers, url, options.clients, options.seconds, lambda: cpu_used(server.pid, database)
        )
        cpu = cpu_used(server.pid, database)
        bare = hammer(f"{base}/bench/bare-insert/", {}, lambda n: {"n": n}, options.clients, options.seconds)
        bare["cpu_seconds"] = _spent(cpu, cpu_used(server.pid, database))
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
        admin(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
    transactions = _transactions(stats_file)
    errors = sum(count for key, count in later["answers"].items() if key != "202")
    errors += sum(count for key, count in intake["answers"].items() if key != "201")
    rate = later["made_per_second"]
    result = {
        "benchmark": "referral_intake",
        "clients": options.clients,
        "gunicorn_workers": options.workers,
        "gunicorn_threads": options.threads,
        # Sent with `Prefer: respond-async`: made (committed) per second, from the first request to the last made.
        "referrals_per_second": rate,
        "referral_answers": later["answers"],
        "referrals_made": later["made"],
        "still_waiting_at_the_end": later["still_waiting"],
        "seconds_to_finish_after_the_last_request": later["seconds_to_finish_after_the_last_request"],
        # Sent waiting for the referral (201 with the ServiceRequest), as a sender without the Prefer header does.
        "referrals_per_second_waiting": intake["per_second"],
        "referral_answers_waiting": intake["answers"],
        "bare_insert_per_second": bare["per_second"],
        "ratio_to_bare_insert": round(rate / bare["per_second"], 3) if bare["per_second"] else None,
        "ratio_to_bare_insert_waiting": round(intake["per_second"] / bare["per_second"], 3)
        if bare["per_second"]
        else None,
        # CPU time of the server, PostgreSQL and the load generator, per answer, in all and by part: steadier
        # than the rates when other work shares the machine; `cpus * 1000 / total` is the rate it could reach.
        "cpu_ms_per_referral": _per_answer(later),
        "cpu_ms_per_referral_waiting": _per_answer(intake),
        "cpu_ms_per_bare_insert": _per_answer(bare),
        # Referrals per transaction, averaged over the gunicorn workers (warm-up included).
        "referrals_per_transaction": transactions.get("without_waiting"),
        "referrals_per_transaction_waiting": transactions.get("waiting"),
        "cpus": os.cpu_count(),
        "target_per_second": options.target,
        "within_target": errors == 0
        and later["still_waiting"] == 0
        and later["made"] == later["answers"].get("202", 0)
        and rate >= options.target,
    }
    print(json.dumps(result))
    return 0 if result["within_target"] else 1


if __name__ == "__main__":
    sys.exit(main())
