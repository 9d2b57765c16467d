from io import StringIO

import pytest
from django.core.management import call_command

from fitforwork.organisations.models import ServiceModel
from fitforwork.organisations.presets import PRESETS

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = StringIO()
    call_command("service_models", *args, stdout=out)
    return out.getvalue()


def test_load_command_loads_the_presets_once():
    assert run("load") == f"Service models: {len(PRESETS)} created, {len(PRESETS)} in all.\n"
    assert run("load") == f"Service models: 0 created, {len(PRESETS)} in all.\n"
    assert ServiceModel.objects.count() == len(PRESETS)


def test_list_command_shows_each_model_with_its_current_version():
    run("load")
    lines = run("list").splitlines()
    assert len(lines) == len(PRESETS)
    assert "workwell\tversion 1\tWorkWell (England, 2024-)" in lines
