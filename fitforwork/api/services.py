"""Issuing, finding and revoking API clients' tokens."""

from __future__ import annotations

import hashlib
import secrets
import threading
from typing import Any

from django.db import connection, transaction
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


# Token hash -> (the rows' versions when read, the client with its organisation): this process's copies.
_known: dict[str, tuple[tuple[Any, ...], ApiClient]] = {}
_known_lock = threading.Lock()


def _check_sql() -> str:
    client, organisation = ApiClient._meta.db_table, Organisation._meta.db_table
    return (
        f"SELECT c.id, c.modified_at, o.modified_at FROM {client} c JOIN {organisation} o"  # noqa: S608 - names only
        " ON o.id = c.organisation_id WHERE c.token_hash = %s AND c.is_active = %s AND o.is_active = %s"
    )


def apiclient_for_token(token: str) -> ApiClient | None:
    """The active client holding this token, with its organisation, or None.

    This runs on every API request, so the database is asked only whether the token's client and its
    organisation are active and when each last changed, in one indexed statement. A revoked token or a
    closed organisation is refused on the next request, in every process. The client and organisation
    themselves are read once per process, and again whenever either has changed since: callers must treat
    them as read-only, since requests in other threads may hold the same objects.
    """
    if not token:
        return None
    digest = token_hash(token)
    with connection.cursor() as cursor:
        cursor.execute(_check_sql(), [digest, True, True])
        versions = cursor.fetchone()
    if versions is None:
        with _known_lock:
            _known.pop(digest, None)
        return None
    known = _known.get(digest)
    if known is not None and known[0] == tuple(versions):
        return known[1]
    found = ApiClient.objects.select_related("organisation").filter(pk=versions[0]).first()
    if found is None:
        return None
    with _known_lock:
        _known[digest] = (tuple(versions), found)
    return found
