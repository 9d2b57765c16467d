"""`fitforwork service_models load|list`: ship the preset service models, and show what is held."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from fitforwork.organisations.models import ServiceModel
from fitforwork.organisations.services import load_presets


class Command(BaseCommand):
    help = "Load the preset service models (only those missing), or list the service models and versions."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["load", "list"])

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "load":
            created = load_presets(actor=None)
            total = ServiceModel.objects.count()
            self.stdout.write(f"Service models: {created} created, {total} in all.")
            return
        for service_model in ServiceModel.objects.prefetch_related("versions").order_by("key"):
            versions = sorted(service_model.versions.all(), key=lambda version: version.number)
            current = versions[-1].number if versions else "none"
            self.stdout.write(f"{service_model.key}\tversion {current}\t{service_model.name}")
