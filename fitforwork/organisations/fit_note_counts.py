"""Fit notes issued per GP practice per month, loaded from a CSV file (`fitforwork fitnotes load FILE`).

The file has a header row `ods_code,month,count` (the month as YYYY-MM). Each row is checked on its own and
either loaded or refused with the reason, in a row-by-row report kept with the load; one bad row never stops
the others. A month already loaded with the same count is left as it is; with another count it is refused
unless the load is told to replace, and then the report keeps the count it replaced. The whole file goes in
one transaction, so a load that fails part-way stores nothing.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone
from pydantic import BaseModel, ConfigDict, ValidationError, field_validator

from fitforwork.core.audit.services import audit_record
from fitforwork.organisations.models import FitNoteCount, FitNoteLoad, Organisation

COLUMNS = ("ods_code", "month", "count")
OUTCOMES = ("loaded", "unchanged", "replaced", "refused")
MONTH = re.compile(r"(\d{4})-(\d{1,2})")
ODS_CODE = re.compile(r"[A-Z0-9]{3,10}")
LARGEST = 1_000_000  # more fit notes than any practice issues in a month: a typing slip


class BadFile(Exception):
    """The file as a whole cannot be read as fit note counts (nothing is loaded)."""


class Row(BaseModel):
    """One row as the file gives it, checked; each message says what to fix."""

    model_config = ConfigDict(str_strip_whitespace=True)

    ods_code: str
    month: date
    count: int

    @field_validator("ods_code", mode="before")
    @classmethod
    def _ods_code(cls, value: Any) -> str:
        code = str(value or "").strip().upper()
        if not code:
            raise ValueError("Enter the practice's ODS code")
        if not ODS_CODE.fullmatch(code):
            raise ValueError(f"'{value}' is not an ODS code: 3 to 10 letters and digits, like C82001")
        return code

    @field_validator("month", mode="before")
    @classmethod
    def _month(cls, value: Any) -> date:
        text = str(value or "").strip()
        match = MONTH.fullmatch(text)
        if not match or not 1 <= int(match.group(2)) <= 12:
            raise ValueError(f"'{text}' is not a month: write it as YYYY-MM, like 2026-04")
        month = date(int(match.group(1)), int(match.group(2)), 1)
        if month > timezone.localdate().replace(day=1):
            raise ValueError(f"{month:%B %Y} has not happened yet")
        return month

    @field_validator("count", mode="before")
    @classmethod
    def _count(cls, value: Any) -> int:
        text = str(value or "").strip().replace(",", "")
        if not text.isdigit():
            raise ValueError(f"'{value}' is not a count: a whole number of fit notes, 0 or more")
        if int(text) > LARGEST:
            raise ValueError(f"{int(text):,} fit notes in a month is more than any practice issues: check the figure")
        return int(text)


@dataclass
class Report:
    load: FitNoteLoad

    def count(self, outcome: str) -> int:
        return sum(1 for row in self.load.report if row["outcome"] == outcome)

    @property
    def refused(self) -> list[dict[str, Any]]:
        return [row for row in self.load.report if row["outcome"] == "refused"]

    def as_csv(self) -> str:
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(["row", *COLUMNS, "outcome", "reason"])
        for row in self.load.report:
            sent = row["sent"]
            writer.writerow([row["row"], *(sent.get(name, "") for name in COLUMNS), row["outcome"], row["reason"]])
        return out.getvalue()


def _rows(data: bytes) -> list[dict[str, str]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise BadFile("it is not UTF-8 text: save it as CSV UTF-8") from None
    reader = csv.DictReader(io.StringIO(text))
    header = [name.strip().lower() for name in reader.fieldnames or []]
    missing = [name for name in COLUMNS if name not in header]
    if missing:
        raise BadFile(f"its header row needs the columns {', '.join(COLUMNS)}; missing: {', '.join(missing)}")
    reader.fieldnames = header
    return [{name: (line.get(name) or "") for name in COLUMNS} for line in reader]


def _reason(error: ValidationError) -> str:
    return "; ".join(f"{item['loc'][0]}: {item['msg'].removeprefix('Value error, ')}" for item in error.errors())


def fit_note_counts_load(
    *, path: Path, loaded_by: str, replace: bool = False, progress: Callable[[int, int], None] | None = None
) -> Report:
    """Load the file's rows; return the report (also kept on the `FitNoteLoad`)."""
    data = path.read_bytes()
    lines = _rows(data)
    practices = {
        practice.ods_code.upper(): practice
        for practice in Organisation.objects.filter(kind=Organisation.Kind.GP_PRACTICE).exclude(ods_code="")
    }
    with transaction.atomic():
        load = FitNoteLoad.objects.create(
            file_name=path.name, sha256=hashlib.sha256(data).hexdigest(), loaded_by=loaded_by
        )
        seen: dict[tuple[str, date], int] = {}
        report = []
        for number, sent in enumerate(lines, start=2):  # row 1 is the header
            outcome, reason = _one(sent, number, practices, seen, load, replace)
            report.append({"row": number, "sent": sent, "outcome": outcome, "reason": reason})
            if progress:
                progress(number - 1, len(lines))
        load.report = report
        load.save(update_fields=["report"])
        result = Report(load)
        audit_record(
            actor=None,
            action="organisations.fit_notes.loaded",
            obj=load,
            data={"file": path.name, "sha256": load.sha256, "by": loaded_by}
            | {outcome: result.count(outcome) for outcome in OUTCOMES},
        )
    return result


def _one(
    sent: dict[str, str],
    number: int,
    practices: dict[str, Organisation],
    seen: dict[tuple[str, date], int],
    load: FitNoteLoad,
    replace: bool,
) -> tuple[str, str]:
    try:
        row = Row.model_validate(sent)
    except ValidationError as error:
        return "refused", _reason(error)
    practice = practices.get(row.ods_code)
    if practice is None:
        return "refused", f"ods_code: no GP practice with ODS code {row.ods_code} in the directory"
    key = (row.ods_code, row.month)
    if key in seen:
        return "refused", f"row {seen[key]} already gives {row.ods_code} for {row.month:%B %Y}"
    seen[key] = number
    existing = FitNoteCount.objects.filter(practice=practice, month=row.month).first()
    if existing is None:
        FitNoteCount.objects.create(practice=practice, month=row.month, count=row.count, load=load)
        return "loaded", ""
    if existing.count == row.count:
        return "unchanged", f"already loaded with this count from {existing.load.file_name}"
    if not replace:
        return "refused", (
            f"count: {row.month:%B %Y} is already loaded for {row.ods_code} as {existing.count} "
            f"(from {existing.load.file_name}); load again with --replace to use {row.count}"
        )
    was, existing.count, existing.load = existing.count, row.count, load
    existing.save(update_fields=["count", "load"])
    return "replaced", f"was {was} (from an earlier load)"
