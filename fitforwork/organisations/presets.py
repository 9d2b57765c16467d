"""The service models the platform ships with, from /work/shared/domain/service-models.md.

Each preset follows its row of that table. Where the table says "local", "as the site sets" or marks a
value [U], the preset holds a workable default and lists the setting in `uncertain`, so an
administrator knows to confirm it before a site goes live. Keys are stable: demo data and tests use them.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

# Defaults for what no source states; every preset that uses one lists it as uncertain.
_UNSTATED: dict[str, Any] = {
    "time_standards.first_contact_working_days": 2,
    "time_standards.assessment_working_days": 10,
    "time_standards.face_to_face_working_days": None,
    "time_standards.review_every_weeks": 4,
    "case_length.max_weeks": None,
    "case_length.ends_on_return_to_work": True,
    "max_failed_contact_attempts": 3,
    "reopen_window_days": 28,
    "outcome_schedule.follow_up_months": [3, 6],
    "eligibility.re_referral_window_months": None,
}

GREAT_BRITAIN = ["england_wales", "scotland"]
IN_WORK = ["employed_at_work", "employed_off_sick"]


@dataclass(frozen=True)
class Preset:
    key: str
    name: str
    description: str
    source: str
    config: dict[str, Any]


def _config(
    *,
    eligibility: dict[str, Any],
    routes: list[dict[str, Any]],
    pathways: list[str],
    support: list[str],
    stated: dict[str, Any],
    uncertain: tuple[str, ...] = (),
    issues_fit_notes: bool = False,
) -> dict[str, Any]:
    """A full config: `stated` values come from a source; anything else falls back to _UNSTATED."""
    values = {**_UNSTATED, **stated}
    flagged = [path for path in _UNSTATED if path not in stated]
    flagged += [path for path in uncertain if path not in flagged]
    eligibility_data = {
        "min_absence_weeks": None,
        "absence_or_expected": False,
        "max_employer_size_band": None,
        "residence_or_gp_in_area": True,
        "re_referral_window_months": values["eligibility.re_referral_window_months"],
        "requires_explicit_consent": True,
        "within_weeks_of_unemployment": None,
        "return_expected_within_months": None,
        "fit_note_requested_or_at_risk": False,
        **eligibility,
    }
    eligibility_data["self_employed_allowed"] = "self_employed" in eligibility_data["employment_statuses"]
    return {
        "schema_version": 1,
        "eligibility": eligibility_data,
        "referral_routes": [
            {
                "min_absence_weeks": None,
                "only_if_gp_has_not_referred": False,
                "requires_written_consent": False,
            }
            | route
            for route in routes
        ],
        "time_standards": {
            name: values[f"time_standards.{name}"]
            for name in (
                "first_contact_working_days",
                "assessment_working_days",
                "face_to_face_working_days",
                "review_every_weeks",
            )
        },
        "case_length": {
            "max_weeks": values["case_length.max_weeks"],
            "ends_on_return_to_work": values["case_length.ends_on_return_to_work"],
            "max_weeks_by_employment_status": values.get("case_length.max_weeks_by_employment_status", {}),
        },
        "max_failed_contact_attempts": values["max_failed_contact_attempts"],
        "reopen_window_days": values["reopen_window_days"],
        "pathways": pathways,
        "support_offered": support,
        "outcome_schedule": {
            "baseline_at_assessment": True,
            "at_discharge": True,
            "follow_up_months": values["outcome_schedule.follow_up_months"],
        },
        "service_issues_fit_notes": issues_fit_notes,
        "pathway_allocation": copy.deepcopy(PATHWAY_ALLOCATION),
        "uncertain": flagged,
    }


# Pathway allocation after the assessment (ADR 0023): a high score on the musculoskeletal screening
# questionnaire (ÖMPSQ-10) or on either mood questionnaire (PHQ-9, GAD-7) to case-managed support with fast
# access; otherwise guidance and advice. With no scores yet, the more supportive pathway is proposed and the
# case manager decides. The same for every preset until a site sets its own.
PATHWAY_ALLOCATION: dict[str, Any] = {
    "pathways": [
        {"code": "case_managed_fast_access", "label": "Case-managed support with fast access to treatment"},
        {"code": "guidance_and_advice", "label": "Guidance and advice"},
    ],
    "rules": [
        {
            "pathway": "case_managed_fast_access",
            "any_of": [
                {"instrument": "ompsq10", "at_least": 50},
                {"instrument": "phq9", "at_least": 10},
                {"instrument": "gad7", "at_least": 10},
            ],
        }
    ],
    "otherwise": "guidance_and_advice",
    "no_scores": "case_managed_fast_access",
    "no_scores_reason": "No questionnaire scores are recorded yet, so the case manager's judgement decides",
}

# Referral by an employer always needs the employee's written consent.
_EMPLOYER = {"source": "employer", "requires_written_consent": True}

_TABLE = "Summarised in the service-models research notes (DWP research reports RR792 and RR959, gov.uk"


def _pilot_model(key: str, name: str, model: str, pathways: list[str], support: list[str]) -> Preset:
    """The 2010-13 pilots' three delivery models: the site set eligibility, routes and time standards."""
    return Preset(
        key=key,
        name=f"Fit for Work pilot: {name}",
        description=(
            f"Delivery model {model} of the Fit for Work Service pilots (2010-13, eleven sites). Each site "
            "set its own eligibility, referral routes and time standards, so those settings here are "
            "defaults to confirm."
        ),
        source=f"{_TABLE}). Pilot delivery models [V]: eligibility, referrers and time standards as the site "
        f"sets; support: {model} {name} ({'; '.join(support)}); case length local.",
        config=_config(
            eligibility={"employment_statuses": IN_WORK, "nations": GREAT_BRITAIN},
            routes=[{"source": "gp"}, _EMPLOYER, {"source": "self"}],
            pathways=pathways,
            support=support,
            stated={},
            uncertain=("eligibility", "referral_routes", "time_standards", "case_length"),
        ),
    )


