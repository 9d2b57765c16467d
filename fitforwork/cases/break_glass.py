"""Break-glass: opening a case one has no relationship with, for a stated reason, for a few hours; and the team
lead's review of each use. Every read under it is audited by `access.case_for` with relationship
"break_glass"."""

from __future__ import annotations

from datetime import timedelta

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from fitforwork.accounts.models import Role, User
from fitforwork.cases.access import BREAK_GLASS_ROLES, relationship_to
from fitforwork.cases.models import BreakGlass, Case
from fitforwork.cases.services import CaseError
from fitforwork.core.audit.services import audit_record

MAX_HOURS = 12
REVIEW_OUTCOMES = ("appropriate", "inappropriate")


def is_reviewer(user: User) -> bool:
    return user.role == Role.TEAM_LEAD and user.site_id is not None


def can_review_break_glass(user: User, use: BreakGlass) -> bool:
    """A team lead reviews break-glass uses on their site's cases, never their own."""
    return (
        user.role == Role.TEAM_LEAD
        and user.site_id is not None
        and user.site_id == use.case.site_id
        and use.user_id != user.pk
    )


@transaction.atomic
def break_glass_open(*, case: Case, user: User, reason: str, hours: int = 4) -> BreakGlass:
    """Give `user` access to `case` for `hours`, for the reason they give; audited and queued for review."""
    if user.role not in BREAK_GLASS_ROLES:
        raise PermissionDenied("Only clinical staff can break the glass.")
    reason = reason.strip()
    if not reason:
        raise CaseError("Enter why you need to see this case")
    if not 1 <= hours <= MAX_HOURS:
        raise CaseError(f"Break-glass access lasts between 1 and {MAX_HOURS} hours")
    if relationship_to(user, case) not in ("", "break_glass"):
        raise CaseError("You can already see this case, so you do not need to break the glass.")
    now = timezone.now()
    use = BreakGlass.objects.create(
        case=case, user=user, reason=reason, granted_at=now, expires_at=now + timedelta(hours=hours)
    )
    audit_record(
        actor=user,
        action="cases.break_glass.opened",
        obj=case,
        reason=reason,
        data={"break_glass": use.pk, "expires_at": use.expires_at.isoformat()},
    )
    return use


@transaction.atomic
def break_glass_review(*, use: BreakGlass, reviewer: User, outcome: str, note: str = "") -> BreakGlass:
    """Record the team lead's view of one break-glass use; "not appropriate" needs a note of what was done."""
    locked = BreakGlass.objects.select_for_update().select_related("case").get(pk=use.pk)
    if not can_review_break_glass(reviewer, locked):
        raise PermissionDenied("Only a team lead at the case's site can review this, and not their own use.")
    if outcome not in REVIEW_OUTCOMES:
        raise CaseError("Select whether the access was appropriate")
    note = note.strip()
    if outcome == "inappropriate" and not note:
        raise CaseError("Enter what you have done about it")
    if locked.reviewed_at is not None:
        raise CaseError("This break-glass use has already been reviewed")
    locked.reviewed_by, locked.reviewed_at = reviewer, timezone.now()
    locked.review_outcome, locked.review_note = outcome, note
    locked.save(update_fields=["reviewed_by", "reviewed_at", "review_outcome", "review_note"])
    audit_record(
        actor=reviewer,
        action="cases.break_glass.reviewed",
        obj=locked.case,
        reason=note,
        data={"break_glass": locked.pk, "outcome": outcome, "user": str(locked.user_id)},
    )
    return locked


def break_glass_to_review(user: User) -> QuerySet[BreakGlass]:
    """Unreviewed break-glass uses on the team lead's site's cases, oldest first (none for anyone else)."""
    if user.role != Role.TEAM_LEAD or user.site_id is None:
        return BreakGlass.objects.none()
    return (
        BreakGlass.objects.filter(case__site_id=user.site_id, reviewed_at__isnull=True)
        .exclude(user=user)
        .select_related("user", "case__person")
        .order_by("granted_at", "id")
    )


def break_glass_for_review(user: User, pk: int) -> BreakGlass | None:
    """One unreviewed use the team lead may review, or None."""
    return break_glass_to_review(user).filter(pk=pk).first()
