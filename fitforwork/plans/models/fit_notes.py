"""Fit notes (Statement of Fitness for Work, 2022 form): those a client brings, and those the service
issues where its service model allows (issue 15). Issuing checks the rules in `fitforwork.plans.fit_note_rules`."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from fitforwork.cases.models import Case
from fitforwork.core.models import BaseModel


class Profession(models.TextChoices):
    DOCTOR = "doctor", "Doctor"
    REGISTERED_NURSE = "registered_nurse", "Registered nurse"
    OCCUPATIONAL_THERAPIST = "occupational_therapist", "Occupational therapist"
    PHARMACIST = "pharmacist", "Pharmacist"
    PHYSIOTHERAPIST = "physiotherapist", "Physiotherapist"


class StaffProfession(BaseModel):
    """A member of staff's registered profession, set by an administrator: it decides who may issue a fit note.
    Staff without one (most case managers are not clinicians) may not."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profession")
    profession = models.CharField(max_length=30, choices=Profession.choices)
    registration_number = models.CharField(max_length=40, blank=True)

    def __str__(self) -> str:
        return f"{self.user} ({self.get_profession_display()})"


class FitNote(BaseModel):
    class Source(models.TextChoices):
        RECEIVED = "received", "Received"
        ISSUED = "issued", "Issued by the service"

    class Fitness(models.TextChoices):
        NOT_FIT = "not_fit", "Not fit for work"
        MAY_BE_FIT = "may_be_fit", "May be fit for work taking account of the advice"

    class AssessedHow(models.TextChoices):
        FACE_TO_FACE = "face_to_face", "Face to face"
        TELEPHONE = "telephone", "Telephone"
        VIDEO = "video", "Video consultation"
        WRITTEN_REPORT = "written_report", "Written report"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="fit_notes")
    source = models.CharField(max_length=10, choices=Source.choices)
    assessed_on = models.DateField(null=True, blank=True)
    assessed_how = models.CharField(max_length=20, choices=AssessedHow.choices, blank=True)
    condition = models.CharField(max_length=300)
    fitness = models.CharField(max_length=12, choices=Fitness.choices)
    phased_return = models.BooleanField(default=False)
    altered_hours = models.BooleanField(default=False)
    amended_duties = models.BooleanField(default=False)
    workplace_adaptations = models.BooleanField(default=False)
    comments = models.TextField(blank=True, help_text="Comments on the functional effects of the condition")
    period_from = models.DateField()
    period_to = models.DateField()
    reassessment_needed = models.BooleanField(default=False)
    issued_on = models.DateField()
    issuer_name = models.CharField(max_length=200)
    issuer_profession = models.CharField(max_length=30, choices=Profession.choices)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    expiry_task_made = models.BooleanField(default=False, help_text="A task was made as it neared its end")
    pdf = models.BinaryField(
        null=True, blank=True, editable=False, help_text="The printable note, made once at its first download"
    )

    ADJUSTMENTS = ("phased_return", "altered_hours", "amended_duties", "workplace_adaptations")

    class Meta:
        ordering = ["case", "-period_from"]
        indexes = [models.Index(fields=["period_to", "expiry_task_made"], name="fit_note_running_out_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_to__gte=models.F("period_from")),
                name="fit_note_period_in_order",
                violation_error_message="A fit note's period must end on or after the day it starts",
            ),
            models.CheckConstraint(
                condition=Q(fitness="may_be_fit")
                | Q(phased_return=False, altered_hours=False, amended_duties=False, workplace_adaptations=False),
                name="fit_note_adjustments_only_if_may_be_fit",
                violation_error_message="Adjustments go only on a 'may be fit for work' note",
            ),
            models.CheckConstraint(
                condition=Q(source="received") | Q(issued_by__isnull=False),
                name="fit_note_issued_has_issuer",
                violation_error_message="A fit note the service issues records who issued it",
            ),
        ]

    def __str__(self) -> str:
        return f"Fit note {self.period_from} to {self.period_to}"

    def adjustment_labels(self) -> list[str]:
        labels = {
            "phased_return": "Phased return to work",
            "altered_hours": "Altered hours",
            "amended_duties": "Amended duties",
            "workplace_adaptations": "Workplace adaptations",
        }
        return [labels[name] for name in self.ADJUSTMENTS if getattr(self, name)]
