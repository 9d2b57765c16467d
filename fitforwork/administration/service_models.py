"""Service models and their versions. A version is never changed: an edit is a draft, checked by the
service model rules' own validation, shown for review, and published as the next version.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_http_methods

from fitforwork.accounts.models import AuthenticatedHttpRequest
from fitforwork.administration.forms import (
    ServiceModelAddForm,
    ServiceModelDetailsForm,
    ServiceModelDraftForm,
    apply_errors,
)
from fitforwork.administration.pages import render_page
from fitforwork.administration.rules import administrators_only
from fitforwork.organisations import services
from fitforwork.organisations.config import validate_config
from fitforwork.organisations.models import ServiceModel


def pretty(value: Any) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False)


def changed_sections(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    """The top-level sections of the rules that a draft changes, adds or removes."""
    keys = sorted(key for key in set(before) | set(after) if before.get(key) != after.get(key))
    return [key.replace("_", " ").capitalize() for key in keys]


@administrators_only
def service_models(request: AuthenticatedHttpRequest) -> HttpResponse:
    rows = ServiceModel.objects.annotate(version_count=Count("versions", distinct=True)).order_by("name")
    return render_page(request, "service_models.jinja", service_models=rows)


@administrators_only
def service_model(request: AuthenticatedHttpRequest, service_model_id: uuid.UUID) -> HttpResponse:
    found = get_object_or_404(ServiceModel, pk=service_model_id)
    versions = list(found.versions.select_related("created_by").order_by("-number"))
    return render_page(
        request,
        "service_model.jinja",
        service_model=found,
        versions=versions,
        sites=found.sites.order_by("name"),
        current_rules=pretty(versions[0].config) if versions else "",
    )


@administrators_only
@require_http_methods(["GET", "POST"])
def service_model_draft(request: AuthenticatedHttpRequest, service_model_id: uuid.UUID) -> HttpResponse:
    """Edit a draft of the next version; 'Check' validates it, 'Publish' (from the review) saves it."""
    found = get_object_or_404(ServiceModel, pk=service_model_id)
    current = found.current_version
    current_config: dict[str, Any] = current.config if current else {}
    initial = {"config": pretty(current_config), "based_on": current.number if current else None}
    form = ServiceModelDraftForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        config = form.cleaned_data["config"]
        problems = validate_config(config)
        if problems:
            for problem in problems:
                form.add_error("config", problem)
        elif request.POST.get("action") == "publish":
            try:
                version = services.service_model_new_version(
                    actor=request.user,
                    service_model=found,
                    config=config,
                    change_note=form.cleaned_data["change_note"],
                    based_on=form.cleaned_data["based_on"],
                )
            except ValidationError as error:
                apply_errors(form, error)
            else:
                messages.success(request, f"Version {version.number} of {found.name} is published")
                return redirect("administration:service-model", service_model_id=found.pk)
        elif request.POST.get("action") != "edit":
            return render_page(
                request,
                "service_model_review.jinja",
                service_model=found,
                form=form,
                next_number=(current.number + 1) if current else 1,
                changed=changed_sections(current_config, config if isinstance(config, dict) else {}),
            )
    return render_page(request, "service_model_draft.jinja", service_model=found, form=form, current=current)


@administrators_only
@require_http_methods(["GET", "POST"])
def service_model_add(request: AuthenticatedHttpRequest) -> HttpResponse:
    """A new service model, whose version 1 copies another model's newest rules."""
    form = ServiceModelAddForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        source_version = data["start_from"].current_version
        try:
            if source_version is None:
                raise ValidationError({"start_from": ["That service model has no rules yet: choose another"]})
            created = services.service_model_create(
                actor=request.user,
                key=data["key"],
                name=data["name"],
                config=source_version.config,
                description=data["description"],
                source=data["source"],
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, f"{created.name} added, with the rules of {data['start_from'].name} as version 1")
            return redirect("administration:service-model", service_model_id=created.pk)
    return render_page(request, "service_model_add.jinja", form=form)


@administrators_only
@require_http_methods(["GET", "POST"])
def service_model_details(request: AuthenticatedHttpRequest, service_model_id: uuid.UUID) -> HttpResponse:
    found = get_object_or_404(ServiceModel, pk=service_model_id)
    initial = {"name": found.name, "description": found.description, "source": found.source}
    form = ServiceModelDetailsForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.service_model_update_details(actor=request.user, service_model=found, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, f"{found.name} saved")
            return redirect("administration:service-model", service_model_id=found.pk)
    return render_page(request, "service_model_details.jinja", form=form, service_model=found)
