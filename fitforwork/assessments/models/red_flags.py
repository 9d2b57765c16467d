"""A red flag: an answer that needs a person to act today, such as PHQ-9 item 9 (thoughts of self-harm).

Raised in the same transaction that records the answers, with an urgent task; closed only by a named member
of staff saying what was done. Closing never deletes: the flag stays in the case's history.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class RedFlag(models.Model):
    """One red flag raised by one response; open until a member of staff closes it with what was done."""

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="red_flags", db_index=False)
    response = models.ForeignKey(
        "assessments.QuestionnaireResponse", on_delete=models.PROTECT, related_name="red_flags"
    )
    code = models.CharField(max_length=50, help_text="Which rule raised it, such as phq9_item9")
    label = models.CharField(max_length=200)
    raised_at = models.DateTimeField(default=timezone.now)
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Empty when the client answered online",
    )
    task = models.ForeignKey("cases.Task", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    action_taken = models.TextField(blank=True)

    class Meta:
        ordering = ["-raised_at", "id"]
        indexes = [models.Index(fields=["case", "closed_at"], name="red_flag_case_open_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closed_at__isnull=True, closed_by__isnull=True, action_taken="")
                | (models.Q(closed_at__isnull=False, closed_by__isnull=False) & ~models.Q(action_taken="")),
                name="red_flag_closed_with_who_when_and_what",
                violation_error_message="A closed red flag records who closed it, when, and what was done",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.label} on case {self.case_id}"

    @property
    def is_open(self) -> bool:
        return self.closed_at is None
