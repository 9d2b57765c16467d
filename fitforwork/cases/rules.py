"""Who may change a case."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

from fitforwork.accounts.models import Role, User
from fitforwork.cases.models import Case

CASE_WORK_ROLES = {Role.CASE_MANAGER, Role.TEAM_LEAD}


def can_work_case(user: User, case: Case) -> bool:
    """The site's case managers and team leads change its cases; care team members and break-glass readers only
    read them (access.case_for), and the care team pages have their own rules."""
    return user.role in CASE_WORK_ROLES and user.site_id is not None and user.site_id == case.site_id


def ensure_can_work_case(user: User, case: Case) -> None:
    if not can_work_case(user, case):
        raise PermissionDenied("Only the case's site team can change it.")
