"""The page someone with no relationship to a case sees instead of it: go back, or give a reason."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from fitforwork.accounts.models import AuthenticatedHttpRequest
from fitforwork.cases import access
from fitforwork.cases.models import Case
from fitforwork.cases.web.record_forms import BreakGlassForm

View = Callable[..., HttpResponse]


def break_glass_page(request: HttpRequest, case: Case, form: BreakGlassForm | None = None) -> HttpResponse:
    """The page someone with no relationship to a case sees instead of it: go back, or give a reason."""
    context = {"case_id": case.pk, "form": form or BreakGlassForm()}
    return render(request, "cases/record/break_glass.jinja", context, status=400 if form else 403)


def offers_break_glass(view: View) -> View:
    """Answer a case page with the break-glass page when the reader has no relationship to the case."""

    @functools.wraps(view)
    def wrapped(request: AuthenticatedHttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except access.BreakGlassNeeded as needed:
            return break_glass_page(request, needed.case)

    return wrapped
