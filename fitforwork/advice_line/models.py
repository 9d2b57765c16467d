"""The advice line: its opening hours, the topics and snippets administrators keep, and each contact logged."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from fitforwork.core.calendar import Nation
from fitforwork.core.models import BaseModel
from fitforwork.organisations.models import Organisation, Team


class AdviceLine(BaseModel):
    """One freephone line and web chat, answered by the advisers in its team; its team lead sees the dashboard."""

    name = models.CharField(max_length=200, unique=True)
    phone = models.CharField(max_length=30, help_text="The freephone number callers are given")
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="advice_lines")
    nation = models.CharField(
        max_length=20, choices=Nation.choices, help_text="Whose bank holidays the follow-up due dates skip"
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class OpeningHours(models.Model):
    """When the line's web chat is open on one day of the week (local time); a day with no row is closed."""

    class Weekday(models.IntegerChoices):
        MONDAY = 0, "Monday"
        TUESDAY = 1, "Tuesday"
        WEDNESDAY = 2, "Wednesday"
        THURSDAY = 3, "Thursday"
        FRIDAY = 4, "Friday"
        SATURDAY = 5, "Saturday"
        SUNDAY = 6, "Sunday"

    line = models.ForeignKey(AdviceLine, on_delete=models.CASCADE, related_name="opening_hours", db_index=False)
    weekday = models.PositiveSmallIntegerField(choices=Weekday.choices)
    opens = models.TimeField()
    closes = models.TimeField()

    class Meta:
        ordering = ["line", "weekday"]
        constraints = [
            models.UniqueConstraint(fields=["line", "weekday"], name="advice_line_one_opening_a_day"),
            models.CheckConstraint(condition=models.Q(opens__lt=models.F("closes")), name="advice_line_opens_first"),
        ]


# The topics a new service starts with (migration 0002 seeds its own copy); administrators change the list after.
DEFAULT_TOPICS = (
    "Managing absence",
    "Adjustments",
    "Mental health at work",
    "Musculoskeletal (MSK)",
    "Fit notes",
    "Returning to work",
    "Legal duties",
    "Other",
)


class Topic(BaseModel):
    """What a contact was about, from the list administrators keep (seeded by a data migration)."""

    name = models.CharField(max_length=100, unique=True)
    position = models.PositiveSmallIntegerField(default=0)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name


class Snippet(BaseModel):
    """Advice an adviser can insert into a contact's advice and then edit, with a link to public guidance."""

    topic = models.ForeignKey(Topic, on_delete=models.PROTECT, related_name="snippets")
    title = models.CharField(max_length=200)
    text = models.TextField()
    guidance_url = models.URLField(blank=True)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["topic__position", "title"]

    def __str__(self) -> str:
        return self.title


class Channel(models.TextChoices):
    PHONE = "phone", "Phone"
    WEB_CHAT = "web_chat", "Web chat"
    EMAIL = "email", "Email"


class CallerType(models.TextChoices):
    EMPLOYER_OWNER = "employer_owner", "Employer: owner"
    EMPLOYER_HR = "employer_hr", "Employer: HR"
    EMPLOYER_MANAGER = "employer_manager", "Employer: line manager"
    EMPLOYEE = "employee", "Employee"
    GP = "gp", "GP or practice staff"
    OTHER = "other", "Other"


class ChatStatus(models.TextChoices):
    WAITING = "waiting", "Waiting for an adviser"
    ANSWERED = "answered", "Answered"
    ENDED = "ended", "Ended"
    MESSAGE = "message", "Message left"


class Contact(BaseModel):
    """One call, web chat or email. Holds only what the caller agreed to give: every detail of them is optional."""

    line = models.ForeignKey(AdviceLine, on_delete=models.PROTECT, related_name="contacts")
    adviser = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="advice_contacts"
    )
    contacted_at = models.DateTimeField(default=timezone.now, db_index=True)
    channel = models.CharField(max_length=20, choices=Channel.choices)
    caller_type = models.CharField(max_length=20, choices=CallerType.choices)
    caller_name = models.CharField(max_length=200, blank=True)
    caller_phone = models.CharField(max_length=30, blank=True, db_index=True)
    caller_email = models.EmailField(blank=True)
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="advice_contacts"
    )
    organisation_name = models.CharField(max_length=200, blank=True, help_text="Typed in when not in the directory")
    size_band = models.CharField(max_length=10, choices=Organisation.SizeBand.choices, blank=True)
    nation = models.CharField(max_length=20, choices=Nation.choices, blank=True)
    topics = models.ManyToManyField(Topic, blank=True, related_name="contacts")
    advice = models.TextField(blank=True)
    chat_status = models.CharField(max_length=10, choices=ChatStatus.choices, blank=True)
    # The referral the contact became. When retention deletes the referral, the contact stays the line's record
    # of the call, without the link (a subject access request for the person lists it while the link holds).
    referral = models.OneToOneField(
        "referrals.Referral", null=True, blank=True, on_delete=models.SET_NULL, related_name="advice_contact"
    )

    class Meta:
        ordering = ["-contacted_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(channel="web_chat") | models.Q(chat_status=""),
                name="advice_contact_only_chats_have_chat_status",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} on {timezone.localdate(self.contacted_at):%d %B %Y}"

    @property
    def organisation_label(self) -> str:
        return self.organisation.name if self.organisation else self.organisation_name


class FollowUp(BaseModel):
    """What the adviser promised the caller, owned by the adviser, due a number of working days after the contact."""

    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="follow_ups")
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="advice_follow_ups")
    description = models.CharField(max_length=500)
    due_on = models.DateField(db_index=True)
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_on", "created_at"]


class ChatMessage(models.Model):
    """One line of a web chat, in order: a poll asks for the messages after the last id it has."""

    class Sender(models.TextChoices):
        CALLER = "caller", "Caller"
        ADVISER = "adviser", "Adviser"

    id = models.BigAutoField(primary_key=True)
    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="messages")
    sender = models.CharField(max_length=10, choices=Sender.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    text = models.TextField()
    sent_at = models.DateTimeField(default=timezone.now)
    client = models.CharField(max_length=64, blank=True, db_index=True, help_text="Keyed hash of a caller's address")

    class Meta:
        ordering = ["id"]

    @property
    def sent_time(self) -> str:
        """The local time it was sent, as the chat shows it (the transcript's date is the contact's)."""
        return timezone.localtime(self.sent_at).strftime("%H:%M")
