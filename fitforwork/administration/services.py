"""The administrators' writes about staff: adding a team member with an invitation, deactivating, setting a password.

Sites, teams, organisations and service models are written by fitforwork.organisations.services; these are
the writes that span accounts and organisations (a member joins a team at a site) or that only these pages make.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from fitforwork.accounts.models import User
from fitforwork.accounts.services import password_set, user_create
from fitforwork.core.audit.services import audit_record
from fitforwork.core.outbox.services import message_enqueue
from fitforwork.organisations.models import Team

INVITATION_TEMPLATE = "staff_invitation"


def invitation_days() -> int:
    """How long an invitation's link works, in whole days (Django's PASSWORD_RESET_TIMEOUT)."""
    return max(1, settings.PASSWORD_RESET_TIMEOUT // 86400)


def set_password_path(user: User) -> str:
    """The path of the user's single-use set-password link: it stops working once a password is set."""
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    return reverse("invitations:set-password", args=[uid, default_token_generator.make_token(user)])


def _invite(*, user: User, actor: User, base_url: str) -> None:
    template = INVITATION_TEMPLATE
    message_enqueue(
        channel="email",
        template_id=str(settings.NOTIFY_TEMPLATES.get(template, template)),
        template_name=template,
        recipient=user.email,
        personalisation={
            "first_name": user.first_name,
            "service_name": settings.SERVICE_NAME,
            "set_password_link": base_url.rstrip("/") + set_password_path(user),
            "days": str(invitation_days()),
            "invited_by": actor.get_full_name() or actor.email,
        },
        reference=str(user.pk),
        actor=actor,
    )


@transaction.atomic
def staff_add(
    *,
    actor: User,
    first_name: str,
    last_name: str,
    email: str,
    role: str,
    team: Team,
    base_url: str,
    job_title: str = "",
) -> User:
    """Add a member of staff to a team, at the team's site, and email them a link to set their password.

    They have no password until they follow the link, and set up two-factor authentication when they
    first sign in. Administrators are not added here: Django's admin, for superusers, makes those.
    """
    email = email.strip().lower()
    if User.objects.filter(email__iexact=email).exists():
        raise ValidationError({"email": ["Someone already has an account with this email address"]})
    site = team.site
    try:
        with transaction.atomic():
            user = user_create(
                actor=actor,
                email=email,
                password=None,
                role=role,
                first_name=first_name.strip(),
                last_name=last_name.strip(),
                job_title=job_title.strip(),
                organisation=site.provider,
                site=site,
            )
    except IntegrityError as error:
        # Someone added the same address a moment ago, between the check above and this insert.
        raise ValidationError({"email": ["Someone already has an account with this email address"]}) from error
    user.teams.add(team)
    audit_record(actor=actor, action="administration.team_member_added", obj=user, data={"team": str(team.pk)})
    _invite(user=user, actor=actor, base_url=base_url)
    return user


@transaction.atomic
def staff_reinvite(*, actor: User, user: User, base_url: str) -> None:
    """Send another set-password email to someone who has not set a password yet."""
    if user.has_usable_password() or not user.is_active:
        raise ValidationError("This person has already set a password or cannot sign in")
    _invite(user=user, actor=actor, base_url=base_url)
    audit_record(actor=actor, action="administration.invitation_resent", obj=user)


@transaction.atomic
def staff_deactivate(*, actor: User, user: User, reason: str) -> User:
    """Stop someone signing in. Their records, cases and audit history stay as they were."""
    if user.pk == actor.pk:
        raise ValidationError("You cannot deactivate your own account")
    if user.is_superuser and not actor.is_superuser:
        raise ValidationError("Only a superuser can deactivate a superuser's account")
    if not reason.strip():
        raise ValidationError({"reason": ["Enter why you are deactivating this account"]})
    user.is_active = False
    user.save(update_fields=["is_active"])
    audit_record(actor=actor, action="administration.staff_deactivated", obj=user, reason=reason.strip())
    return user


@transaction.atomic
def staff_reactivate(*, actor: User, user: User) -> User:
    user.is_active = True
    user.save(update_fields=["is_active"])
    audit_record(actor=actor, action="administration.staff_reactivated", obj=user)
    return user


@transaction.atomic
def password_set_from_invitation(*, user: User, password: str) -> User:
    """Set the password an invitation asked for; the link then stops working (the token covers the password)."""
    password_set(user=user, password=password, action="accounts.password_set_from_invitation")
    return user
