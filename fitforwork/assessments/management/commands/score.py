"""`fitforwork score INSTRUMENT ANSWER...`: score answers with the engine and print the result as JSON.

For clinicians checking the engine against the published rules. Give the answers in the order of the
instrument's questions; `-` (or `x`) for a question left unanswered, `na` for "not applicable" where the
question offers it. A wrong number of answers, or an answer the question does not take, exits 2 with the reason.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from fitforwork.assessments import registry
from fitforwork.assessments.scoring import AnswerError, score

MISSING = {"-", "x", "X"}


class Command(BaseCommand):
    help = (
        "Score answers with the engine and print JSON (score, band, flags, percentages). Give one answer per "
        "question in order; '-' or 'x' for no answer, 'na' for not applicable."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("instrument", help="Instrument code, such as phq9, gad7, wsas, who5, was, wpai_gh, ompsq10")
        parser.add_argument("answers", nargs="*", help="One answer per question, in order")
        parser.add_argument(
            "--instrument-version", dest="instrument_version", default=None, help="A particular version"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            definition = registry.definition_get(options["instrument"], options["instrument_version"])
        except registry.UnknownInstrument as error:
            raise CommandError(
                f"{error}. Known: {', '.join(d.code for d in registry.definitions_available())}", returncode=2
            ) from None
        given: list[str] = options["answers"]
        trailing_optional = all(item.optional for item in definition.items[len(given) :])
        if len(given) < len(definition.items) and trailing_optional:
            given = given + ["-"] * (len(definition.items) - len(given))  # optional last questions may be left off
        if len(given) != len(definition.items):
            ids = " ".join(item.id for item in definition.items)
            raise CommandError(
                f"{definition.short_title or definition.code} has {len(definition.items)} questions ({ids}); "
                f"{len(given)} answers given. Use - for a question left unanswered.",
                returncode=2,
            )
        answers = {
            item.id: (None if raw in MISSING else raw) for item, raw in zip(definition.items, given, strict=True)
        }
        try:
            result = score(definition, answers, cutoffs=registry.cutoffs())
        except AnswerError as error:
            raise CommandError(str(error), returncode=2) from None
        self.stdout.write(json.dumps(result.as_json(), ensure_ascii=False))
