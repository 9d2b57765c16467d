"""Sites and the directory of organisations (GP practices, employers, providers): list, add, change."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_http_methods

from fitforwork.accounts.models import AuthenticatedHttpRequest
from fitforwork.administration.forms import OrganisationForm, SiteForm, apply_errors
from fitforwork.administration.pages import render_page
from fitforwork.administration.rules import administrators_only
from fitforwork.organisations import services
from fitforwork.organisations.models import Organisation, Site

DIRECTORY_PAGE = 50


@administrators_only
def sites(request: AuthenticatedHttpRequest) -> HttpResponse:
    rows = Site.objects.select_related("provider", "service_model").annotate(team_count=Count("teams")).order_by("name")
    return render_page(request, "sites.jinja", sites=rows)


@administrators_only
@require_http_methods(["GET", "POST"])
def site_edit(request: AuthenticatedHttpRequest, site_id: uuid.UUID | None = None) -> HttpResponse:
    site = get_object_or_404(Site, pk=site_id) if site_id else None
    initial: dict[str, Any] = {}
    if site is not None:
        initial = {
            "name": site.name,
            "provider": site.provider_id,
            "nation": site.nation,
            "service_model": site.service_model_id,
            "postcode_districts": " ".join(site.postcode_districts),
            "safety_protocol": site.safety_protocol,
        }
    form = SiteForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            if site is None:
                site = services.site_create(actor=request.user, **form.cleaned_data)
                messages.success(request, f"{site.name} added")
            else:
                services.site_update(actor=request.user, site=site, **form.cleaned_data)
                messages.success(request, f"{site.name} saved")
        except ValidationError as error:
            apply_errors(form, error)
        else:
            return redirect("administration:sites")
    return render_page(request, "site_form.jinja", form=form, site=site)


@administrators_only
def directory(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Organisations by type and name; the first 50 that match, so a search narrows a long list."""
    kind = request.GET.get("kind", "")
    query = request.GET.get("q", "").strip()
    rows = Organisation.objects.order_by("name")
    if kind in Organisation.Kind.values:
        rows = rows.filter(kind=kind)
    if query:
        rows = rows.filter(name__icontains=query) | rows.filter(ods_code__iexact=query)
    found = list(rows[: DIRECTORY_PAGE + 1])
    return render_page(
        request,
        "directory.jinja",
        organisations=found[:DIRECTORY_PAGE],
        more=len(found) > DIRECTORY_PAGE,
        kind=kind,
        query=query,
        kinds=Organisation.Kind.choices,
    )


@administrators_only
@require_http_methods(["GET", "POST"])
def organisation_edit(request: AuthenticatedHttpRequest, organisation_id: uuid.UUID | None = None) -> HttpResponse:
    organisation = get_object_or_404(Organisation, pk=organisation_id) if organisation_id else None
    initial: dict[str, Any] = {"is_active": True}
    if organisation is not None:
        initial = {name: getattr(organisation, name) for name in services.ORGANISATION_FIELDS}
    form = OrganisationForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            if organisation is None:
                organisation = services.organisation_create(actor=request.user, **form.cleaned_data)
                messages.success(request, f"{organisation.name} added to the directory")
            else:
                services.organisation_update(actor=request.user, organisation=organisation, **form.cleaned_data)
                messages.success(request, f"{organisation.name} saved")
        except ValidationError as error:
            apply_errors(form, error)
        else:
            return redirect("administration:directory")
    return render_page(request, "organisation_form.jinja", form=form, organisation=organisation)
