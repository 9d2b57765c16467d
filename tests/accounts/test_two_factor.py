import re

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from fitforwork.accounts.models import EXTERNAL_ROLES, STAFF_ROLES, Role
from fitforwork.core.audit.models import AuditEvent
from tests.accounts.factories import PASSWORD, UserFactory
from tests.conftest import current_token

pytestmark = pytest.mark.django_db

SETUP = reverse("accounts:two-factor-setup")
VERIFY = reverse("accounts:two-factor")


def sign_in(client, user):
    return client.post(reverse("accounts:sign-in"), {"username": user.email, "password": PASSWORD})


@pytest.mark.parametrize("role", sorted(STAFF_ROLES))
def test_every_staff_role_must_set_up_two_factor_before_any_page(client, role):
    user = UserFactory(role=role)
    sign_in(client, user)
    response = client.get(reverse("accounts:home"))
    assert response.status_code == 302
    assert response["Location"].startswith(SETUP)


@pytest.mark.parametrize("role", sorted(EXTERNAL_ROLES))
def test_external_roles_are_not_asked_for_two_factor(client, role):
    user = UserFactory(role=role)
    sign_in(client, user)
    assert client.get(reverse("accounts:home"), follow=True).status_code == 200


def test_enrolment_shows_a_qr_code_and_the_key_and_confirms_with_a_code(client):
    user = UserFactory(role=Role.CASE_MANAGER)
    sign_in(client, user)
    page = client.get(SETUP).content.decode()
    assert 'src="data:image/svg+xml;base64,' in page
    secret = re.search(r'data-testid="totp-secret">([A-Z2-7 ]+)<', page).group(1)
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    assert secret.replace(" ", "") in __import__("base64").b32encode(device.bin_key).decode()

    wrong = client.post(SETUP, {"token": "000000" if current_token(device) != "000000" else "111111"})
    assert wrong.status_code == 400
    assert "The security code is not right" in wrong.content.decode()

    device.refresh_from_db()
    device.throttle_reset()  # as if the person waited before trying again
    response = client.post(SETUP, {"token": current_token(device)})
    assert response["Location"] == reverse("accounts:home")
    device.refresh_from_db()
    assert device.confirmed
    assert client.get(reverse("accounts:home-case-manager")).status_code == 200
    assert AuditEvent.objects.filter(actor_id=user.pk, action="accounts.two_factor_enrolled").exists()


def test_after_a_wrong_code_even_the_right_one_must_wait(client):
    user = UserFactory(role=Role.PRACTITIONER, with_device=True)
    device = TOTPDevice.objects.get(user=user)
    sign_in(client, user)
    client.post(VERIFY, {"token": "000000" if current_token(device) != "000000" else "111111"})
    response = client.post(VERIFY, {"token": current_token(device)})
    assert response.status_code == 400
    assert "Wait a minute" in response.content.decode()


def test_reloading_enrolment_keeps_the_same_key(client):
    user = UserFactory(role=Role.TEAM_LEAD)
    sign_in(client, user)
    client.get(SETUP)
    client.get(SETUP)
    assert TOTPDevice.objects.filter(user=user).count() == 1


def test_an_enrolled_user_is_asked_for_a_code_and_gets_in_with_the_right_one(client):
    user = UserFactory(role=Role.PRACTITIONER, with_device=True)
    device = TOTPDevice.objects.get(user=user)
    sign_in(client, user)
    response = client.get(reverse("accounts:home"))
    assert response["Location"].startswith(VERIFY)
    assert client.get(reverse("accounts:home-practitioner")).status_code == 302
    assert client.post(VERIFY, {"token": "12345"}).status_code == 400
    response = client.post(VERIFY, {"token": current_token(device), "next": reverse("accounts:home-practitioner")})
    assert response["Location"] == reverse("accounts:home-practitioner")
    assert client.get(reverse("accounts:home-practitioner")).status_code == 200


def test_a_used_code_cannot_be_used_again(client):
    user = UserFactory(role=Role.PRACTITIONER, with_device=True)
    device = TOTPDevice.objects.get(user=user)
    token = current_token(device)
    sign_in(client, user)
    client.post(VERIFY, {"token": token})
    client.post(reverse("accounts:sign-out"))
    sign_in(client, user)
    assert client.post(VERIFY, {"token": token}).status_code == 400


def test_the_admin_site_also_needs_two_factor(client):
    admin = UserFactory(role=Role.ADMINISTRATOR, is_staff=True, is_superuser=True, with_device=True)
    sign_in(client, admin)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert not response["Location"].startswith(reverse("admin:index"))
    client.post(VERIFY, {"token": current_token(TOTPDevice.objects.get(user=admin))})
    assert client.get(reverse("admin:index")).status_code == 200


def test_the_admin_login_page_sends_people_to_the_service_sign_in(client):
    response = client.get(reverse("admin:login"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:sign-in"))


def test_the_demo_only_setting_switches_two_factor_off_on_a_debug_machine(client, settings):
    settings.DEMO_ONLY_DISABLE_TWO_FACTOR = True
    settings.DEBUG = True
    user = UserFactory(role=Role.CASE_MANAGER)
    sign_in(client, user)
    assert client.get(reverse("accounts:home-case-manager")).status_code == 200


def test_the_demo_only_setting_has_no_effect_with_debug_off(client, settings):
    settings.DEMO_ONLY_DISABLE_TWO_FACTOR = True
    settings.DEBUG = False
    user = UserFactory(role=Role.CASE_MANAGER)
    sign_in(client, user)
    assert client.get(reverse("accounts:home-case-manager")).status_code == 302


@pytest.mark.parametrize("role", sorted(set(Role) - {Role.ADMINISTRATOR}))
def test_only_administrators_can_be_given_the_admin(role):
    with pytest.raises(IntegrityError), transaction.atomic():
        UserFactory(role=role, is_staff=True, is_superuser=True)


def test_the_demo_only_setting_fails_the_deploy_check_when_debug_is_off(settings):
    settings.DEMO_ONLY_DISABLE_TWO_FACTOR = True
    settings.DEBUG = False
    with pytest.raises(SystemCheckError, match="fitforwork.E001"):
        call_command("check", "--deploy", "--fail-level", "ERROR", tags=["security"])
