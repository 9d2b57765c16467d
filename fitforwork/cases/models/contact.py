"""Contacts with the client: each call, video call, visit, text, email or letter, made or only attempted."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from fitforwork.cases.models.case import Case


class Contact(models.Model):
    """One contact or attempt, as the case manager records it. Appended; corrections are new contacts."""

    class Method(models.TextChoices):
        PHONE = "phone", "Phone call"
        VIDEO = "video", "Video call"
        FACE_TO_FACE = "face_to_face", "Face to face"
        SMS = "sms", "Text message"
        EMAIL = "email", "Email"
        LETTER = "letter", "Letter"

    class Outcome(models.TextChoices):
        MADE = "made", "Spoke with the client"
        ATTEMPTED = "attempted", "Tried but did not reach them"
        DID_NOT_ATTEND = "did_not_attend", "Did not attend"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="contacts", db_index=False)
    method = models.CharField(max_length=20, choices=Method.choices)
    outcome = models.CharField(max_length=20, choices=Outcome.choices)
    at = models.DateTimeField(default=timezone.now, help_text="When the contact happened or was tried")
    duration_minutes = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="How long the contact took, in minutes; empty when not given"
    )
    note = models.TextField(blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["case", "at"], name="contact_case_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(method__in=["phone", "video", "face_to_face", "sms", "email", "letter"]),
                name="contact_method_known",
            ),
            models.CheckConstraint(
                condition=models.Q(outcome__in=["made", "attempted", "did_not_attend"]), name="contact_outcome_known"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_method_display()}: {self.get_outcome_display()}"
