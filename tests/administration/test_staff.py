"""Adding a team member (with an invitation through the outbox), deactivating, and setting a password."""

import re

import pytest
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from fitforwork.accounts.models import Role, User
from fitforwork.core.audit.models import AuditEvent
from fitforwork.core.outbox.models import Message
from tests.accounts.factories import UserFactory
from tests.organisations.factories import TeamFactory

pytestmark = pytest.mark.django_db

ADD = reverse("administration:staff-add")


def _add(client, team, **overrides):
    data = {
        "first_name": "Priya",
        "last_name": "Nair",
        "email": "Priya.Nair@example.org",
        "job_title": "Work and health coach",
        "role": Role.CASE_MANAGER,
        "team": str(team.pk),
    }
    data.update(overrides)
    return client.post(ADD, data)


def test_an_administrator_adds_a_team_member_who_is_invited_by_email_and_audited(administrator_client):
    team = TeamFactory()
    response = _add(administrator_client, team)
    assert response.status_code == 302
    assert response["Location"] == reverse("administration:team", args=[team.pk])
    member = User.objects.get(email="priya.nair@example.org")
    assert (member.role, member.site, member.organisation) == (Role.CASE_MANAGER, team.site, team.site.provider)
    assert list(member.teams.all()) == [team]
    assert not member.has_usable_password()
    assert not member.is_staff
    assert not member.is_superuser
    message = Message.objects.get(template_name="staff_invitation")
    assert message.recipient == "priya.nair@example.org"
    assert message.personalisation["set_password_link"].startswith("http://testserver/set-password/")
    assert AuditEvent.objects.filter(
        action="administration.team_member_added", object_id=str(member.pk), actor_id=administrator_client.admin.pk
    ).exists()
    team_page = administrator_client.get(response["Location"]).content.decode()
    assert "Priya Nair" in team_page
    assert "No password set yet" in team_page


