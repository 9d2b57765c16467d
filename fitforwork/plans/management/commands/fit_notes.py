"""`fitforwork fit_notes`: run daily, it gives each open case whose fit note runs out within 5 working days a
task for its case manager (once per note)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from fitforwork.plans.fit_note_services import fit_notes_running_out


class Command(BaseCommand):
    help = "Make a task for each fit note running out within 5 working days (run daily)."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(f"{fit_notes_running_out()} tasks made for fit notes running out")
