"""Which sites' figures a commissioner or an evaluator may see.

A commissioner sees the sites their organisation commissions (`Site.commissioners`); an evaluator sees every
site; nobody else sees the dashboard at all. Both see aggregates only, never an identifiable record.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from fitforwork.accounts.models import Role
from fitforwork.organisations.models import Site

DASHBOARD_ROLES = frozenset({Role.COMMISSIONER, Role.EVALUATOR})


def may_use_dashboard(user: Any) -> bool:
    """True for a signed-in commissioner or evaluator."""
    return bool(getattr(user, "is_authenticated", False)) and user.role in DASHBOARD_ROLES


def dashboard_sites(user: Any) -> QuerySet[Site]:
    """The sites whose figures this user may see: all for an evaluator, their commissioned ones for a commissioner."""
    if not may_use_dashboard(user):
        return Site.objects.none()
    if user.role == Role.EVALUATOR:
        return Site.objects.all()
    if user.organisation_id is None:
        return Site.objects.none()
    return Site.objects.filter(commissioners=user.organisation_id)
