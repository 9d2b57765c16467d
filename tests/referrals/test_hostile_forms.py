"""The public and referrer forms under hostile input: a NUL, extra fields, huge bodies, a flood, a reused key."""

import pytest
from django.urls import reverse

from fitforwork.accounts.models import Role
from fitforwork.core.forms import nul_message
from fitforwork.referrals.models import AnonymousSend, Referral, Submission
from tests.referrals.test_self_referral import _answer_everything, _answers
from tests.referrals.test_web_referring import form_data, referrer_client  # noqa: F401  # shared fixture

pytestmark = pytest.mark.django_db


def _text(response):
    return response.content.decode().replace("&#x27;", "'")


def test_an_extra_field_with_a_nul_on_the_gp_form_is_not_read_and_the_referral_is_made(referrer_client):  # noqa: F811
    client = referrer_client(Role.GP)

    response = client.post(reverse("referrals:new"), form_data(extra="a\x00b"))

    assert response.status_code == 302
    submission = Submission.objects.get()
    assert "extra" not in submission.payload  # only the form's own fields are kept
    assert submission.payload["given_name"] == "Alex"
    assert Referral.objects.count() == 1


def test_a_nul_in_a_gp_form_field_is_refused_on_the_form_and_nothing_is_stored(referrer_client):  # noqa: F811
    client = referrer_client(Role.GP)

    response = client.post(reverse("referrals:new"), form_data(family_name="Mor\x00gan"))

    assert response.status_code == 400
    assert "nhsuk-error-summary" in _text(response)
    assert nul_message("Last name") in _text(response)
    assert not Submission.objects.exists()


def test_a_resent_gp_form_with_a_corrected_name_shows_the_first_referral_and_says_the_change_was_not_applied(
    referrer_client,  # noqa: F811
):
    client = referrer_client(Role.GP)
    data = form_data(given_name="Alx")
    client.post(reverse("referrals:new"), data)

    response = client.post(reverse("referrals:new"), {**data, "given_name": "Alex"})

    assert response.status_code == 409
    html = _text(response)
    referral = Referral.objects.get()
    assert referral.reference in html
    assert "Your changes were not applied" in html
    assert '<td class="nhsuk-table__cell">Alx</td>' in html
    assert '<td class="nhsuk-table__cell">Alex</td>' in html
    assert "To correct the referral, contact the WorkWell Leicester team" in html  # how to send the correction
    assert referral.person.given_name == "Alx"
    assert Submission.objects.count() == 1


def test_a_resent_gp_form_after_a_refusal_is_a_new_submission_with_the_correction(referrer_client):  # noqa: F811
    client = referrer_client(Role.GP)
    data = form_data(postcode="not a postcode")
    assert client.post(reverse("referrals:new"), data).status_code == 400

    response = client.post(reverse("referrals:new"), {**data, "postcode": "LE1 6TP"})

    assert response.status_code == 302
    assert Referral.objects.get().submission.payload["postcode"] == "LE1 6TP"


def test_an_extra_field_with_a_nul_on_the_self_referral_is_not_kept_and_the_person_can_still_send(
    client, workwell_site
):
    for slug, data in _answers(workwell_site):
        response = client.post(reverse(f"self_referral:{slug}"), {**data, "extra": "a\x00b", "junk": "x" * 1000})
        assert response.status_code == 302, slug
    assert all(
        "extra" not in page and "junk" not in page for page in client.session["self_referral"]["answers"].values()
    )

    sent = client.post(reverse("self_referral:check"))

    assert sent.status_code == 302
    assert sent["Location"] == reverse("self_referral:confirmation")
    assert "extra" not in str(Submission.objects.get().payload)


def test_a_nul_in_a_self_referral_answer_is_refused_on_the_page(client, workwell_site):
    response = client.post(reverse("self_referral:name"), {"given_name": "Sam\x00", "family_name": "Patel"})

    assert response.status_code == 200
    assert nul_message("First name") in _text(response)
    assert "nhsuk-error-summary" in _text(response)
    assert "name" not in client.session["self_referral"]["answers"]


def test_an_answer_past_the_cap_is_not_kept_even_in_a_field_without_a_length(client, workwell_site):
    response = client.post(reverse("self_referral:consent"), {"consent": "on" * 2000})

    assert "consent" not in client.session["self_referral"]["answers"]
    assert "must be 2000 characters or fewer" in _text(response)


def test_a_body_past_the_public_form_limit_gets_a_plain_page_and_nothing_is_kept(client, workwell_site, settings):
    settings.PUBLIC_FORM_MAX_BYTES = 1000

    response = client.post(reverse("self_referral:help"), {"help_wanted": "x" * 2000})

    assert response.status_code == 413
    assert "What you sent is too long" in _text(response)
    assert "help" not in client.session["self_referral"]["answers"]


def test_anonymous_self_referrals_past_the_hourly_limit_per_address_get_a_plain_429_page(
    client, workwell_site, settings
):
    settings.SELF_REFERRAL_LIMIT_PER_HOUR = 2
    for _ in range(2):
        _answer_everything(client, workwell_site)
        assert client.post(reverse("self_referral:check"), REMOTE_ADDR="203.0.113.9").status_code == 302

    _answer_everything(client, workwell_site)
    refused = client.post(reverse("self_referral:check"), REMOTE_ADDR="203.0.113.9")
    other_address = client.post(reverse("self_referral:check"), REMOTE_ADDR="203.0.113.10")

    assert refused.status_code == 429
    assert "You cannot send another referral now" in _text(refused)
    assert other_address.status_code == 302
    assert Referral.objects.count() == 3
    assert "203.0.113" not in str(list(AnonymousSend.objects.values_list("client", flat=True)))


def test_the_limit_counts_the_address_from_the_client_ip_meta_setting(client, workwell_site, settings):
    settings.SELF_REFERRAL_LIMIT_PER_HOUR = 1
    settings.CLIENT_IP_META = "HTTP_X_REAL_IP"
    _answer_everything(client, workwell_site)
    assert client.post(reverse("self_referral:check"), HTTP_X_REAL_IP="198.51.100.1").status_code == 302
    _answer_everything(client, workwell_site)

    same_balancer_other_client = client.post(reverse("self_referral:check"), HTTP_X_REAL_IP="198.51.100.2")

    assert same_balancer_other_client.status_code == 302


def test_a_journey_whose_session_kept_an_extra_field_with_a_nul_can_still_be_sent(client, workwell_site):
    # Sessions begun before pages kept only their own fields: what is sent is each page's own answers.
    _answer_everything(client, workwell_site)
    session = client.session
    session["self_referral"]["answers"]["name"]["extra"] = "a\x00b"
    session.save()

    sent = client.post(reverse("self_referral:check"))

    assert sent["Location"] == reverse("self_referral:confirmation")
    assert "extra" not in Submission.objects.get().payload["answers"]["name"]
