"""People who sign in: staff of the service and external users at partner organisations."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.http import HttpRequest

from fitforwork.organisations.models import Organisation, Site, Team


class Role(models.TextChoices):
    """Every role in DESIGN.md that signs in. Clients use links, not accounts."""

    GP = "gp", "GP or practice staff"
    EMPLOYER = "employer", "Employer"
    JOBCENTRE = "jobcentre", "Jobcentre work coach"
    COMMUNITY = "community", "Community service"
    ADVICE_ADVISER = "advice_adviser", "Advice line adviser"
    CASE_MANAGER = "case_manager", "Case manager"
    PRACTITIONER = "practitioner", "Practitioner"
    TEAM_LEAD = "team_lead", "Team lead"
    COMMISSIONER = "commissioner", "Commissioner"
    EVALUATOR = "evaluator", "Evaluator"
    ADMINISTRATOR = "administrator", "Administrator"
    DATA_PROTECTION_OFFICER = "dpo", "Data protection officer"


STAFF_ROLES = frozenset(
    {
        Role.ADVICE_ADVISER,
        Role.CASE_MANAGER,
        Role.PRACTITIONER,
        Role.TEAM_LEAD,
        Role.ADMINISTRATOR,
        Role.DATA_PROTECTION_OFFICER,
    }
)
EXTERNAL_ROLES = frozenset(set(Role) - STAFF_ROLES)


class EmailUserManager(UserManager["User"]):
    def _create_user_object(self, username, email, password, **extra_fields):  # type: ignore[no-untyped-def]
        email = self.normalize_email(email or username)
        user = self.model(username=email, email=email, **extra_fields)
        if password is None:
            user.set_unusable_password()
        else:
            user.set_password(password)
        return user

    def create_user(self, email=None, password=None, **extra_fields):  # type: ignore[no-untyped-def,override]
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        user = self._create_user_object(email, email, password, **extra_fields)
        user.save(using=self._db)
        return user

    def create_superuser(self, email=None, password=None, **extra_fields):  # type: ignore[no-untyped-def,override]
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        extra_fields.setdefault("role", Role.ADMINISTRATOR)
        return self.create_user(email, password, **extra_fields)


class User(AbstractUser):
    """Signs in with an email address. One role each; staff roles need two-factor authentication."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    email = models.EmailField("email address", unique=True)
    role = models.CharField(max_length=32, choices=Role.choices)
    job_title = models.CharField(max_length=100, blank=True)
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="users"
    )
    site = models.ForeignKey(Site, null=True, blank=True, on_delete=models.PROTECT, related_name="users")
    teams = models.ManyToManyField(Team, blank=True, related_name="members")

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = []  # noqa: RUF012 - Django reads it as a class attribute

    objects = EmailUserManager()  # type: ignore[misc]

    class Meta:
        ordering = ["last_name", "first_name"]
        constraints = [
            # The Django admin is for administrators only, whatever flags someone ticks.
            models.CheckConstraint(
                condition=models.Q(role="administrator") | (models.Q(is_staff=False) & models.Q(is_superuser=False)),
                name="only_administrators_use_admin",
                violation_error_message="Only administrators can use the administration pages",
            ),
        ]

    def __str__(self) -> str:
        return self.get_full_name() or self.email

    def save(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        # The username mirrors the email so Django's own tools keep working.
        self.username = self.email
        super().save(*args, **kwargs)

    @property
    def is_service_staff(self) -> bool:
        return self.role in STAFF_ROLES

    @property
    def needs_two_factor(self) -> bool:
        # The demo-only switch has no effect unless DEBUG is on (and settings refuse it otherwise).
        switched_off = settings.DEMO_ONLY_DISABLE_TWO_FACTOR and settings.DEBUG
        return self.is_service_staff and not switched_off

    @property
    def two_factor_done(self) -> bool:
        """True when this session has passed two-factor authentication, or none is needed."""
        is_verified = getattr(self, "is_verified", None)  # set on request.user by django-otp's middleware
        return not self.needs_two_factor or bool(is_verified and is_verified())


class AuthenticatedHttpRequest(HttpRequest):
    """The type of request a signed-in view receives (every view not marked public)."""

    user: User
