"""Accepting a referral and allocating its case in one step, from triage: to the person triaging, to a case
manager of their team, or to nobody yet (the team lead allocates it later)."""

from __future__ import annotations

import uuid
from typing import Any

from django.http import QueryDict

from fitforwork.accounts.models import Role, User
from fitforwork.cases.models import Case
from fitforwork.cases.selectors import allocation_choices
from fitforwork.referrals import services
from fitforwork.referrals.models import Referral


class AllocationChoiceError(ValueError):
    """The case manager chosen is not one this person may allocate to."""


def allocation_context(user: User, site_limit: int) -> dict[str, Any]:
    """What the accept form offers: the case managers of the user's team with their open caseloads."""
    managers = allocation_choices(user)
    me = next((manager for manager in managers if manager.pk == user.pk), None)
    items = [{"value": "", "text": "Select a case manager"}]
    items += [
        {"value": str(manager.pk), "text": f"{manager.get_full_name()} ({manager.open_cases} open cases)"}  # type: ignore[attr-defined]
        for manager in managers
        if manager.pk != user.pk
    ]
    return {
        "allocate_items": items,
        "allocate_me": me if user.role == Role.CASE_MANAGER else None,
        "caseload_limit": site_limit,
    }


def accept_and_allocate(*, referral: Referral, actor: User, data: QueryDict) -> Case:
    """Accept with the allocation the form chose: "me", a case manager's id, or none (allocate later)."""
    choice = data.get("allocate_to", "")
    case_manager: User | None = None
    if data.get("action") == "accept_me":
        choice = str(actor.pk)
    if data.get("action") in ("accept_me", "accept_to"):
        managers = {str(manager.pk): manager for manager in allocation_choices(actor)}
        try:
            case_manager = managers[str(uuid.UUID(choice))]
        except (KeyError, ValueError) as error:
            raise AllocationChoiceError("Select a case manager to allocate the case to") from error
    return services.referral_accept(referral=referral, actor=actor, case_manager=case_manager)
