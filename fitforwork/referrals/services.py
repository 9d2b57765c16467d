"""Every write to a referral after it arrives: the triage team's decisions."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from fitforwork.accounts.models import User
from fitforwork.core.audit.services import audit_record
from fitforwork.referrals import notifications, rules
from fitforwork.referrals.models import Referral, ReferralStatusChange


class InvalidTransition(Exception):
    """The referral is not in a state that allows this change; the message says why."""


ALLOWED: dict[str, set[str]] = {
    Referral.Status.ACCEPTED: {Referral.Status.RECEIVED},
    Referral.Status.DECLINED: {Referral.Status.RECEIVED},
}


def _transition(*, referral: Referral, to: str, actor: User, reason: str = "") -> Referral:
    locked = Referral.objects.select_for_update().get(pk=referral.pk)
    if locked.status not in ALLOWED[to]:
        raise InvalidTransition(
            f"Referral {locked.reference} is already {locked.get_status_display().lower()}, so it cannot be "
            f"{Referral.Status(to).label.lower()}."
        )
    from_status = locked.status
    locked.status = to
    locked.decided_at = timezone.now()
    locked.decided_by = actor
    if to == Referral.Status.DECLINED:
        locked.decline_reason = reason
    locked.stamp(actor)
    locked.save()
    ReferralStatusChange.objects.create(
        referral=locked, from_status=from_status, to_status=to, actor=actor, reason=reason
    )
    audit_record(actor=actor, action=f"referrals.referral.{to}", obj=locked, reason=reason)
    return locked


@transaction.atomic
def referral_accept(*, referral: Referral, actor: User) -> Referral:
    """Accept a referral; its case opens with the case management work (issue 4)."""
    rules.ensure_can_triage(actor, referral)
    accepted = _transition(referral=referral, to=Referral.Status.ACCEPTED, actor=actor)
    notifications.referral_accepted(accepted)
    return accepted


@transaction.atomic
def referral_decline(*, referral: Referral, actor: User, reason: str) -> Referral:
    """Decline with a reason the referrer and client are told."""
    rules.ensure_can_triage(actor, referral)
    if not reason.strip():
        raise InvalidTransition("Enter a reason for declining the referral")
    declined = _transition(referral=referral, to=Referral.Status.DECLINED, actor=actor, reason=reason.strip())
    notifications.referral_declined(declined)
    return declined
