"""Questionnaire responses, and the licensed instrument definitions an administrator loads."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone

from fitforwork.cases.models import Case
from fitforwork.core.models import BaseModel


class Mode(models.TextChoices):
    PHONE = "phone", "Phone"
    VIDEO = "video", "Video call"
    FACE_TO_FACE = "face_to_face", "Face to face"
    CLIENT_ONLINE = "client_online", "Client online"


class QuestionnaireResponse(BaseModel):
    """One administration of one instrument for one case: every answer as given, and what the engine made of
    it with the instrument and engine versions that made it. Completed responses are never rescored in place."""

    class Status(models.TextChoices):
        IN_PROGRESS = "in_progress", "In progress"
        COMPLETED = "completed", "Completed"

    Mode = Mode

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="questionnaire_responses", db_index=False)
    instrument_code = models.CharField(max_length=40)
    instrument_version = models.CharField(max_length=20)
    engine_version = models.CharField(max_length=20)
    answers = models.JSONField(default=dict, blank=True, help_text="Item id to the answer as given")
    score = models.DecimalField(max_digits=7, decimal_places=2, null=True, blank=True)
    band = models.CharField(max_length=40, blank=True)
    band_label = models.CharField(max_length=200, blank=True)
    flags = models.JSONField(default=list, blank=True, help_text="Codes of the flags raised")
    percentages = models.JSONField(default=dict, blank=True, help_text="Name to percentage, as text")
    profile = models.CharField(max_length=20, blank=True)
    not_scorable_reason = models.TextField(blank=True)
    items_imputed = models.JSONField(default=list, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.COMPLETED)
    mode = models.CharField(max_length=20, choices=Mode.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Empty when the client answered online",
    )
    recorded_at = models.DateTimeField(default=timezone.now)
    completed_at = models.DateTimeField(null=True, blank=True)
    submission_key = models.UUIDField(
        null=True,
        blank=True,
        unique=True,
        help_text="The staff form's one-off key: the same form posted twice records one response",
    )

    class Meta:
        ordering = ["case", "instrument_code", "completed_at"]
        indexes = [
            models.Index(fields=["case", "instrument_code", "-completed_at"], name="qr_case_instrument_latest"),
            models.Index(fields=["case", "recorded_at"], name="qr_case_time"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(mode__in=["phone", "video", "face_to_face", "client_online"]), name="qr_mode_known"
            ),
            models.CheckConstraint(
                condition=models.Q(status="in_progress") | models.Q(completed_at__isnull=False),
                name="qr_completed_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.instrument_code} {self.instrument_version} for {self.case_id}"

    @property
    def is_completed(self) -> bool:
        return self.status == self.Status.COMPLETED

    def percentage_values(self) -> dict[str, Decimal | None]:
        return {name: None if value is None else Decimal(value) for name, value in self.percentages.items()}

    @property
    def red_flags(self) -> list[Any]:
        return list(self.flags)


class InstrumentDefinition(models.Model):
    """A definition an administrator loaded from a file the service holds (licensed instruments: Keele STarT
    MSK, EQ-5D-5L). Its text never ships with the project. One row per code and version."""

    code = models.CharField(max_length=40)
    version = models.CharField(max_length=20)
    title = models.CharField(max_length=200)
    definition = models.JSONField()
    licence_note = models.TextField(blank=True)
    loaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    loaded_at = models.DateTimeField(default=timezone.now)
    enabled = models.BooleanField(default=True)

    class Meta:
        ordering = ["code", "version"]
        constraints = [models.UniqueConstraint(fields=["code", "version"], name="instrument_code_version_unique")]

    def __str__(self) -> str:
        return f"{self.title} ({self.code} {self.version})"