PRESETS: list[Preset] = [
    Preset(
        key="fit-for-work-national",
        name="Fit for Work, national (2014-18)",
        description=(
            "The national service in England, Wales and Scotland: a telephone biopsychosocial assessment "
            "by an occupational health professional who becomes the case manager and writes a Return to "
            "Work Plan. The case ends on return to work, when the service can no longer help, or 3 months "
            "(13 weeks) after referral."
        ),
        source=f"{_TABLE}, Fit for Work guidance) [V]: in paid employment (not self-employed); absent 4+ "
        "weeks, or GP expects 4+ weeks; reasonable chance of (phased) return within 3 months; not referred "
        "in the last 12 months; explicit consent; lives in Great Britain. Referred by the GP (any time if "
        "absence expected to pass 4 weeks); employer only after 4 weeks and only if the GP has not "
        "referred; no self-referral. Phone contact within 2 working days of referral; face-to-face, if "
        "needed, within 5 working days.",
        config=_config(
            eligibility={
                "employment_statuses": ["employed_off_sick"],
                "min_absence_weeks": 4,
                "absence_or_expected": True,
                "nations": GREAT_BRITAIN,
                "residence_or_gp_in_area": False,
                "return_expected_within_months": 3,
            },
            routes=[
                {"source": "gp"},
                {**_EMPLOYER, "min_absence_weeks": 4, "only_if_gp_has_not_referred": True},
            ],
            pathways=["Telephone case management", "Face-to-face assessment"],
            support=[
                "Telephone biopsychosocial assessment by an occupational health professional",
                "Case management by the assessing professional",
                "Face-to-face assessment where needed",
                "Return to Work Plan",
            ],
            stated={
                "eligibility.re_referral_window_months": 12,
                "time_standards.first_contact_working_days": 2,
                # The first contact is the telephone assessment.
                "time_standards.assessment_working_days": 2,
                "time_standards.face_to_face_working_days": 5,
                "case_length.max_weeks": 13,
                "case_length.ends_on_return_to_work": True,
            },
            uncertain=("time_standards.assessment_working_days",),
        ),
    ),
    Preset(
        key="fit-for-work-pilot-gp-led",
        name="Fit for Work pilot, GP-led (Leicestershire 2010-13)",
        description=(
            "GP-only referral to non-clinical case managers backed by an occupational health nurse and a "
            "part-time GP. The service signs fit notes while the client is with it, and agrees the plan "
            "with the worker and the employer."
        ),
        source=f"{_TABLE}) [V]: employed and off sick or struggling at work, or out of work with health "
        "and employability needs; registered with a county GP. Referred by GPs only. Seen within a week. "
        "Case length local.",
        config=_config(
            eligibility={
                "employment_statuses": [*IN_WORK, "unemployed"],
                "nations": ["england_wales"],
                "residence_or_gp_in_area": True,
            },
            routes=[{"source": "gp"}],
            pathways=["In work", "Off sick", "Out of work"],
            support=[
                "Non-clinical case manager",
                "Occupational health nurse",
                "Part-time GP",
                "Fit notes signed by the service while the client is with it",
                "Return-to-work plan agreed with the worker and the employer",
            ],
            stated={
                "time_standards.assessment_working_days": 5,
                "time_standards.face_to_face_working_days": 5,
            },
            uncertain=("eligibility.self_employed_allowed",),
            issues_fit_notes=True,
        ),
    ),
    _pilot_model(
        "pilot-guidance-and-gateway",
        "Guidance and Gateway",
        "1",
        pathways=["Guidance and gateway"],
        support=["Case manager, mainly non-clinical", "Guidance and gateway to existing services"],
    ),
    _pilot_model(
        "pilot-guidance-plus",
        "Guidance Plus and Gateway Plus",
        "2",
        pathways=["Guidance plus", "Gateway plus: fast-track physiotherapy"],
        support=["Case manager", "Light clinical support", "Fast-track physiotherapy"],
    ),
    _pilot_model(
        "pilot-fast-access",
        "Guidance Plus and Fast Access",
        "3",
        pathways=["Guidance plus", "Fast access: physical therapy", "Fast access: psychological therapy"],
        support=[
            "Enhanced case management",
            "Fast access to physical therapy",
            "Fast access to psychological therapy",
        ],
    ),
    Preset(
        key="workwell",
        name="WorkWell (England, 2024-)",
        description=(
            "No wrong door: anyone with a health condition or disability who wants to work, in work, off "
            "sick, at risk or recently out of work, with no benefit claim needed. A work and health coach, "
            "a personalised plan and an MDT that can fund clinical and non-clinical help. England only "
            "(the nation setting covers England and Wales)."
        ),
        source=f"{_TABLE}, WorkWell prospectus) [V]: anyone with a health condition or disability who "
        "wants to work: in work, off sick, at risk, or recently out of work; no benefit claim needed; "
        "voluntary; England. Local variants: resident or GP-registered in the area; within 12 weeks of "
        "unemployment [U]. Referred by self, GP, employer, Jobcentre Plus, community services. Time "
        "standards local [U]. Local caps seen: 8 weeks in work, 16 weeks for job seekers [U].",
        config=_config(
            eligibility={
                "employment_statuses": [*IN_WORK, "self_employed", "unemployed"],
                "nations": ["england_wales"],
                "residence_or_gp_in_area": True,
                "within_weeks_of_unemployment": 12,
            },
            routes=[
                {"source": "self"},
                {"source": "gp"},
                _EMPLOYER,
                {"source": "jobcentre"},
                {"source": "community"},
            ],
            pathways=["Staying in work", "Returning from sickness absence", "Back into work"],
            support=[
                "Work and health coach",
                "Personalised work and health plan",
                "Multidisciplinary team that can fund clinical and non-clinical help",
            ],
            stated={
                "case_length.max_weeks": 16,
                "case_length.ends_on_return_to_work": False,
                "case_length.max_weeks_by_employment_status": {
                    "employed_at_work": 8,
                    "employed_off_sick": 8,
                    "self_employed": 8,
                    "unemployed": 16,
                },
            },
            uncertain=(
                "eligibility.residence_or_gp_in_area",
                "eligibility.within_weeks_of_unemployment",
                "eligibility.self_employed_allowed",
                "case_length.max_weeks",
                "case_length.ends_on_return_to_work",
                "case_length.max_weeks_by_employment_status",
            ),
        ),
    ),
    Preset(
        key="working-health-services-scotland",
        name="Working Health Services Scotland",
        description=(
            "For the self-employed and people working for firms of 250 or fewer, at work or absent for any "
            "length of time, in Scotland: mostly telephone case management with fast access to "
            "counselling, physiotherapy and occupational therapy. The size limit is held as the medium "
            "band (up to 249 employees), the nearest band to 250 or fewer."
        ),
        source=f"{_TABLE}, gov.scot) [V]: self-employed, or employed by a firm of 250 or fewer, at work "
        "or absent any length of time; Scotland. Referred by self-referral; NHS 24 MSK triage. Time "
        "standards and case length local. Follow-ups at 3 and 6 months.",
        config=_config(
            eligibility={
                "employment_statuses": [*IN_WORK, "self_employed"],
                "max_employer_size_band": "medium",
                "nations": ["scotland"],
            },
            routes=[{"source": "self"}, {"source": "nhs24_msk"}],
            pathways=["Telephone case management", "Fast access to therapy"],
            support=[
                "Telephone case management",
                "Fast access to counselling",
                "Fast access to physiotherapy",
                "Fast access to occupational therapy",
                "Signposting for housing, employment and debt",
            ],
            stated={"outcome_schedule.follow_up_months": [3, 6]},
            uncertain=("eligibility.residence_or_gp_in_area",),
        ),
    ),
    Preset(
        key="health-and-work-support-pilot",
        name="Health and Work Support pilot (Dundee, Fife)",
        description=(
            "A single gateway for people employed or self-employed in the area: assessment, care planning "
            "and coordination, review and discharge, with fast-track physiotherapy and counselling, for up "
            "to 20 weeks."
        ),
        source=f"{_TABLE}, gov.scot) [V]: employed or self-employed in the area. Single gateway: self, GP, "
        "employer. Time standards local. Up to 20 weeks.",
        config=_config(
            eligibility={"employment_statuses": [*IN_WORK, "self_employed"], "nations": ["scotland"]},
            routes=[{"source": "self"}, {"source": "gp"}, _EMPLOYER],
            pathways=["Case management", "Fast-track physiotherapy", "Fast-track counselling"],
            support=[
                "Assessment",
                "Care planning and coordination",
                "Review",
                "Discharge",
                "Fast-track physiotherapy",
                "Fast-track counselling",
            ],
            stated={"case_length.max_weeks": 20},
            uncertain=("eligibility.residence_or_gp_in_area", "case_length.ends_on_return_to_work"),
        ),
    ),
    Preset(
        key="gp-practice-work-coaching",
        name="GP-practice work and health coaching (England, 15 areas)",
        description=(
            "A work and health coach or occupational therapist in the practice for patients asking for a "
            "fit note or at risk of one, with signposting to exercise programmes (such as 12 weeks) and "
            "career coaching."
        ),
        source=f"{_TABLE}, NHS pages) [V]: patients asking for a fit note or at risk of one. Referred by "
        "the practice. Time standards and case length local.",
        config=_config(
            eligibility={
                "employment_statuses": [*IN_WORK, "self_employed", "unemployed"],
                "nations": ["england_wales"],
                "fit_note_requested_or_at_risk": True,
            },
            routes=[{"source": "gp"}],
            pathways=["Work and health coaching", "Occupational therapy"],
            support=[
                "Work and health coach or occupational therapist in the practice",
                "Signposting to exercise programmes (such as 12 weeks)",
                "Career coaching",
            ],
            stated={},
            uncertain=("eligibility.employment_statuses", "eligibility.self_employed_allowed"),
        ),
    ),
]


def preset(key: str) -> Preset:
    """One preset by key, with a copy of its config so callers cannot change the shipped one."""
    found = next(item for item in PRESETS if item.key == key)
    return Preset(found.key, found.name, found.description, found.source, copy.deepcopy(found.config))
