"""The directory of interventions that case managers refer on to: list, add, change (close to new referrals)."""

from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.contrib import messages
from django.db import IntegrityError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_http_methods

from fitforwork.accounts.models import AuthenticatedHttpRequest
from fitforwork.administration.pages import render_page
from fitforwork.administration.rules import administrators_only
from fitforwork.core.forms import ServiceForm
from fitforwork.interventions import services
from fitforwork.interventions.models import Intervention, InterventionKind
from fitforwork.organisations.models import Site


class InterventionForm(ServiceForm):
    name = forms.CharField(label="Name", max_length=200, error_messages={"required": "Enter the intervention's name"})
    kind = forms.ChoiceField(
        label="Kind",
        choices=InterventionKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the kind of intervention", "invalid_choice": "Select the kind"},
    )
    provider = forms.CharField(
        label="Provider",
        help_text="Who runs it, such as the local NHS trust",
        max_length=200,
        error_messages={"required": "Enter who provides it"},
    )
    typical_wait_days = forms.IntegerField(
        label="Typical wait, in days",
        min_value=0,
        max_value=3650,
        error_messages={
            "required": "Enter the typical wait in days",
            "invalid": "Enter the typical wait as a whole number of days, like 14",
            "min_value": "The typical wait must be 0 days or more",
            "max_value": "The typical wait must be 3650 days or fewer",
        },
    )
    description = forms.CharField(label="Description (optional)", required=False, widget=forms.Textarea)
    site = forms.ModelChoiceField(
        label="Site",
        queryset=Site.objects.order_by("name"),
        required=False,
        empty_label="Every site",
        error_messages={"invalid_choice": "Select a site, or every site"},
    )
    is_active = forms.BooleanField(label="Open to new referrals", required=False, initial=True)


@administrators_only
def interventions(request: AuthenticatedHttpRequest) -> HttpResponse:
    rows = Intervention.objects.select_related("site").order_by("kind", "name")
    return render_page(request, "interventions.jinja", interventions=rows)


@administrators_only
@require_http_methods(["GET", "POST"])
def intervention_edit(request: AuthenticatedHttpRequest, intervention_id: uuid.UUID | None = None) -> HttpResponse:
    intervention = get_object_or_404(Intervention, pk=intervention_id) if intervention_id else None
    initial: dict[str, Any] = {"is_active": True}
    if intervention is not None:
        initial = {name: getattr(intervention, name) for name in services.INTERVENTION_FIELDS}
        initial["site"] = intervention.site_id
    form = InterventionForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            if intervention is None:
                saved = services.intervention_create(actor=request.user, **form.cleaned_data)
            else:
                saved = services.intervention_update(actor=request.user, intervention=intervention, **form.cleaned_data)
        except services.OnwardReferralError as refused:
            form.add_error(None, str(refused))
        except IntegrityError:
            form.add_error("name", "There is already an intervention with this name and provider for this site")
        else:
            messages.success(request, f"{saved.name} saved in the directory")
            return redirect("administration:interventions")
    return render_page(request, "intervention_form.jinja", form=form, intervention=intervention)
