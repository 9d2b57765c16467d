"""`fitforwork evaluate [--extract DIR ...] [--site NAME] [--period YYYY-MM..YYYY-MM] --json FILE`: every
measure, from the database or from extracts pooled together, by the same code (docs/evaluation.md)."""

from __future__ import annotations

import json
import math
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from fitforwork.evaluation.reading import ExtractError, extracts_pool, unit_costs_read
from fitforwork.evaluation.report import evaluate
from fitforwork.evaluation.suppression import suppress


def _clean(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_clean(v) for v in value]
    return value


def evaluate_command(options: dict[str, Any]) -> dict[str, Any]:
    costs = unit_costs_read(options["costs"]) if options.get("costs") else None
    common = {"site": options.get("site"), "period": options.get("period"), "reference": options.get("reference")}
    if options.get("extract"):
        pooled = extracts_pool(options["extract"])
        report = evaluate(
            pooled.episodes, pooled.outcomes, unit_costs=costs or pooled.unit_costs,
            source=f"{len(options['extract'])} extract(s)", **common,
        )  # fmt: skip
    else:
        from fitforwork.evaluation.database import episodes_from_database
        from fitforwork.evaluation.outcomes_source import outcomes_from_database

        episodes = episodes_from_database(options.get("site"))
        report = evaluate(
            episodes, outcomes_from_database(), data_cutoff=timezone.localdate(), unit_costs=costs,
            source="database", **common,
        )  # fmt: skip
    return report if options.get("unsuppressed") else suppress(report)


class Command(BaseCommand):
    help = "Compute every evaluation measure from the database or from extracts and write them as JSON"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--extract", action="append", help="An extract directory (repeat to pool several)")
        parser.add_argument("--site", help="Only this site (its name)")
        parser.add_argument("--period", help="Referral months YYYY-MM..YYYY-MM (inclusive)")
        parser.add_argument("--reference", help="The service model the hazard ratios are against")
        parser.add_argument("--costs", help="Unit costs per site, a JSON file (docs/evaluation.md)")
        parser.add_argument("--unsuppressed", action="store_true", help="Counts under 5 shown (not for commissioners)")
        parser.add_argument("--json", required=True, help="Where to write the report ('-' for standard output)")

    def handle(self, *args: Any, **options: Any) -> None:
        period = options.get("period")
        if period and not all(len(p) == 7 and p[4] == "-" for p in period.split("..")):
            raise CommandError("--period is YYYY-MM..YYYY-MM, such as 2025-04..2026-03")
        try:
            report = evaluate_command(options)
        except ExtractError as error:
            raise CommandError(f"The extract is refused: {error}") from error
        text = json.dumps(_clean(report), indent=1, default=str)
        if options["json"] == "-":
            self.stdout.write(text)
        else:
            with open(options["json"], "w", encoding="utf-8") as handle:
                handle.write(text + "\n")
            self.stdout.write(f"Wrote the evaluation of {report['episodes']} episodes to {options['json']}")
