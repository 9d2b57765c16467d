"""The extract from the database, and evaluate from the database and from extracts by the same code."""

import hashlib
import hmac
import json
from datetime import UTC, datetime
from decimal import Decimal

import pandas as pd
import pytest
from django.core.management import call_command

from fitforwork.assessments.models import QuestionnaireResponse
from fitforwork.cases.models import CaseStatusChange
from fitforwork.evaluation.columns import EPISODE_COLUMNS
from fitforwork.evaluation.database import episodes_from_database
from fitforwork.evaluation.reading import extract_read, extracts_pool
from fitforwork.evaluation.report import evaluate
from tests.factories import CaseFactory
from tests.referrals.conftest import workwell_site  # noqa: F401


def _at(day: str) -> datetime:
    return datetime.fromisoformat(day + "T10:00").replace(tzinfo=UTC)


@pytest.fixture
def cases(workwell_site):  # noqa: F811
    returned = CaseFactory(
        discharged=True,
        referral__site=workwell_site,
        referral__received_at=_at("2026-03-02"),
        referral__absence_start=datetime(2026, 2, 20).date(),
        furthest_stage="active_support",
        discharged_at=_at("2026-05-01"),
        return_to_work_date=datetime(2026, 4, 20).date(),
        referral__person__date_of_birth=datetime(1979, 11, 30).date(),
        referral__person__postcode="LE1 6TP",
    )
    for status, day in (("contacted", "2026-03-04"), ("assessed", "2026-03-09"), ("contacted", "2026-03-20")):
        CaseStatusChange.objects.create(case=returned, to_status=status, at=_at(day))
    for day, score in (("2026-03-09", 40), ("2026-04-28", 52)):
        QuestionnaireResponse.objects.create(
            case=returned, instrument_code="who5", instrument_version="1", engine_version="1", score=score,
            percentages={"percentage": str(score * 4)}, mode="phone", completed_at=_at(day),
        )  # fmt: skip
    QuestionnaireResponse.objects.create(
        case=returned, instrument_code="ompsq10", instrument_version="1", engine_version="1", score=Decimal("47"),
        mode="phone", completed_at=_at("2026-03-09"),
    )  # fmt: skip
    still_open = CaseFactory(referral__site=workwell_site, referral__received_at=_at("2026-06-01"))
    return returned, still_open


def test_episodes_from_the_database(cases):
    returned, still_open = cases
    frame = episodes_from_database().set_index("episode_id")
    row = frame.loc[str(returned.pk)]
    assert row["referred_on"].date().isoformat() == "2026-03-02"
    assert row["first_contact_on"].date().isoformat() == "2026-03-04"  # the first time it was contacted
    assert row["assessed_on"].date().isoformat() == "2026-03-09"
    assert row["discharged_on"].date().isoformat() == "2026-05-01"
    assert row["returned_on"].date().isoformat() == "2026-04-20"
    assert (row["birth_year"], row["postcode_district"], row["main_condition"]) == (1979, "LE1", "msk")
    assert (row["site"], row["service_model"], row["referral_source"]) == ("WorkWell Leicester", "workwell", "gp")
    # WHO-5 is read on its percentage (its change measure): baseline 160 -> discharge 208 here
    assert (row["baseline_who5"], row["discharge_who5"], row["baseline_ompsq10"]) == (160.0, 208.0, 47.0)
    assert pd.isna(row["discharge_ompsq10"])
    assert pd.isna(frame.loc[str(still_open.pk), "discharged_on"])
    assert len(frame) == 2


def test_reading_reports_progress_case_by_case(cases):
    seen: list[int] = []
    frame = episodes_from_database(progress=seen.append)
    assert sum(seen) == len(frame) == 2
    assert str(frame["referred_on"].dtype).startswith("datetime64")  # not Python date objects


