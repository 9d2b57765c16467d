"""The base every domain model builds on."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone


class BaseModel(models.Model):
    """A UUID key (safe to show in URLs and to merge across sites) and who made or last changed the row."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # Not indexed: no query reads rows by when they were made across a whole table, and an index on every
    # table would be written on every insert (ADR 0037). A table that needs one declares it in its Meta.
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    modified_at = models.DateTimeField(auto_now=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        editable=False,
        on_delete=models.PROTECT,
        related_name="+",
    )
    modified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        editable=False,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        abstract = True

    def stamp(self, actor: models.Model | None) -> None:
        """Record who is writing this row; services call it before saving."""
        if actor is not None and getattr(actor, "pk", None) is not None:
            if self._state.adding and self.created_by_id is None:
                self.created_by = actor  # type: ignore[assignment]
            self.modified_by = actor  # type: ignore[assignment]
