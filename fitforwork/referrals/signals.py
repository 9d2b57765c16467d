"""Receivers that clear the routing table (routing.py) when sites, service models or their rules change."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

from fitforwork.organisations.models import ServiceModel, ServiceModelVersion, Site
from fitforwork.referrals.routing import routing_cache_clear


def _clear(*, using: str) -> None:
    # Now, so this thread routes with its own change; and at commit, so a table another thread loaded
    # from the committed rows between the change and its commit is not kept for ROUTING_CACHE_SECONDS.
    routing_cache_clear()
    transaction.on_commit(routing_cache_clear, using=using)


def _changed(sender: Any, *, using: str, **kwargs: Any) -> None:
    _clear(using=using)


def _practices_changed(sender: Any, *, action: str, using: str, **kwargs: Any) -> None:
    if action in {"post_add", "post_remove", "post_clear"}:
        _clear(using=using)


def connect() -> None:
    for model in (Site, ServiceModel, ServiceModelVersion):
        post_save.connect(_changed, sender=model, dispatch_uid=f"routing-clear-saved-{model.__name__}")
        post_delete.connect(_changed, sender=model, dispatch_uid=f"routing-clear-deleted-{model.__name__}")
    m2m_changed.connect(
        _practices_changed, sender=Site.gp_practices.through, dispatch_uid="routing-clear-site-gp-practices"
    )
