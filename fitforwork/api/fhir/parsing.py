"""Reading FHIR R4 input into a `ReferralInput` for the intake, collecting every issue with its FHIRPath.

A ServiceRequest with its Patient (contained, or a transaction Bundle's entry) becomes the intake's input,
or a refusal whose issues each name what failed. The outgoing direction is in mappers.py.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from django.utils import timezone

from fitforwork.api.fhir import extensions as ext
from fitforwork.api.fhir import validation
from fitforwork.api.fhir.bundles import entry_types
from fitforwork.api.fhir.mappers import (
    DEFAULT_SOURCE_FOR_KIND,
    GENDER_TO_SEX,
    FhirRefused,
    Issue,
)
from fitforwork.core.choices import EmploymentStatus
from fitforwork.organisations.models import Organisation
from fitforwork.people.models import Condition
from fitforwork.people.nhs_number import is_valid_nhs_number, normalise_nhs_number
from fitforwork.referrals.intake import ReferralInput
from fitforwork.referrals.models import Source

ENTRY_TYPES = ("ServiceRequest", "Patient", "Consent")
_FULL_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


class _Reader:
    """Collects every issue in a submission rather than stopping at the first."""

    def __init__(self) -> None:
        self.issues: list[Issue] = []

    def fail(self, code: str, expression: str, message: str) -> None:
        self.issues.append(Issue(code, expression, message))

    def text(self, value: Any, expression: str, message: str, *, required: bool = True) -> str:
        if isinstance(value, str) and value.strip():
            return value.strip()
        if value is not None or required:
            self.fail("required" if value is None else "value", expression, message)
        return ""

    def full_date(self, value: Any, expression: str, what: str, *, required: bool = True) -> date | None:
        if value is None:
            if required:
                self.fail("required", expression, f"Enter {what}")
            return None
        if isinstance(value, str) and _FULL_DATE.fullmatch(value):
            try:
                return date.fromisoformat(value)
            except ValueError:
                pass
        self.fail("value", expression, f"{what.capitalize()} must be a full date, like 2026-03-27")
        return None


def _extension(resource: dict[str, Any], url: str) -> dict[str, Any] | None:
    for item in resource.get("extension") or []:
        if isinstance(item, dict) and item.get("url") == url:
            return item
    return None


def _ext_path(prefix: str, url: str) -> str:
    return f"{prefix}.extension.where(url='{url}')"


def _code_extension(
    reader: _Reader, resource: dict[str, Any], prefix: str, url: str, allowed: list[str], what: str, *, required: bool
) -> str:
    item = _extension(resource, url)
    if item is None:
        if required:
            reader.fail("required", _ext_path(prefix, url), f"Give {what} ({', '.join(allowed)})")
        return ""
    value = item.get("valueCode")
    if value not in allowed:
        reader.fail("code-invalid", _ext_path(prefix, url), f"{what.capitalize()} must be one of {', '.join(allowed)}")
        return ""
    return str(value)


def _patient_fields(reader: _Reader, resource: dict[str, Any], prefix: str) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    nhs_numbers = [
        item.get("value")
        for item in resource.get("identifier") or []
        if isinstance(item, dict) and item.get("system") == ext.NHS_NUMBER_SYSTEM
    ]
    if nhs_numbers:
        value = normalise_nhs_number(str(nhs_numbers[0] or ""))
        if is_valid_nhs_number(value):
            fields["nhs_number"] = value
        else:
            reader.fail("value", f"{prefix}.identifier", "The NHS number is not valid: it must be 10 digits and exist")
    names = [name for name in resource.get("name") or [] if isinstance(name, dict)]
    name = next((n for n in names if n.get("use") == "official"), names[0] if names else {})
    given = name.get("given") or []
    fields["given_name"] = reader.text(
        given[0] if isinstance(given, list) and given else None, f"{prefix}.name.given", "Enter the person's first name"
    )
    fields["family_name"] = reader.text(name.get("family"), f"{prefix}.name.family", "Enter the person's last name")
    birth = reader.full_date(resource.get("birthDate"), f"{prefix}.birthDate", "the person's date of birth")
    if birth and birth > timezone.localdate():
        reader.fail("value", f"{prefix}.birthDate", "The date of birth must be in the past")
    fields["date_of_birth"] = birth
    gender = resource.get("gender")
    if gender is not None and not (isinstance(gender, str) and gender in GENDER_TO_SEX):
        reader.fail("code-invalid", f"{prefix}.gender", "Gender must be male, female, other or unknown")
        gender = None
    fields["sex"] = GENDER_TO_SEX.get(gender or "unknown", "not_stated")
    addresses = [a for a in resource.get("address") or [] if isinstance(a, dict)]
    address = addresses[0] if addresses else {}
    lines = [line for line in address.get("line") or [] if isinstance(line, str)]
    fields["address_line_1"] = lines[0] if lines else ""
    fields["address_line_2"] = ", ".join(lines[1:])
    fields["town"] = str(address.get("city") or "")
    fields["postcode"] = str(address.get("postalCode") or "").strip().upper()
    # Each as sent: the shared schema (ReferralInput) refuses one too long or not a phone number, as the forms do.
    telecoms = resource.get("telecom")
    for index, contact in enumerate(telecoms if isinstance(telecoms, list) else []):
        if not isinstance(contact, dict) or contact.get("system") not in ("phone", "email"):
            continue
        kind = str(contact["system"])
        if kind in fields:
            continue
        sent = contact.get("value")
        if sent is not None and not isinstance(sent, str):
            reader.fail("value", f"{prefix}.telecom[{index}].value", f"Give the {kind} as text")
            continue
        fields[kind] = (sent or "").strip()
    return fields


def referral_input(
    request: dict[str, Any],
    subject: dict[str, Any] | None,
    *,
    organisation: Organisation,
    request_path: str = "ServiceRequest",
    subject_path: str = "Patient",
    consent_resource: tuple[bool | None, str] | None = None,
) -> ReferralInput:
    """A ServiceRequest and its Patient as the intake's input; raises FhirRefused listing every issue."""
    reader = _Reader()
    if subject is None:
        reader.fail(
            "required",
            f"{request_path}.subject",
            "Give the patient: subject must point to a contained Patient ('#id') or, in a transaction Bundle, "
            "to the Patient entry's fullUrl",
        )
        patient_fields: dict[str, Any] = {}
    else:
        patient_fields = _patient_fields(reader, subject, subject_path)

    status = request.get("status")
    if status != "active":
        reader.fail(
            "required" if status is None else "value", f"{request_path}.status", "A new referral's status is active"
        )
    if request.get("intent") not in ("order", "original-order"):
        reader.fail("value", f"{request_path}.intent", "A referral's intent is order")
    reasons = [
        item.get("text") or next((c.get("display") for c in item.get("coding") or [] if c.get("display")), None)
        for item in request.get("reasonCode") or []
        if isinstance(item, dict)
    ]
    reason = reader.text(
        "\n".join(r for r in reasons if r) or None,
        f"{request_path}.reasonCode",
        "Say why the person is being referred, in reasonCode.text",
    )
    notes = [str(n["text"]) for n in request.get("note") or [] if isinstance(n, dict) and n.get("text")]
    if notes and reason:
        reason = "\n\n".join([reason, *notes])

    default_source = DEFAULT_SOURCE_FOR_KIND.get(Organisation.Kind(organisation.kind), Source.GP)
    source = (
        _code_extension(
            reader,
            request,
            request_path,
            ext.REFERRAL_SOURCE,
            list(Source.values),
            "the referral source",
            required=False,
        )
        or default_source
    )
    # What the service needs but a GP system's plain UK Core referral does not carry: stored as not given
    # ("" or None) and asked at triage, never a reason to refuse.
    employment_status = _code_extension(
        reader,
        request,
        request_path,
        ext.EMPLOYMENT_STATUS,
        list(EmploymentStatus.values),
        "the person's employment status",
        required=False,
    )
    condition_category = _code_extension(
        reader,
        request,
        request_path,
        ext.CONDITION_CATEGORY,
        list(Condition.Category.values),
        "the condition category",
        required=False,
    )
    consent_ext = _extension(request, ext.CONSENT)
    consent_path = _ext_path(request_path, ext.CONSENT)
    consent: bool | None = None
    if consent_ext is not None:
        if isinstance(consent_ext.get("valueBoolean"), bool):
            consent = consent_ext["valueBoolean"]
        else:
            reader.fail("value", consent_path, "Consent is a valueBoolean")
    if consent_resource is not None:
        given, consent_path = consent_resource
        if consent is not None and given is not None and given != consent:
            reader.fail("invariant", consent_path, "The Consent and the consent extension say different things")
        consent = given if given is not None else consent

    def date_ext(url: str, what: str) -> date | None:
        item = _extension(request, url)
        if item is None:
            return None
        return reader.full_date(item.get("valueDate"), _ext_path(request_path, url), what)

    absence_start = date_ext(ext.ABSENCE_START, "the first day off sick")
    written_consent_date = date_ext(ext.WRITTEN_CONSENT_DATE, "the date of written consent")
    weeks_ext = _extension(request, ext.EXPECTED_ABSENCE_WEEKS)
    weeks = weeks_ext.get("valueInteger") if weeks_ext else None
    if weeks_ext is not None and not (isinstance(weeks, int) and not isinstance(weeks, bool) and 0 <= weeks < 520):
        reader.fail("value", _ext_path(request_path, ext.EXPECTED_ABSENCE_WEEKS), "Give the weeks as a whole number")
        weeks = None

    if reader.issues:
        raise FhirRefused(reader.issues)
    is_practice = organisation.kind == Organisation.Kind.GP_PRACTICE
    is_employer = organisation.kind == Organisation.Kind.EMPLOYER
    return ReferralInput(
        source=source,
        reason=reason,
        condition_category=condition_category,
        employment_status=employment_status,
        consent_given=consent,
        absence_start=absence_start,
        expected_absence_weeks=weeks,
        written_consent_date=written_consent_date,
        gp_practice=organisation if is_practice else None,
        employer=organisation if is_employer and source == Source.EMPLOYER else None,
        referrer_organisation=organisation,
        referrer_name=organisation.name,
        **patient_fields,
    )


