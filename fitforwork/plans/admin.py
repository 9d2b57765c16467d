"""Django's admin for staff professions (who may issue fit notes); every save goes through the service.
Plans and fit notes are case records, worked from the case pages, so they are not in the admin."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from fitforwork.plans import snippet_services
from fitforwork.plans.models import StaffProfession


@admin.register(StaffProfession)
class StaffProfessionAdmin(admin.ModelAdmin):
    list_display = ["user", "profession", "registration_number"]
    list_filter = ["profession"]
    fields = ["user", "profession", "registration_number"]

    def save_model(self, request: HttpRequest, obj: StaffProfession, form: Any, change: bool) -> None:
        snippet_services.staff_profession_set(
            actor=request.user,  # type: ignore[arg-type]
            user=form.cleaned_data["user"],
            profession=form.cleaned_data["profession"],
            registration_number=form.cleaned_data["registration_number"],
        )
