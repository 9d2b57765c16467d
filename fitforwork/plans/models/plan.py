"""The return-to-work plan of a case and its versions (issue 15, docs/adr/0028-plan-versions.md).

A `Plan` is one per case. Its content lives in numbered `PlanVersion`s: at most one draft at a time, which
the case manager edits (every edit carries the version it was made from, ADR 0021), and agreed versions,
which never change: the services refuse it, and database triggers (plans 0002) refuse an UPDATE of an
agreed version and any INSERT or UPDATE of its obstacles, recommendations, timetable or phased-return weeks.
Editing an agreed plan copies it into a new draft.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from fitforwork.cases.models import Case
from fitforwork.core.models import BaseModel
from fitforwork.interventions.models import Intervention, OnwardReferral


class Plan(BaseModel):
    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="plan")

    def __str__(self) -> str:
        return f"Return-to-work plan of case {self.case_id}"


class Fitness(models.TextChoices):
    FIT = "fit", "Fit for work"
    MAY_BE_FIT = "may_be_fit", "May be fit for work if the advice is followed"


class DiscussedHow(models.TextChoices):
    FACE_TO_FACE = "face_to_face", "Face to face"
    TELEPHONE = "telephone", "Telephone"
    VIDEO = "video", "Video call"
    WRITING = "writing", "In writing"


class PlanVersion(BaseModel):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        AGREED = "agreed", "Agreed"

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="versions", db_index=False)
    number = models.PositiveIntegerField(help_text="1, 2, 3 … in the order the versions were made")
    based_on_number = models.PositiveIntegerField(
        null=True, blank=True, help_text="The version this one was copied from"
    )
    version = models.PositiveIntegerField(default=1, help_text="Goes up by one with every edit of a draft (ADR 0021)")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    period_from = models.DateField(null=True, blank=True)
    period_to = models.DateField(null=True, blank=True)
    fitness = models.CharField(max_length=12, choices=Fitness.choices, blank=True)
    further_help = models.TextField(blank=True, help_text="Further sources of help")
    discussed_how = models.CharField(max_length=20, choices=DiscussedHow.choices, blank=True)
    discussed_on = models.DateField(null=True, blank=True)
    agreed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    agreed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["plan", "number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="plan_version_number_once"),
            models.UniqueConstraint(
                fields=["plan"],
                condition=Q(status="draft"),
                name="plan_one_draft",
                violation_error_message="A plan has one draft at a time",
            ),
            models.CheckConstraint(
                condition=Q(status="draft")
                | (
                    Q(agreed_at__isnull=False, agreed_by__isnull=False, discussed_on__isnull=False)
                    & Q(period_from__isnull=False, period_to__isnull=False)
                    & ~Q(discussed_how="")
                    & ~Q(fitness="")
                ),
                name="plan_agreed_is_complete",
                violation_error_message="An agreed version needs its period, fitness, discussion and agreement",
            ),
            models.CheckConstraint(
                condition=Q(period_from__isnull=True)
                | Q(period_to__isnull=True)
                | Q(period_to__gte=models.F("period_from")),
                name="plan_period_in_order",
                violation_error_message="The plan's period must end on or after the day it starts",
            ),
        ]

    def __str__(self) -> str:
        return f"Plan version {self.number} ({self.get_status_display().lower()})"

    @property
    def is_agreed(self) -> bool:
        return self.status == self.Status.AGREED


class ObstacleGroup(models.TextChoices):
    HEALTH = "health", "Health"
    WORK = "work", "Work"
    OTHER = "other", "Other: social, money, caring or housing"


class Obstacle(models.Model):
    """An obstacle to work in one version, first copied from the case's assessment."""

    plan_version = models.ForeignKey(PlanVersion, on_delete=models.CASCADE, related_name="obstacles")
    group = models.CharField(max_length=10, choices=ObstacleGroup.choices)
    code = models.CharField(max_length=40, help_text="The assessment's code for it, or 'other'")
    label = models.CharField(max_length=200)
    detail = models.TextField(blank=True)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["plan_version", "position", "id"]

    def __str__(self) -> str:
        return self.label


