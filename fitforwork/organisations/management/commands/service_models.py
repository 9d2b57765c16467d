"""`fitforwork service_models load|list|schema`: ship the preset service models, show what is held, print the
rules' JSON Schema (as published in docs/service-model-config.schema.json)."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from fitforwork.organisations.config import json_schema
from fitforwork.organisations.models import ServiceModel
from fitforwork.organisations.services import service_model_presets_load


class Command(BaseCommand):
    help = (
        "Load the preset service models (only those missing), list the service models and versions, "
        "or print the rules' JSON Schema."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["load", "list", "schema"])

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "schema":
            self.stdout.write(json.dumps(json_schema(), indent=2))
            return
        if options["action"] == "load":
            created = service_model_presets_load(actor=None)
            total = ServiceModel.objects.count()
            self.stdout.write(f"Service models: {created} created, {total} in all.")
            return
        for service_model in ServiceModel.objects.prefetch_related("versions").order_by("key"):
            versions = sorted(service_model.versions.all(), key=lambda version: version.number)
            current = versions[-1].number if versions else "none"
            self.stdout.write(f"{service_model.key}\tversion {current}\t{service_model.name}")
