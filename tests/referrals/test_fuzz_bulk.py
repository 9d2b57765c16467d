"""Fuzzing the bulk import: random bytes and random rows always end in a report or a reasoned refusal."""

import csv
import io

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fitforwork.referrals.bulk import BadFile, import_file
from fitforwork.referrals.models import Submission
from tests.referrals.test_bulk_import import HEADER, _row

pytestmark = [pytest.mark.django_db, pytest.mark.filterwarnings("ignore::hypothesis.errors.HypothesisWarning")]

FUZZ = settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
CELL = st.one_of(
    st.text(max_size=30),
    st.sampled_from(["\x00", "a\x00b", '"', '"unclosed', "\r", "\n", ",", "\ufeff", "yes", "gp", "1980-05-17"]),
    st.builds(lambda piece, times: piece * times, st.sampled_from(["x", "é", "\x00"]), st.integers(1, 140_000)),
)


def _import_bytes(tmp_path, site, content):
    path = tmp_path / "fuzz.csv"
    path.write_bytes(content)
    try:
        return import_file(path=path, site=site)
    except BadFile as refused:
        reason = str(refused)
    assert "UTF-8" in reason or "header" in reason
    return None


@FUZZ
@given(content=st.one_of(st.binary(max_size=2000), st.binary(max_size=200).map(lambda b: b"\xff\xfe" + b)))
def test_random_bytes_give_a_report_or_a_refusal_of_the_file_never_a_traceback(tmp_path, workwell_site, content):
    _import_bytes(tmp_path, workwell_site, content)


@FUZZ
@given(
    rows=st.lists(
        st.one_of(
            st.builds(lambda column, cell: _row(**{column: cell}), st.sampled_from(HEADER), CELL),
            st.lists(CELL, max_size=len(HEADER) + 2),
        ),
        max_size=4,
    ),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "utf-16"]),
)
def test_random_rows_are_each_made_or_refused_with_a_reason_and_no_nul_is_stored(
    tmp_path, workwell_site, rows, encoding
):
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADER)
    writer.writerows(rows)

    report = _import_bytes(tmp_path, workwell_site, out.getvalue().encode(encoding, errors="surrogatepass"))

    if report is not None:
        assert all(row.outcome != "failed" for row in report.rows)
        assert all(row.errors for row in report.rows if row.outcome == "refused")
    assert not any("\x00" in str(payload) for payload in Submission.objects.values_list("payload", flat=True))
