"""The header's search box and the page of cases it finds: only the cases the user may see, and audited."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from fitforwork.accounts.models import AuthenticatedHttpRequest
from fitforwork.cases import presenters
from fitforwork.cases.access import BREAK_GLASS_ROLES
from fitforwork.cases.search import KIND_LABELS, MAX_LENGTH, parse_query, search_cases
from fitforwork.core.audit.services import audit_record

SEARCH_LABEL = "Search cases by name, NHS number, referral reference, date of birth or postcode"


def may_search(user: Any) -> bool:
    """The staff who may see cases (case managers, team leads, practitioners), once through two-factor."""
    return bool(user is not None and user.is_authenticated and user.role in BREAK_GLASS_ROLES and user.two_factor_done)


def header_search(request: HttpRequest) -> dict[str, Any]:
    """The NHS.UK header's search component, for those who may search (a context processor)."""
    if not may_search(getattr(request, "user", None)):
        return {}
    return {
        "header_search": {
            "action": reverse("cases:search"),
            "name": "q",
            "placeholder": "Search cases",
            "visuallyHiddenLabel": SEARCH_LABEL,
            "visuallyHiddenButton": "Search",
        }
    }


def _row(case: Any) -> dict[str, Any]:
    """What tells two people of the same name apart, and the link to the case."""
    return {
        "case": case,
        "href": reverse("cases:case", args=[case.pk]),
        "status": presenters.status_tag(case),
        "case_manager": presenters.user_name(case.case_manager),
    }


@require_GET
def search(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not may_search(request.user):
        raise PermissionDenied("Only the service's clinical staff can search cases.")
    text = " ".join(request.GET.get("q", "").split())[:MAX_LENGTH]
    query = parse_query(text)
    result = search_cases(request.user, query) if query else None
    if text:
        # One event a search. What was typed is identifiable (a name, an NHS number) and the trail is kept
        # for ever, so it records the kind of search and the cases shown, not the words.
        cases = result.cases if result else []
        data = {
            "kind": query.kind.value if query else "not_recognised",
            "results": len(cases),
            "more": bool(result and result.more),
            "cases": [str(case.pk) for case in cases],
        }
        audit_record(actor=request.user, action="cases.search", data=data, request=request)
    rows = [_row(case) for case in result.cases] if result else []
    context = {
        "text": text,
        "query": query,
        "kind_label": KIND_LABELS[query.kind] if query else "",
        "rows": rows,
        "more": bool(result and result.more),
        "limit": result.limit if result else 0,
        "search_label": SEARCH_LABEL,
    }
    return render(request, "cases/search/results.jinja", context)
