"""Reads in Django's admin are audited like the service's own pages.

Every ModelAdmin that shows records about people (clients, message recipients, staff accounts, sign-in
records, background jobs' arguments) puts `AuditedReadsAdmin` first among its bases: opening a record, its
change history or a list writes an audit event naming what was shown.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.db import models
from django.http import HttpRequest, HttpResponse

from fitforwork.core.audit.services import audit_read, audit_record


class AuditedReadsAdmin(admin.ModelAdmin):
    """A mixin: change, history and list pages shown to someone write an audit event."""

    def _shown_object(self, request: HttpRequest, response: HttpResponse, object_id: str) -> models.Model | None:
        context = getattr(response, "context_data", None) or {}
        shown = context.get("original") or context.get("object")
        return shown if shown is not None else self.get_object(request, unquote(object_id))

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: Any = None
    ) -> HttpResponse:
        response = super().change_view(request, object_id, form_url, extra_context)
        # Any page shown is a read, a form sent back with errors too; a saved change redirects, and its
        # service records the write.
        if response.status_code == 200:
            shown = self._shown_object(request, response, object_id)
            if shown is not None:
                audit_read(request=request, obj=shown, reason="Opened in administration")
        return response

    def history_view(self, request: HttpRequest, object_id: str, extra_context: Any = None) -> HttpResponse:
        response = super().history_view(request, object_id, extra_context)
        if response.status_code == 200:
            shown = self._shown_object(request, response, object_id)
            if shown is not None:
                audit_read(request=request, obj=shown, reason="Opened the change history in administration")
        return response

    def changelist_view(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        response = super().changelist_view(request, extra_context)
        changelist = (getattr(response, "context_data", None) or {}).get("cl")
        if response.status_code == 200 and changelist is not None:
            # A list of names is identifiable too: who looked, what they searched for and which rows they saw.
            # The page's rows are read here once and kept, so showing them costs no second query.
            rows = list(changelist.result_list)
            audit_record(
                actor=request.user,
                action=f"{self.model._meta.label_lower}.listed",
                data={
                    "path": request.path,
                    "search": request.GET.get("q", ""),
                    "filters": {k: v for k, v in request.GET.items() if k not in {"q", "p", "o"}},
                    "shown": [str(row.pk) for row in rows],
                },
                request=request,
            )
        return response
