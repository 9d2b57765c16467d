"""Cases: the episode of care an accepted referral opens, its status history and its tasks."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from fitforwork.core.models import BaseModel
from fitforwork.organisations.models import ServiceModelVersion, Site, Team
from fitforwork.people.models import Person
from fitforwork.referrals.models import Referral


class CaseStatus(models.TextChoices):
    """The stages of a case, in the order a case moves through them."""

    REFERRED = "referred", "Referred"
    CONTACTED = "contacted", "Contacted"
    ASSESSED = "assessed", "Assessed"
    PLAN_AGREED = "plan_agreed", "Plan agreed"
    ACTIVE_SUPPORT = "active_support", "Active support"
    DISCHARGED = "discharged", "Discharged"


# The open stages in order; furthest_stage is the latest of these a case has reached.
STAGES: tuple[str, ...] = (
    CaseStatus.REFERRED,
    CaseStatus.CONTACTED,
    CaseStatus.ASSESSED,
    CaseStatus.PLAN_AGREED,
    CaseStatus.ACTIVE_SUPPORT,
)


def stage_rank(status: str) -> int:
    """Where an open stage falls in the journey (referred is 0)."""
    return STAGES.index(status)


class DischargeReason(models.TextChoices):
    """The discharge reasons of service-models.md; "other" needs a note."""

    RETURNED_TO_WORK = "returned_to_work", "Returned to work"
    STAYED_IN_WORK = "stayed_in_work", "Stayed in work"
    NO_LONGER_HELPS = "no_longer_helps", "Service can no longer help"
    TIME_LIMIT = "time_limit", "Time limit reached"
    CONSENT_WITHDRAWN = "consent_withdrawn", "Consent withdrawn"
    NOT_CONTACTABLE = "not_contactable", "Not contactable"
    DECLINED_BEFORE_ASSESSMENT = "declined_before_assessment", "Declined before assessment"
    MOVED_OUT_OF_AREA = "moved_out_of_area", "Moved out of area"
    OTHER = "other", "Other"


class WorkStatus(models.TextChoices):
    """Work status at a time point (service-models.md, outcome schedule)."""

    IN_WORK_USUAL = "in_work_usual", "In work at usual duties"
    IN_WORK_ADJUSTED = "in_work_adjusted", "In work with adjustments or a phased return"
    OFF_SICK = "off_sick", "Off sick"
    LEFT_JOB = "left_job", "Left the job"
    NEW_JOB = "new_job", "In a new job"
    UNEMPLOYED_SEEKING = "unemployed_seeking", "Unemployed and seeking work"
    NOT_SEEKING = "not_seeking", "Not seeking work"


class Risk(models.TextChoices):
    """How likely the person is to stay off work or lose their job without help, as the case manager judges it
    (informed by the assessment questionnaires); blank until assessed."""

    LOW = "low", "Low"
    MEDIUM = "medium", "Medium"
    HIGH = "high", "High"


class Case(BaseModel):
    """An episode of care, opened when a referral is accepted; its site and rules are fixed at opening."""

    Status = CaseStatus
    Risk = Risk

    referral = models.OneToOneField(Referral, on_delete=models.PROTECT, related_name="case")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="cases")
    # Fixed at opening, from the referral: a transfer never moves a case between sites' figures.
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="cases", db_index=False)
    rules = models.ForeignKey(
        ServiceModelVersion, on_delete=models.PROTECT, related_name="cases", help_text="The rules the case runs under"
    )
    case_manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="managed_cases",
        db_index=False,
    )
    team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.PROTECT, related_name="cases", db_index=False
    )
    status = models.CharField(max_length=20, choices=CaseStatus.choices, default=CaseStatus.REFERRED)
    furthest_stage = models.CharField(
        max_length=20,
        choices=CaseStatus.choices,
        default=CaseStatus.REFERRED,
        help_text="The latest open stage ever reached, so drop-out between stages can be counted",
    )
    opened_at = models.DateTimeField(default=timezone.now)
    discharged_at = models.DateTimeField(null=True, blank=True)
    discharge_reason = models.CharField(max_length=30, choices=DischargeReason.choices, blank=True)
    discharge_note = models.TextField(blank=True)
    work_status_at_discharge = models.CharField(max_length=20, choices=WorkStatus.choices, blank=True)
    return_to_work_date = models.DateField(null=True, blank=True)
    reopened_count = models.PositiveSmallIntegerField(default=0)
    risk = models.CharField(max_length=10, choices=Risk.choices, blank=True)
    # Bumped by every edit; a page sends back the version it showed, and a stale edit is refused
    # (core/versions.py, docs/adr/0021-every-edit-carries-its-version.md).
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["opened_at"]
        indexes = [
            models.Index(fields=["case_manager", "status", "opened_at"], name="case_caseload_idx"),
            models.Index(fields=["team", "status", "opened_at"], name="case_team_idx"),
            models.Index(fields=["site", "status", "opened_at"], name="case_site_idx"),
            # The team view lists open cases of a few teams, or of a site's cases with no team, by date opened.
            models.Index(
                fields=["team", "opened_at"],
                condition=models.Q(status__in=list(STAGES)),
                name="case_open_team_idx",
            ),
            models.Index(
                fields=["site", "opened_at"],
                condition=models.Q(status__in=list(STAGES), team__isnull=True),
                name="case_open_unteamed_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="discharged")
                | (
                    ~models.Q(discharge_reason="")
                    & models.Q(discharged_at__isnull=False)
                    & ~models.Q(work_status_at_discharge="")
                ),
                name="discharged_case_has_reason_time_and_work_status",
                violation_error_message="A discharge needs a reason, a time and the work status at discharge",
            ),
            models.CheckConstraint(
                condition=models.Q(status="discharged")
                | (models.Q(discharge_reason="") & models.Q(discharged_at__isnull=True)),
                name="open_case_has_no_discharge",
            ),
            models.CheckConstraint(
                condition=~models.Q(discharge_reason="other") | ~models.Q(discharge_note=""),
                name="other_discharge_reason_has_note",
                violation_error_message="Say why the case was discharged",
            ),
            models.CheckConstraint(
                condition=models.Q(furthest_stage__in=list(STAGES)), name="case_furthest_stage_is_open_stage"
            ),
            models.CheckConstraint(condition=models.Q(status__in=list(CaseStatus.values)), name="case_status_known"),
        ]

    def __str__(self) -> str:
        return f"Case for referral {self.referral.reference}" if self.referral_id else "Case"

    @property
    def is_open(self) -> bool:
        return self.status != CaseStatus.DISCHARGED


class CaseStatusChange(models.Model):
    """The history of a case's status: who moved it, when and why. Appended, never changed."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="status_changes", db_index=False)
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20, choices=CaseStatus.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField(blank=True)
    discharge_reason = models.CharField(max_length=30, choices=DischargeReason.choices, blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["case", "at"], name="case_status_change_idx")]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(to_status="discharged") | ~models.Q(discharge_reason=""),
                name="discharge_change_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.from_status or 'new'} to {self.to_status}"


