"""Malformed extracts are refused with the file, row, column and reason; a minimal one from another system is read."""

import json

import pytest

from fitforwork.evaluation.columns import EPISODE_COLUMNS
from fitforwork.evaluation.reading import ExtractError, extract_read
from fitforwork.evaluation.report import evaluate

HEADER = [c.name for c in EPISODE_COLUMNS]
GOOD = {
    "episode_id": "e1", "person_id": "p1", "site": "A", "service_model": "m", "referral_source": "gp",
    "birth_year": "1980", "sex": "female", "main_condition": "msk", "referred_on": "2026-03-02",
    "furthest_stage": "assessed", "assessed_on": "2026-03-09", "discharged_on": "2026-05-01",
    "work_status_at_discharge": "in_work_usual",
}  # fmt: skip


def write(directory, rows, header=HEADER, meta=None):
    lines = [",".join(header)] + [",".join(row.get(name, "") for name in header) for row in rows]
    (directory / "episodes.csv").write_text("\n".join(lines) + "\n")
    if meta is not False:
        (directory / "extract.json").write_text(json.dumps(meta or {"data_cutoff": "2026-12-01"}))
    return directory


def refused(directory):
    with pytest.raises(ExtractError) as caught:
        extract_read(directory)
    return caught.value


def test_an_extract_from_another_system_needs_only_episodes_and_a_cut_off(tmp_path):
    extract = extract_read(
        write(tmp_path, [GOOD, {**GOOD, "episode_id": "e2", "work_status_at_discharge": "off_sick"}])
    )
    report = evaluate(extract.episodes, extract.outcomes)
    assert report["measures"]["returned_to_work"]["numerator"] == 1
    assert report["measures"]["returned_to_work"]["denominator"] == 2


def test_a_bad_date_is_refused_with_its_row_and_column(tmp_path):
    error = refused(write(tmp_path, [GOOD, {**GOOD, "episode_id": "e2", "referred_on": "02/03/2026"}]))
    assert (error.file, error.row, error.column) == ("episodes.csv", 3, "referred_on")
    assert "not an ISO 8601 date" in error.reason
    assert str(error) == "episodes.csv, row 3, column referred_on: '02/03/2026' is not an ISO 8601 date (YYYY-MM-DD)"


def test_an_unknown_main_condition_is_refused(tmp_path):
    error = refused(write(tmp_path, [{**GOOD, "main_condition": "back"}]))
    assert (error.row, error.column) == (2, "main_condition")
    assert "msk, mental_health, other" in error.reason


def test_a_missing_column_is_refused(tmp_path):
    error = refused(write(tmp_path, [GOOD], header=[h for h in HEADER if h != "returned_on"]))
    assert (error.file, error.row, error.column, error.reason) == ("episodes.csv", 1, "returned_on", "missing column")


def test_a_year_that_is_not_a_number_and_an_empty_id_are_refused(tmp_path):
    assert refused(write(tmp_path, [{**GOOD, "birth_year": "198O"}])).column == "birth_year"
    assert refused(write(tmp_path, [{**GOOD, "episode_id": ""}])).reason == "'' is empty: every row needs an identifier"


def test_a_repeated_episode_is_refused(tmp_path):
    error = refused(write(tmp_path, [GOOD, GOOD]))
    assert (error.row, error.column, error.reason) == (3, "episode_id", "episode_id appears twice")


def test_extract_json_must_carry_a_date_cut_off(tmp_path):
    assert refused(write(tmp_path, [GOOD], meta=False)).file == "extract.json"
    error = refused(write(tmp_path, [GOOD], meta={"data_cutoff": "soon"}))
    assert (error.file, error.column) == ("extract.json", "data_cutoff")
    (tmp_path / "extract.json").write_text("{not json")
    assert "not JSON" in refused(tmp_path).reason


def test_the_evaluate_command_says_why_it_refuses(tmp_path):
    from django.core.management import CommandError, call_command

    write(tmp_path, [{**GOOD, "discharged_on": "2026-13-01"}])
    with pytest.raises(CommandError, match=r"refused: episodes.csv, row 2, column discharged_on"):
        call_command("evaluate", "--extract", str(tmp_path), "--json", str(tmp_path / "out.json"))
