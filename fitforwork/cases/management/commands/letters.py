"""`fitforwork letters retry` makes again the GP letters that could not be made and queues again unsent ones."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from fitforwork.cases.letters import retry_letters


class Command(BaseCommand):
    help = "Make again GP letters whose PDF could not be made, and queue again those that could not be sent."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["retry"])

    def handle(self, *args: Any, **options: Any) -> None:
        counts = retry_letters.call()
        summary = ", ".join(f"{key} {count}" for key, count in counts.items())
        self.stdout.write(self.style.SUCCESS(f"Letters retried: {summary}."))
