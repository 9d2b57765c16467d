"""Fuzzing the public self-referral pages and the GP referral form: no input is a server error or a stored NUL."""

from urllib.parse import urlencode

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fitforwork.accounts.models import Role
from fitforwork.core.forms import field_keys
from fitforwork.referrals.models import Submission
from fitforwork.referrals.self_referral.forms import PAGE_BY_SLUG, PAGES
from fitforwork.referrals.web.forms import ReferralForm
from tests.accounts.factories import UserFactory
from tests.referrals.test_self_referral import _answers
from tests.referrals.test_web_referring import form_data

pytestmark = [pytest.mark.django_db, pytest.mark.filterwarnings("ignore::hypothesis.errors.HypothesisWarning")]

FUZZ = settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
# Any text (lone surrogates included), the NUL character, and strings far longer than any field takes.
HOSTILE_TEXT = st.one_of(
    st.text(max_size=50),
    st.sampled_from(["a\x00b", "\x00", "\ud800", "\udfff x", "on", "1", "yes", "", " ", "\u202e"]),
    st.builds(
        lambda piece, times: piece * times, st.sampled_from(["x", "\x00", "é", "\ud83d"]), st.integers(1, 80_000)
    ),
)


def _keys(form):
    """The names a form's fields are posted under (a date's three boxes each)."""
    return [key for name, field in form.fields.items() for key in field_keys(name, field.widget)]


GP_KEYS = _keys(ReferralForm(source="gp"))


def _post(client, url, data):
    body = urlencode(data, doseq=True, encoding="utf-8", errors="surrogatepass")
    return client.generic("POST", url, body, content_type="application/x-www-form-urlencoded")


def _no_nul_stored():
    return not any(
        "\x00" in str(payload) or "\\u0000" in str(payload)
        for payload in Submission.objects.values_list("payload", flat=True)
    )


@FUZZ
@given(
    slug=st.sampled_from([page.slug for page in PAGES]),
    values=st.lists(HOSTILE_TEXT, min_size=6, max_size=6),
    extra=st.dictionaries(st.text(max_size=10), HOSTILE_TEXT, max_size=2),
)
def test_random_text_in_every_field_of_every_self_referral_page_is_never_a_server_error_or_a_stored_nul(
    client, workwell_site, slug, values, extra
):
    for page, data in _answers(workwell_site):  # a journey under way, so the pages that depend on answers run
        if page != slug:
            client.post(reverse(f"self_referral:{page}"), data)
    fuzzed = {**extra, **dict(zip(_keys(PAGE_BY_SLUG[slug].form_class()), values, strict=False))}

    response = _post(client, reverse(f"self_referral:{slug}"), fuzzed)
    sent = client.post(reverse("self_referral:check"))

    assert response.status_code < 500
    assert sent.status_code < 500
    assert "\x00" not in str(client.session.get("self_referral"))
    assert _no_nul_stored()


@FUZZ
@given(fuzzed=st.fixed_dictionaries({}, optional={key: HOSTILE_TEXT for key in [*GP_KEYS, "idempotency_key", "extra"]}))
def test_random_text_in_every_field_of_the_gp_referral_form_is_never_a_server_error_or_a_stored_nul(
    client, workwell_site, fuzzed
):
    client.force_login(UserFactory(role=Role.GP, organisation=workwell_site.practice))

    response = _post(client, reverse("referrals:new"), {**form_data(), **fuzzed})

    assert response.status_code < 500
    assert _no_nul_stored()
