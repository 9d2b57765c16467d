"""`fitforwork import-referrals FILE.csv --site SITE`: referrals from a CSV file, with a row-by-row report."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from fitforwork.referrals.bulk import COLUMNS, OUTCOMES, BadFile, UnknownSite, import_file, site_named

COLUMN_HELP = "; ".join(f"{name}{' (required)' if required else ''}: {words}" for name, required, words in COLUMNS)


class Command(BaseCommand):
    help = (
        "Import referrals from a CSV file with a header row. Each row goes through intake like any other "
        "referral; importing the same file again makes nothing new. Columns: " + COLUMN_HELP + ". "
        "See docs/referrals-bulk-import.md."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="the CSV file")
        parser.add_argument("--site", required=True, help="the name of the site whose area the rows are in")
        parser.add_argument("--report", type=Path, help="also write the row-by-row report to this CSV file")
        parser.add_argument("--no-progress", action="store_true", help="no progress bar")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"There is no file at {path}")
        try:
            site = site_named(options["site"])
        except UnknownSite as unknown:
            raise CommandError(str(unknown)) from None
        show = not options["no_progress"] and sys.stderr.isatty()
        bar: tqdm | None = None

        def progress(done: int, total: int) -> None:
            nonlocal bar
            if bar is None:
                bar = tqdm(total=total, unit=" rows", disable=not show)
            bar.update(done - bar.n)

        try:
            report = import_file(path=path, site=site, progress=progress)
        except BadFile as bad:
            raise CommandError(f"{path.name} was not imported: {bad}") from None
        finally:
            if bar is not None:
                bar.close()
        for row in report.problems:
            for error in row.errors:
                self.stdout.write(f"Row {row.row}: {row.outcome}: {error.field}: {error.message}")
            if row.note:
                self.stdout.write(f"Row {row.row}: {row.note}")
        counts = ", ".join(f"{report.count(outcome)} {outcome}" for outcome in OUTCOMES)
        self.stdout.write(f"{len(report.rows)} rows from {report.file_name}: {counts}")
        if options["report"]:
            options["report"].write_text(report.as_csv(), encoding="utf-8")
            self.stdout.write(f"Report written to {options['report']}")
        if failed := report.count("failed"):
            raise CommandError(f"{failed} rows failed and were kept: import the file again to try them again")
