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


class ServiceRequestVersion(models.Model):
    """An earlier version of a referral's FHIR ServiceRequest, exactly as it was served, for vread and _history.

    The current version is always read from the referral itself; a row is written, in the same transaction,
    just before each change to the referral row (`api.fhir.versions`)."""

    referral = models.ForeignKey(
        "referrals.Referral", on_delete=models.CASCADE, related_name="service_request_versions", db_index=False
    )
    version_id = models.CharField(max_length=30)
    last_updated = models.DateTimeField()
    resource = models.JSONField(help_text="The ServiceRequest as served at that version")

    class Meta:
        ordering = ["referral", "last_updated"]
        constraints = [
            models.UniqueConstraint(fields=["referral", "version_id"], name="service_request_version_unique"),
        ]

    def __str__(self) -> str:
        return f"ServiceRequest/{self.referral_id}/_history/{self.version_id}"
