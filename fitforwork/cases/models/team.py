"""Who works a case: allocation to a case manager, cover while they are away, the care team (MDT),
its discussion notes, and break-glass access for anyone else with a reason."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from fitforwork.cases.models.case import Case


class CaseAllocation(models.Model):
    """Each time a case is given to a case manager, first or on transfer, with who decided and why."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="allocations", db_index=False)
    from_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    to_user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["case", "at"], name="allocation_case_idx")]

    def __str__(self) -> str:
        return f"{self.case_id} to {self.to_user_id}"


class Delegation(models.Model):
    """Cover for leave: `to_user` works `from_user`'s cases from `starts_on` to `ends_on` inclusive, then it
    ends by itself (every check compares dates; nothing has to run on the end date)."""

    from_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="delegations_given", db_index=False
    )
    to_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="delegations_received", db_index=False
    )
    starts_on = models.DateField()
    ends_on = models.DateField()
    reason = models.TextField(blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["starts_on", "id"]
        indexes = [
            models.Index(fields=["to_user", "ends_on"], name="delegation_cover_idx"),
            models.Index(fields=["from_user", "ends_on"], name="delegation_away_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")), name="delegation_ends_after_start"
            ),
            models.CheckConstraint(
                condition=~models.Q(from_user=models.F("to_user")), name="delegation_to_someone_else"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.to_user_id} covers {self.from_user_id}, {self.starts_on} to {self.ends_on}"


class CareTeamMember(models.Model):
    """A practitioner in a case's multidisciplinary team: they see this case, and no other through it."""

    class Discipline(models.TextChoices):
        OH_NURSE = "oh_nurse", "Occupational health nurse"
        OH_PHYSICIAN = "oh_physician", "Occupational health physician"
        PHYSIOTHERAPIST = "physiotherapist", "Physiotherapist"
        OCCUPATIONAL_THERAPIST = "occupational_therapist", "Occupational therapist"
        MENTAL_HEALTH = "mental_health", "Mental health practitioner"
        WORK_COACH = "work_coach", "Work coach"
        FITNESS_ADVISER = "fitness_adviser", "Fitness adviser"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="care_team", db_index=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="care_teams", db_index=False
    )
    discipline = models.CharField(max_length=30, choices=Discipline.choices)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField(default=timezone.now)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    removed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["added_at", "id"]
        indexes = [models.Index(fields=["user", "removed_at"], name="care_team_member_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "user"], condition=models.Q(removed_at__isnull=True), name="care_team_member_once"
            ),
            models.CheckConstraint(
                condition=models.Q(removed_at__isnull=True, removed_by__isnull=True)
                | models.Q(removed_at__isnull=False, removed_by__isnull=False),
                name="care_team_removal_has_who_and_when",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_discipline_display()} on case {self.case_id}"


class MdtNote(models.Model):
    """A note of a multidisciplinary team discussion of a case. Appended, never edited."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="mdt_notes", db_index=False)
    discussed_on = models.DateField()
    attendees = models.TextField(help_text="Who took part, by name and discipline")
    note = models.TextField()
    actions = models.TextField(blank=True, help_text="What was agreed, and who will do it")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    written_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["discussed_on", "written_at"]
        indexes = [models.Index(fields=["case", "discussed_on"], name="mdt_note_case_idx")]

    def __str__(self) -> str:
        return f"MDT discussion on {self.discussed_on}"


class BreakGlass(models.Model):
    """Access to a case outside one's relationships, with a reason: it lasts a few hours, every read under it
    is audited, and the team lead reviews each one."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="break_glass")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="break_glass", db_index=False
    )
    reason = models.TextField()
    granted_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_outcome = models.CharField(
        max_length=20,
        choices=[("appropriate", "Appropriate"), ("inappropriate", "Not appropriate: raised with the person")],
        blank=True,
    )
    review_note = models.TextField(blank=True)

    class Meta:
        ordering = ["-granted_at"]
        indexes = [
            models.Index(fields=["user", "case", "expires_at"], name="break_glass_active_idx"),
            models.Index(fields=["reviewed_at", "granted_at"], name="break_glass_review_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=~models.Q(reason=""), name="break_glass_has_reason"),
            models.CheckConstraint(
                condition=models.Q(expires_at__gt=models.F("granted_at")), name="break_glass_expires_after_grant"
            ),
            models.CheckConstraint(
                condition=models.Q(reviewed_at__isnull=True, review_outcome="")
                | (models.Q(reviewed_at__isnull=False, reviewed_by__isnull=False) & ~models.Q(review_outcome="")),
                name="break_glass_review_complete",
            ),
        ]

    def __str__(self) -> str:
        return f"Break-glass on case {self.case_id} by {self.user_id}"
