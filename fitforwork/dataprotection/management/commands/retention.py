"""`fitforwork retention --dry-run | --delete`: report or delete the records kept past their retention period."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from fitforwork.dataprotection.retention import SOURCE, retention_delete, retention_plan, rules


class Command(BaseCommand):
    help = "Report (--dry-run) or delete (--delete) the records kept past their retention period."

    def add_arguments(self, parser: CommandParser) -> None:
        group = parser.add_mutually_exclusive_group(required=True)
        group.add_argument("--dry-run", action="store_true", help="Report what would be deleted; delete nothing")
        group.add_argument("--delete", action="store_true", help="Delete it, one transaction per person")

    def handle(self, *args: Any, **options: Any) -> None:
        for rule in rules().values():
            self.stdout.write(f"Rule: {rule.record_type} kept {rule.years} years after {rule.starts}.")
        self.stdout.write(f"Source: {SOURCE}.")
        if options["dry_run"]:
            plan = retention_plan()
            self.stdout.write("Would delete:")
            for name, number in sorted(plan.counts.items()):
                self.stdout.write(f"  {name}: {number}")
            for record_type, oldest in plan.oldest.items():
                when = oldest.date().isoformat() if oldest else "none"
                self.stdout.write(f"  oldest {record_type}: {when}")
            self.stdout.write("Nothing was deleted (dry run).")
            return
        people, deleted = retention_delete()
        for name, number in sorted(deleted.items()):
            self.stdout.write(f"  {name}: {number}")
        self.stdout.write(
            self.style.SUCCESS(f"Deleted the expired records of {people} people, each with a tombstone in the audit.")
        )
