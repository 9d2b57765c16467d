from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction

DEMO_CASES = 200
DEMO_SEED = 7


def run_demo(**options) -> str:
    """Run the command as `make run` would, returning what it printed."""
    out = StringIO()
    options.setdefault("no_progress", True)
    call_command("demo", stdout=out, **options)
    return out.getvalue()


@pytest.fixture(scope="module")
def loaded_demo(django_db_setup, django_db_blocker):
    """One small demo per test module, rolled back at the end; tests only read it."""
    with django_db_blocker.unblock(), transaction.atomic():
        output = run_demo(cases=DEMO_CASES, seed=DEMO_SEED, allow_production=True)
        yield output
        transaction.set_rollback(True)
