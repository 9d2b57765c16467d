"""`fitforwork apiclient create NAME --organisation ODS`, `apiclient list`, `apiclient revoke NAME`."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from fitforwork.api.models import ApiClient
from fitforwork.api.services import ApiClientError, apiclient_create, apiclient_revoke


class Command(BaseCommand):
    help = "Issue, list and revoke the tokens systems use to call the FHIR API."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="Issue a token bound to an organisation; it is printed once.")
        create.add_argument("name")
        create.add_argument("--organisation", required=True, metavar="ODS_CODE", help="The organisation's ODS code")
        sub.add_parser("list", help="List the API clients.")
        revoke = sub.add_parser("revoke", help="Stop a client's token working.")
        revoke.add_argument("name")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["action"] == "create":
                client, token = apiclient_create(name=options["name"], ods_code=options["organisation"])
                self.stdout.write(self.style.SUCCESS(f"API client {client.name} for {client.organisation}."))
                self.stdout.write("Its token, shown this once only (keep it secret):")
                self.stdout.write(token)
            elif options["action"] == "revoke":
                client = apiclient_revoke(name=options["name"])
                self.stdout.write(self.style.SUCCESS(f"API client {client.name} revoked."))
            else:
                for client in ApiClient.objects.select_related("organisation"):
                    state = "active" if client.is_active else "revoked"
                    used = f"{client.last_used_at:%Y-%m-%d %H:%M}" if client.last_used_at else "never"
                    self.stdout.write(f"{client.name}\t{client.organisation}\t{state}\tlast used {used}")
        except ApiClientError as error:
            raise CommandError(str(error)) from error
