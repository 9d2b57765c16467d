"""`fitforwork fitnotes load FILE`: fit notes issued per GP practice per month, with a row-by-row report."""

from __future__ import annotations

import getpass
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from fitforwork.organisations.fit_note_counts import COLUMNS, OUTCOMES, BadFile, fit_note_counts_load


class Command(BaseCommand):
    help = (
        "Load fit notes issued per GP practice per month from a CSV file with the header row "
        f"{','.join(COLUMNS)} (the month as YYYY-MM). Each row is loaded or refused with the reason. "
        "See docs/guide/gp-engagement.md."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["load"])
        parser.add_argument("file", type=Path, help="the CSV file")
        parser.add_argument("--replace", action="store_true", help="replace a month already loaded with another count")
        parser.add_argument("--report", type=Path, help="also write the row-by-row report to this CSV file")
        parser.add_argument("--by", default="", help="who is loading it (default: your user name on this machine)")
        parser.add_argument("--no-progress", action="store_true", help="no progress bar")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"There is no file at {path}")
        bar = tqdm(unit=" rows", disable=options["no_progress"] or not sys.stderr.isatty())

        def progress(done: int, total: int) -> None:
            bar.total = total
            bar.update(done - bar.n)

        try:
            report = fit_note_counts_load(
                path=path, loaded_by=options["by"] or getpass.getuser(), replace=options["replace"], progress=progress
            )
        except BadFile as bad:
            raise CommandError(f"{path.name} was not loaded: {bad}") from None
        finally:
            bar.close()
        for row in report.load.report:
            if row["outcome"] in {"refused", "replaced"}:
                self.stdout.write(f"Row {row['row']}: {row['outcome']}: {row['reason']}")
        counts = ", ".join(f"{report.count(outcome)} {outcome}" for outcome in OUTCOMES)
        self.stdout.write(f"{len(report.load.report)} rows from {path.name}: {counts}")
        if options["report"]:
            options["report"].write_text(report.as_csv(), encoding="utf-8")
            self.stdout.write(f"Report written to {options['report']}")
