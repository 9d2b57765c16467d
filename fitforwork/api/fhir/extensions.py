"""Every URL this FHIR facade defines, in one place.

The local base is a placeholder until the service has a canonical domain for its profiles; change it here
only, and the mappers, CapabilityStatement and tests follow. Each extension holds one referral field that
FHIR R4's ServiceRequest has no element for:

- `referral-source` (valueCode): who referred, one of Source (gp, employer, self, jobcentre, community,
  advice_line, nhs24_msk). Defaults from the calling organisation's kind.
- `employment-status` (valueCode): one of EmploymentStatus (employed_at_work, employed_off_sick,
  self_employed, unemployed).
- `absence-start` (valueDate): the first day off sick.
- `expected-absence-weeks` (valueInteger).
- `condition-category` (valueCode): musculoskeletal, mental_health, both, other.
- `consent` (valueBoolean): the person agreed to be referred.
- `written-consent-date` (valueDate): when an employee gave an employer written consent (employer referrals).
"""

from __future__ import annotations

LOCAL_BASE = "https://fitforwork.example.org/fhir"
EXTENSION_BASE = f"{LOCAL_BASE}/StructureDefinition"

REFERRAL_SOURCE = f"{EXTENSION_BASE}/referral-source"
EMPLOYMENT_STATUS = f"{EXTENSION_BASE}/employment-status"
ABSENCE_START = f"{EXTENSION_BASE}/absence-start"
EXPECTED_ABSENCE_WEEKS = f"{EXTENSION_BASE}/expected-absence-weeks"
CONDITION_CATEGORY = f"{EXTENSION_BASE}/condition-category"
CONSENT = f"{EXTENSION_BASE}/consent"
WRITTEN_CONSENT_DATE = f"{EXTENSION_BASE}/written-consent-date"

# Identifier systems and code systems.
REFERRAL_REFERENCE_SYSTEM = f"{LOCAL_BASE}/Id/referral-reference"
SITE_SYSTEM = f"{LOCAL_BASE}/Id/site"
BUSINESS_STATUS_SYSTEM = f"{LOCAL_BASE}/CodeSystem/referral-business-status"
NHS_NUMBER_SYSTEM = "https://fhir.nhs.uk/Id/nhs-number"
ODS_CODE_SYSTEM = "https://fhir.nhs.uk/Id/ods-organization-code"
