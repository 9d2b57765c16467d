"""`fitforwork extract --out DIR [--site NAME] [--from DATE] [--to DATE] [--key-file FILE]`: a pseudonymised
extract for evaluators (docs/evaluation.md)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from fitforwork.evaluation.extract import extract_size, extract_write


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as error:
        raise CommandError(f"{text!r} is not a date: write it as YYYY-MM-DD") from error


class Command(BaseCommand):
    help = "Write a pseudonymised extract (episodes.csv, outcomes.csv, data dictionary, extract.json) to --out"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--out", required=True, help="The directory to write (made if needed)")
        parser.add_argument("--site", help="Only this site's cases (its name)")
        parser.add_argument("--from", dest="date_from", help="Referred on or after this date (YYYY-MM-DD)")
        parser.add_argument("--to", dest="date_to", help="Referred on or before this date (YYYY-MM-DD)")
        parser.add_argument("--key-file", help="Where to keep the key (outside --out); default var/extract-keys/")
        parser.add_argument("--no-progress", action="store_true", help="No progress bar")

    def handle(self, *args: Any, **options: Any) -> None:
        date_from = _date(options["date_from"]) if options["date_from"] else None
        date_to = _date(options["date_to"]) if options["date_to"] else None
        total = extract_size(options["site"], date_from, date_to)
        bar = tqdm(total=total, unit="case", disable=options["no_progress"], file=self.stderr._out)
        try:
            meta = extract_write(
                options["out"], site=options["site"], date_from=date_from, date_to=date_to,
                key_path=options["key_file"], progress=bar.update,
            )  # fmt: skip
        except ValueError as error:
            raise CommandError(str(error)) from error
        finally:
            bar.close()
        self.stdout.write(
            f"Wrote {meta['counts']['episodes']} episodes to {options['out']} (data cut-off {meta['data_cutoff']}). "
            f"The key is in {meta['key_file']}: keep it apart from the extract."
        )