def _structure(message: str, expression: str = "") -> FhirRefused:
    return FhirRefused([Issue("structure", expression, message)], status=400)


def _resource_type(payload: Any, expected: str, path: str) -> dict[str, Any]:
    if not isinstance(payload, dict):
        raise _structure("The body must be a JSON object: a FHIR resource")
    if payload.get("resourceType") != expected:
        raise _structure(f"Expected a {expected} resource", f"{path}.resourceType")
    return payload


def parse_service_request(payload: Any, *, organisation: Organisation) -> ReferralInput:
    """POST /ServiceRequest: the patient is a contained Patient that subject points to as '#id'."""
    request = _resource_type(payload, "ServiceRequest", "ServiceRequest")
    validation.validate(request, "ServiceRequest")
    subject, subject_path = _contained_subject(request)
    return referral_input(request, subject, organisation=organisation, subject_path=subject_path)


def _contained_subject(request: dict[str, Any]) -> tuple[dict[str, Any] | None, str]:
    """The contained Patient a ServiceRequest's subject points to as '#id', and its path."""
    subject: dict[str, Any] | None = None
    reference = (request.get("subject") or {}).get("reference") if isinstance(request.get("subject"), dict) else None
    subject_path = "ServiceRequest.contained"
    if isinstance(reference, str) and reference.startswith("#"):
        contained_resources = request.get("contained")
        for index, contained in enumerate(contained_resources if isinstance(contained_resources, list) else []):
            if (
                isinstance(contained, dict)
                and contained.get("resourceType") == "Patient"
                and contained.get("id") == reference[1:]
            ):
                subject, subject_path = contained, f"ServiceRequest.contained[{index}]"
    return subject, subject_path


