"""Every FHIR URL but metadata wants a valid bearer token, and says so with a 401 OperationOutcome."""

import pytest
from django.core.management import call_command
from fhir.resources.R4B.operationoutcome import OperationOutcome

from fitforwork.api.models import ApiClient
from fitforwork.api.services import token_hash
from tests.test_url_table import ALL_URLS, FHIR_TOKEN_AUTHENTICATED, _sample_path

FHIR_ROUTES = sorted((route, name) for route, name, _ in ALL_URLS if name in FHIR_TOKEN_AUTHENTICATED)


def test_every_token_authenticated_url_is_checked():
    assert {name for _, name in FHIR_ROUTES} == FHIR_TOKEN_AUTHENTICATED


def _assert_401(response):
    assert response.status_code == 401
    assert response["Content-Type"] == "application/fhir+json"
    assert response["WWW-Authenticate"].startswith("Bearer")
    outcome = OperationOutcome.model_validate(response.json())
    assert outcome.issue[0].code == "login"


@pytest.mark.django_db
@pytest.mark.parametrize(("route", "name"), FHIR_ROUTES)
@pytest.mark.parametrize("authorization", [None, "Bearer not-a-token", "Basic dXNlcjpwYXNz", "Bearer "])
def test_without_a_valid_token_every_fhir_url_answers_401(client, route, name, authorization):
    headers = {"Authorization": authorization} if authorization else {}
    method = client.post if name in ("fhir:root", "fhir-base") else client.get
    _assert_401(method(_sample_path(route), headers=headers))


def test_a_revoked_token_answers_401(client, practice_client):
    _, token = practice_client
    headers = {"Authorization": f"Bearer {token}"}
    assert client.get("/fhir/R4/ServiceRequest", headers=headers).status_code == 200
    call_command("apiclient", "revoke", "Limes EMIS")
    _assert_401(client.get("/fhir/R4/ServiceRequest", headers=headers))


def test_metadata_is_public(client, db):
    assert client.get("/fhir/R4/metadata").status_code == 200


def test_the_command_prints_a_token_once_and_keeps_only_its_hash(practice_client, capsys, workwell_site):
    call_command("apiclient", "create", "Second system", "--organisation", workwell_site.practice.ods_code.lower())
    printed = capsys.readouterr().out.strip().splitlines()
    token = printed[-1]
    client = ApiClient.objects.get(name="Second system")
    assert client.organisation == workwell_site.practice
    assert client.token_hash == token_hash(token) != token
    call_command("apiclient", "list")
    listed = capsys.readouterr().out
    assert "Second system" in listed
    assert token not in listed
    call_command("apiclient", "revoke", "Second system")
    assert not ApiClient.objects.get(name="Second system").is_active


def test_the_command_refuses_an_unknown_organisation(db):
    from django.core.management import CommandError

    with pytest.raises(CommandError, match="No organisation has the ODS code"):
        call_command("apiclient", "create", "X", "--organisation", "ZZZ999")
