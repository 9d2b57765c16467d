"""Forgotten your password? An emailed single-use link that expires; two-factor is still asked for after it."""

import re
from datetime import datetime, timedelta

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.urls import reverse

from fitforwork.accounts.models import Role
from fitforwork.core.audit.models import AuditEvent
from fitforwork.core.outbox.models import Message
from tests.accounts.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

FORGOTTEN = reverse("accounts:forgotten-password")
SENT = reverse("accounts:forgotten-password-sent")
NEW_PASSWORD = "a brand new passphrase 77"


def _ask(client, email):
    return client.post(FORGOTTEN, {"email": email})


def _link_path(message):
    return re.sub(r"^https?://[^/]+", "", message.personalisation["link"])


@pytest.fixture
def staff(db):
    return UserFactory(role=Role.CASE_MANAGER, email="casey@example.org", with_device=True)


def test_the_sign_in_page_offers_forgotten_your_password(client):
    page = client.get(reverse("accounts:sign-in")).content.decode()
    assert f'href="{FORGOTTEN}"' in page
    assert "Forgotten your password?" in page


def test_the_answer_is_the_same_whether_or_not_the_address_has_an_account(client, staff):
    known = _ask(client, "Casey@Example.org")
    unknown = _ask(client, "nobody@example.org")
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"] == SENT
    page = client.get(SENT).content.decode()
    assert "If the email address you entered has an account" in page
    assert "1 hour" in page
    message = Message.objects.get()
    assert message.recipient == "casey@example.org"
    assert message.channel == "email"
    assert message.template_name == "password_reset"
    assert message.personalisation["link_works_for"] == "1 hour"
    assert message.personalisation["link"].startswith("http://testserver/sign-in/reset-password/")
    assert AuditEvent.objects.filter(action="accounts.password_reset_requested", object_id=str(staff.pk)).exists()


def test_a_badly_written_address_is_asked_for_again(client):
    response = _ask(client, "not an email")
    assert response.status_code == 400
    assert "Enter an email address in the correct format" in response.content.decode()


def test_no_more_than_a_few_emails_go_to_one_address_an_hour(client, staff, settings):
    for _ in range(settings.PASSWORD_RESET_EMAILS_PER_HOUR + 2):
        assert _ask(client, staff.email)["Location"] == SENT
    assert Message.objects.count() == settings.PASSWORD_RESET_EMAILS_PER_HOUR
    assert AuditEvent.objects.filter(action="accounts.password_reset_limited").count() == 2
    # An hour later, one more may go
    Message.objects.update(
        created_at=Message.objects.get(pk=Message.objects.first().pk).created_at - timedelta(hours=2)
    )
    _ask(client, staff.email)
    assert Message.objects.count() == settings.PASSWORD_RESET_EMAILS_PER_HOUR + 1


def test_the_link_sets_a_new_password_once_and_two_factor_is_still_asked_for(client, staff):
    _ask(client, staff.email)
    link = _link_path(Message.objects.get())
    response = client.get(link)
    assert response.status_code == 302
    form_url = response["Location"]
    assert form_url.endswith("/set-password/")  # the token leaves the address bar
    assert "Set a new password" in client.get(form_url).content.decode()

    weak = client.post(form_url, {"password": "short", "password_again": "short"})
    assert weak.status_code == 400
    assert "at least 12 characters" in weak.content.decode()
    different = client.post(form_url, {"password": NEW_PASSWORD, "password_again": NEW_PASSWORD + "x"})
    assert "The passwords do not match" in different.content.decode()

    done = client.post(form_url, {"password": NEW_PASSWORD, "password_again": NEW_PASSWORD})
    assert done["Location"] == reverse("accounts:sign-in")
    assert "Your password has been changed" in client.get(done["Location"]).content.decode()
    assert AuditEvent.objects.filter(action="accounts.password_reset_completed", object_id=str(staff.pk)).exists()

    # Single use: the same link no longer works
    again = client.get(client.get(link)["Location"])
    assert again.status_code == 400
    assert "This link no longer works" in again.content.decode()

    # The old password is gone; the new one signs in, and two-factor is still required
    old = client.post(reverse("accounts:sign-in"), {"username": staff.email, "password": PASSWORD})
    assert old.status_code == 400
    client.post(reverse("accounts:sign-in"), {"username": staff.email, "password": NEW_PASSWORD})
    response = client.get(reverse("accounts:home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:two-factor"))


def test_a_link_stops_working_after_the_time_the_email_gives(client, staff, settings, monkeypatch):
    _ask(client, staff.email)
    link = _link_path(Message.objects.get())
    later = datetime.now() + timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT + 1)  # noqa: DTZ005 - as Django's
    monkeypatch.setattr(default_token_generator, "_now", lambda: later)
    response = client.get(client.get(link)["Location"])
    assert response.status_code == 400
    assert "This link no longer works" in response.content.decode()
    post = client.post(client.get(link)["Location"], {"password": NEW_PASSWORD, "password_again": NEW_PASSWORD})
    assert post.status_code == 400
    staff.refresh_from_db()
    assert staff.check_password(PASSWORD)


def test_a_made_up_link_does_not_work(client, staff):
    response = client.get(reverse("accounts:reset-password", args=["bm90LWEtdXNlcg", "set-password"]))
    assert response.status_code == 400
    assert "This link no longer works" in response.content.decode()


def test_an_inactive_account_gets_no_email(client, staff):
    staff.is_active = False
    staff.save()
    assert _ask(client, staff.email)["Location"] == SENT
    assert not Message.objects.exists()
