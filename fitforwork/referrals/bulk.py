"""Referrals from a CSV file: each row goes through intake, so one bad row never stops the rest.

Each row's idempotency key is the file's SHA-256 and the row number, scoped to the site, so importing the
same file again makes nothing new.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import partial
from pathlib import Path
from typing import Any

from django.utils import timezone

from fitforwork.core.choices import EmploymentStatus
from fitforwork.organisations.models import Organisation, Site
from fitforwork.people.models import Condition
from fitforwork.people.nhs_number import is_valid_nhs_number, normalise_nhs_number
from fitforwork.referrals import checks
from fitforwork.referrals.intake import FieldError, ReferralInput, ReferralRefused, referral_receive
from fitforwork.referrals.models import Channel, Referral, Source, Submission

# The file's columns, in order, with what each holds; `required` ones must have a value on every row.
COLUMNS: tuple[tuple[str, bool, str], ...] = (
    ("source", True, "who referred: gp, employer, self, jobcentre, community or advice_line"),
    ("given_name", True, "first name"),
    ("family_name", True, "last name"),
    ("date_of_birth", True, "YYYY-MM-DD or DD/MM/YYYY"),
    ("nhs_number", False, "10 digits, spaces allowed"),
    ("postcode", True, "home postcode, like LE1 6TP"),
    ("gp_practice_code", False, "the GP practice's ODS code, like C82001"),
    ("email", False, "the person's email address"),
    ("phone", False, "the person's phone number"),
    ("employment_status", True, "employed_at_work, employed_off_sick, self_employed or unemployed"),
    ("absence_start", False, "first day off sick (needed when employed_off_sick)"),
    ("unemployed_since", False, "date they left work"),
    ("employer_name", False, "employer's name"),
    ("employer_size_band", False, "micro, small, medium or large"),
    ("condition_category", True, "musculoskeletal, mental_health, both or other"),
    ("reason", True, "why the person is referred, in the referrer's words"),
    ("consent", True, "yes if the person agreed to be referred, otherwise no"),
    ("written_consent_date", False, "for employer referrals: when the employee gave written consent"),
    ("referrer_name", False, "who referred"),
    ("referrer_email", False, "their email address"),
    ("referrer_phone", False, "their phone number"),
)
REQUIRED = [name for name, required, _ in COLUMNS if required]
FIELD_WORDS = {
    "source": "who referred",
    "given_name": "first name",
    "family_name": "last name",
    "date_of_birth": "date of birth",
    "postcode": "postcode",
    "employment_status": "employment status",
    "condition_category": "condition category",
    "reason": "reason for referral",
    "consent": "consent",
}
YES = {"yes", "y", "true", "1"}
ODS_CODE = re.compile(r"[A-Za-z0-9]{3,10}")
NO = {"no", "n", "false", "0", ""}


logger = logging.getLogger(__name__)
OUTCOMES = ("made", "ineligible", "refused", "already imported", "failed")
DONE = (Submission.Outcome.REFERRAL, Submission.Outcome.REFUSED)


class UnknownSite(Exception):
    pass


@dataclass(frozen=True)
class RowResult:
    row: int
    outcome: str  # made, ineligible, refused, already imported, failed
    reference: str = ""
    errors: tuple[FieldError, ...] = ()
    note: str = ""


@dataclass
class ImportReport:
    file_name: str
    rows: list[RowResult] = field(default_factory=list)

    def count(self, outcome: str) -> int:
        return sum(1 for row in self.rows if row.outcome == outcome)

    @property
    def problems(self) -> list[RowResult]:
        return [row for row in self.rows if row.errors or row.note]

    def as_csv(self) -> str:
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(["row", "outcome", "reference", "field", "message"])
        for row in self.rows:
            if row.errors:
                for error in row.errors:
                    writer.writerow([row.row, row.outcome, row.reference, error.field, error.message])
            else:
                about = "site" if row.note and row.outcome != "failed" else ""
                writer.writerow([row.row, row.outcome, row.reference, about, row.note])
        return out.getvalue()


def site_named(name: str) -> Site:
    site = Site.objects.filter(name__iexact=name.strip()).first()
    if site is None:
        known = ", ".join(Site.objects.order_by("name").values_list("name", flat=True)) or "none yet"
        raise UnknownSite(f'There is no site called "{name}". Sites: {known}.')
    return site


def import_file(*, path: Path, site: Site, progress: Callable[[int, int], None] | None = None) -> ImportReport:
    """Send each row of the file through intake, one transaction a row, and say what became of it.

    A file that is not text in an accepted encoding, or has no header row, is refused whole (BadFile, with
    the reason); a row that cannot be read or stored (a NUL, a value too long) is refused alone and the rest
    are imported. `progress(done, total)` is called after each `BATCH` rows with how many are done of how many.
    """
    content = path.read_bytes()
    digest = hashlib.sha256(content).hexdigest()
    numbered = read_rows(decode(content))
    report = ImportReport(file_name=path.name)
    importer = _Importer(file_name=path.name, site=site, scope=f"bulk:{site.name}", digest=digest)
    for start in range(0, len(numbered), BATCH):
        batch = numbered[start : start + BATCH]
        good = [(number, row) for number, row in batch if not isinstance(row, RowResult)]
        made = {result.row: result for result in importer.import_rows(good)}
        report.rows.extend(row if isinstance(row, RowResult) else made[number] for number, row in batch)
        if progress is not None:
            progress(len(report.rows), len(numbered))
    return report


class BadFile(Exception):
    """The file as a whole cannot be imported; the message says why and what to do."""


ENCODINGS_ACCEPTED = "UTF-8 (with or without a byte order mark) or UTF-16 with a byte order mark"
# The longest value a column may hold; Python's csv module refuses longer fields by default too.
FIELD_MAX_CHARS = 131_072


def decode(content: bytes) -> str:
    """The file's text: UTF-16 when it starts with a UTF-16 byte order mark, otherwise UTF-8 (a BOM allowed)."""
    if content.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding, name = "utf-16", "UTF-16"
    else:
        encoding, name = "utf-8-sig", "UTF-8"
    try:
        return content.decode(encoding)
    except UnicodeDecodeError as error:
        raise BadFile(
            f"The file cannot be read as {name} text (byte {error.start + 1} is not {name}). "
            f"Save it as CSV in {ENCODINGS_ACCEPTED}, then import it again."
        ) from None