def resource_paths(payload: Any) -> tuple[str, str]:
    """Where the ServiceRequest and its Patient are in what was sent, named as the parser names them, for a
    refusal found once the referral is being made; ("ServiceRequest", "Patient") if that cannot be told."""
    try:
        if isinstance(payload, dict) and payload.get("resourceType") == "Bundle":
            request_index, _, patient_index, _ = transaction_parts(payload)
            return f"Bundle.entry[{request_index}].resource", f"Bundle.entry[{patient_index}].resource"
        if isinstance(payload, dict) and payload.get("resourceType") == "ServiceRequest":
            subject, subject_path = _contained_subject(payload)
            if subject is not None:
                return "ServiceRequest", subject_path
    except FhirRefused:
        pass
    return "ServiceRequest", "Patient"


def transaction_parts(payload: Any) -> tuple[int, dict[str, Any], int, dict[str, Any] | None]:
    """The ServiceRequest entry in a transaction Bundle and the Patient entry its subject points to."""
    bundle = _resource_type(payload, "Bundle", "Bundle")
    if bundle.get("type") != "transaction":
        raise _structure("Only transaction Bundles are accepted here", "Bundle.type")
    entries = bundle.get("entry")
    if not isinstance(entries, list):
        raise _structure("A transaction Bundle needs entries", "Bundle.entry")
    requests = [
        (i, e["resource"])
        for i, e in enumerate(entries)
        if isinstance(e, dict) and isinstance(e.get("resource"), dict)
        if e["resource"].get("resourceType") == "ServiceRequest"
    ]
    others = [
        i
        for i, e in enumerate(entries)
        if not (isinstance(e, dict) and isinstance(e.get("resource"), dict))
        or e["resource"].get("resourceType") not in ENTRY_TYPES
    ]
    if others:
        raise FhirRefused(
            [
                Issue("not-supported", f"Bundle.entry[{i}]", "Only Patient, ServiceRequest and Consent entries")
                for i in others
            ]
        )
    if entry_types(bundle).count("Consent") > 1:
        raise FhirRefused([Issue("invariant", "Bundle.entry", "A transaction holds at most one Consent")])
    if len(requests) != 1:
        raise FhirRefused([Issue("invariant", "Bundle.entry", "A transaction holds exactly one ServiceRequest")])
    for i, entry in enumerate(entries):
        request_element = entry.get("request")
        method = request_element.get("method") if isinstance(request_element, dict) else None
        if method != "POST":
            raise FhirRefused([Issue("not-supported", f"Bundle.entry[{i}].request.method", "Only POST entries")])
    request_index, request = requests[0]
    subject = request.get("subject")
    reference = subject.get("reference") if isinstance(subject, dict) else None
    for i, entry in enumerate(entries):
        resource = entry["resource"]
        if resource.get("resourceType") == "Patient" and reference and entry.get("fullUrl") == reference:
            return request_index, request, i, resource
    return request_index, request, -1, None


