"""Letters about a case to the client's GP practice: made as a PDF when the case opens, a plan is agreed and
at discharge, and sent through the outbox (docs/adr/0030-pdf-documents-and-gp-letters.md)."""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from fitforwork.cases.models.case import Case
from fitforwork.core.models import BaseModel
from fitforwork.core.outbox.models import Message
from fitforwork.organisations.models import Organisation


class LetterKind(models.TextChoices):
    CASE_OPENED = "case_opened", "Your patient has started with the service"
    PLAN_AGREED = "plan_agreed", "A return-to-work plan has been agreed"
    DISCHARGED = "discharged", "Your patient has been discharged"


class LetterStatus(models.TextChoices):
    PENDING = "pending", "Being made"
    MADE = "made", "Made"
    FAILED = "failed", "Could not be made"
    CANCELLED = "cancelled", "Cancelled before it was made"


class Letter(BaseModel):
    """One letter: its content as stored data (so it can be made again exactly), its PDF once made, and
    the outbox message that sends it. A letter whose PDF could not be made is kept `failed` with the error
    and made again by `retry_letters`; one that could not be sent shows its message's failure."""

    Kind = LetterKind
    Status = LetterStatus

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="letters", db_index=False)
    kind = models.CharField(max_length=20, choices=LetterKind.choices)
    practice = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The GP practice it is to; none when the client's practice is not known",
        db_index=False,
    )
    title = models.CharField(max_length=200)
    content = models.JSONField(help_text="The document (fitforwork.core.documents) the PDF is made from")
    status = models.CharField(max_length=10, choices=LetterStatus.choices)
    pdf = models.BinaryField(null=True, blank=True, editable=False)
    error = models.TextField(blank=True, help_text="Why the PDF could not be made, while it could not")
    attempts = models.PositiveSmallIntegerField(default=1, help_text="How many times the PDF was tried")
    message = models.ForeignKey(
        Message, null=True, blank=True, on_delete=models.PROTECT, related_name="+", help_text="The email sending it"
    )
    not_sent_reason = models.CharField(max_length=200, blank=True, help_text="Why it has not been queued to send")

    class Meta:
        ordering = ["created_at"]
        indexes = [
            models.Index(fields=["case", "created_at"], name="letter_case_idx"),
            models.Index(fields=["practice", "case"], name="letter_practice_idx"),
            models.Index(fields=["status"], condition=Q(status="failed"), name="letter_failed_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=LetterKind.values), name="letter_kind_known"),
            models.CheckConstraint(condition=Q(status__in=LetterStatus.values), name="letter_status_known"),
            models.CheckConstraint(
                condition=~Q(status="made") | (Q(pdf__isnull=False) & Q(error="")),
                name="letter_made_has_pdf",
                violation_error_message="A made letter has its PDF and no error",
            ),
            models.CheckConstraint(
                condition=~Q(status="failed") | (Q(pdf__isnull=True) & ~Q(error="")),
                name="letter_failed_has_error",
                violation_error_message="A letter that could not be made says why",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.get_status_display().lower()})"
