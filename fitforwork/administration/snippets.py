"""Recommendation snippets per obstacle type, for the plan editor: list, add, change (untick to retire)."""

from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_http_methods

from fitforwork.accounts.models import AuthenticatedHttpRequest
from fitforwork.administration.pages import render_page
from fitforwork.administration.rules import administrators_only
from fitforwork.core.forms import ServiceForm
from fitforwork.plans import snippet_services as services
from fitforwork.plans.models import Adjustment, RecommendationKind, RecommendationSnippet


class SnippetForm(ServiceForm):
    obstacle_code = forms.ChoiceField(
        label="Obstacle",
        choices=[("", "Select an obstacle"), *services.OBSTACLE_CHOICES],
        error_messages={"required": "Select the obstacle the snippet is for"},
    )
    kind = forms.ChoiceField(
        label="Kind of recommendation",
        choices=RecommendationKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the kind of recommendation"},
    )
    adjustment = forms.ChoiceField(
        label="Which workplace adjustment", choices=[("", "Not an adjustment"), *Adjustment.choices], required=False
    )
    title = forms.CharField(label="Title", max_length=120, error_messages={"required": "Enter a short title"})
    text = forms.CharField(
        label="Text", widget=forms.Textarea, max_length=3000, error_messages={"required": "Enter the text"}
    )
    is_active = forms.BooleanField(label="Offer it in the plan editor", required=False, initial=True)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("kind") == RecommendationKind.ADJUSTMENT and not data.get("adjustment"):
            self.add_error("adjustment", "Select which workplace adjustment it is")
        return data


@administrators_only
def snippets(request: AuthenticatedHttpRequest) -> HttpResponse:
    labels = dict(services.OBSTACLE_CHOICES)
    rows = [
        {"snippet": s, "obstacle": labels.get(s.obstacle_code, s.obstacle_code)}
        for s in RecommendationSnippet.objects.order_by("obstacle_code", "title")
    ]
    return render_page(request, "snippets.jinja", rows=rows)


@administrators_only
@require_http_methods(["GET", "POST"])
def snippet_edit(request: AuthenticatedHttpRequest, snippet_id: uuid.UUID | None = None) -> HttpResponse:
    snippet = get_object_or_404(RecommendationSnippet, pk=snippet_id) if snippet_id else None
    initial: dict[str, Any] = {"is_active": True}
    if snippet is not None:
        initial = {name: getattr(snippet, name) for name in services.SNIPPET_FIELDS}
    form = SnippetForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.snippet_save(actor=request.user, snippet=snippet, **form.cleaned_data)
        except services.SnippetError as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, f"Snippet '{saved.title}' saved")
            return redirect("administration:snippets")
    return render_page(request, "snippet_form.jinja", form=form, snippet=snippet)
