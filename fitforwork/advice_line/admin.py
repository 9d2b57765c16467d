"""Administrators set up an advice line, its team and its weekly web chat hours in Django's admin."""

from django.contrib import admin

from fitforwork.advice_line.models import AdviceLine, OpeningHours


class OpeningHoursInline(admin.TabularInline):
    model = OpeningHours
    extra = 0


@admin.register(AdviceLine)
class AdviceLineAdmin(admin.ModelAdmin):
    list_display = ("name", "phone", "team", "nation")
    inlines = [OpeningHoursInline]  # noqa: RUF012 - Django reads it as a class attribute
