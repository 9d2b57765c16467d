"""Administrators keep the advice line's topics and snippets (the administration pages' patterns)."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_http_methods

from fitforwork.accounts.models import AuthenticatedHttpRequest
from fitforwork.administration.pages import render_page
from fitforwork.administration.rules import administrators_only
from fitforwork.advice_line import services
from fitforwork.advice_line.models import Snippet, Topic
from fitforwork.advice_line.web.forms import SnippetForm, TopicForm


@administrators_only
def snippets(request: AuthenticatedHttpRequest) -> HttpResponse:
    rows = Snippet.objects.select_related("topic").order_by("topic__position", "title")
    topics = Topic.objects.order_by("position", "name")
    return render_page(request, "advice_line_snippets.jinja", snippets=rows, topics=topics)


@administrators_only
@require_http_methods(["GET", "POST"])
def snippet_edit(request: AuthenticatedHttpRequest, snippet_id: uuid.UUID | None = None) -> HttpResponse:
    snippet = get_object_or_404(Snippet, pk=snippet_id) if snippet_id else None
    initial = {name: getattr(snippet, name) for name in services.SNIPPET_FIELDS} if snippet else {"is_active": True}
    form = SnippetForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.snippet_save(actor=request.user, snippet=snippet, **form.cleaned_data)
        messages.success(request, "Snippet saved")
        return redirect("advice_line_admin:snippets")
    return render_page(request, "advice_line_snippet_form.jinja", form=form, snippet=snippet)


@administrators_only
@require_http_methods(["GET", "POST"])
def topic_edit(request: AuthenticatedHttpRequest, topic_id: uuid.UUID | None = None) -> HttpResponse:
    topic = get_object_or_404(Topic, pk=topic_id) if topic_id else None
    initial = {name: getattr(topic, name) for name in services.TOPIC_FIELDS} if topic else {"is_active": True}
    form = TopicForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        others = Topic.objects.exclude(pk=topic.pk) if topic else Topic.objects.all()
        if others.filter(name__iexact=form.cleaned_data["name"]).exists():
            form.add_error("name", "There is already a topic with this name")
        else:
            services.topic_save(actor=request.user, topic=topic, **form.cleaned_data)
            messages.success(request, "Topic saved")
            return redirect("advice_line_admin:snippets")
    return render_page(request, "advice_line_topic_form.jinja", form=form, topic=topic)
