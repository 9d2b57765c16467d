"""The outbox: every message we mean to send, stored with the change that caused it."""

from __future__ import annotations

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone

from fitforwork.core.models import BaseModel


class Message(BaseModel):
    """One email, text message or letter, from queued to sent or failed.

    `next_attempt_at` is when a queued message is next due; while a message is being sent it is
    the end of the sender's lease, after which the send is treated as interrupted. `unconfirmed`
    marks a message an attempt may have delivered without our learning so: it is looked up at the
    provider before it is sent again.
    """

    class Channel(models.TextChoices):
        EMAIL = "email", "Email"
        SMS = "sms", "Text message"
        LETTER = "letter", "Letter"

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"
        CANCELLED = "cancelled", "Cancelled"

    channel = models.CharField(max_length=10, choices=Channel.choices)
    template_id = models.CharField(max_length=64, help_text="The GOV.UK Notify template id.")
    template_name = models.CharField(
        max_length=100, blank=True, help_text="Our name for the template, for the file backend's copy."
    )
    recipient = models.CharField(
        max_length=320, blank=True, help_text="Email address or phone number; letters use address lines."
    )
    personalisation = models.JSONField(default=dict, blank=True, encoder=DjangoJSONEncoder)
    reference = models.CharField(
        max_length=100,
        blank=True,
        help_text="Our reference, such as a referral id. Notify is given the message's id as its reference instead.",
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    provider_id = models.CharField(max_length=100, blank=True, help_text="The provider's id for the message.")
    sent_at = models.DateTimeField(null=True, blank=True)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    cancelled_reason = models.TextField(
        blank=True, help_text="Why a message was cancelled before it was sent (consent withdrawn, say)."
    )
    unconfirmed = models.BooleanField(
        default=False,
        help_text="An attempt may have reached the provider without an answer we could read; "
        "the provider is asked whether it has the message before it is sent again.",
    )

    class Meta:
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="outbox_status_due_idx"),
            models.Index(fields=["reference"], name="outbox_reference_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(channel__in=["email", "sms", "letter"]), name="outbox_message_channel_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=["queued", "sending", "sent", "failed", "cancelled"]),
                name="outbox_message_status_valid",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="sent") | models.Q(sent_at__isnull=False),
                name="outbox_message_sent_has_sent_at",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} {self.template_name or self.template_id} ({self.status})"
