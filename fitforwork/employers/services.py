"""Sharing a plan version, telling the employer of a return to work, and what the employer says back (issue 16).

`plan_share_give` puts the person's consent on the ledger and, for an employer, queues the email telling them a
new version is shared (reference `share:<version>:<organisation>`). `plan_share_withdraw` appends the
withdrawal and, in the same transaction, cancels every message not yet sent that carries that plan to that
recipient: the employer's notice, and the GP practice's plan letter. Each is audited (the ledger audits too).

`case_discharge` discharges a case and, in the same transaction, queues the email telling the employer the person
is back at work (reference `return:<case>:<organisation>`) when the work status at discharge is a return and the
ledger allows it at that moment (purpose `return_notice`); otherwise the refusal is audited. Withdrawing that
consent (`return_notice_withdraw`) cancels the email while it is not yet sent.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from fitforwork.accounts.models import Role, User
from fitforwork.cases import services as case_services
from fitforwork.cases.letters import letters_cancel_pending
from fitforwork.cases.models import Case, Letter, WorkStatus
from fitforwork.consent.models import Consent, Purpose
from fitforwork.consent.selectors import consent_allows
from fitforwork.consent.services import consent_give, consent_withdraw
from fitforwork.core.audit.services import audit_record
from fitforwork.core.outbox.models import Message
from fitforwork.core.outbox.services import message_enqueue, messages_cancel
from fitforwork.core.presenters import date_long
from fitforwork.core.versions import refusals_audited
from fitforwork.employers.models import EmployerResponse, RecommendationAnswer
from fitforwork.employers.selectors import employer_of
from fitforwork.organisations.models import Organisation
from fitforwork.people.models import Person
from fitforwork.plans.models import PlanVersion

TEMPLATE = "plan_shared_with_employer"
RETURN_TEMPLATE = "return_to_work_notice"
SECTIONS = ("health", "work", "other")
# The work statuses that mean the person is back at work for this employer (a new job is another employer's).
RETURNED = frozenset({WorkStatus.IN_WORK_USUAL, WorkStatus.IN_WORK_ADJUSTED})


def share_reference(plan_version_id: Any, organisation_id: Any) -> str:
    return f"share:{plan_version_id}:{organisation_id}"


def _employer_addresses(organisation: Organisation) -> list[str]:
    if organisation.email:
        return [organisation.email]
    users = User.objects.filter(organisation=organisation, role=Role.EMPLOYER, is_active=True).order_by("email")
    return [user.email for user in users]


@transaction.atomic
def plan_share_give(
    *,
    case: Case,
    version: PlanVersion,
    how: str,
    actor: User,
    recipient: Organisation | None = None,
    recipient_name: str = "",
    removed_sections: list[str] | None = None,
    given_on: datetime.date | None = None,
) -> Consent:
    """Record the person's consent to share this agreed version with one recipient, less the removed sections."""
    if version.plan.case_id != case.pk:
        raise ValidationError({"plan_version": "Choose a version of this case's plan"})
    if not version.is_agreed:
        raise ValidationError({"plan_version": "Only an agreed version, discussed with the person, can be shared"})
    removed = [section for section in SECTIONS if section in (removed_sections or [])]
    consent = consent_give(
        person=case.person,
        purpose=Purpose.SHARE_PLAN,
        how=how,
        given_on=given_on,
        recipient=recipient,
        recipient_name=recipient_name,
        plan_version_id=version.pk,
        removed_sections=removed,
        actor=actor,
    )
    if recipient is not None and recipient.kind == Organisation.Kind.EMPLOYER:
        for address in _employer_addresses(recipient):
            message_enqueue(
                channel="email",
                template_id=str(settings.NOTIFY_TEMPLATES.get(TEMPLATE, TEMPLATE)),
                template_name=TEMPLATE,
                recipient=address,
                # No plan content in the email: the employer signs in to read it, and the ledger is asked then.
                personalisation={"organisation": recipient.name, "reference": case.referral.reference},
                reference=share_reference(version.pk, recipient.pk),
                actor=actor,
            )
    audit_record(
        actor=actor,
        action="employers.plan.shared",
        obj=case,
        data={"consent": str(consent.pk), "plan_version": version.number, "recipient": consent.recipient_label},
    )
    return consent


def _plan_letter_references(consent: Consent) -> list[str]:
    """The GP practice's plan letters on the person's cases, when the consent was to that practice."""
    if consent.recipient is None or consent.recipient.kind != Organisation.Kind.GP_PRACTICE:
        return []
    letters = Letter.objects.filter(
        case__person=consent.person,
        kind=Letter.Kind.PLAN_AGREED,
        practice=consent.recipient,
        message__isnull=False,
    ).values_list("pk", flat=True)
    return [f"letter:{pk}" for pk in letters]


