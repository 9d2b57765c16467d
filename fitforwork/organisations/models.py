"""Organisations, the sites that run a service, their teams, and versioned service models."""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone

from fitforwork.core.calendar import Nation
from fitforwork.core.models import BaseModel


class Organisation(BaseModel):
    class Kind(models.TextChoices):
        NHS_TRUST = "nhs_trust", "NHS trust"
        GP_PRACTICE = "gp_practice", "GP practice"
        LOCAL_AUTHORITY = "local_authority", "Local authority"
        JOBCENTRE = "jobcentre", "Jobcentre"
        OH_PROVIDER = "oh_provider", "Occupational health provider"
        EMPLOYER = "employer", "Employer"
        VOLUNTARY_SECTOR = "voluntary_sector", "Voluntary sector organisation"
        COMMISSIONER = "commissioner", "Commissioner"

    class SizeBand(models.TextChoices):
        # The UK's business size bands by number of employees.
        MICRO = "micro", "Micro (1 to 9 employees)"
        SMALL = "small", "Small (10 to 49 employees)"
        MEDIUM = "medium", "Medium (50 to 249 employees)"
        LARGE = "large", "Large (250 employees or more)"

    kind = models.CharField(max_length=32, choices=Kind.choices, db_index=True)
    name = models.CharField(max_length=200)
    ods_code = models.CharField(
        "ODS code",
        max_length=10,
        blank=True,
        help_text="Organisation Data Service code, required for GP practices",
    )
    size_band = models.CharField(max_length=10, choices=SizeBand.choices, blank=True)
    postcode = models.CharField(max_length=10, blank=True)
    email = models.EmailField(
        blank=True, help_text="Where letters to it are sent, such as a GP practice's shared mailbox for letters"
    )
    nation = models.CharField(max_length=20, choices=Nation.choices, blank=True)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["ods_code"],
                condition=~models.Q(ods_code=""),
                name="organisation_ods_code_unique",
                violation_error_message="Another organisation already has this ODS code",
            ),
            models.CheckConstraint(
                condition=~models.Q(kind="gp_practice") | ~models.Q(ods_code=""),
                name="gp_practice_has_ods_code",
                violation_error_message="Enter the GP practice's ODS code",
            ),
            models.CheckConstraint(
                condition=models.Q(kind="employer") | models.Q(size_band=""),
                name="only_employers_have_size_band",
                violation_error_message="Only employers have a size band",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.ods_code})" if self.ods_code else self.name


class ServiceModel(BaseModel):
    """A way of running the service (national Fit for Work, WorkWell, ...). Its rules live in versions."""

    key = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    source = models.TextField(blank=True, help_text="Where the rules come from")

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def current_version(self) -> ServiceModelVersion | None:
        return self.versions.order_by("-number").first()


class ServiceModelVersion(BaseModel):
    """One immutable set of rules. Editing a service model adds a version; none is ever changed or deleted.

    `save()` and `delete()` refuse here, and database triggers (migration 0003) refuse any UPDATE or
    DELETE that goes around the model, such as `QuerySet.update()`, `QuerySet.delete()` or raw SQL.
    """

    service_model = models.ForeignKey(ServiceModel, on_delete=models.PROTECT, related_name="versions", db_index=False)
    number = models.PositiveIntegerField()
    config = models.JSONField()
    change_note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["service_model", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["service_model", "number"], name="service_model_version_unique"),
            models.CheckConstraint(condition=models.Q(number__gte=1), name="service_model_version_from_one"),
        ]

    def __str__(self) -> str:
        return f"{self.service_model.name}, version {self.number}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        # Not a side effect but the invariant itself: a version is written once and never changed.
        if not self._state.adding:
            raise ImmutableVersionError(f"{self} cannot be changed: add a new version instead")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        # The database refuses too (migration 0003), as it does QuerySet.update() and .delete().
        raise ImmutableVersionError(f"{self} cannot be deleted: referrals and cases may be decided under it")


class ImmutableVersionError(Exception):
    """Raised on any attempt to change a saved service model version."""


# Shown on a case with an open red flag when its site has written no protocol of its own.
DEFAULT_SAFETY_PROTOCOL = (
    "Call the person back today. Ask directly whether they are thinking of ending their life and whether they "
    "have a plan. If they are in immediate danger, call 999. Otherwise agree with them who they will contact "
    "today (their GP, NHS 111 option 2 for mental health, or Samaritans on 116 123), tell your team lead, and "
    "record what was done when you close the red flag."
)


class PopulationBasis(models.TextChoices):
    WORKING_AGE = "working_age", "working-age population (16 to 64)"
    EMPLOYED = "employed", "people in employment"


