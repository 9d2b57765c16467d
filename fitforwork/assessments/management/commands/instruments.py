"""`fitforwork instruments load FILE | list | schema`: the instruments the service can give.

`load FILE` reads a definition the service holds (a licensed instrument such as Keele STarT MSK or EQ-5D-5L,
whose text never ships with the project) and enables it; a malformed file is refused, exit 2, with every
problem listed. `list` shows every instrument available. `schema` writes docs/instrument-definition.schema.json.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from fitforwork.assessments import registry
from fitforwork.assessments.definitions import DefinitionError, definition_schema
from fitforwork.assessments.services import definition_load


class Command(BaseCommand):
    help = "Load a licensed instrument definition (load FILE), list the instruments, or write the JSON Schema."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["load", "list", "schema"])
        parser.add_argument("file", nargs="?", help="load: the definition file; schema: where to write it")
        parser.add_argument("--licence-note", default="", help="load: the licence held, such as its reference")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "list":
            for definition in registry.definitions_available():
                where = "shipped" if definition.key in registry.shipped_definitions() else "loaded"
                self.stdout.write(f"{definition.code}\t{definition.version}\t{where}\t{definition.title}")
            return
        if action == "schema":
            target = Path(options["file"] or Path(settings.BASE_DIR) / "docs" / "instrument-definition.schema.json")
            target.write_text(json.dumps(definition_schema(), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
            self.stdout.write(f"Wrote {target}")
            return
        if not options["file"]:
            raise CommandError("Give the definition file: fitforwork instruments load FILE", returncode=2)
        path = Path(options["file"])
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error.strerror}", returncode=2) from None
        except json.JSONDecodeError as error:
            raise CommandError(f"{path} is not JSON: {error.msg} at line {error.lineno}", returncode=2) from None
        try:
            row = definition_load(data=data, licence_note=options["licence_note"])
        except DefinitionError as error:
            raise CommandError(str(error), returncode=2) from None
        self.stdout.write(f"Loaded {row.title} ({row.code} {row.version}); it can now be given.")
