"""Administrators keep recommendation snippets per obstacle type, and each member of staff's registered
profession (which decides who may issue a fit note). Every save is audited."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction

from fitforwork.accounts.models import Role, User
from fitforwork.assessments.models.assessment import OBSTACLE_GROUPS
from fitforwork.core.audit.services import audit_record
from fitforwork.plans.models import Adjustment, Profession, RecommendationKind, RecommendationSnippet, StaffProfession

SNIPPET_FIELDS = ("obstacle_code", "kind", "adjustment", "title", "text", "is_active")
OBSTACLE_CHOICES = [
    (code, f"{group.title()}: {label}") for group, choices in OBSTACLE_GROUPS.items() for code, label in choices
]


class SnippetError(ValueError):
    """A snippet refused, with the reason to show."""


def _ensure_administrator(actor: User | None) -> None:
    if actor is not None and actor.role != Role.ADMINISTRATOR and not actor.is_superuser:
        raise PermissionDenied("Only administrators keep recommendation snippets and professions.")


def _check(values: dict[str, Any]) -> dict[str, Any]:
    if values["obstacle_code"] not in dict(OBSTACLE_CHOICES):
        raise SnippetError("Select the obstacle the snippet is for")
    if values["kind"] not in RecommendationKind.values:
        raise SnippetError("Select the kind of recommendation")
    if values["kind"] == RecommendationKind.ADJUSTMENT and values.get("adjustment") not in Adjustment.values:
        raise SnippetError("Select which workplace adjustment it is")
    if values["kind"] != RecommendationKind.ADJUSTMENT:
        values["adjustment"] = ""
    if not values["title"].strip() or not values["text"].strip():
        raise SnippetError("Enter a title and the text")
    return {**values, "title": values["title"].strip(), "text": values["text"].strip()}


@transaction.atomic
def snippet_save(
    *, actor: User | None, snippet: RecommendationSnippet | None = None, **values: Any
) -> RecommendationSnippet:
    """Add a snippet, or change one (plans already made keep the words they copied)."""
    _ensure_administrator(actor)
    values = _check(
        {name: values.get(name, "") for name in SNIPPET_FIELDS} | {"is_active": bool(values.get("is_active"))}
    )
    before = {name: getattr(snippet, name) for name in SNIPPET_FIELDS} if snippet else {}
    snippet = snippet or RecommendationSnippet()
    for name, value in values.items():
        setattr(snippet, name, value)
    snippet.stamp(actor)
    snippet.save()
    changes = {
        name: {"from": before.get(name), "to": value} for name, value in values.items() if before.get(name) != value
    }
    audit_record(actor=actor, action="plans.snippet.saved", obj=snippet, data={"changes": changes})
    return snippet


@transaction.atomic
def staff_profession_set(
    *, actor: User | None, user: User, profession: str, registration_number: str = ""
) -> StaffProfession | None:
    """Record a member of staff's registered profession, or clear it with an empty profession."""
    _ensure_administrator(actor)
    if profession and profession not in Profession.values:
        raise SnippetError("Select one of the five professions that may issue fit notes")
    if not profession:
        StaffProfession.objects.filter(user=user).delete()
        audit_record(actor=actor, action="plans.profession.cleared", obj=user, data={})
        return None
    row, _ = StaffProfession.objects.update_or_create(
        user=user, defaults={"profession": profession, "registration_number": registration_number.strip()}
    )
    audit_record(actor=actor, action="plans.profession.set", obj=user, data={"profession": profession})
    return row
