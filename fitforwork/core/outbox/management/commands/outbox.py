"""`fitforwork outbox send-pending` sends what is due; `fitforwork outbox status` counts messages."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from fitforwork.core.outbox.selectors import message_counts, messages_due
from fitforwork.core.outbox.services import send_pending


class Command(BaseCommand):
    help = "Send due messages from the outbox, or show how many are in each state."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["send-pending", "status"])
        parser.add_argument("--limit", type=int, default=500, help="Most messages to send in one run.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "status":
            for status, count in message_counts().items():
                self.stdout.write(f"{status}: {count}")
            self.stdout.write(f"due now: {messages_due()}")
            return
        outcomes = send_pending(limit=options["limit"])
        summary = ", ".join(f"{key} {count}" for key, count in outcomes.items())
        self.stdout.write(self.style.SUCCESS(f"Outbox swept: {summary}."))
