"""`fitforwork outcomes due [--today YYYY-MM-DD]`: the daily run of the outcome schedule (outcomes/due.py).

Run it once a day (cron, or the platform's scheduler). Running it again the same day changes nothing.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from fitforwork.outcomes.due import outcomes_due


class Command(BaseCommand):
    help = "Outcome follow-ups: make the tasks and send the links that are due, and mark the missed ones."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        due = sub.add_parser("due", help="Do what falls due today (or on --today).")
        due.add_argument("--today", help="The day to run for, as YYYY-MM-DD (default: today).")

    def handle(self, *args: Any, **options: Any) -> None:
        today = None
        if options.get("today"):
            try:
                today = date.fromisoformat(options["today"])
            except ValueError:
                raise CommandError("--today must be a date such as 2026-12-04") from None
        result = outcomes_due(today)
        self.stdout.write(
            f"Schedules made: {result.scheduled}. Follow-up tasks made: {result.tasks}, links sent: {result.links}, "
            f"no email or mobile: {result.no_contact}. Questionnaires joined to their follow-up: "
            f"{result.responses_linked}. Follow-ups now missed: {result.missed}."
        )
