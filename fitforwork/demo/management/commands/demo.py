"""`fitforwork demo --cases N --seed S`: load a believable demonstration service; `--print-sign-ins`."""

from __future__ import annotations

import sys
import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from fitforwork.demo.generator import load_demo
from fitforwork.demo.signins import sign_ins_table

REFUSAL = (
    "Refusing to load demo data: DEBUG is off, so this may be a live service, and demo data must never "
    "land in one by accident. Set DEBUG=true for a local demonstration, or pass --allow-production if "
    "this database really is a throwaway one (a benchmark, say)."
)


class Command(BaseCommand):
    help = "Load demonstration data (sites, staff, GP practices, employers and clients), or print the sign-ins."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--cases", type=int, default=300, help="How many clients to make (default 300)")
        parser.add_argument("--seed", type=int, default=1, help="The same seed gives the same data (default 1)")
        parser.add_argument("--no-progress", action="store_true", help="No progress bar")
        parser.add_argument(
            "--allow-production", action="store_true", help="Load even though DEBUG is off (throwaway databases)"
        )
        parser.add_argument(
            "--print-sign-ins", action="store_true", help="Only print the demo sign-ins; create nothing"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["print_sign_ins"]:
            self.stdout.write(sign_ins_table(two_factor_disabled=settings.DEMO_ONLY_DISABLE_TWO_FACTOR))
            return
        if not settings.DEBUG and not options["allow_production"]:
            raise CommandError(REFUSAL)
        if options["cases"] < 0:
            raise CommandError("--cases must be 0 or more")
        started = time.monotonic()
        result = load_demo(
            cases=options["cases"],
            seed=options["seed"],
            progress=not options["no_progress"] and sys.stderr.isatty(),
        )
        if result.already_loaded:
            self.stdout.write(
                f"Demo data is already loaded; added {result.sign_ins_created} missing demo sign-ins. "
                "To load it again, empty the database first (manage.py flush)."
            )
            return
        self.stdout.write(
            f"Loaded {result.clients} clients, {result.sites} sites, {result.organisations} organisations, "
            f"{result.sign_ins_created} demo sign-ins and {result.staff_created} more staff "
            f"in {time.monotonic() - started:.1f} s ("
            + ", ".join(f"{name} {seconds} s" for name, seconds in result.phases.items())
            + ")."
        )
