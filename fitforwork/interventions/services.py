"""Every write to the directory of interventions and to onward referrals.

Onward referral status changes go through one `_move`, which checks the table of allowed moves, keeps the
dates in order, appends a history row and writes an audit event.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone

from fitforwork.accounts.models import User
from fitforwork.cases.models import Case
from fitforwork.core.audit.services import audit_record
from fitforwork.core.presenters import date_long
from fitforwork.interventions.models import (
    Intervention,
    InterventionKind,
    OnwardReferral,
    OnwardReferralStatus,
    OnwardReferralStatusChange,
)
from fitforwork.interventions.presets import PRESETS
from fitforwork.interventions.rules import ensure_can_refer_on
from fitforwork.organisations.models import Site


class OnwardReferralError(Exception):
    """An onward referral change that is not allowed; the message says why, in words for the page."""


# The allowed moves: anything else is refused with a message saying what the referral may move to.
ALLOWED_MOVES: dict[str, tuple[str, ...]] = {
    OnwardReferralStatus.REQUESTED: (OnwardReferralStatus.ACCEPTED, OnwardReferralStatus.DECLINED),
    OnwardReferralStatus.ACCEPTED: (OnwardReferralStatus.STARTED, OnwardReferralStatus.DECLINED),
    OnwardReferralStatus.STARTED: (OnwardReferralStatus.COMPLETED,),
    OnwardReferralStatus.COMPLETED: (),
    OnwardReferralStatus.DECLINED: (),
}

# Which date column each status records.
DATE_FIELD: dict[str, str] = {
    OnwardReferralStatus.ACCEPTED: "accepted_on",
    OnwardReferralStatus.STARTED: "started_on",
    OnwardReferralStatus.COMPLETED: "completed_on",
    OnwardReferralStatus.DECLINED: "declined_on",
}

INTERVENTION_FIELDS = ("name", "kind", "provider", "typical_wait_days", "description", "site", "is_active")


def _label(status: str) -> str:
    return OnwardReferralStatus(status).label.lower()


# --- The directory -----------------------------------------------------------------------------------


def _check_intervention(values: dict[str, Any]) -> None:
    if values.get("kind") not in InterventionKind.values:
        raise OnwardReferralError(f"{values.get('kind')!r} is not a kind of intervention.")
    if not str(values.get("name", "")).strip() or not str(values.get("provider", "")).strip():
        raise OnwardReferralError("Enter the intervention's name and provider")


@transaction.atomic
def intervention_create(
    *,
    actor: User | None,
    name: str,
    kind: str,
    provider: str,
    typical_wait_days: int,
    description: str = "",
    site: Site | None = None,
    is_active: bool = True,
) -> Intervention:
    """Add a service to the directory, for one site or (with no site) for all."""
    values: dict[str, Any] = {
        "name": name.strip(),
        "kind": kind,
        "provider": provider.strip(),
        "typical_wait_days": typical_wait_days,
        "description": description,
        "site": site,
        "is_active": is_active,
    }
    _check_intervention(values)
    intervention = Intervention(**values)
    intervention.stamp(actor)
    intervention.save(force_insert=True)
    audit_record(actor=actor, action="interventions.intervention.created", obj=intervention, data=_data(intervention))
    return intervention


@transaction.atomic
def intervention_update(*, actor: User | None, intervention: Intervention, **values: Any) -> Intervention:
    """Change a directory entry; onward referrals already made keep pointing at it."""
    unknown = set(values) - set(INTERVENTION_FIELDS)
    if unknown:
        raise OnwardReferralError(f"Unknown fields: {', '.join(sorted(unknown))}")
    locked = Intervention.objects.select_for_update().get(pk=intervention.pk)
    before = _data(locked)
    for name, value in values.items():
        setattr(locked, name, value.strip() if isinstance(value, str) else value)
    _check_intervention({name: getattr(locked, name) for name in INTERVENTION_FIELDS})
    locked.stamp(actor)
    locked.save()
    after = _data(locked)
    changed = {name: {"from": before[name], "to": after[name]} for name in after if before[name] != after[name]}
    audit_record(actor=actor, action="interventions.intervention.changed", obj=locked, data={"changed": changed})
    return locked


def _data(intervention: Intervention) -> dict[str, Any]:
    return {
        "name": intervention.name,
        "kind": intervention.kind,
        "provider": intervention.provider,
        "typical_wait_days": intervention.typical_wait_days,
        "description": intervention.description,
        "site": str(intervention.site_id) if intervention.site_id else "",
        "is_active": intervention.is_active,
    }


@transaction.atomic
def intervention_presets_load(*, actor: User | None) -> int:
    """Add the default directory's services that are missing (by name and provider); returns how many."""
    created = 0
    for preset in PRESETS:
        if Intervention.objects.filter(name=preset.name, provider=preset.provider, site__isnull=True).exists():
            continue
        intervention_create(
            actor=actor,
            name=preset.name,
            kind=preset.kind,
            provider=preset.provider,
            typical_wait_days=preset.typical_wait_days,
            description=preset.description,
        )
        created += 1
    return created


