"""Referrals: every submission kept exactly as received, and the referral made from it."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone

from fitforwork.core.choices import EmploymentStatus
from fitforwork.core.models import BaseModel
from fitforwork.organisations.models import Organisation, ServiceModelVersion, Site
from fitforwork.people.models import Condition, Person


class Channel(models.TextChoices):
    """How a referral reached us."""

    SELF_FORM = "self_form", "Self-referral form"
    GP_FORM = "gp_form", "GP referral form"
    EMPLOYER_FORM = "employer_form", "Employer referral form"
    JOBCENTRE_FORM = "jobcentre_form", "Jobcentre referral form"
    COMMUNITY_FORM = "community_form", "Community service referral form"
    ADVICE_LINE = "advice_line", "Advice line call"
    FHIR = "fhir", "FHIR API"
    BULK_FILE = "bulk_file", "Bulk file"


class Source(models.TextChoices):
    """Who referred, whatever the channel (the service model's referral routes)."""

    GP = "gp", "GP practice"
    EMPLOYER = "employer", "Employer"
    SELF = "self", "Self-referral"
    JOBCENTRE = "jobcentre", "Jobcentre"
    COMMUNITY = "community", "Community service"
    ADVICE_LINE = "advice_line", "Advice line"
    NHS24_MSK = "nhs24_msk", "NHS 24 MSK triage"


class Submission(models.Model):
    """What someone sent, stored before anything else runs, so nothing that reached us is lost."""

    class Outcome(models.TextChoices):
        RECEIVED = "received", "Received, not yet processed"
        REFERRAL = "referral", "Made a referral"
        REFUSED = "refused", "Refused"
        FAILED = "failed", "Failed for a reason of ours"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    channel = models.CharField(max_length=20, choices=Channel.choices)
    received_at = models.DateTimeField(default=timezone.now, db_index=True)
    payload = models.JSONField(help_text="Exactly what was sent")
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # A retry with the same key from the same sender gets the same referral.
    idempotency_scope = models.CharField(max_length=100, blank=True)
    idempotency_key = models.CharField(max_length=200, blank=True)
    # SHA-256 of the payload as canonical JSON: a key sent again with another body is told so (issue 13).
    body_hash = models.CharField(max_length=64, blank=True, default="", db_default="")
    outcome = models.CharField(max_length=10, choices=Outcome.choices, default=Outcome.RECEIVED)
    errors = models.JSONField(default=list, blank=True)
    processed_at = models.DateTimeField(null=True, blank=True)
    # The sender asked not to wait (FHIR's `Prefer: respond-async`): its referral is made after the answer,
    # by a background task enqueued when the submission was committed.
    deferred = models.BooleanField(default=False, db_default=False)  # rows written by COPY (the demo) too
    # How many times making its referral failed (a fault of ours, or cut off): staff see it on the failed list.
    attempts = models.PositiveIntegerField(default=0, db_default=0)

    class Meta:
        ordering = ["-received_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["idempotency_scope", "idempotency_key"],
                condition=~models.Q(idempotency_key=""),
                name="submission_idempotency_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} at {self.received_at:%Y-%m-%d %H:%M}"


class Referral(BaseModel):
    class Status(models.TextChoices):
        RECEIVED = "received", "Received"
        ACCEPTED = "accepted", "Accepted"
        DECLINED = "declined", "Declined"
        WITHDRAWN = "withdrawn", "Withdrawn by the referrer"

    class DuplicateStatus(models.TextChoices):
        NONE = "", "Not a possible duplicate"
        FLAGGED = "flagged", "Possible duplicate"
        MERGED = "merged", "Merged into another referral"
        NOT_DUPLICATE = "not_duplicate", "Checked: not a duplicate"
        SAME_PERSON = "same_person", "Checked: the same person"

    reference = models.CharField(max_length=12, unique=True)
    submission = models.OneToOneField(Submission, on_delete=models.PROTECT, related_name="referral")
    channel = models.CharField(max_length=20, choices=Channel.choices)
    source = models.CharField(max_length=20, choices=Source.choices)
    received_at = models.DateTimeField(db_index=True)
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="referrals")
    # Fixed at referral: transfers later never move a referral between sites' figures.
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="referrals", db_index=False)
    rules = models.ForeignKey(
        ServiceModelVersion,
        on_delete=models.PROTECT,
        related_name="referrals",
        help_text="The rule set it was decided under",
    )
    referrer_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="referrals_made"
    )
    referrer_organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="referrals_made", db_index=False
    )
    referrer_name = models.CharField(max_length=200, blank=True)
    referrer_email = models.EmailField(blank=True)
    referrer_phone = models.CharField(max_length=20, blank=True)

    reason = models.TextField(help_text="Why the person is being referred, in the referrer's words")
    help_wanted = models.TextField(
        blank=True, default="", db_default="", help_text="What the person would like help with, in their words"
    )
    # Blank (and consent None) when the sender did not give it, as a GP system's plain FHIR referral may not:
    # asked at triage (`not_given`).
    condition_category = models.CharField(max_length=20, choices=Condition.Category.choices, blank=True)
    employment_status = models.CharField(max_length=20, choices=EmploymentStatus.choices, blank=True)
    absence_start = models.DateField(null=True, blank=True)
    expected_absence_weeks = models.PositiveSmallIntegerField(null=True, blank=True)
    employer_size_band = models.CharField(max_length=10, choices=Organisation.SizeBand.choices, blank=True)
    consent_given = models.BooleanField(default=False, null=True, blank=True)
    written_consent_date = models.DateField(
        null=True, blank=True, help_text="When the employee gave the employer written consent to refer"
    )

    eligible = models.BooleanField()
    eligibility_failures = models.JSONField(default=list, blank=True)
    first_contact_due = models.DateField(help_text="By the site's first-contact standard, in working days")

    status = models.CharField(max_length=10, choices=Status.choices, default=Status.RECEIVED, db_index=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decline_reason = models.TextField(blank=True)

    class NhsNumberConflict(models.TextChoices):
        NONE = "", "No NHS number conflict"
        OPEN = "open", "NHS number held by another person record"
        SAME_PERSON = "same_person", "Checked: the same person as the record holding the NHS number"
        NOT_SAME_PERSON = "not_same_person", "Checked: not the same person as the record holding the NHS number"

    # What the sender said about the person, kept as sent whatever the person's record holds (issue 11).
    nhs_number = models.CharField("NHS number as sent", max_length=10, blank=True, default="", db_default="")
    sent_details = models.JSONField(null=True, blank=True, help_text="The person's details as sent")
    nhs_number_conflict = models.CharField(
        max_length=15, choices=NhsNumberConflict.choices, blank=True, default="", db_default=""
    )
    nhs_number_holder = models.ForeignKey(
        Person,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The person record that already held the NHS number sent, when it named someone else",
    )

    duplicate_status = models.CharField(max_length=15, choices=DuplicateStatus.choices, blank=True, default="")
    possible_duplicate_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="possible_duplicates"
    )

    class Meta:
        ordering = ["received_at"]
        indexes = [
            models.Index(fields=["site", "status", "received_at"], name="referral_triage_idx"),
            models.Index(fields=["referrer_organisation", "-received_at"], name="referral_referrer_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="declined") | ~models.Q(decline_reason=""),
                name="declined_referral_has_reason",
                violation_error_message="Give a reason for declining the referral",
            ),
            models.CheckConstraint(
                condition=models.Q(status="received") | models.Q(decided_at__isnull=False),
                name="decided_referral_has_time",
            ),
            models.CheckConstraint(
                condition=~models.Q(source="employer") | models.Q(written_consent_date__isnull=False),
                name="employer_referral_has_consent_date",
                violation_error_message="Enter the date the employee gave written consent",
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def not_given(self) -> list[str]:
        """What the service needs that the sender did not give, by field name, to be asked at triage."""
        missing = [name for name in ("employment_status", "condition_category") if not getattr(self, name)]
        return [*missing, "consent_given"] if self.consent_given is None else missing


class ReferralStatusChange(models.Model):
    """The history of a referral's status: who moved it, when and why. Appended, never changed."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(max_length=10, blank=True)
    to_status = models.CharField(max_length=10)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField(blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "id"]


class AnonymousSend(models.Model):
    """One self-referral sent without signing in, by a keyed hash of the client's address (never the address).

    What SELF_REFERRAL_LIMIT_PER_HOUR counts, in the database so every app server counts the same sends.
    """

    client = models.CharField(max_length=64)
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["client", "sent_at"], name="anonymous_send_client_at")]

    def __str__(self) -> str:
        return f"Self-referral sent at {self.sent_at:%Y-%m-%d %H:%M}"
