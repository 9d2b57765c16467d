"""Every URL needs sign-in unless its view is declared public with `login_not_required`."""

import uuid

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

# The FHIR facade has no session sign-in: a bearer token instead. tests/api/test_auth.py proves each of these
# answers 401 with an OperationOutcome without a valid token; fhir:metadata alone is open to all.
FHIR_TOKEN_AUTHENTICATED = {
    "fhir:root",
    "fhir:servicerequest-type",
    "fhir:servicerequest-instance",
    "fhir:task-type",
    "fhir:task-instance",
    "fhir:patient-instance",
    "fhir:async-status",
    "fhir:servicerequest-version",
    "fhir:servicerequest-history",
    "fhir:task-version",
    "fhir:questionnaire-type",
    "fhir:questionnaire-instance",
    "fhir:questionnaireresponse-type",
    "fhir:questionnaireresponse-instance",
    "fhir:observation-type",
    "fhir:observation-instance",
    "fhir:careplan-type",
    "fhir:careplan-instance",
    "fhir:documentreference-type",
    "fhir:documentreference-instance",
    "fhir:consent-type",
    "fhir:consent-instance",
    "fhir:unknown",
    "fhir-base",
}

# The only public pages. Adding one is a decision: add it here on purpose.
DECLARED_PUBLIC = {
    "core:start",
    "core:accessibility",
    "core:privacy",
    "core:cookies",
    "core:contact",
    "core:health",
    "accounts:sign-in",
    "accounts:forgotten-password",
    "accounts:forgotten-password-sent",
    "accounts:reset-password",
    "accounts:sign-out",
    "accounts:signed-out",
    # An invited member of staff sets their first password from the single-use link in their email.
    "invitations:set-password",
    "self_referral:start",
    # The advice line's web chat and message form are for anyone (rate-limited by address).
    "advice_line_public:chat",
    "advice_line_public:chat-room",
    "advice_line_public:chat-poll",
    "advice_line_public:chat-leave",
    "advice_line_public:message",
    *(
        f"self_referral:{slug}"
        for slug in (
            "postcode",
            "gp-practice",
            "name",
            "date-of-birth",
            "nhs-number",
            "contact",
            "work",
            "off-sick",
            "employer",
            "left-work",
            "condition",
            "help",
            "privacy",
            "consent",
            "outside-area",
        )
    ),
    "self_referral:check",
    "self_referral:confirmation",
    "self_referral:refused",
    # A client answers questionnaires from the single-use link sent to them (ADR 0024).
    "questionnaire:start",
    "questionnaire:question",
    "questionnaire:check",
    "questionnaire:urgent-help",
    "questionnaire:done",
    "outcome:start",
    "outcome:done",
    "fhir:metadata",
    *FHIR_TOKEN_AUTHENTICATED,
}


def _walk(patterns, prefix="", namespace=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            ns = entry.namespace or ""
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern), f"{namespace}{ns}:" if ns else namespace)
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), f"{namespace}{entry.name}" if entry.name else None, entry


ALL_URLS = list(_walk(get_resolver().url_patterns))


def _is_admin(route: str) -> bool:
    return route.startswith("django-admin/")


def test_the_url_table_has_pages_to_check():
    assert len(ALL_URLS) > 20


def test_only_the_declared_pages_are_public():
    public = {
        name
        for route, name, pattern in ALL_URLS
        if not _is_admin(route) and not getattr(pattern.callback, "login_required", True)
    }
    assert public == DECLARED_PUBLIC


def _sample_path(route: str) -> str:
    """A concrete path for a route, with made-up values for its parameters."""
    path = route
    for converter, value in (
        ("<uuid:", str(uuid.uuid4())),
        ("<int:", "1"),
        ("<slug:", "sample"),
        ("<path:", "sample/path"),
        ("<str:", "sample"),
        ("<", "sample"),
    ):
        while converter in path:
            start = path.index(converter)
            end = path.index(">", start)
            path = path[:start] + value + path[end + 1 :]
    return "/" + path.lstrip("^").rstrip("$").replace("\\Z", "")


@pytest.mark.django_db
@pytest.mark.parametrize("route", [route for route, name, _ in ALL_URLS if name not in DECLARED_PUBLIC])
def test_a_signed_out_visitor_is_sent_to_sign_in_from_every_private_url(client, route):
    response = client.get(_sample_path(route))
    assert response.status_code in (301, 302), f"{route} answered {response.status_code} without sign-in"
    location = response["Location"]
    assert location.startswith(reverse("accounts:sign-in")) or location.startswith(reverse("admin:login"))


@pytest.mark.django_db
@pytest.mark.parametrize(
    "name",
    sorted(
        DECLARED_PUBLIC
        - {"accounts:sign-out", "invitations:set-password", "accounts:reset-password"}
        - {"questionnaire:start", "questionnaire:question", "questionnaire:check", "outcome:start"}
        # A chat's own pages need a chat begun in the session (tests/advice_line/test_pages.py).
        - {"advice_line_public:chat-room", "advice_line_public:chat-poll", "advice_line_public:chat-leave"}
        - FHIR_TOKEN_AUTHENTICATED
    ),
)
def test_public_pages_open_without_signing_in(client, name):
    assert client.get(reverse(name)).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "args"),
    [
        ("questionnaire:start", ["made-up"]),
        ("questionnaire:question", ["made-up", "phq9", 1]),
        ("questionnaire:check", ["made-up", "phq9"]),
        ("outcome:start", ["made-up"]),
    ],
)
def test_the_questionnaire_pages_open_without_signing_in(client, name, args):
    # tests/assessments/test_client_link.py follows a real link; a made-up one says it no longer works.
    response = client.get(reverse(name, args=args))
    assert response.status_code == 404
    assert "This link no longer works" in response.content.decode()


@pytest.mark.django_db
def test_the_set_password_page_opens_without_signing_in(client):
    # tests/administration/test_staff.py follows a real invitation's link; a made-up one says it has expired.
    response = client.get(reverse("invitations:set-password", args=["MTIz", "made-up"]))
    assert response.status_code == 200
    assert "This link no longer works" in response.content.decode()
