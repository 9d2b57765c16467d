"""Fuzzing the FHIR create and transaction endpoints with hypothesis: random JSON, and valid ServiceRequests and
transaction Bundles with one element changed, removed or added. Whatever arrives, the answer is never a 500,
and every submission stored ends made or refused, never left `received`."""

import copy
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fitforwork.referrals.models import Submission
from tests.api.conftest import service_request_resource, transaction_bundle

FHIR = "application/fhir+json"
SETTINGS = settings(
    max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
AWKWARD = st.sampled_from(["\x00", "\ud800", "a\x00b", "", " ", "9" * 400, "1e999", "{'a': 1}", "2099-01-01"])
TEXT = st.one_of(st.text(max_size=30), AWKWARD)
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=True, allow_infinity=True),
    TEXT,
)
JSON = st.recursive(
    SCALARS,
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(st.one_of(TEXT, st.sampled_from(["resourceType"])), children, max_size=4),
    ),
    max_leaves=12,
)


def _paths(value, prefix=()):
    """Every place in a JSON value, as a tuple of keys and indexes."""
    yield prefix
    if isinstance(value, dict):
        for key, child in value.items():
            yield from _paths(child, (*prefix, key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            yield from _paths(child, (*prefix, index))


@st.composite
def mutated(draw, valid):
    body = copy.deepcopy(valid)
    paths = [p for p in _paths(body) if p]
    path = draw(st.sampled_from(paths))
    parent = body
    for part in path[:-1]:
        parent = parent[part]
    action = draw(st.sampled_from(["replace", "remove", "add"]))
    if action == "replace":
        parent[path[-1]] = draw(JSON)
    elif action == "remove":
        del parent[path[-1]]
    elif isinstance(parent, dict):
        parent[draw(TEXT)] = draw(JSON)
    else:
        parent.append(draw(JSON))
    return body


@pytest.fixture
def api(client, practice_client):
    _, token = practice_client
    client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    return client


def _send(api, path, body):
    text = json.dumps(body)  # NaN and Infinity as JavaScript writes them; lone surrogates escaped
    response = api.post(path, data=text, content_type=FHIR)
    assert response.status_code < 500, (text[:500], response.content[:500])
    assert response["Content-Type"] == FHIR
    assert not Submission.objects.filter(outcome=Submission.Outcome.RECEIVED).exists()
    return response


@pytest.mark.django_db
@SETTINGS
@given(body=JSON, to_root=st.booleans())
def test_random_json_is_never_a_500_and_never_left_received(api, workwell_site, body, to_root):
    response = _send(api, "/fhir/R4" if to_root else "/fhir/R4/ServiceRequest", body)
    assert 400 <= response.status_code < 500


@pytest.mark.django_db
@SETTINGS
@given(body=mutated(service_request_resource()))
def test_a_service_request_with_one_element_changed_is_never_a_500(api, workwell_site, body):
    _send(api, "/fhir/R4/ServiceRequest", body)


@pytest.mark.django_db
@SETTINGS
@given(body=mutated(transaction_bundle()))
def test_a_transaction_bundle_with_one_element_changed_is_never_a_500(api, workwell_site, body):
    _send(api, "/fhir/R4", body)
