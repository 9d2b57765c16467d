"""Bulk import of files that are not what they should be: each bad row refused alone, a bad file refused whole."""

import csv
import io

import pytest
from django.core.management import CommandError

from fitforwork.referrals.models import Referral, Submission
from tests.referrals.test_bulk_import import HEADER, _import, _row

pytestmark = pytest.mark.django_db


def _csv(rows):
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADER)
    writer.writerows(rows)
    return out.getvalue()


def _file(tmp_path, content: bytes, name="referrals.csv"):
    path = tmp_path / name
    path.write_bytes(content)
    return path


def test_a_nul_in_one_row_refuses_that_row_with_its_number_and_the_rest_import(tmp_path, workwell_site):
    text = _csv([_row(), _row(given_name="Jo\x00"), _row(given_name="Sam", family_name="Lee")])

    output = _import(_file(tmp_path, text.encode()))

    assert "Row 3: refused: given_name: The value in the given_name column holds a hidden NUL character" in output
    assert "3 rows from referrals.csv: 2 made, 0 ineligible, 1 refused" in output
    assert Referral.objects.count() == 2
    assert not any("\x00" in str(s.payload) for s in Submission.objects.all())


@pytest.mark.parametrize(
    ("encoding", "prefix"), [("utf-16", b""), ("utf-8", b"\xef\xbb\xbf"), ("utf-8", b"")], ids=["utf16", "bom", "utf8"]
)
def test_utf_8_with_or_without_a_bom_and_utf_16_with_a_bom_are_read(tmp_path, workwell_site, encoding, prefix):
    text = _csv([_row(given_name="Zoë")])

    output = _import(_file(tmp_path, prefix + text.encode(encoding)))

    assert "1 rows from referrals.csv: 1 made" in output
    assert Referral.objects.get().person.given_name == "Zoë"


@pytest.mark.parametrize(
    "content",
    [b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x80\x81\xfe", "source,given_name\ngp,Zoë\n".encode("latin-1")],
    ids=["random-bytes", "latin-1"],
)
def test_a_file_in_no_accepted_encoding_is_refused_naming_the_encodings_accepted(tmp_path, workwell_site, content):
    with pytest.raises(CommandError) as refused:
        _import(_file(tmp_path, content))

    assert "UTF-8 (with or without a byte order mark) or UTF-16 with a byte order mark" in str(refused.value)
    assert not Submission.objects.exists()


def test_a_file_without_a_header_row_is_refused_with_the_reason(tmp_path, workwell_site):
    with pytest.raises(CommandError, match="The first row must be a header naming the columns"):
        _import(_file(tmp_path, b"hello,world\n1,2\n"))


def test_a_value_over_128_kb_refuses_its_row_alone(tmp_path, workwell_site):
    text = _csv([_row(reason="x" * 200_000), _row(given_name="Sam")])

    output = _import(_file(tmp_path, text.encode()))

    assert "Row 2: refused: row: A value in this row is longer than 131,072 characters" in output
    assert "2 rows from referrals.csv: 1 made, 0 ineligible, 1 refused" in output


def test_extra_values_past_the_header_are_kept_as_read_and_do_not_stop_the_row(tmp_path, workwell_site):
    text = _csv([[*_row(), "surplus"]])

    output = _import(_file(tmp_path, text.encode()))

    assert "1 made" in output
    assert Submission.objects.get().payload["values"][""] == ["surplus"]
