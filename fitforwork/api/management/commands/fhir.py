"""`fitforwork fhir finish-waiting [--older-than SECONDS]` makes the referrals FHIR senders are still waiting for."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from fitforwork.api.sweep import finish_waiting
from fitforwork.referrals.models import Submission


class Command(BaseCommand):
    help = "Look after the FHIR API's work: finish referrals sent without waiting that were never made."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        finish = sub.add_parser(
            "finish-waiting",
            help="Make the referral, or record the refusal, for each submission sent without waiting and still "
            "unfinished (its process stopped first, say). Safe to run at any time, and more than once.",
        )
        finish.add_argument(
            "--older-than",
            type=int,
            default=120,
            metavar="SECONDS",
            help="Only submissions received at least this long ago (default 120): younger ones may still be in hand.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        def failed(submission: Submission, reason: str) -> None:
            self.stderr.write(f"Submission {submission.pk} received {submission.received_at:%Y-%m-%d %H:%M}: {reason}")

        counts = finish_waiting(older_than=timedelta(seconds=options["older_than"]), on_failure=failed)
        made = counts["made"]
        self.stdout.write(
            f"Made {made} referral{'' if made == 1 else 's'}, refused {counts['refused']}, "
            f"{counts['failed']} failed (left for a person to check)."
        )