class RecommendationKind(models.TextChoices):
    SELF_CARE = "self_care", "Self-care"
    ADJUSTMENT = "adjustment", "Workplace adjustment"
    SIGNPOSTING = "signposting", "Signposting"
    ONWARD_REFERRAL = "onward_referral", "Onward referral"


class Adjustment(models.TextChoices):
    """The fit note's four categories of workplace adjustment."""

    PHASED_RETURN = "phased_return", "Phased return to work"
    ALTERED_HOURS = "altered_hours", "Altered hours"
    AMENDED_DUTIES = "amended_duties", "Amended duties"
    WORKPLACE_ADAPTATIONS = "workplace_adaptations", "Workplace adaptations"


class Recommendation(models.Model):
    """One typed, specific recommendation for an obstacle. An onward referral is made through the
    interventions app's service when its version is agreed, and kept in `onward_referral`. Nothing deletes an
    onward referral but the erasure of its whole case at the end of retention, so the link cascades (setting it
    to null would be an UPDATE of an agreed version, which the database refuses)."""

    plan_version = models.ForeignKey(PlanVersion, on_delete=models.CASCADE, related_name="recommendations")
    obstacle = models.ForeignKey(Obstacle, on_delete=models.CASCADE, related_name="recommendations")
    kind = models.CharField(max_length=20, choices=RecommendationKind.choices)
    adjustment = models.CharField(max_length=30, choices=Adjustment.choices, blank=True)
    text = models.TextField()
    intervention = models.ForeignKey(Intervention, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    onward_referral = models.ForeignKey(
        OnwardReferral, null=True, blank=True, on_delete=models.CASCADE, related_name="plan_recommendations"
    )
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["plan_version", "position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind="adjustment") & ~Q(adjustment="")) | (~Q(kind="adjustment") & Q(adjustment="")),
                name="plan_adjustment_has_category",
                violation_error_message="A workplace adjustment says which of the four kinds it is",
            ),
            models.CheckConstraint(
                condition=Q(kind="onward_referral", intervention__isnull=False)
                | (~Q(kind="onward_referral") & Q(intervention__isnull=True, onward_referral__isnull=True)),
                name="plan_referral_names_intervention",
                violation_error_message="An onward referral names an intervention from the directory",
            ),
            models.CheckConstraint(condition=~Q(text=""), name="plan_recommendation_has_text"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.text[:40]}"


class TimetableEntry(models.Model):
    """When something in the plan happens: an intervention, an adjustment, the return itself."""

    plan_version = models.ForeignKey(PlanVersion, on_delete=models.CASCADE, related_name="timetable")
    what = models.CharField(max_length=200)
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["plan_version", "starts_on", "position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="plan_timetable_in_order",
                violation_error_message="An entry must end on or after the day it starts",
            ),
        ]


class PhasedWeek(models.Model):
    """One week of a phased return: the hours, or the days, to work that week."""

    plan_version = models.ForeignKey(PlanVersion, on_delete=models.CASCADE, related_name="phased_weeks", db_index=False)
    week = models.PositiveSmallIntegerField()
    hours = models.DecimalField(max_digits=4, decimal_places=1, null=True, blank=True)
    days = models.PositiveSmallIntegerField(null=True, blank=True)
    note = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["plan_version", "week"]
        constraints = [
            models.UniqueConstraint(fields=["plan_version", "week"], name="plan_phased_week_once"),
            models.CheckConstraint(
                condition=Q(hours__isnull=False) | Q(days__isnull=False),
                name="plan_phased_week_has_hours_or_days",
                violation_error_message="Give the hours or the days for the week",
            ),
            models.CheckConstraint(condition=Q(week__gte=1), name="plan_phased_week_from_one"),
        ]
