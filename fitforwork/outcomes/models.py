"""Outcomes: the time points of a case's outcome schedule and what was recorded at each (ADR 0032).

A case gets its time points when it is discharged: baseline (at assessment), discharge, and a follow-up at
each of its service model's `outcome_schedule.follow_up_months` after discharge. A follow-up is `due` until
an outcome is recorded (`done`) or its grace period passes (`missed`). A missed time point stays missed:
nothing is ever imputed for it. Every outcome submitted is kept; the latest at a time point is the one
that counts.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from fitforwork.assessments.models import QuestionnaireLink, QuestionnaireResponse
from fitforwork.cases.models import Case, Task, WorkStatus
from fitforwork.core.models import BaseModel

# Work statuses that mean the person is working (for "returned to or stayed in work" and hours worked).
IN_WORK = frozenset({WorkStatus.IN_WORK_USUAL, WorkStatus.IN_WORK_ADJUSTED, WorkStatus.NEW_JOB})


class TimePointKind(models.TextChoices):
    BASELINE = "baseline", "Baseline"
    DISCHARGE = "discharge", "Discharge"
    FOLLOW_UP = "follow_up", "Follow-up"


class TimePointStatus(models.TextChoices):
    DUE = "due", "Due"
    DONE = "done", "Done"
    MISSED = "missed", "Missed"


class OutcomeTimePoint(BaseModel):
    """One point of a case's outcome schedule."""

    Kind = TimePointKind
    Status = TimePointStatus

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="outcome_time_points", db_index=False)
    kind = models.CharField(max_length=20, choices=TimePointKind.choices)
    offset_months = models.PositiveSmallIntegerField(default=0, help_text="Months after discharge (follow-ups)")
    due_on = models.DateField()
    status = models.CharField(max_length=10, choices=TimePointStatus.choices, default=TimePointStatus.DUE)
    missed_at = models.DateTimeField(null=True, blank=True, help_text="When the grace period passed with nothing")
    task = models.ForeignKey(Task, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    link = models.ForeignKey(
        QuestionnaireLink, null=True, blank=True, on_delete=models.SET_NULL, related_name="outcome_time_points"
    )
    responses = models.ManyToManyField(
        QuestionnaireResponse,
        blank=True,
        related_name="outcome_time_points",
        help_text="The questionnaires answered at this time point",
    )

    class Meta:
        ordering = ["due_on", "kind", "offset_months"]
        constraints = [
            models.UniqueConstraint(fields=["case", "kind", "offset_months"], name="outcome_time_point_once"),
            models.CheckConstraint(
                condition=models.Q(kind="follow_up", offset_months__gte=1)
                | (~models.Q(kind="follow_up") & models.Q(offset_months=0)),
                name="outcome_offset_only_follow_up",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=["due", "done", "missed"]), name="outcome_time_point_status_known"
            ),
        ]
        indexes = [models.Index(fields=["status", "due_on"], name="outcome_due_idx")]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        if self.kind == TimePointKind.FOLLOW_UP:
            return f"{self.offset_months}-month follow-up"
        return TimePointKind(self.kind).label


class OutcomeMode(models.TextChoices):
    PHONE = "phone", "Phone call"
    VIDEO = "video", "Video call"
    FACE_TO_FACE = "face_to_face", "Face to face"
    LETTER = "letter", "Letter or email from the client"
    CLIENT_ONLINE = "client_online", "The client answered online"
    AT_DISCHARGE = "at_discharge", "Recorded at discharge"
    REFERRAL = "referral", "From the referral"


class OutcomeRecord(BaseModel):
    """What was found at a time point: work status, date of return, hours worked, who recorded it and how."""

    Mode = OutcomeMode

    time_point = models.ForeignKey(OutcomeTimePoint, on_delete=models.CASCADE, related_name="records", db_index=False)
    work_status = models.CharField(max_length=20, choices=WorkStatus.choices)
    return_to_work_date = models.DateField(null=True, blank=True)
    hours_per_week = models.DecimalField(
        max_digits=4,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    note = models.TextField(blank=True)
    mode = models.CharField(max_length=20, choices=OutcomeMode.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Empty when the client answered online",
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-recorded_at"]
        indexes = [models.Index(fields=["time_point", "-recorded_at"], name="outcome_record_latest")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(hours_per_week__isnull=True)
                | models.Q(hours_per_week__gte=0, hours_per_week__lte=100),
                name="outcome_hours_in_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_work_status_display()} at {self.time_point}"
