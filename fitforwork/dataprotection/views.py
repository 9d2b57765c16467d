"""The data protection officer's pages: find a person by NHS number, see or download their subject access export."""

from __future__ import annotations

import uuid

from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET

from fitforwork.accounts.models import AuthenticatedHttpRequest
from fitforwork.dataprotection import services
from fitforwork.dataprotection.rules import data_protection_officers_only
from fitforwork.dataprotection.selectors import person_by_nhs_number
from fitforwork.people.models import Person
from fitforwork.people.nhs_number import is_valid_nhs_number, normalise_nhs_number


@data_protection_officers_only
@require_GET
def index(request: AuthenticatedHttpRequest) -> HttpResponse:
    nhs_number = request.GET.get("nhs_number", "")
    error = ""
    if "nhs_number" in request.GET:
        number = normalise_nhs_number(nhs_number)
        person = person_by_nhs_number(number) if is_valid_nhs_number(number) else None
        if not number:
            error = "Enter an NHS number"
        elif not (number.isdigit() and len(number) == 10):
            error = "Enter the NHS number as 10 digits"
        elif not is_valid_nhs_number(number):
            error = "Enter a valid NHS number: this one does not pass the NHS number check"
        elif person is None:
            error = "Nobody with this NHS number is held by the service"
        else:
            # The address names the person by their record's id: an NHS number would end up in server logs.
            return redirect("dataprotection:subject-access", person_id=person.pk)
    context = {"nhs_number": nhs_number, "error": error}
    return render(request, "dataprotection/index.jinja", context, status=400 if error else 200)


@data_protection_officers_only
@require_GET
def subject_access(request: AuthenticatedHttpRequest, person_id: uuid.UUID) -> HttpResponse:
    person = get_object_or_404(Person, pk=person_id)
    fmt: services.Format = "json" if request.GET.get("format") == "json" else "html"
    _, content = services.subject_access_export(
        actor=request.user, person=person, fmt=fmt, request=request, standalone=False
    )
    if fmt == "json":
        response = HttpResponse(content, content_type="application/json; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="subject-access-{person.pk}.json"'
        return response
    return HttpResponse(content)
