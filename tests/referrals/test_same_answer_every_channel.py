"""The same input gets the same answer on every channel: the shared schema (ReferralInput) refuses a first day
off sick after today, a phone number too long and a postcode that is not a UK one, with the same words, whether
they came by FHIR, the referrer web form or a bulk import file."""

import csv
import json
from datetime import date, timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from fitforwork.accounts.models import Role
from fitforwork.api.fhir import extensions as ext
from fitforwork.api.services import apiclient_create
from fitforwork.referrals.models import Referral, Submission
from tests.accounts.factories import UserFactory
from tests.api.conftest import patient_resource, service_request_resource
from tests.referrals.test_web_referring import form_data

pytestmark = pytest.mark.django_db

OFF_SINCE = date.today() - timedelta(weeks=3)
CASES = {
    "absence start in 2099": (
        {"absence_start": date(2099, 1, 1)},
        "First day off sick must be today or in the past",
    ),
    "phone of 300 zeros": ({"phone": "0" * 300}, "Enter the phone number in 20 characters or fewer"),
    "postcode 12345": ({"postcode": "12345"}, "Enter a full UK postcode, like LE1 6TP"),
}


def _fhir(site, phone="0116 496 0000", postcode="LE1 6TP", absence_start=OFF_SINCE):
    _, token = apiclient_create(name="Limes EMIS", ods_code=site.practice.ods_code)
    patient = patient_resource(
        telecom=[{"system": "phone", "value": phone}],
        address=[{"line": ["1 High Street"], "city": "Leicester", "postalCode": postcode}],
    )
    body = service_request_resource(patient=patient)
    for item in body["extension"]:
        if item["url"] == ext.ABSENCE_START:
            item["valueDate"] = absence_start.isoformat()
    return body, token


def _fhir_answer(client, site, **details):
    body, token = _fhir(site, **details)
    response = client.post(
        "/fhir/R4/ServiceRequest",
        data=json.dumps(body),
        content_type="application/fhir+json",
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 422, response.content
    return " ".join(issue["diagnostics"] for issue in response.json()["issue"])


def _web_answer(client, site, **details):
    client.force_login(UserFactory(role=Role.GP, organisation=site.practice))
    overrides = {}
    for name, value in details.items():
        if isinstance(value, date):
            overrides |= {
                f"{name}_day": str(value.day),
                f"{name}_month": str(value.month),
                f"{name}_year": str(value.year),
            }
        else:
            overrides[name] = value
    response = client.post(reverse("referrals:new"), form_data(**overrides))
    assert response.status_code == 400
    return response.content.decode()


def _bulk_answer(tmp_path, **details):
    values = {
        "source": "gp", "given_name": "Alex", "family_name": "Morgan", "date_of_birth": "1980-05-17",
        "postcode": "LE1 6TP", "phone": "0116 496 0000", "employment_status": "employed_off_sick",
        "absence_start": OFF_SINCE.isoformat(), "condition_category": "musculoskeletal", "reason": "Back pain",
        "consent": "yes",
    }  # fmt: skip
    values |= {name: value.isoformat() if isinstance(value, date) else value for name, value in details.items()}
    path = tmp_path / "referrals.csv"
    with path.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(values))
        writer.writeheader()
        writer.writerow(values)
    out = StringIO()
    call_command("import_referrals", str(path), "--site", "WorkWell Leicester", "--no-progress", stdout=out)
    return out.getvalue()


@pytest.mark.parametrize("case", list(CASES))
def test_fhir_refuses_what_the_forms_refuse_with_the_same_words(client, workwell_site, case):
    details, words = CASES[case]
    assert words in _fhir_answer(client, workwell_site, **details)
    assert not Referral.objects.exists()
    assert Submission.objects.get().outcome == Submission.Outcome.REFUSED


@pytest.mark.parametrize("case", list(CASES))
def test_the_referrer_web_form_refuses_it_with_the_same_words(client, workwell_site, case):
    details, words = CASES[case]
    assert words in _web_answer(client, workwell_site, **details)
    assert not Referral.objects.exists()


@pytest.mark.parametrize("case", list(CASES))
def test_a_bulk_import_refuses_the_row_with_the_same_words(tmp_path, workwell_site, case):
    details, words = CASES[case]
    output = _bulk_answer(tmp_path, **details)
    assert "Row 2: refused" in output
    assert words in output
    assert not Referral.objects.exists()


def test_a_fhir_phone_given_as_an_object_is_refused_not_stored_as_its_text(client, workwell_site):
    body, token = _fhir(workwell_site)
    body["contained"][0]["telecom"] = [{"system": "phone", "value": {"a": 1}}]
    response = client.post(
        "/fhir/R4/ServiceRequest",
        data=json.dumps(body),
        content_type="application/fhir+json",
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 400
    assert "ServiceRequest.contained[0].telecom[0].value" in response.json()["issue"][0]["expression"]
    assert not Referral.objects.exists()
