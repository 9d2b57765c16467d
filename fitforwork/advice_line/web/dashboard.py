"""The line's team lead sees the figures, as charts with tables beside them and as CSV files."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from fitforwork.accounts.models import AuthenticatedHttpRequest
from fitforwork.advice_line import dashboard, presenters
from fitforwork.advice_line.models import AdviceLine
from fitforwork.advice_line.rules import can_see_dashboard
from fitforwork.advice_line.web.views import line_of


def _lead_line(request: AuthenticatedHttpRequest) -> AdviceLine:
    line = line_of(request)
    if not can_see_dashboard(request.user, line):
        raise PermissionDenied("The dashboard is for the advice line's team lead.")
    return line


@require_GET
def dashboard_page(request: AuthenticatedHttpRequest) -> HttpResponse:
    line = _lead_line(request)
    tables = dashboard.tables(line)
    charts = [(table, presenters.chart_svg(table)) for table in tables]
    context = {"line": line, "charts": charts, "summary": dashboard.summary(line), "week_label": presenters.week_label}
    return render(request, "advice_line/dashboard.jinja", context)


@require_GET
def dashboard_csv(request: AuthenticatedHttpRequest, key: str) -> HttpResponse:
    line = _lead_line(request)
    if key not in dashboard.DIMENSIONS:
        raise Http404("No such table")
    response = HttpResponse(presenters.table_csv(dashboard.table(line, key)), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="advice-line-{key}.csv"'
    return response
