"""A single-use link that lets a client answer questionnaires online without signing in (ADR 0024).

Only a hash of the token is stored: the raw token exists only in the message sent to the client, so
someone reading the database cannot open a link.
"""

from __future__ import annotations

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone

from fitforwork.cases.models import Case


def token_new() -> str:
    """A fresh raw token: 32 random bytes, URL-safe."""
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    """The stored form of a token: its SHA-256, hex. A token has 256 random bits, so no salt is needed."""
    return hashlib.sha256(token.encode()).hexdigest()


class QuestionnaireLink(models.Model):
    class Channel(models.TextChoices):
        EMAIL = "email", "Email"
        SMS = "sms", "Text message"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="questionnaire_links")
    instrument_codes = models.JSONField(default=list, help_text="The questionnaires' codes, in the order asked.")
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    channel = models.CharField(max_length=8, choices=Channel.choices)
    sent_to = models.CharField(max_length=254, help_text="The email address or mobile number it was sent to.")
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+", editable=False
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    expires_at = models.DateTimeField()
    opened_at = models.DateTimeField(null=True, blank=True)
    used_at = models.DateTimeField(null=True, blank=True, help_text="When the last questionnaire was submitted.")
    responses = models.ManyToManyField(
        "assessments.QuestionnaireResponse", blank=True, related_name="links", help_text="The answers it gathered."
    )

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Questionnaire link for case {self.case_id} ({', '.join(self.instrument_codes)})"

    @property
    def usable(self) -> bool:
        return self.used_at is None and timezone.now() < self.expires_at
