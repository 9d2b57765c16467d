"""Every write to accounts: creating users and managing their two-factor devices."""

from __future__ import annotations

import base64

from django.contrib.auth.password_validation import validate_password
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from fitforwork.accounts.models import User
from fitforwork.core.audit.services import audit_record

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