class Site(BaseModel):
    """A place the service runs: one nation, an area, and the service model it follows."""

    provider = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="sites")
    name = models.CharField(max_length=200, unique=True)
    nation = models.CharField(max_length=20, choices=Nation.choices)
    service_model = models.ForeignKey(ServiceModel, on_delete=models.PROTECT, related_name="sites")
    gp_practices = models.ManyToManyField(
        Organisation,
        blank=True,
        related_name="covered_by_sites",
        limit_choices_to={"kind": Organisation.Kind.GP_PRACTICE},
    )
    commissioners = models.ManyToManyField(
        Organisation,
        blank=True,
        related_name="commissioned_sites",
        limit_choices_to={"kind": Organisation.Kind.COMMISSIONER},
        help_text="The commissioning organisations whose staff see this site's figures on the dashboard",
    )
    postcode_districts = models.JSONField(
        default=list, blank=True, help_text="Outward codes covered, such as LE1 or DD2"
    )
    caseload_limit = models.PositiveSmallIntegerField(
        default=50, help_text="How many open cases a case manager here should hold at most"
    )
    contact_interval_weeks = models.PositiveSmallIntegerField(
        default=6, help_text="A case with no contact for longer than this many weeks is shown as not contacted"
    )
    safety_protocol = models.TextField(
        blank=True, help_text="What staff do when a red flag is raised; shown on the case. Blank: the standard text"
    )
    population = models.PositiveIntegerField(
        null=True,
        blank=True,
        help_text="The area's population the service is measured against (penetration), of the kind below",
    )
    population_basis = models.CharField(
        max_length=20,
        choices=PopulationBasis.choices,
        default=PopulationBasis.WORKING_AGE,
        help_text="Which population the figure above counts",
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def safety_protocol_text(self) -> str:
        """This site's safety protocol, or the standard one when the site has not written its own."""
        return self.safety_protocol.strip() or DEFAULT_SAFETY_PROTOCOL


class Team(BaseModel):
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="teams", db_index=False)
    name = models.CharField(max_length=200)

    class Meta:
        ordering = ["site", "name"]
        constraints = [models.UniqueConstraint(fields=["site", "name"], name="team_name_unique_in_site")]

    def __str__(self) -> str:
        return f"{self.name}, {self.site.name}"


class FitNoteLoad(models.Model):
    """One file of fit notes issued per practice per month, as loaded (`fitforwork fitnotes load`), with the
    row-by-row report of what was loaded and what was refused and why."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    file_name = models.CharField(max_length=255)
    sha256 = models.CharField(max_length=64, help_text="The file's SHA-256, so the same file can be recognised")
    loaded_at = models.DateTimeField(default=timezone.now)
    loaded_by = models.CharField(max_length=200, blank=True, help_text="Who ran the load, as they named themselves")
    report = models.JSONField(default=list, help_text="Each row: its number, what was sent, the outcome and why")

    class Meta:
        ordering = ["-loaded_at"]

    def __str__(self) -> str:
        return f"{self.file_name} loaded {self.loaded_at:%Y-%m-%d %H:%M}"


class FitNoteCount(models.Model):
    """How many fit notes a GP practice issued in a month (from NHS England's or a board's published figures):
    the denominator of referrals per 1,000 fit notes."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    practice = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="fit_note_counts", db_index=False)
    month = models.DateField(help_text="The first day of the month counted")
    count = models.PositiveIntegerField()
    load = models.ForeignKey(FitNoteLoad, on_delete=models.PROTECT, related_name="counts")

    class Meta:
        ordering = ["practice", "month"]
        constraints = [
            models.UniqueConstraint(fields=["practice", "month"], name="fit_note_count_once_a_month"),
            models.CheckConstraint(condition=models.Q(month__day=1), name="fit_note_count_month_starts_on_day_1"),
        ]

    def __str__(self) -> str:
        return f"{self.practice}: {self.count} fit notes in {self.month:%B %Y}"


class ReferralForecast(models.Model):
    """How many referrals a site was expected to receive in a month, as the commissioner entered it. Entering a
    month again adds a row: the newest is the forecast, the earlier ones stay as they were given."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="referral_forecasts", db_index=False)
    month = models.DateField(help_text="The first day of the month forecast")
    expected = models.PositiveIntegerField()
    note = models.TextField(blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    entered_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["site", "month", "-entered_at"]
        indexes = [models.Index(fields=["site", "month", "-entered_at"], name="referral_forecast_latest")]
        constraints = [
            models.CheckConstraint(condition=models.Q(month__day=1), name="referral_forecast_month_starts_on_day_1"),
        ]

    def __str__(self) -> str:
        return f"{self.site}: {self.expected} referrals expected in {self.month:%B %Y}"
