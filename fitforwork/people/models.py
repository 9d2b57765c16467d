"""The client: identity, contact details and preferences, GP practice, employment and conditions."""

from __future__ import annotations

from django.db import models
from django.db.models.functions import Upper

from fitforwork.core.choices import EmploymentStatus
from fitforwork.core.models import BaseModel
from fitforwork.organisations.models import Organisation
from fitforwork.people.nhs_number import validate_nhs_number
from fitforwork.people.postcodes import postcode_district


class Person(BaseModel):
    class Sex(models.TextChoices):
        FEMALE = "female", "Female"
        MALE = "male", "Male"
        OTHER = "other", "Other"
        NOT_STATED = "not_stated", "Prefer not to say"

    class ContactMethod(models.TextChoices):
        PHONE = "phone", "Phone call"
        SMS = "sms", "Text message"
        EMAIL = "email", "Email"
        LETTER = "letter", "Letter"

    nhs_number = models.CharField("NHS number", max_length=10, blank=True, validators=[validate_nhs_number])
    given_name = models.CharField("first name", max_length=100)
    family_name = models.CharField("last name", max_length=100)
    preferred_name = models.CharField(max_length=100, blank=True)
    date_of_birth = models.DateField()
    sex = models.CharField(max_length=12, choices=Sex.choices, default=Sex.NOT_STATED)
    email = models.EmailField(blank=True)
    phone = models.CharField("phone number", max_length=20, blank=True)
    address_line_1 = models.CharField(max_length=200, blank=True)
    address_line_2 = models.CharField(max_length=200, blank=True)
    town = models.CharField(max_length=100, blank=True)
    postcode = models.CharField(max_length=10, blank=True, db_index=True)
    preferred_contact_method = models.CharField(
        max_length=10, choices=ContactMethod.choices, default=ContactMethod.PHONE
    )
    ok_to_leave_voicemail = models.BooleanField(default=False)
    preferred_language = models.CharField(max_length=50, default="English")
    needs_interpreter = models.BooleanField(default=False)
    communication_needs = models.TextField(
        blank=True, help_text="Such as large print, British Sign Language or an easy read version"
    )
    gp_practice = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="registered_patients",
        limit_choices_to={"kind": Organisation.Kind.GP_PRACTICE},
    )

    class Meta:
        ordering = ["family_name", "given_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["nhs_number"],
                condition=~models.Q(nhs_number=""),
                name="person_nhs_number_unique",
                violation_error_message="Another person already has this NHS number",
            ),
        ]
        indexes = [
            # Finding someone by name and date of birth (possible duplicates) ignores case.
            models.Index(Upper("family_name"), "date_of_birth", name="person_family_dob_idx"),
            # The header's search by date of birth alone (ADR 14); a name is found by a prefix index instead,
            # made on PostgreSQL only by migration 0004, so it is not listed here.
            models.Index(fields=["date_of_birth"], name="person_dob_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.given_name} {self.family_name}"

    @property
    def postcode_district(self) -> str:
        """The outward code (LE1 of LE1 6TP), which is what a site's area is drawn in."""
        return postcode_district(self.postcode)


class Employment(BaseModel):
    # Shared with the service model rules, which must not import this app.
    Status = EmploymentStatus

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="employments")
    status = models.CharField(max_length=20, choices=Status.choices, blank=True)  # blank: not given yet
    employer = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="employees",
        limit_choices_to={"kind": Organisation.Kind.EMPLOYER},
    )
    employer_name = models.CharField(max_length=200, blank=True, help_text="Where the employer is not on our list")
    job_title = models.CharField(max_length=200, blank=True)
    hours_per_week = models.DecimalField(max_digits=4, decimal_places=1, null=True, blank=True)
    absence_start = models.DateField(null=True, blank=True, help_text="First day off sick, if off sick")
    work_ended_on = models.DateField(null=True, blank=True, help_text="Last day in work, if not in work")
    is_current = models.BooleanField(default=True)

    class Meta:
        ordering = ["-is_current", "-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(hours_per_week__isnull=True)
                | (models.Q(hours_per_week__gte=0) & models.Q(hours_per_week__lte=100)),
                name="employment_hours_in_range",
                violation_error_message="Hours per week must be between 0 and 100",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="employed_off_sick") | models.Q(absence_start__isnull=False),
                name="off_sick_has_absence_start",
                violation_error_message="Enter the first day off sick",
            ),
            models.UniqueConstraint(
                fields=["person"],
                condition=models.Q(is_current=True),
                name="one_current_employment",
                violation_error_message="This person already has a current employment",
            ),
        ]

    def __str__(self) -> str:
        where = self.employer or self.employer_name
        return f"{self.get_status_display()}: {self.job_title or ''} {where}".strip()


class Condition(BaseModel):
    """A health condition that affects work, in the broad groups evaluations compare."""

    class Category(models.TextChoices):
        MUSCULOSKELETAL = "musculoskeletal", "Musculoskeletal"
        MENTAL_HEALTH = "mental_health", "Mental health"
        BOTH = "both", "Musculoskeletal and mental health"
        OTHER = "other", "Other"

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="conditions")
    category = models.CharField(max_length=20, choices=Category.choices)
    description = models.CharField(max_length=200)
    is_main = models.BooleanField(default=True)
    onset = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-is_main", "created_at"]

    def __str__(self) -> str:
        return self.description