def read_rows(text: str) -> list[tuple[int, dict[str, Any] | RowResult]]:
    """Each row by its number (the header is row 1) with its values by column, or why it was refused."""
    reader = csv.reader(io.StringIO(text))
    try:
        header = next(reader, [])
    except csv.Error as error:
        raise BadFile(f"The header row cannot be read as CSV ({error}).") from None
    names = [name.strip().lower() for name in header]
    if not any(name in REQUIRED for name in names) or any(NUL in name for name in names):
        raise BadFile(
            "The first row must be a header naming the columns, like " + ", ".join(REQUIRED[:4]) + ". "
            "See docs/referrals-bulk-import.md for the columns."
        )
    rows: list[tuple[int, dict[str, Any] | RowResult]] = []
    number = 1
    while True:
        try:
            values = next(reader)
        except StopIteration:
            return rows
        except csv.Error as error:
            number += 1
            rows.append((number, _unreadable(number, str(error))))
            continue
        if not values:
            continue  # a blank line is not a row, as csv.DictReader reads it
        number += 1
        rows.append((number, _row_or_refusal(number, header, values)))


def _unreadable(number: int, error: str) -> RowResult:
    if "field limit" in error:
        reason = f"A value in this row is longer than {FIELD_MAX_CHARS:,} characters, the most a column may hold"
    else:
        reason = f"This row cannot be read as CSV ({error})"
    return RowResult(number, "refused", errors=(FieldError("row", reason),))