def test_extract_is_pseudonymised_and_keeps_its_key_outside(cases, tmp_path, settings):
    returned, _ = cases
    settings.VAR_DIR = tmp_path / "var"
    out = tmp_path / "extract"
    call_command("extract", "--out", str(out), "--no-progress")
    assert sorted(p.name for p in out.iterdir()) == [
        "data-dictionary.md",
        "episodes.csv",
        "extract.json",
        "outcomes.csv",
    ]
    meta = json.loads((out / "extract.json").read_text())
    (key_file,) = (tmp_path / "var" / "extract-keys").iterdir()
    key = bytes.fromhex(key_file.read_text().strip())
    assert meta["key_fingerprint"] == hashlib.sha256(key).hexdigest()[:16]
    assert key.hex() not in "".join(p.read_text() for p in out.iterdir())
    assert meta["counts"] == {"episodes": 2, "people": 2, "outcome_rows": 0}
    episodes = pd.read_csv(out / "episodes.csv", dtype=str, keep_default_na=False)
    assert [c.name for c in EPISODE_COLUMNS] == list(episodes.columns[: len(EPISODE_COLUMNS)])
    expected = hmac.new(key, str(returned.pk).encode(), hashlib.sha256).hexdigest()[:32]
    row = episodes.set_index("episode_id").loc[expected]
    assert (row["birth_year"], row["postcode_district"], row["absence_start"]) == ("1979", "LE1", "2026-02-20")
    text = (out / "episodes.csv").read_text()
    assert str(returned.pk) not in text
    assert str(returned.person_id) not in text
    assert "LE1 6TP" not in text
    assert list(pd.read_csv(out / "outcomes.csv").columns)[:3] == ["episode_id", "time_point", "due_on"]
    assert "| episode_id |" in (out / "data-dictionary.md").read_text()


def test_evaluate_from_the_database_and_from_its_extract_agree(cases, tmp_path, settings):
    settings.VAR_DIR = tmp_path / "var"
    out = tmp_path / "extract"
    call_command("extract", "--out", str(out), "--no-progress")
    extract = extract_read(out)
    from_extract = evaluate(extract.episodes, extract.outcomes)
    from_database = evaluate(episodes_from_database(), data_cutoff=extract.meta.data_cutoff)
    for name in ("returned_to_work", "time_standards", "engagement", "questionnaire_change"):
        assert from_extract["measures"][name] == from_database["measures"][name], name
    assert from_extract["km"] == from_database["km"]
    assert from_extract["measures"]["questionnaire_change"]["who5"]["mean_change"] == 48.0


def test_evaluate_command_writes_the_named_measures(cases, tmp_path, settings):
    settings.VAR_DIR = tmp_path / "var"
    call_command("extract", "--out", str(tmp_path / "x"), "--no-progress")
    call_command(
        "evaluate",
        "--extract",
        str(tmp_path / "x"),
        "--extract",
        str(tmp_path / "x"),
        "--json",
        str(tmp_path / "r.json"),
    )
    report = json.loads((tmp_path / "r.json").read_text())
    assert report["episodes"] == 4  # two extracts pooled
    assert report["suppressed"] is True
    assert report["measures"]["referrals"]["n"] == "<5"
    assert {"reference", "hazard_ratios", "proportional_hazards", "left_out"} <= set(
        report["cox"]
    ) or "error" in report["cox"]
    assert "from_referral" in report["km"]
    call_command("evaluate", "--json", str(tmp_path / "db.json"), "--unsuppressed")
    assert json.loads((tmp_path / "db.json").read_text())["measures"]["referrals"]["n"] == 2


def test_pooled_extracts_keep_their_own_cut_off_and_ids_apart(cases, tmp_path, settings):
    settings.VAR_DIR = tmp_path / "var"
    for name in ("a", "b"):
        call_command("extract", "--out", str(tmp_path / name), "--no-progress")
    pooled = extracts_pool([tmp_path / "a", tmp_path / "b"])
    assert len(pooled.episodes) == 4
    assert pooled.episodes["episode_id"].is_unique
