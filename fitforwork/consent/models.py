"""The consent ledger: one row each time a person gives or withdraws consent for one purpose and recipient.

Rows are appended and never changed (the database refuses an UPDATE: migration 0002). Withdrawal is a new row;
what holds now is the latest row for the person, purpose, recipient (and, for sharing a plan, plan version).
`selectors.consent_allows` answers "may X see Y now?" for every sharing path (ADR 0026).
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone


class Purpose(models.TextChoices):
    REFERRAL = "referral", "Being referred to the service"
    ASSESSMENT = "assessment", "Being assessed"
    SHARE_PLAN = "share_plan", "Sharing a return-to-work plan"
    THIRD_PARTY_CONTACT = "third_party_contact", "Contact with someone outside the service"
    # Only that the person is back at work, and the date: never anything from the plan or the assessment.
    RETURN_NOTICE = "return_notice", "Telling their employer they are back at work"


class How(models.TextChoices):
    WRITTEN = "written", "In writing"
    VERBAL = "verbal", "Spoken"
    ONLINE = "online", "Online"


class Consent(models.Model):
    class Action(models.TextChoices):
        GIVEN = "given", "Given"
        WITHDRAWN = "withdrawn", "Withdrawn"
        REFUSED = "refused", "Refused"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="consents", db_index=False)
    purpose = models.CharField(max_length=24, choices=Purpose.choices)
    action = models.CharField(max_length=10, choices=Action.choices)
    # Who may receive it: an organisation in the directory, or one named here when it is not there. Neither, for
    # the referral and the assessment: the consent is to the service itself.
    recipient = models.ForeignKey(
        "organisations.Organisation", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recipient_name = models.CharField(max_length=200, blank=True)
    # The plan version a share is about (plans app): a consent to share one version does not carry to the next.
    plan_version_id = models.UUIDField(null=True, blank=True, db_index=True)
    removed_sections = models.JSONField(
        default=list, blank=True, help_text="The parts of the plan the person asked to be left out when shared."
    )
    how = models.CharField(max_length=10, choices=How.choices)
    given_on = models.DateField(help_text="When the person gave (or withdrew) it, which may be before it was recorded.")
    recorded_at = models.DateTimeField(default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # The referral it came with, when it came with one (the employer's written consent, a self-referrer's yes).
    referral = models.ForeignKey(
        "referrals.Referral", null=True, blank=True, on_delete=models.CASCADE, related_name="consents"
    )
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["recorded_at", "id"]
        indexes = [models.Index(fields=["person", "purpose", "recorded_at"], name="consent_person_purpose_idx")]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(purpose="share_plan") | models.Q(plan_version_id__isnull=False),
                name="consent_share_plan_names_its_version",
                violation_error_message="A consent to share a plan names the plan version.",
            ),
            models.CheckConstraint(
                condition=models.Q(purpose__in=["referral", "assessment"])
                | models.Q(recipient__isnull=False)
                | ~models.Q(recipient_name=""),
                name="consent_sharing_names_its_recipient",
                violation_error_message="A consent to share or to contact someone names who.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_purpose_display()}: {self.get_action_display().lower()} on {self.given_on}"

    @property
    def recipient_label(self) -> str:
        if self.recipient is not None:
            return str(self.recipient.name)
        return self.recipient_name or "the service"