def _row_or_refusal(number: int, header: list[str], values: list[str]) -> dict[str, Any] | RowResult:
    """The row's values by column (as csv.DictReader gives them), or its refusal when it cannot be stored."""
    row: dict[str, Any] = dict(zip(header, values, strict=False))
    if len(values) > len(header):
        row[""] = values[len(header) :]  # values past the header's columns, kept as read
    cells = [*zip(header, values, strict=False), *(("", extra) for extra in values[len(header) :])]
    errors = []
    for column, value in cells:
        where = f"the {column.strip()} column" if column.strip() else "a column without a name"
        if NUL in value:
            problem = "holds a hidden NUL character, which cannot be stored. Remove it and import the file again"
        elif len(value) > FIELD_MAX_CHARS:
            problem = f"is longer than {FIELD_MAX_CHARS:,} characters, the most a column may hold"
        else:
            continue
        errors.append(FieldError(column.strip() or "row", f"The value in {where} {problem}"))
    return RowResult(number, "refused", errors=tuple(errors)) if errors else row


NUL = "\x00"


# Rows looked up together to see which an earlier import of the same file already did, between progress reports.
BATCH = 200


@dataclass
class _Importer:
    """One file's rows, imported a batch at a time."""

    file_name: str
    site: Site
    scope: str
    digest: str
    practices: dict[str, Organisation | None] = field(default_factory=dict)  # ODS code: practice, this file's

    def import_rows(self, rows: list[tuple[int, dict[str, str]]]) -> list[RowResult]:
        keys = {number: f"{self.digest}:{number}" for number, _ in rows}
        earlier = {
            submission.idempotency_key: submission
            for submission in Submission.objects.filter(
                idempotency_scope=self.scope, idempotency_key__in=keys.values()
            ).select_related("referral")
        }
        results = []
        for number, row in rows:
            submission = earlier.get(keys[number])
            if submission is not None and submission.outcome in DONE:
                made = submission.outcome == Submission.Outcome.REFERRAL
                reference = submission.referral.reference if made else ""
                results.append(RowResult(number, "already imported", reference=reference))
            else:
                # New, or stored by an import that stopped (or is running now): the retry path waits for it.
                results.append(self._receive(number, row))
        return results

    def _payload(self, number: int, row: dict[str, Any]) -> dict[str, Any]:
        return {"file": self.file_name, "row": number, "values": row}

    def _receive(self, number: int, row: dict[str, str]) -> RowResult:
        """The row through intake, in its own transaction; a row stored before is made from what was stored."""
        try:
            referral = referral_receive(
                channel=Channel.BULK_FILE,
                payload=self._payload(number, row),
                parse=partial(parse_row, practices=self.practices),
                idempotency_scope=self.scope,
                idempotency_key=f"{self.digest}:{number}",
                check_later=False,
            )
        except ReferralRefused as refused:
            return RowResult(number, "refused", errors=tuple(refused.errors))
        except Exception as error:
            logger.exception("Row %d of %s failed", number, self.file_name)
            return _failed(number, error)
        return self._made(number, referral)

    def _made(self, number: int, referral: Referral) -> RowResult:
        note = ""
        if referral.site_id != self.site.pk:
            note = f"Made at {referral.site.name}, not {self.site.name}: the GP practice or postcode is in its area"
        outcome = "made" if referral.eligible else "ineligible"
        failures = tuple(FieldError("eligibility", f["message"]) for f in referral.eligibility_failures)
        return RowResult(number, outcome, reference=referral.reference, errors=failures, note=note)


def _failed(number: int, error: Exception) -> RowResult:
    """A row that could not be made for a reason of ours, not the row's: kept, for the next import to retry."""
    reason = f"{type(error).__name__}: {error}"[:300]
    return RowResult(
        number,
        "failed",
        note=f"Not made because of an error ({reason}). The row is kept: import the file again to try it again.",
    )


