import pytest
from axes.models import AccessAttempt
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from fitforwork.accounts.models import Role, User
from fitforwork.core.audit.models import AuditEvent
from tests.accounts.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def test_an_administrator_creates_a_user_with_a_role_and_it_is_audited(verified_admin_client):
    response = verified_admin_client.post(
        reverse("admin:accounts_user_add"),
        {
            "email": "new.coach@example.org",
            "first_name": "New",
            "last_name": "Coach",
            "role": Role.CASE_MANAGER,
            "password1": "a strong new password 9",
            "password2": "a strong new password 9",
            "usable_password": "true",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    user = User.objects.get(email="new.coach@example.org")
    assert user.role == Role.CASE_MANAGER
    assert not user.is_staff
    assert user.check_password("a strong new password 9")
    assert AuditEvent.objects.filter(action="accounts.user_created", object_id=str(user.pk)).exists()


def test_a_short_password_is_refused_when_an_administrator_creates_a_user(verified_admin_client):
    response = verified_admin_client.post(
        reverse("admin:accounts_user_add"),
        {
            "email": "weak@example.org",
            "role": Role.GP,
            "password1": "short1",
            "password2": "short1",
            "usable_password": "true",
        },
    )
    assert response.status_code == 200
    assert "at least 12 characters" in response.content.decode()
    assert not User.objects.filter(email="weak@example.org").exists()


def test_resetting_two_factor_removes_the_device_and_is_audited(verified_admin_client):
    member = UserFactory(role=Role.CASE_MANAGER, with_device=True)
    verified_admin_client.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "reset_two_factor", "_selected_action": [str(member.pk)]},
    )
    assert not TOTPDevice.objects.filter(user=member).exists()
    assert AuditEvent.objects.filter(action="accounts.two_factor_reset", object_id=str(member.pk)).exists()


def test_unlocking_lets_a_locked_out_person_sign_in_again(verified_admin_client):
    member = UserFactory(role=Role.GP)
    other = Client()
    for _ in range(5):
        other.post(reverse("accounts:sign-in"), {"username": member.email, "password": "wrong guess here"})
    assert other.post(reverse("accounts:sign-in"), {"username": member.email, "password": PASSWORD}).status_code == 403
    verified_admin_client.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "unlock_sign_in", "_selected_action": [str(member.pk)]},
    )
    assert not AccessAttempt.objects.filter(username=member.email).exists()
    assert other.post(reverse("accounts:sign-in"), {"username": member.email, "password": PASSWORD}).status_code == 302


def test_creating_a_user_with_a_weak_password_through_the_service_is_refused():
    from django.core.exceptions import ValidationError

    from fitforwork.accounts.services import user_create

    with pytest.raises(ValidationError):
        user_create(actor=None, email="weak.service@example.org", password="too short", role=Role.GP)
    assert not User.objects.filter(email="weak.service@example.org").exists()


def test_a_user_created_without_a_password_cannot_sign_in(client):
    from fitforwork.accounts.services import user_create

    user = user_create(actor=None, email="no.password@example.org", password=None, role=Role.GP)
    assert not user.has_usable_password()
    response = client.post(reverse("accounts:sign-in"), {"username": user.email, "password": ""})
    assert response.status_code == 400


def test_an_administrator_setting_a_password_is_audited(verified_admin_client):
    member = UserFactory(role=Role.GP)
    response = verified_admin_client.post(
        reverse("admin:auth_user_password_change", args=[member.pk]),
        {"password1": "a brand new password 7", "password2": "a brand new password 7", "usable_password": "true"},
    )
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.check_password("a brand new password 7")
    assert AuditEvent.objects.filter(action="accounts.password_set_by_administrator", object_id=str(member.pk)).exists()


def test_accounts_cannot_be_deleted_in_the_admin(verified_admin_client):
    member = UserFactory(role=Role.GP)
    response = verified_admin_client.post(reverse("admin:accounts_user_delete", args=[member.pk]), {"post": "yes"})
    assert response.status_code == 403
    assert User.objects.filter(pk=member.pk).exists()
