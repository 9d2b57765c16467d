"""Systems allowed to call the API, each bound to the organisation it acts for."""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from fitforwork.core.models import BaseModel
from fitforwork.organisations.models import Organisation


class ApiClient(BaseModel):
    """A calling system (a GP system, an HR system). Only the SHA-256 of its token is kept; the token is shown once."""

    name = models.CharField(max_length=100, unique=True)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="api_clients")
    token_hash = models.CharField(max_length=64, unique=True, help_text="SHA-256 of the bearer token, in hex")
    is_active = models.BooleanField(default=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = "API client"

    def __str__(self) -> str:
        return self.name

    def mark_used(self) -> None:
        """Note the time of use, at most once a minute, so a busy client does not write on every request."""
        now = timezone.now()
        if self.last_used_at is None or (now - self.last_used_at).total_seconds() > 60:
            ApiClient.objects.filter(pk=self.pk).update(last_used_at=now)
            self.last_used_at = now
