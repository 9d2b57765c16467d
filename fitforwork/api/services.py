"""Issuing, finding and revoking API clients' tokens."""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

from django.db import transaction
from django.utils import timezone

from fitforwork.api.models import ApiClient
from fitforwork.core.audit.services import audit_record
from fitforwork.organisations.models import Organisation

TOKEN_PREFIX = "ffw_"  # noqa: S105 (a marker that makes leaked tokens easy to spot, not a secret)


class ApiClientError(Exception):
    pass


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def apiclient_create(
    *, name: str, ods_code: str = "", organisation: Organisation | None = None, actor: Any = None
) -> tuple[ApiClient, str]:
    """A new client acting for an organisation (given, or found by its ODS code), and its token.

    The token is kept nowhere, only its hash: show it once.
    """
    if organisation is None:
        organisation = Organisation.objects.filter(ods_code__iexact=ods_code.strip()).first()
        if organisation is None:
            raise ApiClientError(f"No organisation has the ODS code {ods_code}")
    if ApiClient.objects.filter(name=name).exists():
        raise ApiClientError(f"An API client called {name} already exists")
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    client = ApiClient(name=name, organisation=organisation, token_hash=token_hash(token))
    client.stamp(actor)
    client.save(force_insert=True)
    audit_record(actor=actor, action="api.apiclient.created", obj=client, data={"organisation": str(organisation)})
    return client, token


@transaction.atomic
def apiclient_revoke(*, name: str, actor: Any = None) -> ApiClient:
    """Stop a client's token working at once; the client stays, for the record of what it sent."""
    client = ApiClient.objects.select_for_update().filter(name=name).first()
    if client is None:
        raise ApiClientError(f"No API client is called {name}")
    if client.is_active:
        client.is_active = False
        client.revoked_at = timezone.now()
        client.stamp(actor)
        client.save(update_fields=["is_active", "revoked_at", "modified_at", "modified_by"])
        audit_record(actor=actor, action="api.apiclient.revoked", obj=client)
    return client


def apiclient_for_token(token: str) -> ApiClient | None:
    """The active client holding this token, with its organisation (also active), or None: one indexed query,
    so a revoked token or a closed organisation is refused on the next request, in every process."""
    if not token:
        return None
    return (
        ApiClient.objects.select_related("organisation")
        .filter(token_hash=token_hash(token), is_active=True, organisation__is_active=True)
        .first()
    )