def test_adding_a_team_member_shows_each_problem_in_the_error_summary(administrator_client):
    response = administrator_client.post(ADD, {"email": "not an email"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "There is a problem" in page
    for message in [
        "Enter their first name",
        "Enter their last name",
        "Enter an email address in the correct format, like name@example.com",
        "Select their role",
        "Select their team",
    ]:
        assert message in page
    assert not Message.objects.exists()


def test_an_email_address_already_in_use_is_refused(administrator_client):
    UserFactory(email="taken@example.org")
    response = _add(administrator_client, TeamFactory(), email="Taken@Example.org")
    assert response.status_code == 400
    assert "Someone already has an account with this email address" in response.content.decode()
    assert User.objects.filter(email__iexact="taken@example.org").count() == 1


def test_an_administrator_cannot_be_added_from_the_team_member_form(administrator_client):
    response = _add(administrator_client, TeamFactory(), role=Role.ADMINISTRATOR)
    assert response.status_code == 400
    assert not User.objects.filter(email="priya.nair@example.org").exists()


def _link_path(message):
    return re.sub(r"^http://testserver", "", message.personalisation["set_password_link"])


def test_the_invitation_link_sets_a_password_once_and_two_factor_follows_at_sign_in(administrator_client, client):
    _add(administrator_client, TeamFactory())
    path = _link_path(Message.objects.get(template_name="staff_invitation"))
    administrator_client.post(reverse("accounts:sign-out"))
    assert client.get(path).status_code == 200
    refused = client.post(path, {"password": "a long new password 77", "password_again": "something else"})
    assert refused.status_code == 400
    assert "The passwords do not match" in refused.content.decode()
    response = client.post(path, {"password": "a long new password 77", "password_again": "a long new password 77"})
    assert response["Location"] == reverse("accounts:sign-in")
    member = User.objects.get(email="priya.nair@example.org")
    assert member.check_password("a long new password 77")
    assert AuditEvent.objects.filter(action="accounts.password_set_from_invitation", object_id=str(member.pk)).exists()
    # Used once: the link no longer works.
    assert "This link no longer works" in client.get(path).content.decode()
    # Signing in sends them to set up two-factor, as every member of staff must.
    client.post(reverse("accounts:sign-in"), {"username": member.email, "password": "a long new password 77"})
    home = client.get(reverse("accounts:home"), follow=True)
    assert home.redirect_chain[-1][0].startswith(reverse("accounts:two-factor-setup"))


def test_a_made_up_link_does_not_set_a_password(client):
    member = UserFactory(role=Role.CASE_MANAGER)
    uid = urlsafe_base64_encode(force_bytes(member.pk))
    path = reverse("invitations:set-password", args=[uid, "made-up-token"])
    response = client.post(path, {"password": "a long new password 77", "password_again": "a long new password 77"})
    assert "This link no longer works" in response.content.decode()
    member.refresh_from_db()
    assert not member.check_password("a long new password 77")


def test_deactivating_needs_a_reason_stops_sign_in_and_is_audited(administrator_client):
    member = UserFactory(role=Role.PRACTITIONER)
    url = reverse("administration:staff-member", args=[member.pk])
    refused = administrator_client.post(url, {"action": "deactivate", "reason": ""})
    assert refused.status_code == 400
    assert "Enter why you are deactivating this account" in refused.content.decode()
    member.refresh_from_db()
    assert member.is_active
    administrator_client.post(url, {"action": "deactivate", "reason": "Left the service"})
    member.refresh_from_db()
    assert not member.is_active
    event = AuditEvent.objects.get(action="administration.staff_deactivated", object_id=str(member.pk))
    assert event.reason == "Left the service"
    assert "Deactivated" in administrator_client.get(reverse("administration:staff")).content.decode()


def test_an_administrator_cannot_deactivate_themselves(administrator_client):
    url = reverse("administration:staff-member", args=[administrator_client.admin.pk])
    response = administrator_client.post(url, {"action": "deactivate", "reason": "Testing"})
    assert response.status_code == 400
    assert "You cannot deactivate your own account" in response.content.decode()
    administrator_client.admin.refresh_from_db()
    assert administrator_client.admin.is_active


@pytest.mark.parametrize(
    "name",
    [
        "index",
        "staff",
        "staff-add",
        "teams",
        "sites",
        "site-add",
        "directory",
        "organisation-add",
        "service-models",
        "interventions",
        "intervention-add",
    ],
)
def test_only_administrators_may_open_the_administration_pages(name, case_manager_client):
    assert case_manager_client.get(reverse(f"administration:{name}")).status_code == 403


@pytest.mark.parametrize(
    "name",
    [
        "index",
        "staff",
        "staff-add",
        "teams",
        "sites",
        "site-add",
        "directory",
        "organisation-add",
        "service-models",
        "interventions",
        "intervention-add",
    ],
)
def test_administrators_open_each_administration_page(name, administrator_client):
    TeamFactory()
    assert administrator_client.get(reverse(f"administration:{name}")).status_code == 200


def test_a_case_manager_cannot_add_a_team_member(case_manager_client):
    response = _add(case_manager_client, TeamFactory())
    assert response.status_code == 403
    assert not User.objects.filter(email="priya.nair@example.org").exists()


def test_an_administrator_who_is_not_a_superuser_cannot_deactivate_a_superuser(administrator_client):
    superuser = UserFactory(role=Role.ADMINISTRATOR, is_staff=True, is_superuser=True)
    url = reverse("administration:staff-member", args=[superuser.pk])
    response = administrator_client.post(url, {"action": "deactivate", "reason": "Testing"})
    assert response.status_code == 400
    assert "Only a superuser can deactivate a superuser" in response.content.decode()
    superuser.refresh_from_db()
    assert superuser.is_active
    assert not AuditEvent.objects.filter(action="administration.staff_deactivated").exists()


def test_a_deactivated_member_can_be_let_back_in_and_that_is_audited(administrator_client):
    member = UserFactory(role=Role.CASE_MANAGER, is_active=False)
    administrator_client.post(reverse("administration:staff-member", args=[member.pk]), {"action": "reactivate"})
    member.refresh_from_db()
    assert member.is_active
    assert AuditEvent.objects.filter(action="administration.staff_reactivated", object_id=str(member.pk)).exists()


def test_a_new_invitation_can_be_emailed_until_a_password_is_set(administrator_client):
    _add(administrator_client, TeamFactory())
    member = User.objects.get(email="priya.nair@example.org")
    url = reverse("administration:staff-member", args=[member.pk])
    administrator_client.post(url, {"action": "reinvite"})
    assert Message.objects.filter(template_name="staff_invitation", recipient=member.email).count() == 2
    assert AuditEvent.objects.filter(action="administration.invitation_resent", object_id=str(member.pk)).exists()
    member.set_password("a long new password 77")
    member.save()
    refused = administrator_client.post(url, {"action": "reinvite"})
    assert refused.status_code == 400
    assert Message.objects.filter(template_name="staff_invitation", recipient=member.email).count() == 2
