"""Who may change a case."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

from fitforwork.accounts.models import Role, User
from fitforwork.cases.access import relationship_to
from fitforwork.cases.models import Case

CASE_WORK_ROLES = {Role.CASE_MANAGER, Role.TEAM_LEAD}


# The relationships that let someone change a case (access.relationship_to); "care_team" and "break_glass" only
# let them read it.
WORKING_RELATIONSHIPS = frozenset({"case_manager", "cover", "team"})


def can_work_case(user: User, case: Case) -> bool:
    """A case manager or team lead who manages the case, covers for its case manager, or is in its team (its
    site's case team when it has no team). Care team members and break-glass readers only read it."""
    if user.role not in CASE_WORK_ROLES or user.site_id is None or user.site_id != case.site_id:
        return False
    return relationship_to(user, case) in WORKING_RELATIONSHIPS


def ensure_can_work_case(user: User, case: Case) -> None:
    if not can_work_case(user, case):
        raise PermissionDenied("Only the case's own team can change it.")
