"""`fitforwork unfinished_submissions`: the submissions that made no referral for a reason of ours, for staff.

Lists each `failed` submission with its error, and each still `received` after `--older-than` minutes (a
deferred one whose task has not run: is a worker running?), without the details sent, so the list identifies
no one. A failed one's task tries it again; so does a retry by its sender. `--mark-interrupted` first marks
failed each one a sender waited for that is still `received`: its request was cut off mid-way. Each such
submission also has a delayed task that does the same (tasks.submission_check_later), so a schedule is only a
backstop, or needed with a task backend that cannot delay tasks (docs/deployment.md). Administrators see the
same list under Administration, "Referrals that did not go through".
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db.models import Q
from django.utils import timezone

from fitforwork.referrals.models import Submission
from fitforwork.referrals.submissions import submissions_mark_interrupted


class Command(BaseCommand):
    help = "List submissions that failed, or are still received after a while, with the error; no personal details."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--older-than", type=int, default=15, help="minutes after which received is listed")
        parser.add_argument(
            "--mark-interrupted",
            action="store_true",
            help="first mark failed each submission its sender waited for that is still received (cut off)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        since = timezone.now() - timedelta(minutes=options["older_than"])
        if options["mark_interrupted"]:
            self.stdout.write(f"{submissions_mark_interrupted(before=since)} interrupted submissions marked failed")
        unfinished = Submission.objects.filter(
            Q(outcome=Submission.Outcome.FAILED) | Q(outcome=Submission.Outcome.RECEIVED, received_at__lt=since)
        ).order_by("received_at")
        count = 0
        for submission in unfinished.only("pk", "channel", "received_at", "outcome", "errors").iterator():
            count += 1
            error = "; ".join(str(e.get("message", "")) for e in submission.errors or []) or "no outcome yet"
            self.stdout.write(
                f"{submission.pk}  {submission.channel}  {submission.received_at:%Y-%m-%d %H:%M}  "
                f"{submission.outcome}  {error}"
            )
        self.stdout.write(f"{count} unfinished submissions")
