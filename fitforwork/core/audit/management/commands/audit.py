"""`fitforwork audit verify`: report any edited, deleted or reordered audit event."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from fitforwork.core.audit.verify import verify_chain


class Command(BaseCommand):
    help = "Check the audit trail's hash chain."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["verify"])

    def handle(self, *args: Any, **options: Any) -> None:
        checked, problems = verify_chain()
        for problem in problems:
            self.stderr.write(f"{problem.kind.upper()}: {problem.message}")
        if problems:
            raise CommandError(f"The audit trail has {len(problems)} problem(s) in {checked} events.")
        self.stdout.write(self.style.SUCCESS(f"The audit trail is intact: {checked} events checked."))
