"""Every incoming resource is checked against FHIR's own rules with fhir.resources (its R4B models serve R4)
before we read anything from it: an element FHIR does not define, a value in the wrong form (an
`authoredOn` of "yesterday"), a required element missing. Each problem is one issue naming its FHIRPath,
and the submission is refused with a 400, since it is not a FHIR resource we can read at all."""

from __future__ import annotations

from typing import Any

import pydantic
from fhir.resources.R4B import get_fhir_model_class

from fitforwork.api.fhir.mappers import FhirRefused, Issue

# pydantic's error types, as OperationOutcome IssueType codes.
CODES = {"extra_forbidden": "structure", "missing": "required", "model_field_validation.missing": "required"}


def _path(root: str, location: tuple[int | str, ...]) -> str:
    path = root
    for part in location:
        path += f"[{part}]" if isinstance(part, int) else f".{part}"
    return path


def _message(error: Any, path: str) -> str:
    kind = error["type"]
    element = path.rsplit(".", 1)[-1]
    if kind == "extra_forbidden":
        return f"{element} is not an element FHIR R4 defines here"
    if CODES.get(kind) == "required":
        return f"{element} is required by FHIR R4"
    detail = str(error.get("msg", "")).removeprefix("Value error, ")
    return f"{element} is not a valid value ({detail})"


def _resource_types_unknown(payload: dict[str, Any], root: str) -> list[Issue]:
    """Each nested resource (an entry's, a contained one) whose resourceType is not a FHIR type: fhir.resources
    fails on these with a TypeError rather than a validation error, so they are found first."""
    issues = []
    stack: list[tuple[Any, str]] = [(payload, root)]
    while stack:
        item, path = stack.pop()
        if isinstance(item, dict):
            if "resourceType" in item and path != root:
                kind = item["resourceType"]
                try:
                    known = isinstance(kind, str) and get_fhir_model_class(kind) is not None
                except (KeyError, ValueError, AttributeError, ImportError):
                    known = False
                if not known:
                    issues.append(
                        Issue("structure", f"{path}.resourceType", "resourceType is not a FHIR R4 resource type")
                    )
            stack.extend((child, f"{path}.{key}") for key, child in item.items())
        elif isinstance(item, list):
            stack.extend((child, f"{path}[{index}]") for index, child in enumerate(item))
    return issues


def validate(payload: dict[str, Any], root: str) -> None:
    """Raise FhirRefused (400) listing every place the resource breaks FHIR's rules, or return quietly."""
    unknown = _resource_types_unknown(payload, root)
    if unknown:
        raise FhirRefused(unknown, status=400)
    model = get_fhir_model_class(str(payload.get("resourceType")))
    try:
        model.model_validate(payload)
    except (TypeError, KeyError, AttributeError) as failure:  # fhir.resources failing on a shape it did not expect
        message = f"{root} could not be read as a FHIR R4 resource ({type(failure).__name__})"
        raise FhirRefused([Issue("structure", root, message)], status=400) from None
    except pydantic.ValidationError as invalid:
        issues = []
        for error in invalid.errors():
            path = _path(root, tuple(error["loc"]))
            issues.append(Issue(CODES.get(error["type"], "value"), path, _message(error, path)))
        raise FhirRefused(issues, status=400) from None


def consent_given(consent: dict[str, Any]) -> bool | None:
    """What a FHIR Consent says about the person agreeing to be referred: active and permitting is yes;
    rejected, or a provision that denies, is no; a draft or proposed one is not an answer yet."""
    provision = consent.get("provision") if isinstance(consent.get("provision"), dict) else {}
    status = consent.get("status")
    if status == "rejected" or (status == "active" and (provision or {}).get("type") == "deny"):
        return False
    if status == "active":
        return True
    return None
