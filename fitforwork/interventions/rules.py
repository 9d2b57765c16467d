"""Who may refer a case on to an intervention, and move an onward referral on."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

from fitforwork.accounts.models import User
from fitforwork.cases.mdt import has_working_relationship
from fitforwork.cases.models import Case


def ensure_can_refer_on(user: User, case: Case) -> None:
    """The case manager, their cover, the case's team and its care team; not break-glass readers."""
    if not has_working_relationship(user, case):
        raise PermissionDenied("Only the people working on this case can refer it on.")
