"""`fitforwork interventions load|list`: load the default directory of interventions, or show what is held."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from fitforwork.interventions.models import Intervention
from fitforwork.interventions.services import intervention_presets_load


class Command(BaseCommand):
    help = "Load the default directory of interventions (only those missing), or list the directory."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["load", "list"])

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "load":
            created = intervention_presets_load(actor=None)
            self.stdout.write(f"Interventions: {created} created, {Intervention.objects.count()} in all.")
            return
        for intervention in Intervention.objects.select_related("site").order_by("kind", "name"):
            where = intervention.site.name if intervention.site else "all sites"
            active = "" if intervention.is_active else "\tinactive"
            self.stdout.write(
                f"{intervention.get_kind_display()}\t{intervention.name}\t{intervention.provider}\t"
                f"{intervention.typical_wait_days} days\t{where}{active}"
            )
