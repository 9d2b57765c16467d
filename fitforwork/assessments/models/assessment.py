"""The biopsychosocial assessment of a case and its pathway decisions (issue 14, ADR 0023).

`Assessment` is one per case and editable, but every edit carries the version it was made from and keeps
the values it replaced in `AssessmentRevision`, so nothing is silently overwritten. `PathwayDecision` is
append-only: the newest is the case's pathway.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone

from fitforwork.cases.models import Case
from fitforwork.core.models import BaseModel
from fitforwork.organisations.models import ServiceModelVersion

HEALTH_OBSTACLES = [
    ("pain", "Pain"),
    ("mobility", "Moving about or physical function"),
    ("fatigue", "Tiredness or fatigue"),
    ("low_mood", "Low mood"),
    ("anxiety", "Anxiety or worry"),
    ("sleep", "Sleep"),
    ("treatment", "Waiting for treatment, or its side effects"),
]
WORK_OBSTACLES = [
    ("physical_demands", "Physical demands of the job"),
    ("workload", "Workload or hours"),
    ("relationships", "Relationships at work"),
    ("no_adjustments", "No adjustments offered"),
    ("fear_of_returning", "Worry about going back"),
    ("job_insecurity", "Job insecurity"),
]
OTHER_OBSTACLES = [
    ("social", "Social or family"),
    ("financial", "Money"),
    ("caring", "Caring for someone"),
    ("housing", "Housing"),
]
OBSTACLE_GROUPS = {"health": HEALTH_OBSTACLES, "work": WORK_OBSTACLES, "other": OTHER_OBSTACLES}

snomed_code_validator = RegexValidator(r"^\d{6,18}$", "A SNOMED CT code is 6 to 18 digits")


class Assessment(BaseModel):
    class Condition(models.TextChoices):
        MUSCULOSKELETAL = "musculoskeletal", "Musculoskeletal (muscles, bones or joints)"
        MENTAL_HEALTH = "mental_health", "Mental health"
        OTHER = "other", "Other"

    class FitNote(models.TextChoices):
        NONE = "none", "No fit note"
        NOT_FIT = "not_fit", "Has a fit note: not fit for work"
        MAY_BE_FIT = "may_be_fit", "Has a fit note: may be fit for work with some support"
        EXPIRED = "expired", "Fit note has run out"

    class Status(models.TextChoices):
        DRAFT = "draft", "Not finished"
        DONE = "done", "Done"

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="assessment")
    version = models.PositiveIntegerField(default=1, help_text="Goes up by one with every edit")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    main_condition = models.CharField(max_length=20, choices=Condition.choices)
    snomed_code = models.CharField(max_length=18, blank=True, validators=[snomed_code_validator])
    health_obstacles = models.JSONField(default=list, blank=True)
    health_obstacles_text = models.TextField(blank=True)
    work_obstacles = models.JSONField(default=list, blank=True)
    work_obstacles_text = models.TextField(blank=True)
    other_obstacles = models.JSONField(default=list, blank=True)
    other_obstacles_text = models.TextField(blank=True)
    fit_note_status = models.CharField(max_length=12, choices=FitNote.choices)
    goals = models.TextField(blank=True, help_text="The person's own goals, in their words")
    consent_given = models.BooleanField(default=False)
    consent_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    consent_recorded_at = models.DateTimeField(null=True, blank=True)
    assessed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    assessed_at = models.DateTimeField(default=timezone.now)

    # The values an edit may change, kept in each revision.
    EDITABLE = (
        "status",
        "main_condition",
        "snomed_code",
        "health_obstacles",
        "health_obstacles_text",
        "work_obstacles",
        "work_obstacles_text",
        "other_obstacles",
        "other_obstacles_text",
        "fit_note_status",
        "goals",
        "consent_given",
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="done") | models.Q(consent_given=True, consent_recorded_at__isnull=False),
                name="assessment_done_needs_consent",
                violation_error_message="An assessment can be done only once consent to it is recorded",
            ),
        ]

    def __str__(self) -> str:
        return f"Assessment of case {self.case_id} (version {self.version})"


class AssessmentRevision(models.Model):
    """An assessment's values before one edit: append-only."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="revisions", db_index=False)
    version = models.PositiveIntegerField(help_text="The version these values were")
    values = models.JSONField()
    replaced_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    replaced_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-version"]
        constraints = [models.UniqueConstraint(fields=["assessment", "version"], name="assessment_revision_once")]


class PathwayDecision(models.Model):
    """One decision on a case's pathway: the proposal with its reasons, the rules it came from, and whether
    the case manager confirmed it or chose another (with a reason). Append-only; the newest is current."""

    class Outcome(models.TextChoices):
        CONFIRMED = "confirmed", "Confirmed"
        OVERRIDDEN = "overridden", "Overridden"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="pathway_decisions")
    proposed_pathway = models.CharField(max_length=60)
    reasons = models.JSONField(default=list)
    scores = models.JSONField(default=dict, help_text="The scores the proposal was made from")
    rules = models.ForeignKey(ServiceModelVersion, on_delete=models.PROTECT, related_name="+")
    outcome = models.CharField(max_length=12, choices=Outcome.choices)
    chosen_pathway = models.CharField(max_length=60)
    override_reason = models.TextField(blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-decided_at", "-id"]
        get_latest_by = "decided_at"
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(outcome="overridden") | ~models.Q(override_reason=""),
                name="pathway_override_needs_reason",
                violation_error_message="Say why you chose a different pathway",
            ),
        ]
