"""Who may use the advice line: its advisers, and the team lead of its team's site. Nobody else sees a contact."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from fitforwork.accounts.models import Role, User
from fitforwork.advice_line.models import AdviceLine

LINE_ROLES = frozenset({Role.ADVICE_ADVISER, Role.TEAM_LEAD})


def lines_for(user: User) -> QuerySet[AdviceLine]:
    """The lines a user works on: an adviser's through their teams, a team lead's also through their site."""
    if not user.is_authenticated or not user.is_active or user.role not in LINE_ROLES:
        return AdviceLine.objects.none()
    where = Q(team__members=user)
    if user.role == Role.TEAM_LEAD and user.site_id is not None:
        where |= Q(team__site_id=user.site_id)
    return AdviceLine.objects.filter(where).distinct().order_by("name")


def can_use_line(user: User, line: AdviceLine) -> bool:
    return lines_for(user).filter(pk=line.pk).exists()


def can_see_dashboard(user: User, line: AdviceLine) -> bool:
    return user.role == Role.TEAM_LEAD and can_use_line(user, line)
