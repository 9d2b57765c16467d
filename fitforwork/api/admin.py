"""Administration of API clients: issue a token (shown once), see when each was last used, revoke."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from fitforwork.api import services
from fitforwork.api.models import ApiClient
from fitforwork.core.forms import ServiceFormMixin


class ApiClientAddForm(ServiceFormMixin, forms.ModelForm):
    class Meta:
        model = ApiClient
        fields = ["name", "organisation"]
        help_texts = {"organisation": "The system's referrals are recorded as coming from this organisation."}


@admin.register(ApiClient)
class ApiClientAdmin(admin.ModelAdmin):
    list_display = ["name", "organisation", "is_active", "created_at", "last_used_at", "revoked_at"]
    list_filter = ["is_active"]
    search_fields = ["name", "organisation__name", "organisation__ods_code"]
    autocomplete_fields = ["organisation"]
    actions = ["revoke"]
    readonly_fields = ["name", "organisation", "is_active", "created_at", "created_by", "last_used_at", "revoked_at"]

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        if obj is None:
            kwargs["form"] = ApiClientAddForm
        return super().get_form(request, obj, change=change, **kwargs)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return self.readonly_fields if obj is not None else []

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return self.readonly_fields if obj is not None else ["name", "organisation"]

    def save_model(self, request: HttpRequest, obj: ApiClient, form: Any, change: bool) -> None:
        if change:
            return  # nothing on a client changes after it is made, except by revoking it
        created, token = services.apiclient_create(
            name=form.cleaned_data["name"], organisation=form.cleaned_data["organisation"], actor=request.user
        )
        obj.pk, obj._state.adding, obj._state.db = created.pk, False, created._state.db
        self.message_user(
            request,
            f"The token for {created.name} is {token} . Copy it now and give it to the system's owner securely: "
            "it is not kept and cannot be shown again.",
            messages.WARNING,
        )

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # revoke instead: referrals point at what the client sent

    @admin.action(description="Revoke the selected API clients' tokens")
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiClient]) -> None:
        names = [client.name for client in queryset if client.is_active]
        for name in names:
            services.apiclient_revoke(name=name, actor=request.user)
        self.message_user(request, f"Revoked {len(names)} API client(s). Their tokens no longer work.")
