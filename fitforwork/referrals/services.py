"""Every write to a referral after it arrives: the triage team's decisions."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from fitforwork.accounts.models import User
from fitforwork.cases.models import Case, CaseStatus
from fitforwork.cases.services import case_open, case_referral_withdrawn
from fitforwork.core.audit.services import audit_record
from fitforwork.organisations.models import Organisation
from fitforwork.people import services as people_services
from fitforwork.referrals import notifications, rules
from fitforwork.referrals.models import Referral, ReferralStatusChange


class InvalidTransition(Exception):
    """The referral is not in a state that allows this change; the message says why."""


ALLOWED: dict[str, set[str]] = {
    Referral.Status.ACCEPTED: {Referral.Status.RECEIVED},
    Referral.Status.DECLINED: {Referral.Status.RECEIVED},
    # The referrer may take a referral back before or after triage (not once we have declined it).
    Referral.Status.WITHDRAWN: {Referral.Status.RECEIVED, Referral.Status.ACCEPTED},
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
def referral_accept(*, referral: Referral, actor: User, case_manager: User | None = None) -> Case:
    """Accept a referral and open its case in the same transaction; the site is fixed here for reporting."""
    rules.ensure_can_triage(actor, referral)
    if referral.nhs_number_conflict == Referral.NhsNumberConflict.OPEN:
        raise InvalidTransition("Check whose NHS number this is before you accept the referral.")
    accepted = _transition(referral=referral, to=Referral.Status.ACCEPTED, actor=actor)
    case = case_open(referral=accepted, actor=actor, case_manager=case_manager)
    notifications.referral_accepted(accepted)
    return case


@transaction.atomic
def referral_decline(*, referral: Referral, actor: User, reason: str) -> Referral:
    """Decline with a reason the referrer and client are told."""
    rules.ensure_can_triage(actor, referral)
    if not reason.strip():
        raise InvalidTransition("Enter a reason for declining the referral")
    declined = _transition(referral=referral, to=Referral.Status.DECLINED, actor=actor, reason=reason.strip())
    notifications.referral_declined(declined)
    return declined


@transaction.atomic
def referral_not_duplicate(*, referral: Referral, actor: User) -> Referral:
    """The team checked a flagged referral: it is a different person or a new episode, so it stays open."""
    rules.ensure_can_triage(actor, referral)
    locked = Referral.objects.select_for_update().get(pk=referral.pk)
    if locked.duplicate_status != Referral.DuplicateStatus.FLAGGED:
        raise InvalidTransition(f"Referral {locked.reference} is not flagged as a possible duplicate.")
    locked.duplicate_status = Referral.DuplicateStatus.NOT_DUPLICATE
    locked.stamp(actor)
    locked.save(update_fields=["duplicate_status", "modified_at", "modified_by"])
    audit_record(actor=actor, action="referrals.referral.not_duplicate", obj=locked)
    return locked


@transaction.atomic
def referral_merge_duplicate(*, referral: Referral, actor: User) -> Referral:
    """Close a flagged referral as a duplicate of the earlier one; its referrer and the person are told why."""
    rules.ensure_can_triage(actor, referral)
    locked = Referral.objects.select_for_update().get(pk=referral.pk)
    deciding = {Referral.DuplicateStatus.FLAGGED, Referral.DuplicateStatus.SAME_PERSON}
    if locked.duplicate_status not in deciding or locked.possible_duplicate_of is None:
        raise InvalidTransition(f"Referral {locked.reference} is not flagged as a possible duplicate.")
    original = locked.possible_duplicate_of
    reason = f"This is the same person as referral {original.reference}, which we already have."
    declined = _transition(referral=locked, to=Referral.Status.DECLINED, actor=actor, reason=reason)
    declined.duplicate_status = Referral.DuplicateStatus.MERGED
    declined.save(update_fields=["duplicate_status"])
    audit_record(actor=actor, action="referrals.referral.merged", obj=declined, data={"into": str(original.pk)})
    notifications.referral_declined(declined)
    return declined


@transaction.atomic
def referral_same_person(*, referral: Referral, actor: User) -> Referral:
    """The team checked a flagged referral: it is the same person as the earlier referral's, so it is attached
    to that person record. It stays open, for the team to accept, decline or close as a duplicate; the person
    record it was first given is kept, as is everything the referrer sent."""
    rules.ensure_can_triage(actor, referral)
    locked = Referral.objects.select_for_update().get(pk=referral.pk)
    original = locked.possible_duplicate_of
    if locked.duplicate_status != Referral.DuplicateStatus.FLAGGED or original is None:
        raise InvalidTransition(f"Referral {locked.reference} is not flagged as a possible duplicate.")
    if locked.status != Referral.Status.RECEIVED:
        raise InvalidTransition(f"Referral {locked.reference} is already {locked.get_status_display().lower()}.")
    from_person = locked.person_id
    locked.person_id = original.person_id
    locked.duplicate_status = Referral.DuplicateStatus.SAME_PERSON
    locked.stamp(actor)
    locked.save(update_fields=["person", "duplicate_status", "modified_at", "modified_by"])
    audit_record(
        actor=actor,
        action="referrals.referral.same_person",
        obj=locked,
        data={"earlier": str(original.pk), "from_person": str(from_person), "to_person": str(original.person_id)},
    )
    return locked


@transaction.atomic
def referral_nhs_number_resolve(*, referral: Referral, actor: User, same_person: bool) -> Referral:
    """Settle a referral whose NHS number another person record holds. The same person: the referral moves to
    that record (and the record made for it alone goes). Not the same person: it stays on its own record, and
    the referral keeps the NHS number as sent, noted as checked. Either way what was sent stays on the referral."""
    rules.ensure_can_triage(actor, referral)
    locked = (
        Referral.objects.select_for_update(of=("self",))
        .select_related("person", "nhs_number_holder")
        .get(pk=referral.pk)
    )
    holder = locked.nhs_number_holder
    if locked.nhs_number_conflict != Referral.NhsNumberConflict.OPEN or holder is None:
        raise InvalidTransition(f"Referral {locked.reference} has no NHS number to check.")
    made_for_it = locked.person
    if same_person:
        locked.person = holder
        locked.nhs_number_conflict = Referral.NhsNumberConflict.SAME_PERSON
    else:
        locked.nhs_number_conflict = Referral.NhsNumberConflict.NOT_SAME_PERSON
    locked.stamp(actor)
    locked.save(update_fields=["person", "nhs_number_conflict", "modified_at", "modified_by"])
    if same_person and not Referral.objects.filter(person=made_for_it).exists():
        people_services.person_merge_into(actor=actor, person=made_for_it, kept=holder)
    audit_record(
        actor=actor,
        action="referrals.referral.nhs_number_checked",
        obj=locked,
        data={"decision": locked.nhs_number_conflict, "holder": str(holder.pk), "was": str(made_for_it.pk)},
    )
    return locked


class NotTheReferrer(Exception):
    """Only the organisation that made a referral may withdraw it."""


@transaction.atomic
def referral_withdraw(*, referral: Referral, organisation: Organisation, by: str) -> Referral:
    """The referrer takes its referral back, before or after triage. A case already open stays open (the
    person may still want help): its case manager gets a task to talk to them about it."""
    locked = Referral.objects.select_for_update().get(pk=referral.pk)
    if locked.referrer_organisation_id != organisation.pk:
        raise NotTheReferrer(f"Referral {locked.reference} was not made by {organisation}.")
    if locked.status not in ALLOWED[Referral.Status.WITHDRAWN]:
        raise InvalidTransition(
            f"Referral {locked.reference} is already {locked.get_status_display().lower()}, so it cannot be withdrawn."
        )
    from_status = locked.status
    reason = f"Withdrawn by the referrer ({by})"
    locked.status = Referral.Status.WITHDRAWN
    locked.decided_at = locked.decided_at or timezone.now()  # a triage decision keeps its time and person
    locked.stamp(None)
    locked.save()
    ReferralStatusChange.objects.create(
        referral=locked, from_status=from_status, to_status=locked.status, actor=None, reason=reason
    )
    audit_record(actor=None, action="referrals.referral.withdrawn", obj=locked, reason=reason, data={"by": by})
    case = Case.objects.filter(referral=locked).exclude(status=CaseStatus.DISCHARGED).first()
    if case is not None:
        case_referral_withdrawn(case=case, by=by)
    return locked
