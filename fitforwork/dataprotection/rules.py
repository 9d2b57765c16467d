"""Who may answer subject access requests: data protection officers, once past two-factor authentication."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse

from fitforwork.accounts.models import Role, User


def can_answer_subject_access(user: User) -> bool:
    return bool(user.is_active and user.role == Role.DATA_PROTECTION_OFFICER)


def data_protection_officers_only(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Refuse anyone but a data protection officer with a 403 page."""

    @functools.wraps(view)
    def wrapped(request: Any, *args: Any, **kwargs: Any) -> HttpResponse:
        if not can_answer_subject_access(request.user):
            raise PermissionDenied("These pages are for the data protection officer.")
        return view(request, *args, **kwargs)

    return wrapped
