"""`fitforwork audit verify`: report any edited, deleted or reordered audit event.
`fitforwork audit checkpoint`: hand the writing of a signed checkpoint of the chain's head to the task worker
(`--now` writes it in this process instead)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from fitforwork.core.audit.checkpoints import checkpoint_dir, checkpoint_write
from fitforwork.core.audit.tasks import audit_checkpoint
from fitforwork.core.audit.verify import Report, verify_report


class Command(BaseCommand):
    help = "Check the audit trail's hash chain, or write a signed checkpoint of its head."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["verify", "checkpoint"])
        parser.add_argument(
            "--now", action="store_true", help="checkpoint: write the file in this process, not by the task worker"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "checkpoint":
            if options["now"]:
                path = checkpoint_write()
                self.stdout.write(self.style.SUCCESS(f"Wrote checkpoint {path}."))
            else:
                result = audit_checkpoint.enqueue()
                self.stdout.write(self.style.SUCCESS(f"Checkpoint handed to the task worker (job {result.id})."))
            return
        report = verify_report()
        for problem in report.problems:
            self.stderr.write(f"{problem.kind.upper()}: {problem.message}")
        for note in self._notes(report):
            self.stdout.write(note)
        if report.problems:
            raise CommandError(f"The audit trail has {len(report.problems)} problem(s) in {report.checked} events.")
        self.stdout.write(self.style.SUCCESS(f"The audit trail is intact: {report.checked} events checked."))

    def _notes(self, report: Report) -> list[str]:
        notes = []
        if report.unkeyed:
            notes.append(
                f"{report.unkeyed} event(s) were made before keyed hashes and were checked by the old, unkeyed "
                "rule: anyone who can write to the database could recompute those hashes, so they are protected "
                "only by the keyed events after them and by the checkpoints."
            )
        if report.checkpoints:
            newest = max(report.checkpoints, key=lambda checkpoint: checkpoint.seq)
            notes.append(
                f"Compared with {len(report.checkpoints)} checkpoint(s) in {checkpoint_dir()}; the furthest, "
                f"written {newest.written_at}, recorded event {newest.seq}."
            )
        else:
            notes.append(
                f"No checkpoints in {checkpoint_dir()}: events removed from the end of the trail would not be seen."
            )
        return notes
