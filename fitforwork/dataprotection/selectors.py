"""Gathering everything held about one person, and every read of their record, for a subject access request.

This app sits on top of the flow (next to the API and the demo) because it reads every stage: the person,
their referrals with the values as sent, their cases and what hangs off them, onward referrals, the outbox
and the audit trail.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Q
from django.utils import timezone

from fitforwork.advice_line.models import Contact as AdviceContact
from fitforwork.assessments.models import (
    Assessment,
    PathwayDecision,
    QuestionnaireLink,
    QuestionnaireResponse,
    RedFlag,
)
from fitforwork.cases.models import (
    BreakGlass,
    CareTeamMember,
    Case,
    CaseAllocation,
    Contact,
    Letter,
    MdtNote,
    Task,
)
from fitforwork.cases.models.case import CaseStatusChange
from fitforwork.consent.models import Consent
from fitforwork.core.audit.models import AuditEvent
from fitforwork.core.outbox.models import Message
from fitforwork.employers.models import EmployerResponse
from fitforwork.interventions.models import OnwardReferral
from fitforwork.outcomes.models import OutcomeTimePoint
from fitforwork.people.models import Person
from fitforwork.people.nhs_number import normalise_nhs_number
from fitforwork.plans.models import FitNote, PlanVersion
from fitforwork.referrals.models import Referral, ReferralStatusChange

# Every model holding a row about a person, their referral or their case, and the part of the export that
# holds it. tests/dataprotection/test_subject_access.py fails when a model that points at one of those is in
# neither this nor NOT_EXPORTED, so a new app cannot hold something about a person that a request leaves out.
EXPORTED: dict[str, str] = {
    "people.person": "person",
    "people.employment": "employments",
    "people.condition": "conditions",
    "consent.consent": "consents",
    "advice_line.contact": "advice_line_contacts",
    "referrals.referral": "referrals",
    "referrals.referralstatuschange": "referrals",
    "cases.case": "cases",
    "cases.casestatuschange": "cases",
    "cases.caseallocation": "allocations",
    "cases.contact": "contacts",
    "cases.task": "tasks",
    "cases.careteammember": "care_team",
    "cases.mdtnote": "mdt_notes",
    "plans.plan": "plans",
    "plans.fitnote": "fit_notes",
    "cases.letter": "letters",
    "employers.employerresponse": "employer_responses",
    "outcomes.outcometimepoint": "outcomes",
    "cases.breakglass": "break_glass",
    "interventions.onwardreferral": "onward_referrals",
    "assessments.assessment": "assessments",
    "assessments.pathwaydecision": "pathway_decisions",
    "assessments.questionnaireresponse": "questionnaire_responses",
    "assessments.redflag": "red_flags",
    "assessments.questionnairelink": "questionnaire_links",
}
NOT_EXPORTED: dict[str, str] = {
    "api.servicerequestversion": "each version is the referral above (as sent and as stored) rendered as FHIR",
}

# An export is a read too: the next export lists it among the reads.
EXPORTED_ACTION = "people.person.subject_access_exported"

# The parts of an export, in the order the page shows them, with their headings.
SECTIONS: list[tuple[str, str]] = [
    ("person", "Personal details"),
    ("employments", "Employment"),
    ("conditions", "Health conditions"),
    ("referrals", "Referrals"),
    ("consents", "Consent given and withdrawn"),
    ("advice_line_contacts", "Advice line contacts that led to a referral"),
    ("cases", "Cases"),
    ("allocations", "Case manager allocations"),
    ("contacts", "Contacts"),
    ("tasks", "Tasks"),
    ("care_team", "Care team"),
    ("mdt_notes", "Multidisciplinary team discussions"),
    ("assessments", "Assessments"),
    ("pathway_decisions", "Pathway decisions"),
    ("questionnaire_responses", "Questionnaires answered"),
    ("red_flags", "Safety concerns (red flags)"),
    ("questionnaire_links", "Questionnaire links sent"),
    ("plans", "Return-to-work plans"),
    ("fit_notes", "Fit notes"),
    ("letters", "Letters to the GP practice"),
    ("employer_responses", "What the employer said about a shared plan"),
    ("outcomes", "Outcomes: work status at discharge and at each follow-up"),
    ("break_glass", "Access outside the care team (break-glass)"),
    ("onward_referrals", "Onward referrals"),
    ("messages", "Messages sent"),
    ("reads", "Who read the record"),
]


def _plain(value: Any) -> Any:
    """The value as JSON gives it back: dates and UUIDs as text."""
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder))


def row(obj: models.Model, *, leave_out: tuple[str, ...] = ()) -> dict[str, Any]:
    """Every stored column of a row under its field name (a link to another row as that row's id)."""
    values: dict[str, Any] = {}
    for field in obj._meta.concrete_fields:
        if field.name in leave_out:
            continue
        value = field.value_from_object(obj)
        values[field.attname if field.is_relation else field.name] = value
    return _plain(values)


def person_by_nhs_number(nhs_number: str) -> Person | None:
    number = normalise_nhs_number(nhs_number)
    if not number:
        return None
    return Person.objects.filter(nhs_number=number).first()


def _object_keys(person: Person, referrals: list[Referral], cases: list[Case]) -> Q:
    """The audit events about any of this person's records."""
    query = Q(object_type=Person._meta.label_lower, object_id=str(person.pk))
    if referrals:
        query |= Q(object_type=Referral._meta.label_lower, object_id__in=[str(r.pk) for r in referrals])
    if cases:
        query |= Q(object_type=Case._meta.label_lower, object_id__in=[str(c.pk) for c in cases])
    return query


def record_reads(person: Person) -> list[dict[str, Any]]:
    """Every read of the person's record, their referrals and their cases, oldest first."""
    referrals = list(Referral.objects.filter(person=person).only("pk"))
    cases = list(Case.objects.filter(person=person).only("pk"))
    events = AuditEvent.objects.filter(_object_keys(person, referrals, cases)).filter(
        Q(action__endswith=".viewed") | Q(action=EXPORTED_ACTION)
    )
    return [
        _plain(
            {
                "seq": event.seq,
                "at": event.occurred_at,
                "who": event.actor_label or "the system",
                "what": event.action,
                "record": f"{event.object_type} {event.object_id}",
                "reason": event.reason,
                "page": (event.data or {}).get("path", ""),
            }
        )
        for event in events.order_by("seq")
    ]


def _plans(case_ids: list[Any]) -> list[dict[str, Any]]:
    """Each version of each return-to-work plan, with its obstacles, recommendations, timetable and weeks."""
    versions = PlanVersion.objects.filter(plan__case_id__in=case_ids).order_by("plan__case_id", "number")
    return [
        {
            **row(version),
            "case": str(version.plan.case_id),
            "obstacles": [row(o, leave_out=("plan_version",)) for o in version.obstacles.all()],
            "recommendations": [row(r, leave_out=("plan_version",)) for r in version.recommendations.all()],
            "timetable": [row(t, leave_out=("plan_version",)) for t in version.timetable.all()],
            "phased_weeks": [row(w, leave_out=("plan_version",)) for w in version.phased_weeks.all()],
        }
        for version in versions.select_related("plan")
    ]


def subject_access_gather(person: Person) -> dict[str, Any]:
    """Everything held about `person`, as plain values ready for JSON or a page."""
    referrals = list(Referral.objects.filter(person=person).select_related("submission").order_by("received_at"))
    cases = list(Case.objects.filter(person=person).order_by("opened_at"))
    case_ids = [case.pk for case in cases]
    referral_ids = [str(referral.pk) for referral in referrals]
    recipients = [value for value in (person.email, person.phone) if value]
    messages = Message.objects.filter(Q(reference__in=referral_ids) | Q(recipient__in=recipients)).order_by(
        "created_at"
    )
    return {
        "exported_at": _plain(timezone.now()),
        "person": row(person),
        "employments": [row(employment) for employment in person.employments.order_by("created_at")],
        "conditions": [row(condition) for condition in person.conditions.order_by("created_at")],
        "referrals": [
            {
                **row(referral),
                # The values as the referrer or the person sent them, before anything was made of them.
                "as_sent": _plain(referral.submission.payload),
                "status_history": [
                    row(change, leave_out=("referral",))
                    for change in ReferralStatusChange.objects.filter(referral=referral).order_by("pk")
                ],
            }
            for referral in referrals
        ],
        "consents": [row(consent) for consent in Consent.objects.filter(person=person).order_by("recorded_at", "id")],
        "advice_line_contacts": [
            {
                **row(contact),
                "transcript": [row(message, leave_out=("contact", "client")) for message in contact.messages.all()],
            }
            for contact in AdviceContact.objects.filter(referral__in=referrals).order_by("contacted_at")
        ],
        "cases": [
            {
                **row(case),
                "status_history": [
                    row(change, leave_out=("case",))
                    for change in CaseStatusChange.objects.filter(case=case).order_by("pk")
                ],
            }
            for case in cases
        ],
        "allocations": [
            row(allocation) for allocation in CaseAllocation.objects.filter(case_id__in=case_ids).order_by("pk")
        ],
        "contacts": [row(contact) for contact in Contact.objects.filter(case_id__in=case_ids).order_by("at")],
        "tasks": [row(task) for task in Task.objects.filter(case_id__in=case_ids).order_by("due_on", "created_at")],
        "care_team": [
            row(member) for member in CareTeamMember.objects.filter(case_id__in=case_ids).order_by("added_at")
        ],
        "mdt_notes": [row(note) for note in MdtNote.objects.filter(case_id__in=case_ids).order_by("discussed_on")],
        "assessments": [
            {
                **row(assessment),
                "earlier_versions": [
                    row(revision, leave_out=("assessment",)) for revision in assessment.revisions.all()
                ],
            }
            for assessment in Assessment.objects.filter(case_id__in=case_ids).order_by("assessed_at")
        ],
        "pathway_decisions": [
            row(decision) for decision in PathwayDecision.objects.filter(case_id__in=case_ids).order_by("decided_at")
        ],
        "questionnaire_responses": [
            row(response)
            for response in QuestionnaireResponse.objects.filter(case_id__in=case_ids).order_by("created_at")
        ],
        "red_flags": [row(flag) for flag in RedFlag.objects.filter(case_id__in=case_ids).order_by("raised_at")],
        # The link's token is left out: it is a key, not something about the person.
        "questionnaire_links": [
            row(link, leave_out=("token_hash",))
            for link in QuestionnaireLink.objects.filter(case_id__in=case_ids).order_by("created_at")
        ],
        "break_glass": [row(use) for use in BreakGlass.objects.filter(case_id__in=case_ids).order_by("granted_at")],
        "plans": _plans(case_ids),
        # Each letter as written (its content); the PDF made from it is left out, as the same words.
        "letters": [
            row(letter, leave_out=("pdf",))
            for letter in Letter.objects.filter(case_id__in=case_ids).order_by("created_at")
        ],
        "outcomes": [
            {**row(point), "records": [row(record, leave_out=("time_point",)) for record in point.records.all()]}
            for point in OutcomeTimePoint.objects.filter(case_id__in=case_ids).order_by("due_on", "pk")
        ],
        "employer_responses": [
            {**row(response), "answers": [row(answer, leave_out=("response",)) for answer in response.answers.all()]}
            for response in EmployerResponse.objects.filter(case_id__in=case_ids).order_by("created_at")
        ],
        "fit_notes": [
            row(note, leave_out=("pdf",))
            for note in FitNote.objects.filter(case_id__in=case_ids).order_by("period_from")
        ],
        "onward_referrals": [
            row(onward) for onward in OnwardReferral.objects.filter(case_id__in=case_ids).order_by("requested_on")
        ],
        "messages": [row(message, leave_out=("last_error", "next_attempt_at", "unconfirmed")) for message in messages],
        "reads": record_reads(person),
    }