@transaction.atomic
def plan_share_withdraw(
    *, case: Case, consent: Consent, how: str, actor: User, given_on: datetime.date | None = None
) -> tuple[Consent, int]:
    """Withdraw a consent to share a plan version; cancel what is queued to carry it. Returns the new row and how
    many messages were cancelled."""
    if consent.person_id != case.person_id or consent.purpose != Purpose.SHARE_PLAN:
        raise ValidationError({"consent": "Choose a consent to share this person's plan"})
    withdrawal = consent_withdraw(consent=consent, how=how, given_on=given_on, actor=actor)
    references = _plan_letter_references(consent)
    if consent.recipient_id is not None:
        references.append(share_reference(consent.plan_version_id, consent.recipient_id))
    reason = f"Consent to share the plan with {consent.recipient_label} withdrawn on {withdrawal.given_on:%-d %B %Y}"
    cancelled = messages_cancel(references=references, reason=reason)
    if consent.recipient is not None and consent.recipient.kind == Organisation.Kind.GP_PRACTICE:
        # A plan letter to that practice not made yet (its task has not run) is cancelled before it is.
        cancelled += letters_cancel_pending(
            person=consent.person, kind=Letter.Kind.PLAN_AGREED, practice=consent.recipient, reason=reason, actor=actor
        )
    audit_record(
        actor=actor,
        action="employers.plan.share_withdrawn",
        obj=case,
        data={"consent": str(withdrawal.pk), "recipient": consent.recipient_label, "messages_cancelled": cancelled},
    )
    return withdrawal, cancelled


def _response(case: Case, version: PlanVersion, organisation: Organisation, actor: User) -> EmployerResponse:
    response, _ = EmployerResponse.objects.get_or_create(
        plan_version=version, organisation=organisation, defaults={"case": case, "created_by": actor}
    )
    return response


@transaction.atomic
def response_acknowledge(
    *, case: Case, version: PlanVersion, organisation: Organisation, actor: User
) -> EmployerResponse:
    response = _response(case, version, organisation, actor)
    if response.acknowledged_at is None:
        response.acknowledged_at = timezone.now()
        response.acknowledged_by = actor
        response.stamp(actor)
        response.save()
        audit_record(actor=actor, action="employers.response.acknowledged", obj=response, data={"case": str(case.pk)})
    return response


@transaction.atomic
def response_record(
    *,
    case: Case,
    version: PlanVersion,
    organisation: Organisation,
    actor: User,
    answers: dict[Any, tuple[str, str]],
    accepted_as_evidence: bool | None,
    evidence_note: str = "",
) -> EmployerResponse:
    """Record, for each recommendation the employer may see, whether it was implemented (with a note), and
    whether the plan is taken as evidence of sickness instead of a fit note."""
    response = _response(case, version, organisation, actor)
    for recommendation_id, (implemented, note) in answers.items():
        if implemented not in RecommendationAnswer.Implemented.values:
            raise ValidationError({"implemented": "Say whether each recommendation was implemented"})
        RecommendationAnswer.objects.update_or_create(
            response=response,
            recommendation_id=recommendation_id,
            defaults={"implemented": implemented, "note": note.strip(), "recorded_by": actor},
        )
    response.accepted_as_evidence = accepted_as_evidence
    response.evidence_note = evidence_note.strip()
    response.stamp(actor)
    response.save()
    audit_record(
        actor=actor,
        action="employers.response.recorded",
        obj=response,
        data={"case": str(case.pk), "answers": len(answers), "accepted_as_evidence": accepted_as_evidence},
    )
    return response


def return_reference(case_id: Any, organisation_id: Any) -> str:
    return f"return:{case_id}:{organisation_id}"


def _lock_ledger(person_id: Any) -> None:
    """Take the person's row for the rest of the transaction, so that a withdrawal and a discharge reading the
    ledger run one after the other: the email queued by one is seen, and cancelled, by the other."""
    Person.objects.select_for_update().filter(pk=person_id).values_list("pk", flat=True).first()


@transaction.atomic
def return_notice_give(
    *, case: Case, how: str, actor: User, given_on: datetime.date | None = None, note: str = ""
) -> Consent:
    """Record the person's consent to their employer (the case's, `employer_of`) being told they are back at
    work. Nothing is sent now: the email is queued when the case is discharged with a return to work."""
    employer = employer_of(case)
    if employer is None:
        raise ValidationError({"recipient": "The person's employer is not on our list, so they cannot be told"})
    consent = consent_give(
        person=case.person,
        purpose=Purpose.RETURN_NOTICE,
        how=how,
        given_on=given_on,
        recipient=employer,
        note=note,
        actor=actor,
    )
    audit_record(
        actor=actor,
        action="employers.return_notice.consented",
        obj=case,
        data={"consent": str(consent.pk), "recipient": employer.name},
    )
    return consent


