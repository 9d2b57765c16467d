"""The production shape, on one machine: two app servers and two task workers sharing one PostgreSQL.

Two gunicorn servers take FHIR referrals from several senders at once, each sender retrying some of its
requests on the other server with the same Idempotency-Key (as a client behind a load balancer does after
a timeout); two `db_worker` processes send what the outbox holds. Then: every referral that was answered
201 is stored exactly once, a retry got the referral the first request made, and every message was sent
exactly once (one attempt, one file from the file backend the tests send through).

PostgreSQL only: SQLite is the one-machine database, with one writer at a time.
"""

import http.client
import json
import os
import socket
import subprocess
import sys
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django_tasks_db.models import DBTaskResult

from fitforwork.api.fhir import extensions as ext
from fitforwork.api.services import apiclient_create
from fitforwork.core.outbox.models import Message
from fitforwork.referrals.models import Referral, Submission
from tests.api.conftest import patient_resource, service_request_resource
from tests.people.factories import make_nhs_number
from tests.referrals.conftest import workwell_site  # noqa: F401 (a fixture)

pytestmark = [
    pytest.mark.skipif(
        settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
        reason="needs PostgreSQL: two servers and two workers write at once",
    ),
    pytest.mark.django_db(transaction=True),
    pytest.mark.timeout(120),
]

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
REFERRALS = 24  # spread over both servers; every third is retried on the other one
SENDERS = 6
FHIR = "application/fhir+json"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _environment(var_dir: Path) -> dict[str, str]:
    """The servers' and workers' settings: the test settings, on this test's PostgreSQL database."""
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    url = f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    return os.environ | {
        "DJANGO_SETTINGS_MODULE": "config.test_settings",
        "DATABASE_URL": url,
        "FFW_VAR_DIR": str(var_dir),  # the workers' file backend writes to var_dir / "test-outbox"
        "PYTHONUNBUFFERED": "1",
    }


def _request(port: int, method: str, path: str, body: dict | None = None, **headers: str):
    connection_ = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        data = json.dumps(body).encode() if body is not None else None
        connection_.request(method, path, body=data, headers={"Content-Type": FHIR, "Accept": FHIR, **headers})
        response = connection_.getresponse()
        return response.status, response.read()
    finally:
        connection_.close()


def _wait_until_serving(port: int, process: subprocess.Popen, deadline: float) -> None:
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"the server on port {port} stopped: {process.stdout.read()}")
        try:
            if _request(port, "GET", "/fhir/R4/metadata")[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise AssertionError(f"the server on port {port} did not start in time")


def _wait_until_sent(deadline: float) -> None:
    while time.monotonic() < deadline:
        if not Message.objects.exclude(status=Message.Status.SENT).exists() and Message.objects.exists():
            return
        time.sleep(0.25)


@pytest.fixture
def production_shape(tmp_path):
    """Two gunicorn servers and two django-tasks workers; yields the servers' ports, stops them all after."""
    env = _environment(tmp_path)
    ports = [_free_port(), _free_port()]
    commands = [
        [str(BIN / "gunicorn"), "config.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "1", "--threads", "4"]
        for port in ports
    ] + [
        [sys.executable, "manage.py", "db_worker", "--interval", "0.2", "--no-startup-delay", "--worker-id", name]
        for name in ("worker-1", "worker-2")
    ]
    processes = [
        subprocess.Popen(  # noqa: S603 (our own commands)
            command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
        )
        for command in commands
    ]
    try:
        deadline = time.monotonic() + 30
        for port, process in zip(ports, processes, strict=False):
            _wait_until_serving(port, process, deadline)
        yield ports, tmp_path / "test-outbox"
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def test_two_servers_and_two_workers_lose_nothing_and_do_nothing_twice(workwell_site, production_shape):  # noqa: F811
    ports, outbox = production_shape
    _, token = apiclient_create(name="Limes EMIS", ods_code=workwell_site.practice.ods_code)

    def send(number: int) -> tuple[int, list[tuple[int, str]]]:
        """One referral to one server; every third is sent again to the other server with the same key."""
        patient = patient_resource(
            identifier=[{"system": ext.NHS_NUMBER_SYSTEM, "value": make_nhs_number(number)}],
            name=[{"use": "official", "family": f"Twoservers{number}", "given": ["Sam"]}],
        )
        body = service_request_resource(patient=patient)
        headers = {"Authorization": f"Bearer {token}", "Idempotency-Key": f"two-servers-{number}"}
        first = ports[number % 2]
        answers = []
        for port in [first, ports[1 - number % 2]] if number % 3 == 0 else [first]:
            status, content = _request(port, "POST", "/fhir/R4/ServiceRequest", body, **headers)
            answers.append((status, json.loads(content).get("id", "") if status == 201 else content.decode()))
        return number, answers

    with ThreadPoolExecutor(max_workers=SENDERS) as senders:
        results = dict(senders.map(send, range(REFERRALS)))

    assert all(status == 201 for answers in results.values() for status, _ in answers), results
    ids = {number: {referral_id for _, referral_id in answers} for number, answers in results.items()}
    # A retry on the other server got the referral the first request made: one id per referral sent.
    assert all(len(found) == 1 for found in ids.values()), ids
    made = {found.pop() for found in ids.values()}
    assert len(made) == REFERRALS
    # None lost, none twice: exactly the referrals answered, one submission each.
    assert set(Referral.objects.values_list("pk", flat=True).iterator()) == {uuid.UUID(pk) for pk in made}
    assert Submission.objects.count() == REFERRALS

    _wait_until_sent(time.monotonic() + 30)
    messages = list(Message.objects.all())
    assert len(messages) >= REFERRALS  # each referral tells at least its referrer or the person
    assert {(message.status, message.attempts) for message in messages} == {(Message.Status.SENT, 1)}
    assert {path.stem for path in outbox.glob("*.json")} == {str(message.pk) for message in messages}
    # Each submission's delayed check that it ends in an outcome waits its 15 minutes, one per submission.
    checks = DBTaskResult.objects.filter(task_path="fitforwork.referrals.tasks.submission_check_later")
    assert set(checks.values_list("status", flat=True)) == {"READY"}
    assert checks.count() == REFERRALS
    # Each message's task ran once, on one of the two workers, and succeeded.
    results_ = list(DBTaskResult.objects.exclude(pk__in=checks.values("pk")).values_list("status", "worker_ids"))
    assert {status for status, _ in results_} == {"SUCCESSFUL"}
    assert all(len(workers) == 1 for _, workers in results_)
