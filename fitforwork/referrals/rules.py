"""Who may do what with a referral."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

from fitforwork.accounts.models import Role, User
from fitforwork.referrals.models import Referral

TRIAGE_ROLES = {Role.CASE_MANAGER, Role.TEAM_LEAD}


def can_triage(user: User, referral: Referral) -> bool:
    return user.role in TRIAGE_ROLES and user.site_id is not None and user.site_id == referral.site_id


def ensure_can_triage(user: User, referral: Referral) -> None:
    if not can_triage(user, referral):
        raise PermissionDenied("Only the referral's site team can accept or decline it.")