@transaction.atomic
def return_notice_withdraw(
    *, case: Case, consent: Consent, how: str, actor: User, given_on: datetime.date | None = None
) -> tuple[Consent, int]:
    """Withdraw the consent to tell the employer of a return to work; cancel the emails to that employer not yet
    sent, on every case of the person. Returns the new row and how many emails were cancelled."""
    if consent.person_id != case.person_id or consent.purpose != Purpose.RETURN_NOTICE:
        raise ValidationError({"consent": "Choose a consent to tell this person's employer they are back at work"})
    _lock_ledger(consent.person_id)
    withdrawal = consent_withdraw(consent=consent, how=how, given_on=given_on, actor=actor)
    cases = Case.objects.filter(person_id=consent.person_id).values_list("pk", flat=True)
    references = [return_reference(pk, consent.recipient_id) for pk in cases]
    reason = (
        f"Consent to tell {consent.recipient_label} about the return to work withdrawn on "
        f"{withdrawal.given_on:%-d %B %Y}"
    )
    cancelled = messages_cancel(references=references, reason=reason)
    audit_record(
        actor=actor,
        action="employers.return_notice.withdrawn",
        obj=case,
        data={"consent": str(withdrawal.pk), "recipient": consent.recipient_label, "messages_cancelled": cancelled},
    )
    return withdrawal, cancelled


def _return_notice_queue(
    *, case: Case, actor: User | None, work_status: str, returned_on: datetime.date
) -> list[Message]:
    if case.status != Case.Status.DISCHARGED or work_status not in RETURNED:
        return []
    employer = employer_of(case)
    if employer is None:
        return []
    _lock_ledger(case.person_id)
    reference = return_reference(case.pk, employer.pk)
    if Message.objects.filter(reference=reference).exclude(status=Message.Status.CANCELLED).exists():
        return []  # told already (or about to be): once per case and employer
    answer = consent_allows(person=case.person, purpose=Purpose.RETURN_NOTICE, recipient=employer)
    if not answer:
        audit_record(
            actor=actor,
            action="employers.return_notice.refused",
            obj=case,
            data={"recipient": employer.name, "reason": answer.reason},
        )
        return []
    # Only that they are back and from when: nothing from the plan, the assessment or the discharge note.
    personalisation = {
        "organisation": employer.name,
        "name": f"{case.person.given_name} {case.person.family_name}",
        "reference": case.referral.reference,
        "return_date": date_long(returned_on),
    }
    queued = [
        message_enqueue(
            channel="email",
            template_id=str(settings.NOTIFY_TEMPLATES.get(RETURN_TEMPLATE, RETURN_TEMPLATE)),
            template_name=RETURN_TEMPLATE,
            recipient=address,
            personalisation=personalisation,
            reference=reference,
            actor=actor,
        )
        for address in _employer_addresses(employer)
    ]
    audit_record(
        actor=actor,
        action="employers.return_notice.queued",
        obj=case,
        data={
            "consent": str(answer.consent.pk) if answer.consent else "",
            "recipient": employer.name,
            "messages": len(queued),
            "return_date": returned_on.isoformat(),
        },
    )
    return queued


def return_notice_queue(*, case: Case, actor: User | None) -> list[Message]:
    """Queue, in the caller's transaction, the email telling the employer the person is back at work, when the
    case's work status at discharge is a return and the ledger allows it now; audit a refusal. Once per case
    and employer: a notice already queued or sent is not queued again. The date is the return to work date, or
    else the day of discharge."""
    if case.discharged_at is None:
        return []
    returned_on = case.return_to_work_date or timezone.localdate(case.discharged_at)
    return _return_notice_queue(
        case=case, actor=actor, work_status=case.work_status_at_discharge, returned_on=returned_on
    )


def return_notice_at_outcome(
    *, case: Case, actor: User | None, work_status: str, return_to_work_date: datetime.date | None
) -> list[Message]:
    """A follow-up after discharge that finds the person back at work tells the employer then, as at discharge,
    if they were not told already. The date is the return to work date recorded, or else today."""
    returned_on = return_to_work_date or timezone.localdate()
    return _return_notice_queue(case=case, actor=actor, work_status=work_status, returned_on=returned_on)


@refusals_audited(case_services.STALE_EDIT_REFUSED)
@transaction.atomic
def case_discharge(**kwargs: Any) -> Case:
    """`cases.services.case_discharge`, and in the same transaction the employer's return-to-work notice
    (`return_notice_queue`). A stale edit is audited once: the inner audit rolls back with this transaction."""
    discharged = case_services.case_discharge(**kwargs)
    return_notice_queue(case=discharged, actor=kwargs.get("actor"))
    return discharged
