"""Recording consent: giving, refusing and withdrawing it, each a new row of the ledger, each audited."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from fitforwork.consent.models import Consent, How, Purpose
from fitforwork.consent.selectors import consent_current
from fitforwork.core.audit.services import audit_record

# How a referral's own consent reaches the ledger, by who referred: an employer must hold the employee's written
# consent (the date is on the referral); a self-referrer agrees online; the others confirm, on the referral, that
# the person agreed when they spoke.
REFERRAL_HOW = {"employer": How.WRITTEN, "self": How.ONLINE}
REFERRAL_NOTE = "Confirmed by the referrer on the referral"


def _check(row: Consent) -> None:
    """The model's rules, checked here without a query: the intake path records a consent with every referral."""
    errors: dict[str, str] = {}
    if row.purpose not in Purpose.values:
        errors["purpose"] = "Choose what the consent is for"
    if row.action not in Consent.Action.values:
        errors["action"] = "Say whether consent was given, refused or withdrawn"
    if row.how not in How.values:
        errors["how"] = "Say how the person gave it: in writing, spoken or online"
    if row.given_on > timezone.localdate():
        errors["given_on"] = "The date consent was given must be today or in the past"
    if row.purpose == Purpose.SHARE_PLAN and row.plan_version_id is None:
        errors["plan_version"] = "A consent to share a plan names the plan version"
    if row.purpose in (Purpose.SHARE_PLAN, Purpose.THIRD_PARTY_CONTACT, Purpose.RETURN_NOTICE) and not (
        row.recipient_id or row.recipient_name
    ):
        errors["recipient"] = "A consent to share or to contact someone names who"
    if len(row.recipient_name) > 200:
        errors["recipient_name"] = "Enter the recipient's name in 200 characters or fewer"
    if errors:
        raise ValidationError(errors)


def consent_record(
    *,
    person: Any,
    purpose: str,
    action: str,
    how: str,
    given_on: datetime.date | None = None,
    recipient: Any = None,
    recipient_name: str = "",
    plan_version_id: Any = None,
    removed_sections: list[str] | None = None,
    referral: Any = None,
    note: str = "",
    actor: Any = None,
) -> Consent:
    """Append one row to the ledger; raises ValidationError naming each field that is wrong."""
    row = Consent(
        person=person,
        purpose=purpose,
        action=action,
        how=how,
        given_on=given_on or timezone.localdate(),
        recipient=recipient,
        recipient_name=recipient_name.strip(),
        plan_version_id=plan_version_id,
        removed_sections=list(removed_sections or []),
        referral=referral,
        note=note,
        recorded_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    _check(row)  # before any write: a refusal leaves the caller's transaction usable
    with transaction.atomic(savepoint=False):
        row.save(force_insert=True)
        _audit(row, actor)
    return row


def _audit(row: Consent, actor: Any) -> None:
    audit_record(
        actor=actor,
        action=f"consent.consent.{row.action}",
        obj=row.person,
        data={
            "consent": str(row.pk),
            "purpose": row.purpose,
            "recipient": row.recipient_label,
            "plan_version": str(row.plan_version_id) if row.plan_version_id else "",
            "removed_sections": row.removed_sections,
            "how": row.how,
        },
    )


def consent_give(**kwargs: Any) -> Consent:
    return consent_record(action=Consent.Action.GIVEN, **kwargs)


def consent_refuse(**kwargs: Any) -> Consent:
    return consent_record(action=Consent.Action.REFUSED, **kwargs)


def consent_withdraw(
    *, consent: Consent, how: str, actor: Any, given_on: datetime.date | None = None, note: str = ""
) -> Consent:
    """Withdraw what `consent` gave, as a new row for the same person, purpose, recipient and plan version.
    Takes effect at once: the next `consent_allows` for it answers no."""
    current = consent_current(
        person=consent.person,
        purpose=consent.purpose,
        recipient=consent.recipient,
        recipient_name=consent.recipient_name,
        plan_version_id=consent.plan_version_id,
    )
    if current is None or current.action != Consent.Action.GIVEN:
        raise ValidationError({"consent": "This consent has already been withdrawn or was never given"})
    return consent_record(
        person=consent.person,
        purpose=consent.purpose,
        action=Consent.Action.WITHDRAWN,
        how=how,
        given_on=given_on,
        recipient=consent.recipient,
        recipient_name=consent.recipient_name,
        plan_version_id=consent.plan_version_id,
        referral=consent.referral,
        note=note,
        actor=actor,
    )


def consent_record_referral(*, referral: Any, actor: Any = None) -> Consent | None:
    """Put on the ledger the consent a referral came with: given when the referrer said so, none when they did
    not say (it is asked at triage). Called in the transaction that makes the referral."""
    if not referral.consent_given:
        return None
    return consent_give(
        person=referral.person,
        purpose=Purpose.REFERRAL,
        how=REFERRAL_HOW.get(referral.source, How.VERBAL),
        given_on=referral.written_consent_date or timezone.localdate(referral.received_at),
        referral=referral,
        note="" if referral.source in REFERRAL_HOW else REFERRAL_NOTE,
        actor=actor,
    )