def parse_row(payload: dict[str, Any], *, practices: dict[str, Organisation | None] | None = None) -> ReferralInput:
    """One row as a referral, or every problem with it at once; `practices` keeps GP practices already looked up."""
    values = {key.strip().lower(): (value or "").strip() for key, value in payload["values"].items() if key}
    errors: list[FieldError] = []

    def bad(column: str, message: str) -> None:
        errors.append(FieldError(column, message))

    for column in REQUIRED:
        if not values.get(column) and column != "consent":
            bad(column, f"Enter the {FIELD_WORDS.get(column, column)}")
    if values.get("source") and values["source"] not in Source.values:
        bad("source", f"Who referred must be one of {', '.join(Source.values)}")
    status = values.get("employment_status", "")
    if status and status not in EmploymentStatus.values:
        bad("employment_status", f"Employment status must be one of {', '.join(EmploymentStatus.values)}")
    category = values.get("condition_category", "")
    if category and category not in Condition.Category.values:
        bad("condition_category", f"Condition category must be one of {', '.join(Condition.Category.values)}")
    band = values.get("employer_size_band", "")
    if band and band not in Organisation.SizeBand.values:
        bad("employer_size_band", f"Employer size must be one of {', '.join(Organisation.SizeBand.values)}")
    consent = values.get("consent", "").lower()
    if consent not in YES | NO:
        bad("consent", "Consent must be yes or no")
    nhs_number = normalise_nhs_number(values.get("nhs_number", ""))
    if nhs_number and not is_valid_nhs_number(nhs_number):
        bad("nhs_number", "Enter a valid NHS number: the one given does not exist")
    dates = {name: _date(values.get(name, ""), name, bad) for name in (
        "date_of_birth", "absence_start", "unemployed_since", "written_consent_date"
    )}  # fmt: skip
    if dates["date_of_birth"] and dates["date_of_birth"] >= timezone.localdate():
        bad("date_of_birth", "Date of birth must be in the past")
    practice = None
    code = values.get("gp_practice_code", "")
    if code and not ODS_CODE.fullmatch(code):
        bad("gp_practice_code", "The GP practice code must be its ODS code, letters and digits like C82001")
    elif code:
        known = {} if practices is None else practices
        if code.upper() not in known:
            known[code.upper()] = Organisation.objects.filter(
                kind=Organisation.Kind.GP_PRACTICE, ods_code__iexact=code
            ).first()
        practice = known[code.upper()]
        if practice is None:
            bad("gp_practice_code", f"There is no GP practice with the code {code}")
    email = values.get("email", "")
    if email and not checks.is_email(email):
        bad("email", f"Enter an {checks.EMAIL_FORMAT}")
    errors.extend(
        checks.referrer_problems(phone=values.get("referrer_phone", ""), email=values.get("referrer_email", ""))
    )
    if errors:
        raise ReferralRefused(errors)
    return ReferralInput(
        source=values["source"],
        given_name=values["given_name"],
        family_name=values["family_name"],
        date_of_birth=dates["date_of_birth"],  # type: ignore[arg-type]
        nhs_number=nhs_number,
        postcode=values["postcode"].upper(),
        gp_practice=practice,
        email=values.get("email", ""),
        phone=values.get("phone", ""),
        employment_status=status,
        absence_start=dates["absence_start"],
        unemployed_since=dates["unemployed_since"],
        employer_name=values.get("employer_name", ""),
        employer_size_band=band,
        condition_category=category,
        reason=values["reason"],
        consent_given=consent in YES,
        written_consent_date=dates["written_consent_date"],
        referrer_name=values.get("referrer_name", ""),
        referrer_email=values.get("referrer_email", ""),
        referrer_phone=values.get("referrer_phone", ""),
    )


def _date(text: str, column: str, bad: Callable[[str, str], None]) -> date | None:
    if not text:
        return None
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(text, pattern).date()  # noqa: DTZ007 - a calendar date, no time of day
        except ValueError:
            continue
    bad(column, f"{column.replace('_', ' ').capitalize()} must be a real date, like 2026-03-31 or 31/03/2026")
    return None
