"""Who may use the administration pages: administrators, once past two-factor (the middleware sees to that)."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse

from fitforwork.accounts.models import Role, User


def can_administer(user: User) -> bool:
    return user.is_active and user.role == Role.ADMINISTRATOR


def administrators_only(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Refuse anyone but an administrator with a 403 page."""

    @functools.wraps(view)
    def wrapped(request: Any, *args: Any, **kwargs: Any) -> HttpResponse:
        if not can_administer(request.user):
            raise PermissionDenied("These pages are for administrators.")
        return view(request, *args, **kwargs)

    return wrapped
