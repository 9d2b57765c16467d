"""Reading the consent ledger: what holds now for one purpose and recipient, and the one question every sharing
path asks, "may this recipient have this now?"."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet

from fitforwork.consent.models import Consent


def _matching(
    *, person: Any, purpose: str, recipient: Any = None, recipient_name: str = "", plan_version_id: Any = None
) -> QuerySet[Consent]:
    rows = Consent.objects.filter(person=person, purpose=purpose)
    if recipient is not None:
        rows = rows.filter(recipient=recipient)
    elif recipient_name:
        rows = rows.filter(recipient__isnull=True, recipient_name=recipient_name)
    else:
        rows = rows.filter(recipient__isnull=True, recipient_name="")
    return rows.filter(plan_version_id=plan_version_id) if plan_version_id else rows.filter(plan_version_id=None)


def consent_current(**kwargs: Any) -> Consent | None:
    """The latest row for the person, purpose, recipient and plan version: what holds now, or None."""
    return _matching(**kwargs).order_by("-recorded_at", "-id").first()


@dataclass(frozen=True)
class Answer:
    """Whether the recipient may have it now, why in words, and the parts to leave out when they may."""

    allowed: bool
    reason: str
    consent: Consent | None = None
    removed_sections: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:
        return self.allowed


def consent_allows(
    *, person: Any, purpose: str, recipient: Any = None, recipient_name: str = "", plan_version_id: Any = None
) -> Answer:
    """May `recipient` have what `purpose` covers now? Only while the latest row for exactly this person,
    purpose, recipient and plan version gives it: a consent to share version 1 says nothing about version 2."""
    current = consent_current(
        person=person,
        purpose=purpose,
        recipient=recipient,
        recipient_name=recipient_name,
        plan_version_id=plan_version_id,
    )
    if current is None:
        return Answer(False, "The person has not given consent for this.")
    if current.action == Consent.Action.WITHDRAWN:
        return Answer(False, f"The person withdrew their consent on {current.given_on:%-d %B %Y}.", current)
    if current.action == Consent.Action.REFUSED:
        return Answer(False, f"The person said no on {current.given_on:%-d %B %Y}.", current)
    return Answer(True, f"Consent given on {current.given_on:%-d %B %Y}.", current, list(current.removed_sections))


def consent_history(*, person: Any) -> QuerySet[Consent]:
    """Every row of the person's ledger, oldest first, for the case record and a subject access request."""
    return (
        Consent.objects.filter(person=person).select_related("recipient", "recorded_by").order_by("recorded_at", "id")
    )
