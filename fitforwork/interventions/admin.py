"""The directory of interventions, kept by administrators; every save goes through a service.

Onward referrals are case records, worked from the case pages, so they are not in the admin.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from fitforwork.interventions import services
from fitforwork.interventions.models import Intervention


@admin.register(Intervention)
class InterventionAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "provider", "typical_wait_days", "site", "is_active"]
    list_filter = ["kind", "is_active", "site"]
    search_fields = ["name", "provider"]
    fields = services.INTERVENTION_FIELDS

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # onward referrals point at it: make it inactive instead

    def save_model(self, request: HttpRequest, obj: Intervention, form: Any, change: bool) -> None:
        values = {name: form.cleaned_data[name] for name in services.INTERVENTION_FIELDS}
        if change:
            services.intervention_update(actor=request.user, intervention=obj, **values)  # type: ignore[arg-type]
        else:
            created = services.intervention_create(actor=request.user, **values)  # type: ignore[arg-type]
            obj.pk = created.pk
            obj._state.adding = False
            obj._state.db = created._state.db
