"""`fitforwork score` and `fitforwork instruments`: their JSON, their messages and their exit codes."""

import json
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from fitforwork.assessments.models import InstrumentDefinition
from fitforwork.assessments.registry import definition_get, definitions_available

FIXTURE = Path(__file__).parent / "fixtures" / "made_up_licensed.json"


def run_score(capsys, *args):
    call_command("score", *args)
    return json.loads(capsys.readouterr().out)


@pytest.mark.django_db
def test_score_prints_one_json_object(capsys):
    out = run_score(capsys, "phq9", *["1", "1", "1", "1", "1", "1", "1", "1", "1", "-"])
    assert out["score"] == 9
    assert out["band"] == "mild"
    assert out["flags"] == ["self_harm"]


@pytest.mark.django_db
def test_score_optional_last_question_may_be_left_off(capsys):
    assert run_score(capsys, "phq9", *["3", "3", "3", "3", "3", "3", "3", "3", "0"])["band"] == "severe"


@pytest.mark.django_db
def test_score_flags_empty_list_when_none(capsys):
    assert run_score(capsys, "gad7", *["0", "0", "0", "0", "0", "0", "0"])["flags"] == []


@pytest.mark.django_db
def test_score_who5_gives_the_percentage(capsys):
    out = run_score(capsys, "who5", *["3", "3", "3", "3", "3"])
    assert out["score"] == 15
    assert out["percentages"] == {"percentage": 60}


@pytest.mark.django_db
def test_score_wpai_gives_its_four_percentages(capsys):
    out = run_score(capsys, "wpai_gh", *["1", "4", "0", "36", "3", "5"])
    assert out["percentages"] == {
        "absenteeism": 10,
        "presenteeism": 30,
        "overall_work_impairment": 37,
        "activity_impairment": 50,
    }


@pytest.mark.django_db
def test_score_wsas_missing_answer(capsys):
    out = run_score(capsys, "wsas", *["-", "3", "4", "2", "4"])
    assert out["score"] == 16.25


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("args", "words"),
    [(["phq9", "1", "1"], "2 answers given"), (["phq9", *["4"] * 9, "-"], "q1"), (["nope"], "nope")],
)
def test_score_bad_input_exits_2_with_the_reason(args, words):
    with pytest.raises(CommandError) as error:
        call_command("score", *args)
    assert error.value.returncode == 2
    assert words in str(error.value)


@pytest.mark.django_db
def test_instruments_load_list_and_use(capsys):
    call_command("instruments", "load", str(FIXTURE))
    assert "Loaded" in capsys.readouterr().out
    row = InstrumentDefinition.objects.get()
    assert (row.code, row.version, row.enabled) == ("madeup_profile", "0.1", True)
    assert definition_get("madeup_profile").title.startswith("A made-up")
    assert "madeup_profile" in [d.code for d in definitions_available()]
    call_command("instruments", "list")
    listing = capsys.readouterr().out
    assert "madeup_profile\t0.1\tloaded" in listing
    assert "phq9\t1.0\tshipped" in listing
    out = run_score(capsys, "madeup_profile", "2", "3", "4", "55")
    assert out["profile"].startswith("234")


@pytest.mark.django_db
def test_instruments_load_malformed_exits_2_listing_every_problem(tmp_path):
    data = json.loads(FIXTURE.read_text())
    del data["title"]
    data["items"][0]["options"] = []
    data["scoring"]["kind"] = "magic"
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(data))
    with pytest.raises(CommandError) as error:
        call_command("instruments", "load", str(bad))
    assert error.value.returncode == 2
    message = str(error.value)
    assert "title: is missing" in message
    assert "scoring.kind" in message
    assert not InstrumentDefinition.objects.exists()


@pytest.mark.django_db
def test_instruments_load_not_json_exits_2(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text("{nope")
    with pytest.raises(CommandError) as error:
        call_command("instruments", "load", str(bad))
    assert error.value.returncode == 2


def test_instruments_schema_writes_the_json_schema(tmp_path):
    target = tmp_path / "schema.json"
    call_command("instruments", "schema", str(target))
    schema = json.loads(target.read_text())
    assert "items" in schema["properties"]


def test_score_command_exit_code_from_the_console():
    done = subprocess.run(  # noqa: S603
        [sys.executable, "-m", "fitforwork", "score", "was", "11"],
        capture_output=True,
        text=True,
        check=False,
        env={"DJANGO_SETTINGS_MODULE": "config.settings", "DEBUG": "true", "PATH": "/usr/bin:/bin"},
    )
    assert done.returncode == 2
    assert "q1" in done.stderr
