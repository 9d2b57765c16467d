import time

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse

from fitforwork.accounts.middleware import LAST_SEEN, SIGNED_IN_AT
from fitforwork.accounts.models import Role, User
from fitforwork.core.audit.models import AuditEvent
from tests.accounts.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

SIGN_IN = reverse("accounts:sign-in")


def sign_in(client, email, password=PASSWORD, **extra):
    return client.post(SIGN_IN, {"username": email, "password": password, **extra})


def test_an_external_user_lands_on_their_role_home_page(client):
    user = UserFactory(role=Role.GP)
    response = sign_in(client, user.email)
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:home")
    home = client.get(reverse("accounts:home"))
    assert home["Location"] == reverse("accounts:home-gp")
    page = client.get(home["Location"])
    assert page.status_code == 200
    assert "GP or practice staff home" in page.content.decode()


def test_email_is_not_case_sensitive(client):
    user = UserFactory(role=Role.EMPLOYER, email="hr.person@example.org")
    assert sign_in(client, "HR.Person@Example.org").status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


def test_a_wrong_password_shows_an_error_summary_and_signs_nobody_in(client):
    user = UserFactory(role=Role.GP)
    response = sign_in(client, user.email, "not the password at all")
    body = response.content.decode()
    assert response.status_code == 400
    assert "There is a problem" in body
    assert "Enter a correct email address and password" in body
    assert "_auth_user_id" not in client.session


def test_missing_fields_are_named_in_the_error_summary(client):
    response = client.post(SIGN_IN, {"username": "", "password": ""})
    body = response.content.decode()
    assert "Enter your email address" in body
    assert "Enter your password" in body
    assert 'href="#id_username"' in body


def test_five_wrong_passwords_lock_the_account_even_against_the_right_one(client):
    user = UserFactory(role=Role.GP)
    for _ in range(5):
        sign_in(client, user.email, "wrong password guess")
    response = sign_in(client, user.email)
    assert response.status_code == 403
    assert "You cannot sign in for now" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_twenty_wrong_passwords_from_many_addresses_lock_the_account_everywhere(client):
    user = UserFactory(role=Role.GP)
    for number in range(19):
        client.post(
            SIGN_IN, {"username": user.email, "password": "wrong password guess"}, REMOTE_ADDR=f"203.0.113.{number}"
        )
    assert sign_in(client, user.email, REMOTE_ADDR="198.51.100.7").status_code == 302
    client.post(reverse("accounts:sign-out"))
    client.post(SIGN_IN, {"username": user.email, "password": "wrong password guess"}, REMOTE_ADDR="203.0.113.99")
    response = client.post(SIGN_IN, {"username": user.email, "password": PASSWORD}, REMOTE_ADDR="198.51.100.7")
    assert response.status_code == 403


def test_a_lockout_for_one_email_does_not_lock_another(client):
    victim, other = UserFactory(role=Role.GP), UserFactory(role=Role.GP)
    for _ in range(5):
        sign_in(client, victim.email, "wrong password guess")
    assert sign_in(client, other.email).status_code == 302


def test_passwords_are_stored_with_argon2(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher"]
    user = User.objects.create_user(email="argon@example.org", password=PASSWORD, role=Role.GP)
    assert user.password.startswith("argon2$argon2id$")
    assert user.check_password(PASSWORD)


def test_passwords_need_twelve_characters():
    with pytest.raises(ValidationError, match="at least 12 characters"):
        validate_password("Sh0rt-pass!")
    validate_password("twelve chars ok 2026")


def test_signing_in_and_out_are_audited(client):
    user = UserFactory(role=Role.GP)
    sign_in(client, user.email)
    client.post(reverse("accounts:sign-out"))
    actions = list(AuditEvent.objects.filter(actor_id=user.pk).values_list("action", flat=True))
    assert actions[-2:] == ["accounts.sign_in", "accounts.sign_out"]


def test_signing_out_ends_the_session(client):
    user = UserFactory(role=Role.GP)
    sign_in(client, user.email)
    response = client.post(reverse("accounts:sign-out"))
    assert response["Location"] == reverse("accounts:signed-out")
    assert client.get(reverse("accounts:home-gp")).status_code == 302
    assert "_auth_user_id" not in client.session


def test_a_user_cannot_open_another_roles_home_page(client):
    user = UserFactory(role=Role.EMPLOYER)
    sign_in(client, user.email)
    assert client.get(reverse("accounts:home-gp")).status_code == 403


def test_the_next_page_is_honoured_only_on_this_site(client):
    user = UserFactory(role=Role.GP)
    response = client.post(SIGN_IN, {"username": user.email, "password": PASSWORD, "next": "https://evil.example.com/"})
    assert response["Location"] == reverse("accounts:home")
    client.post(reverse("accounts:sign-out"))
    response = client.post(SIGN_IN, {"username": user.email, "password": PASSWORD, "next": reverse("accounts:home-gp")})
    assert response["Location"] == reverse("accounts:home-gp")


def _age_session(client, *, idle_seconds=0, signed_in_seconds=0):
    session = client.session
    now = time.time()
    session[LAST_SEEN] = now - idle_seconds
    session[SIGNED_IN_AT] = now - signed_in_seconds
    session.save()


def test_thirty_minutes_idle_signs_you_out_and_says_why(client):
    user = UserFactory(role=Role.GP)
    sign_in(client, user.email)
    _age_session(client, idle_seconds=29 * 60, signed_in_seconds=29 * 60)
    assert client.get(reverse("accounts:home-gp")).status_code == 200
    _age_session(client, idle_seconds=31 * 60, signed_in_seconds=60 * 60)
    response = client.get(reverse("accounts:home-gp"))
    assert response.status_code == 302
    assert response["Location"].startswith(SIGN_IN)
    page = client.get(response["Location"])
    assert "had not done anything for 30 minutes" in page.content.decode()


def test_twelve_hours_after_signing_in_you_are_signed_out_even_when_active(client):
    user = UserFactory(role=Role.GP)
    sign_in(client, user.email)
    _age_session(client, idle_seconds=60, signed_in_seconds=11 * 3600)
    assert client.get(reverse("accounts:home-gp")).status_code == 200
    _age_session(client, idle_seconds=60, signed_in_seconds=12 * 3600 + 60)
    response = client.get(reverse("accounts:home-gp"))
    assert response.status_code == 302
    assert "signed in for 12 hours" in client.get(response["Location"]).content.decode()


def test_the_last_request_time_is_written_at_most_every_half_minute(client):
    """Not writing the session back on every request saves a database write on most pages."""
    user = UserFactory(role=Role.GP)
    sign_in(client, user.email)
    _age_session(client, idle_seconds=5, signed_in_seconds=60)
    recorded = client.session[LAST_SEEN]
    client.get(reverse("accounts:home-gp"))
    assert client.session[LAST_SEEN] == recorded
    _age_session(client, idle_seconds=40, signed_in_seconds=60)
    before = time.time()
    client.get(reverse("accounts:home-gp"))
    assert client.session[LAST_SEEN] >= before
