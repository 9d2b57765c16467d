"""The directory of interventions a case can be referred on to, and the onward referrals themselves.

An onward referral moves requested -> accepted -> started -> completed, or to declined before it starts;
each move appends a status change row. The dates are kept in columns, in order (database constraints),
so the time from referral to first intervention is one query.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from fitforwork.cases.models import Case
from fitforwork.core.models import BaseModel
from fitforwork.organisations.models import Site


class InterventionKind(models.TextChoices):
    PHYSIOTHERAPY = "physiotherapy", "Physiotherapy"
    TALKING_THERAPIES = "talking_therapies", "Talking therapies"
    OCCUPATIONAL_THERAPY = "occupational_therapy", "Occupational therapy"
    EXERCISE_PROGRAMME = "exercise_programme", "Exercise programme"
    DEBT_ADVICE = "debt_advice", "Debt advice"
    HOUSING_ADVICE = "housing_advice", "Housing advice"
    CAREERS_ADVICE = "careers_advice", "Careers advice"
    OH_PHYSICIAN = "oh_physician", "Occupational health physician"


class Intervention(BaseModel):
    """One service in the directory: what it is, who provides it and how long people usually wait."""

    Kind = InterventionKind

    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=30, choices=InterventionKind.choices)
    provider = models.CharField(max_length=200, help_text="Who runs it, such as the local NHS trust")
    typical_wait_days = models.PositiveIntegerField(help_text="How many days people usually wait to start")
    description = models.TextField(blank=True)
    site = models.ForeignKey(
        Site,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="interventions",
        help_text="Leave blank if every site can refer to it",
        db_index=False,
    )
    is_active = models.BooleanField(default=True, help_text="Untick to stop new referrals to it")

    class Meta:
        ordering = ["kind", "name"]
        indexes = [models.Index(fields=["site", "is_active", "kind"], name="intervention_directory_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=InterventionKind.values), name="intervention_kind_known"),
            models.UniqueConstraint(
                fields=["name", "provider", "site"],
                condition=Q(site__isnull=False),
                name="intervention_unique_at_site",
                violation_error_message="This site already has an intervention with this name and provider",
            ),
            models.UniqueConstraint(
                fields=["name", "provider"],
                condition=Q(site__isnull=True),
                name="intervention_unique_everywhere",
                violation_error_message="There is already an intervention with this name and provider for all sites",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.provider})"


class OnwardReferralStatus(models.TextChoices):
    REQUESTED = "requested", "Requested"
    ACCEPTED = "accepted", "Accepted"
    STARTED = "started", "Started"
    COMPLETED = "completed", "Completed"
    DECLINED = "declined", "Declined"


def _null(*names: str) -> Q:
    return Q(**{f"{name}__isnull": True for name in names})


def _set(*names: str) -> Q:
    return Q(**{f"{name}__isnull": False for name in names})


class OnwardReferral(BaseModel):
    """A case's referral on to an intervention, with the date of each step it has reached."""

    Status = OnwardReferralStatus

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="onward_referrals", db_index=False)
    intervention = models.ForeignKey(Intervention, on_delete=models.PROTECT, related_name="onward_referrals")
    status = models.CharField(
        max_length=20, choices=OnwardReferralStatus.choices, default=OnwardReferralStatus.REQUESTED
    )
    requested_on = models.DateField()
    accepted_on = models.DateField(null=True, blank=True)
    started_on = models.DateField(null=True, blank=True)
    completed_on = models.DateField(null=True, blank=True)
    declined_on = models.DateField(null=True, blank=True)
    decline_reason = models.TextField(blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["requested_on", "created_at"]
        indexes = [
            models.Index(fields=["case", "requested_on"], name="onward_referral_case_idx"),
            models.Index(fields=["case", "started_on"], name="onward_referral_started_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=OnwardReferralStatus.values), name="onward_referral_status_known"
            ),
            # Each status has exactly the dates of the steps it has been through.
            models.CheckConstraint(
                condition=~Q(status="requested") | _null("accepted_on", "started_on", "completed_on", "declined_on"),
                name="onward_referral_requested_dates",
            ),
            models.CheckConstraint(
                condition=~Q(status="accepted")
                | (_set("accepted_on") & _null("started_on", "completed_on", "declined_on")),
                name="onward_referral_accepted_dates",
            ),
            models.CheckConstraint(
                condition=~Q(status="started")
                | (_set("accepted_on", "started_on") & _null("completed_on", "declined_on")),
                name="onward_referral_started_dates",
            ),
            models.CheckConstraint(
                condition=~Q(status="completed")
                | (_set("accepted_on", "started_on", "completed_on") & _null("declined_on")),
                name="onward_referral_completed_dates",
            ),
            models.CheckConstraint(
                condition=~Q(status="declined")
                | (_set("declined_on") & _null("started_on", "completed_on") & ~Q(decline_reason="")),
                name="onward_referral_declined_dates",
                violation_error_message="A declined referral needs the date and the reason",
            ),
            # And the dates are in order.
            models.CheckConstraint(
                condition=Q(accepted_on__isnull=True) | Q(accepted_on__gte=F("requested_on")),
                name="onward_referral_accepted_after_request",
            ),
            models.CheckConstraint(
                condition=Q(started_on__isnull=True) | Q(started_on__gte=F("accepted_on")),
                name="onward_referral_started_after_acceptance",
            ),
            models.CheckConstraint(
                condition=Q(completed_on__isnull=True) | Q(completed_on__gte=F("started_on")),
                name="onward_referral_completed_after_start",
            ),
            models.CheckConstraint(
                condition=Q(declined_on__isnull=True) | Q(declined_on__gte=F("requested_on")),
                name="onward_referral_declined_after_request",
            ),
            models.CheckConstraint(
                condition=Q(declined_on__isnull=True)
                | Q(accepted_on__isnull=True)
                | Q(declined_on__gte=F("accepted_on")),
                name="onward_referral_declined_after_acceptance",
            ),
        ]

    def __str__(self) -> str:
        return f"Onward referral to {self.intervention.name}" if self.intervention_id else "Onward referral"


class OnwardReferralStatusChange(models.Model):
    """The history of an onward referral: each move, who made it, when and why. Appended, never changed."""

    onward_referral = models.ForeignKey(
        OnwardReferral, on_delete=models.CASCADE, related_name="status_changes", db_index=False
    )
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20, choices=OnwardReferralStatus.choices)
    on = models.DateField(help_text="The date the step happened, as recorded")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["onward_referral", "at"], name="onward_referral_change_idx")]

    def __str__(self) -> str:
        return f"{self.from_status or 'new'} to {self.to_status}"
