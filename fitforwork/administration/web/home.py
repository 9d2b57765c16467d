"""The administrator's home page: what they can manage, and what needs them now (referrals that did not go
through), so a failed submission is seen the day it fails rather than when someone thinks to look."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from fitforwork.accounts.models import AuthenticatedHttpRequest, Role
from fitforwork.accounts.presenters import HOME_PAGE_LINKS, HOME_PAGE_TEXT
from fitforwork.referrals.unfinished import submissions_unfinished


@require_GET
def administrator_home(request: AuthenticatedHttpRequest, role: str = Role.ADMINISTRATOR) -> HttpResponse:
    if request.user.role != role or role != Role.ADMINISTRATOR:
        raise PermissionDenied("This page is for administrators.")
    return render(
        request,
        "administration/home.jinja",
        {
            "role_label": request.user.get_role_display(),
            "intro": HOME_PAGE_TEXT[role],
            "links": [(item.text, reverse(item.url_name)) for item in HOME_PAGE_LINKS[role]],
            "unfinished": submissions_unfinished().count(),
        },
    )
