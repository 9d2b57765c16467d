"""`fitforwork sar NHS_NUMBER --out FILE [--format json|html]`: a subject access export for one person."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from fitforwork.accounts.models import Role, User
from fitforwork.dataprotection.selectors import person_by_nhs_number
from fitforwork.dataprotection.services import subject_access_export


class Command(BaseCommand):
    help = "Export everything held about one person, and every read of their record, for a subject access request."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("nhs_number", help="The person's NHS number")
        parser.add_argument("--out", required=True, help="The file to write")
        parser.add_argument("--format", choices=["json", "html"], default="html", dest="fmt")
        parser.add_argument(
            "--by",
            default="",
            help="The email address of the data protection officer answering the request, for the audit trail",
        )
        parser.add_argument("--reason", default="", help="The request's reference, for the audit trail")

    def handle(self, *args: Any, **options: Any) -> None:
        person = person_by_nhs_number(options["nhs_number"])
        if person is None:
            raise CommandError("Nobody with this NHS number is held by the service.")
        actor = None
        if options["by"]:
            actor = User.objects.filter(email__iexact=options["by"], role=Role.DATA_PROTECTION_OFFICER).first()
            if actor is None:
                raise CommandError(f"{options['by']} is not a data protection officer's account.")
        reason = options["reason"] or "Subject access request, exported on the command line"
        _, content = subject_access_export(actor=actor, person=person, fmt=options["fmt"], reason=reason)
        Path(options["out"]).write_text(content, encoding="utf-8")
        self.stdout.write(self.style.SUCCESS(f"Wrote the subject access export to {options['out']}."))
