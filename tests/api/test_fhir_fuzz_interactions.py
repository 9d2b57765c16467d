"""Fuzzing the FHIR interactions beyond create: the asynchronous path (`Prefer: respond-async`, then the
`_async` status address), the withdrawal by PUT with If-Match, and read, vread, _history and search with odd
ids and query strings. Whatever arrives, the answer is never a 500, and every submission stored ends made,
refused or failed (once the worker has run), never left `received`."""

import json
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fitforwork.referrals.models import Submission
from tests.api.conftest import run_tasks, service_request_resource, transaction_bundle
from tests.api.test_fhir_fuzz import JSON, TEXT, mutated

FHIR = "application/fhir+json"
SETTINGS = settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
OUTCOMES = {Submission.Outcome.REFERRAL, Submission.Outcome.REFUSED, Submission.Outcome.FAILED}

# What a path segment or a query string can carry: no lone surrogates (HTTP carries bytes, so those arrive
# as the percent-escapes below), but nulls, escapes of invalid UTF-8, and FHIR's own odd characters.
SEGMENT = st.one_of(
    st.text(st.characters(blacklist_categories=["Cs"]), max_size=40).map(lambda s: quote(s, safe="")),
    st.sampled_from(["%FF", "%00", "%ED%A0%80", "..", "%2F", "1" * 300, "-1", "00000000-0000-0000-0000-000000000000"]),
)
PARAM_NAMES = st.sampled_from(
    [
        "_id", "_count", "_sort", "_include", "_revinclude", "_summary", "_elements", "_format", "_lastUpdated",
        "_offset", "_page", "status", "patient", "subject", "identifier", "authored", "code", "requester",
        "patient:identifier", "status:not", "_has:Task:focus:status", "ge2020", "",
    ]
)  # fmt: skip
PARAM_VALUES = st.one_of(
    SEGMENT,
    st.sampled_from(["ge2020-01-01", "lt", "9" * 40, "-5", "0", "1e9", "abc|", "|9434765919", "a,b,,", "%26%3D"]),
)
QUERY = st.lists(st.tuples(PARAM_NAMES, PARAM_VALUES), max_size=5).map(
    lambda pairs: "&".join(f"{quote(name)}={value}" for name, value in pairs)
)


@pytest.fixture
def api(client, practice_client):
    _, token = practice_client
    client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    return client


def _checked(response, sent=""):
    assert response.status_code < 500, (sent[:500], response.content[:500])
    return response


def _every_submission_has_an_outcome():
    left = Submission.objects.exclude(outcome__in=OUTCOMES).values_list("outcome", "deferred")
    assert not left.exists(), list(left)


@pytest.mark.django_db
@SETTINGS
@given(
    body=st.one_of(JSON, mutated(service_request_resource()), mutated(transaction_bundle())),
    to_root=st.booleans(),
)
def test_sent_without_waiting_then_asked_after_is_never_a_500_and_always_ends_in_an_outcome(
    api, workwell_site, django_capture_on_commit_callbacks, body, to_root
):
    text = json.dumps(body)
    path = "/fhir/R4" if to_root else "/fhir/R4/ServiceRequest"
    with django_capture_on_commit_callbacks(execute=True):
        accepted = _checked(api.post(path, data=text, content_type=FHIR, HTTP_PREFER="respond-async"), text)
    run_tasks()  # the worker: makes the referral, or records why not
    _every_submission_has_an_outcome()
    if accepted.status_code == 202 and accepted.has_header("Content-Location"):
        status = _checked(api.get(accepted["Content-Location"]), text)
        assert status.status_code in (200, 404), status.content[:500]  # 202 would mean still `received`


@pytest.mark.django_db
@SETTINGS
@given(submission_id=SEGMENT, query=QUERY)
def test_an_odd_async_status_address_is_never_a_500(api, workwell_site, submission_id, query):
    _checked(api.get(f"/fhir/R4/_async/{submission_id}", QUERY_STRING=query))


@pytest.fixture
def made(api, workwell_site):
    """A referral the client made, and the resource and ETag it read back."""
    created = api.post("/fhir/R4/ServiceRequest", data=json.dumps(service_request_resource()), content_type=FHIR)
    assert created.status_code == 201, created.content[:500]
    resource_id = created.json()["id"]
    read = api.get(f"/fhir/R4/ServiceRequest/{resource_id}")
    return read.json(), read["ETag"]


@pytest.mark.django_db
@SETTINGS
@given(
    change=st.one_of(st.just(None), mutated({"status": "revoked"})),
    if_match=st.one_of(st.none(), st.just("<etag>"), st.sampled_from(['W/"0"', 'W/"9999999999999"', "*", '"']), TEXT),
    other_id=st.one_of(st.none(), SEGMENT),
)  # fmt: skip
def test_a_withdrawal_by_put_with_odd_bodies_and_versions_is_never_a_500(api, made, change, if_match, other_id):
    resource, etag = made
    body = {**resource, "status": "revoked", **(change or {})}
    headers = {}
    if if_match is not None:
        headers["HTTP_IF_MATCH"] = etag if if_match == "<etag>" else if_match.replace("\x00", "")
    text = json.dumps(body)
    target = other_id if other_id is not None else resource["id"]
    _checked(api.put(f"/fhir/R4/ServiceRequest/{target}", data=text, content_type=FHIR, **headers), text)
    _every_submission_has_an_outcome()


READS = st.sampled_from(
    [
        "ServiceRequest/{id}",
        "ServiceRequest/{id}/_history",
        "ServiceRequest/{id}/_history/{version}",
        "Task/{id}",
        "Task/{id}/_history/{version}",
        "Patient/{id}",
    ]
)
SEARCHES = st.sampled_from(["ServiceRequest", "Task", "ServiceRequest/_search", "Task/_search"])


@pytest.mark.django_db
@SETTINGS
@given(read=READS, ours=st.booleans(), resource_id=SEGMENT, version=SEGMENT, query=QUERY)
def test_read_vread_and_history_with_odd_ids_and_params_is_never_a_500(
    api, made, read, ours, resource_id, version, query
):
    resource, _ = made
    path = read.format(id=resource["id"] if ours else resource_id, version=version)
    _checked(api.get(f"/fhir/R4/{path}", QUERY_STRING=query), f"{path}?{query}")


@pytest.mark.django_db
@SETTINGS
@given(where=SEARCHES, query=QUERY, as_post=st.booleans())
def test_search_with_odd_params_is_never_a_500(api, made, where, query, as_post):
    if as_post:
        response = api.post(f"/fhir/R4/{where}", data=query, content_type="application/x-www-form-urlencoded")
    else:
        response = api.get(f"/fhir/R4/{where}", QUERY_STRING=query)
    _checked(response, f"{where}?{query}")
    _every_submission_has_an_outcome()
