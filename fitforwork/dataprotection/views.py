"""The data protection officer's pages: find a person by NHS number, see or download their subject access export."""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from fitforwork.accounts.models import AuthenticatedHttpRequest
from fitforwork.dataprotection import services
from fitforwork.dataprotection.rules import data_protection_officers_only
from fitforwork.dataprotection.selectors import person_by_nhs_number
from fitforwork.people.nhs_number import is_valid_nhs_number, normalise_nhs_number


@data_protection_officers_only
@require_GET
def index(request: AuthenticatedHttpRequest) -> HttpResponse:
    nhs_number = request.GET.get("nhs_number", "")
    error = ""
    if "nhs_number" in request.GET:
        number = normalise_nhs_number(nhs_number)
        if not number:
            error = "Enter an NHS number"
        elif not (number.isdigit() and len(number) == 10):
            error = "Enter the NHS number as 10 digits"
        elif not is_valid_nhs_number(number):
            error = "Enter a valid NHS number: this one does not pass the NHS number check"
        elif person_by_nhs_number(number) is None:
            error = "Nobody with this NHS number is held by the service"
        else:
            return redirect("dataprotection:subject-access", nhs_number=number)
    context = {"nhs_number": nhs_number, "error": error}
    return render(request, "dataprotection/index.jinja", context, status=400 if error else 200)


@data_protection_officers_only
@require_GET
def subject_access(request: AuthenticatedHttpRequest, nhs_number: str) -> HttpResponse:
    person = person_by_nhs_number(nhs_number)
    if person is None:
        raise Http404("Nobody with this NHS number is held by the service.")
    fmt: services.Format = "json" if request.GET.get("format") == "json" else "html"
    _, content = services.subject_access_export(
        actor=request.user, person=person, fmt=fmt, request=request, standalone=False
    )
    if fmt == "json":
        response = HttpResponse(content, content_type="application/json; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="subject-access-{person.nhs_number}.json"'
        return response
    return HttpResponse(content)