class Task(BaseModel):
    """Something to do on a case by a date: from the service model's time standards, or added by hand."""

    class Kind(models.TextChoices):
        FIRST_CONTACT = "first_contact", "First contact"
        ASSESSMENT = "assessment", "Assessment"
        REVIEW = "review", "Review"
        CASE_LENGTH = "case_length", "Case length limit"
        MANUAL = "manual", "Task"
        RED_FLAG = "red_flag", "Red flag"
        OUTCOME = "outcome", "Outcome follow-up"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="tasks", db_index=False)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    title = models.CharField(max_length=200)
    due_on = models.DateField()
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="tasks", db_index=False
    )
    automatic = models.BooleanField(default=False, help_text="Made from the service model, not by hand")
    completed_at = models.DateTimeField(null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    cancelled_at = models.DateTimeField(
        null=True, blank=True, help_text="Closed without being done, such as when its case was discharged"
    )

    class Meta:
        ordering = ["due_on", "created_at"]
        indexes = [
            models.Index(fields=["assigned_to", "completed_at", "due_on"], name="task_my_tasks_idx"),
            models.Index(fields=["case", "completed_at", "due_on"], name="task_case_idx"),
            models.Index(
                fields=["due_on"],
                condition=models.Q(completed_at__isnull=True, cancelled_at__isnull=True),
                name="task_open_due_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(completed_at__isnull=True, completed_by__isnull=True)
                | models.Q(completed_at__isnull=False, completed_by__isnull=False),
                name="completed_task_has_who_and_when",
                violation_error_message="A completed task records who completed it and when",
            ),
            models.CheckConstraint(
                condition=models.Q(completed_at__isnull=True) | models.Q(cancelled_at__isnull=True),
                name="task_not_both_completed_and_cancelled",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.completed_at is None and self.cancelled_at is None
