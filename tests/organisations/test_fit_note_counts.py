"""`fitforwork fitnotes load FILE`: fit notes per practice per month, each row loaded or refused with its reason."""

import hashlib
import io
from datetime import date

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from fitforwork.core.audit.models import AuditEvent
from fitforwork.organisations.fit_note_counts import fit_note_counts_load
from fitforwork.organisations.models import FitNoteCount, FitNoteLoad
from tests.organisations.factories import OrganisationFactory


@pytest.fixture
def practices(db):
    return (
        OrganisationFactory(gp_practice=True, ods_code="C82001", name="Limes Medical Practice"),
        OrganisationFactory(gp_practice=True, ods_code="C82002", name="Aylestone Health Centre"),
    )


def write(tmp_path, text, name="fit-notes.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def load(tmp_path, text, *args, name="fit-notes.csv"):
    out = io.StringIO()
    path = write(tmp_path, text, name)
    call_command("fitnotes", "load", str(path), "--no-progress", "--by", "Ana", *args, stdout=out)
    return out.getvalue()


def test_good_rows_are_loaded_with_the_file_kept_as_a_load_and_audited(tmp_path, practices):
    text = 'ods_code,month,count\nC82001,2026-04,412\nc82002 , 2026-4 ,"1,093"\n'
    output = load(tmp_path, text)
    assert "2 rows from fit-notes.csv: 2 loaded, 0 unchanged, 0 replaced, 0 refused" in output
    counts = {(c.practice.ods_code, c.month): c.count for c in FitNoteCount.objects.select_related("practice")}
    assert counts == {("C82001", date(2026, 4, 1)): 412, ("C82002", date(2026, 4, 1)): 1093}
    [kept] = FitNoteLoad.objects.all()
    assert kept.sha256 == hashlib.sha256(text.encode()).hexdigest()
    assert kept.loaded_by == "Ana"
    assert [row["sent"] for row in kept.report] == [
        {"ods_code": "C82001", "month": "2026-04", "count": "412"},
        {"ods_code": "c82002 ", "month": " 2026-4 ", "count": "1,093"},
    ]  # as sent, not as cleaned
    event = AuditEvent.objects.get(action="organisations.fit_notes.loaded")
    assert event.data["loaded"] == 2
    assert event.data["refused"] == 0


@pytest.mark.parametrize(
    ("row", "reason"),
    [
        ("Z99999,2026-04,10", "ods_code: no GP practice with ODS code Z99999 in the directory"),
        (",2026-04,10", "ods_code: Enter the practice's ODS code"),
        ("C8-2001,2026-04,10", "ods_code: 'C8-2001' is not an ODS code"),
        ("C82001,April 2026,10", "month: 'April 2026' is not a month: write it as YYYY-MM, like 2026-04"),
        ("C82001,2026-13,10", "month: '2026-13' is not a month"),
        ("C82001,2026-04,-3", "count: '-3' is not a count: a whole number of fit notes, 0 or more"),
        ("C82001,2026-04,12.5", "count: '12.5' is not a count"),
        ("C82001,2026-04,", "count: '' is not a count"),
        ("C82001,2026-04,2000000", "count: 2,000,000 fit notes in a month is more than any practice issues"),
    ],
)
def test_a_bad_row_is_refused_with_its_reason_and_the_good_rows_still_load(tmp_path, practices, row, reason):
    output = load(tmp_path, f"ods_code,month,count\n{row}\nC82002,2026-04,80\n")
    assert f"Row 2: refused: {reason}" in output
    assert "1 loaded" in output
    assert "1 refused" in output
    assert list(FitNoteCount.objects.values_list("practice__ods_code", "count")) == [("C82002", 80)]


def test_a_month_not_yet_over_is_refused(tmp_path, practices):
    next_month = (timezone.localdate().replace(day=28) + timezone.timedelta(days=5)).replace(day=1)
    output = load(tmp_path, f"ods_code,month,count\nC82001,{next_month:%Y-%m},10\n")
    assert f"month: {next_month:%B %Y} has not happened yet" in output
    assert not FitNoteCount.objects.exists()


def test_the_same_practice_and_month_twice_in_one_file_keeps_the_first(tmp_path, practices):
    output = load(tmp_path, "ods_code,month,count\nC82001,2026-04,10\nC82001,2026-04,11\n")
    assert "Row 3: refused: row 2 already gives C82001 for April 2026" in output
    assert FitNoteCount.objects.get().count == 10


def test_a_month_loaded_again_is_unchanged_refused_or_replaced_and_nothing_is_lost(tmp_path, practices):
    load(tmp_path, "ods_code,month,count\nC82001,2026-04,10\nC82002,2026-04,20\n", name="april.csv")
    output = load(tmp_path, "ods_code,month,count\nC82001,2026-04,10\nC82002,2026-04,25\n", name="again.csv")
    assert "1 unchanged" in output
    assert "Row 3: refused: count: April 2026 is already loaded for C82002 as 20 (from april.csv)" in output
    assert FitNoteCount.objects.get(practice__ods_code="C82002").count == 20

    output = load(tmp_path, "ods_code,month,count\nC82002,2026-04,25\n", "--replace", name="corrected.csv")
    assert "Row 2: replaced: was 20 (from an earlier load)" in output
    replaced = FitNoteCount.objects.select_related("load").get(practice__ods_code="C82002")
    assert (replaced.count, replaced.load.file_name) == (25, "corrected.csv")
    first = FitNoteLoad.objects.get(file_name="april.csv")
    assert first.report[1]["sent"]["count"] == "20"  # the first load's report still says what it was given


def test_a_file_without_the_columns_is_refused_whole_and_stores_nothing(tmp_path, practices):
    with pytest.raises(CommandError, match="header row needs the columns ods_code, month, count; missing: count"):
        load(tmp_path, "ods_code,month,fit_notes\nC82001,2026-04,10\n")
    assert not FitNoteLoad.objects.exists()
    assert not FitNoteCount.objects.exists()


def test_a_file_that_is_not_utf8_is_refused(tmp_path, practices):
    path = tmp_path / "latin1.csv"
    path.write_bytes("ods_code,month,count\nC82001,2026-04,10 \xe9\n".encode("latin-1"))
    with pytest.raises(CommandError, match="not UTF-8"):
        call_command("fitnotes", "load", str(path), "--no-progress", stdout=io.StringIO())


def test_the_report_file_has_every_row_as_sent_with_its_outcome(tmp_path, practices):
    report = tmp_path / "report.csv"
    load(tmp_path, "ods_code,month,count\nC82001,2026-04,10\nX99,2026-04,1\n", "--report", str(report))
    lines = report.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "row,ods_code,month,count,outcome,reason"
    assert lines[1] == "2,C82001,2026-04,10,loaded,"
    assert lines[2].startswith("3,X99,2026-04,1,refused,ods_code: no GP practice with ODS code X99")


def test_the_service_returns_the_same_report(tmp_path, practices):
    report = fit_note_counts_load(path=write(tmp_path, "ods_code,month,count\nC82001,2026-03,7\n"), loaded_by="cron")
    assert report.count("loaded") == 1
    assert report.refused == []