# --- Onward referrals ----------------------------------------------------------------------------------


def _today() -> date:
    return timezone.localdate()


def _received_on(case: Case) -> date:
    return timezone.localdate(case.referral.received_at)


@transaction.atomic
def onward_referral_request(
    *,
    case: Case,
    intervention: Intervention,
    actor: User,
    requested_on: date | None = None,
    note: str = "",
) -> OnwardReferral:
    """Refer an open case on to an intervention in the directory available to the case's site."""
    ensure_can_refer_on(actor, case)
    locked = Case.objects.select_for_update().select_related("referral").get(pk=case.pk)
    if not locked.is_open:
        raise OnwardReferralError("This case is discharged, so it cannot be referred on. Reopen it first.")
    if not intervention.is_active:
        raise OnwardReferralError(f"{intervention.name} is no longer taking referrals")
    if intervention.site_id is not None and intervention.site_id != locked.site_id:
        raise OnwardReferralError(f"{intervention.name} is not available to this case's site")
    requested_on = requested_on or _today()
    if requested_on > _today():
        raise OnwardReferralError("The date requested must be today or in the past")
    if requested_on < _received_on(locked):
        raise OnwardReferralError("The date requested must be on or after the day the referral was received")
    onward = OnwardReferral(
        case=locked,
        intervention=intervention,
        status=OnwardReferralStatus.REQUESTED,
        requested_on=requested_on,
        requested_by=actor,
        note=note.strip(),
    )
    onward.stamp(actor)
    onward.save(force_insert=True)
    OnwardReferralStatusChange.objects.create(
        onward_referral=onward, from_status="", to_status=OnwardReferralStatus.REQUESTED, on=requested_on, actor=actor
    )
    audit_record(
        actor=actor,
        action="interventions.onward_referral.requested",
        obj=onward,
        data={"case": str(locked.pk), "intervention": str(intervention.pk), "requested_on": requested_on},
    )
    return onward


def _last_step_on(onward: OnwardReferral) -> date:
    dates = [onward.requested_on, onward.accepted_on, onward.started_on]
    return max(day for day in dates if day is not None)


@transaction.atomic
def onward_referral_move(
    *, onward_referral: OnwardReferral, to: str, actor: User, on: date | None = None, reason: str = ""
) -> OnwardReferral:
    """Move an onward referral to its next status on a date, by the allowed moves; a decline needs a reason."""
    locked = (
        OnwardReferral.objects.select_for_update()
        .select_related("case", "case__referral", "intervention")
        .get(pk=onward_referral.pk)
    )
    ensure_can_refer_on(actor, locked.case)
    if to not in OnwardReferralStatus.values:
        raise OnwardReferralError(f"{to!r} is not a status of an onward referral.")
    allowed = ALLOWED_MOVES[locked.status]
    if to not in allowed:
        options = " or ".join(_label(status) for status in allowed) or "nothing else: it is finished"
        raise OnwardReferralError(
            f"This referral to {locked.intervention.name} is {_label(locked.status)}, so it cannot be "
            f"{_label(to)}. It can move to {options}."
        )
    reason = reason.strip()
    if to == OnwardReferralStatus.DECLINED and not reason:
        raise OnwardReferralError("Enter why the referral was declined")
    on = on or _today()
    if on > _today():
        raise OnwardReferralError(f"The date {_label(to)} must be today or in the past")
    earliest = _last_step_on(locked)
    if on < earliest:
        raise OnwardReferralError(
            f"The date {_label(to)} must be on or after {date_long(earliest)}, the date of the step before"
        )
    from_status = locked.status
    locked.status = to
    setattr(locked, DATE_FIELD[to], on)
    if to == OnwardReferralStatus.DECLINED:
        locked.decline_reason = reason
    locked.stamp(actor)
    locked.save()
    OnwardReferralStatusChange.objects.create(
        onward_referral=locked, from_status=from_status, to_status=to, on=on, actor=actor, reason=reason
    )
    audit_record(
        actor=actor,
        action=f"interventions.onward_referral.{to}",
        obj=locked,
        reason=reason,
        data={"case": str(locked.case_id), "from": from_status, "to": to, "on": on},
    )
    return locked