def _consent(bundle: dict[str, Any], patient_url: str) -> tuple[bool | None, str] | None:
    """The transaction's Consent, if any, as what it says and its path; it must be about the Patient entry."""
    for index, entry in enumerate(bundle["entry"]):
        resource = entry["resource"]
        if resource.get("resourceType") != "Consent":
            continue
        path = f"Bundle.entry[{index}].resource"
        patient = resource.get("patient") if isinstance(resource.get("patient"), dict) else {}
        if (patient or {}).get("reference") != patient_url:
            raise FhirRefused(
                [Issue("invariant", f"{path}.patient", "The Consent's patient must point to the Patient entry")]
            )
        return validation.consent_given(resource), path
    return None


def parse_transaction(payload: Any, *, organisation: Organisation) -> ReferralInput:
    """POST [base]: a transaction Bundle, each entry checked against FHIR R4, then read as one referral."""
    bundle = _resource_type(payload, "Bundle", "Bundle")
    validation.validate(bundle, "Bundle")
    request_index, request, patient_index, subject = transaction_parts(payload)
    patient_url = str(bundle["entry"][patient_index].get("fullUrl", "")) if patient_index >= 0 else ""
    return referral_input(
        request,
        subject,
        organisation=organisation,
        request_path=f"Bundle.entry[{request_index}].resource",
        subject_path=f"Bundle.entry[{patient_index}].resource",
        consent_resource=_consent(bundle, patient_url),
    )
