"""Every write to accounts: creating users, managing their two-factor devices, resetting forgotten passwords."""

from __future__ import annotations

import base64
from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.tokens import default_token_generator
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from fitforwork.accounts.models import User
from fitforwork.core.audit.services import audit_record
from fitforwork.core.outbox.models import Message
from fitforwork.core.outbox.services import message_enqueue

DEVICE_NAME = "Authenticator app"


@transaction.atomic
def user_create(
    *,
    actor: User | None,
    email: str,
    password: str | None,
    role: str,
    first_name: str = "",
    last_name: str = "",
    **fields: object,
) -> User:
    """Create a user; administrators and the demo both come through here so each creation is audited.

    A given password must meet the password rules; with none, the account cannot sign in until one is set.
    """
    is_admin = role == "administrator"
    if password is not None:
        validate_password(password, User(email=email, first_name=first_name, last_name=last_name))
    user = User.objects.create_user(
        email=email.lower(),
        password=password,
        role=role,
        first_name=first_name,
        last_name=last_name,
        is_staff=is_admin,
        is_superuser=is_admin,
        **fields,
    )
    audit_record(actor=actor, action="accounts.user_created", obj=user, data={"role": role})
    return user


def confirmed_device(*, user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


@transaction.atomic
def pending_device(*, user: User) -> TOTPDevice:
    """The unconfirmed device being set up, made once so a page reload keeps the same secret."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)
    return device


@transaction.atomic
def device_confirm(*, device: TOTPDevice, actor: User) -> None:
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    audit_record(actor=actor, action="accounts.two_factor_enrolled", obj=actor)


def readable_secret(device: TOTPDevice) -> str:
    """The secret in groups of four, for people who type it into their app instead of scanning."""
    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


@transaction.atomic
def user_save_from_admin(*, user: User, actor: User, created: bool) -> User:
    """Save an administrator's edit; administrators get the Django admin, nobody else does."""
    user.is_staff = user.role == "administrator"
    user.is_superuser = user.is_superuser and user.is_staff
    user.save()
    audit_record(
        actor=actor,
        action="accounts.user_created" if created else "accounts.user_changed",
        obj=user,
        data={"role": user.role},
    )
    return user


@transaction.atomic
def two_factor_reset(*, user: User, actor: User) -> None:
    """Remove a person's authenticator devices, for a lost phone; they enrol again at next sign-in."""
    TOTPDevice.objects.filter(user=user).delete()
    audit_record(actor=actor, action="accounts.two_factor_reset", obj=user)


PASSWORD_RESET_TEMPLATE = "password_reset"  # noqa: S105 - a message template name


def _password_reset_reference(user: User) -> str:
    return f"password-reset:{user.pk}"  # indexed in the outbox, so counting this hour's emails is cheap


def link_lifetime_words(seconds: int) -> str:
    """How long a reset link works, as the email says it: "1 hour", "30 minutes", "2 days"."""
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds >= size and seconds % size == 0:
            count = seconds // size
            return f"{count} {unit}{'' if count == 1 else 's'}"
    return f"{max(1, seconds // 60)} minutes"


@transaction.atomic
def password_reset_request(*, email: str, link_for: Callable[[User, str], str], request: HttpRequest | None) -> None:
    """Email a single-use link to set a new password, when the address is an active account's.

    The caller shows the same page whatever happens here, so nobody can learn which addresses have accounts.
    At most PASSWORD_RESET_EMAILS_PER_HOUR emails go to one account an hour; further requests are audited only.
    """
    user = User.objects.filter(email__iexact=email.strip(), is_active=True).first()
    if user is None or not user.has_usable_password():
        return
    since = timezone.now() - timedelta(hours=1)
    sent = Message.objects.filter(reference=_password_reset_reference(user), created_at__gte=since).count()
    if sent >= settings.PASSWORD_RESET_EMAILS_PER_HOUR:
        audit_record(actor=None, action="accounts.password_reset_limited", obj=user, request=request)
        return
    contact = settings.SERVICE_CONTACT
    message_enqueue(
        channel="email",
        template_id=str(settings.NOTIFY_TEMPLATES.get(PASSWORD_RESET_TEMPLATE, PASSWORD_RESET_TEMPLATE)),
        template_name=PASSWORD_RESET_TEMPLATE,
        recipient=user.email,
        personalisation={
            "first_name": user.first_name,
            "link": link_for(user, default_token_generator.make_token(user)),
            "link_works_for": link_lifetime_words(settings.PASSWORD_RESET_TIMEOUT),
            "service_phone": contact["phone"],
            "service_email": contact["email"],
        },
        reference=_password_reset_reference(user),
    )
    audit_record(actor=None, action="accounts.password_reset_requested", obj=user, request=request)


@transaction.atomic
def password_reset_complete(*, user: User, password: str, request: HttpRequest | None) -> None:
    """Set the new password. The link stops working (its token covers the old password's hash), every other
    session of the account ends, and two-factor authentication is untouched: it is still asked for at sign-in."""
    password_set(user=user, password=password, action="accounts.password_reset_completed", request=request)


@transaction.atomic
def password_set(*, user: User, password: str, action: str, request: HttpRequest | None = None) -> None:
    """Set a password the person chose from an emailed link, checked against the password rules, audited as
    `action`. Any link made for the old password stops working, as its token covers the password's hash."""
    validate_password(password, user)
    user.set_password(password)
    user.save(update_fields=["password"])
    audit_record(actor=user, action=action, obj=user, request=request)
