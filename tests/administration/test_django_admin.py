"""Django's admin: at /django-admin/, for superusers only, with its sections named in plain words."""

import re

import pytest
from django.urls import reverse

from fitforwork.accounts.models import Role
from tests.accounts.factories import UserFactory
from tests.conftest import sign_in_with_two_factor

pytestmark = pytest.mark.django_db


def test_django_admin_has_its_own_address():
    assert reverse("admin:index") == "/django-admin/"
    assert reverse("administration:index") == "/administration/"


def test_an_administrator_who_is_not_a_superuser_is_refused(administrator_client):
    response = administrator_client.get(reverse("admin:index"), follow=True)
    assert response.status_code == 403
    assert administrator_client.get(reverse("admin:accounts_user_changelist"), follow=True).status_code == 403


def test_other_staff_are_refused(client):
    user = UserFactory(role=Role.TEAM_LEAD, with_device=True)
    sign_in_with_two_factor(client, user)
    assert client.get(reverse("admin:index"), follow=True).status_code == 403


def test_a_superuser_gets_in(verified_admin_client):
    assert verified_admin_client.get(reverse("admin:index")).status_code == 200


def test_the_sections_are_named_for_people(verified_admin_client):
    page = verified_admin_client.get(reverse("admin:index")).content.decode()
    headings = re.findall(r'<caption>\s*<a [^>]*class="section"[^>]*>([^<]+)</a>', page)
    assert "Sign-in lockouts" in headings
    assert "Two-factor authentication" in headings
    assert "Background jobs" in headings
    for machine_name in ["Axes", "Otp_Totp", "OTP_TOTP", "Tasks Database Backend", "AXES"]:
        assert machine_name not in headings
    assert "Authenticator apps" in page
    assert "Failed sign-in attempts" in page
    assert "TOTP devices" not in page


def test_the_administration_index_links_superusers_to_django_admin(verified_admin_client):
    page = verified_admin_client.get(reverse("administration:index")).content.decode()
    assert 'href="/django-admin/"' in page


def test_the_administration_index_does_not_offer_django_admin_to_other_administrators(administrator_client):
    page = administrator_client.get(reverse("administration:index")).content.decode()
    assert "Django's admin" not in page
    assert 'href="/administration/staff/"' in page
