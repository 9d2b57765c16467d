"""Administrators manage user accounts: role, organisation, site, teams, two-factor resets and unlocks."""

from __future__ import annotations

from typing import Any

from axes.utils import reset as axes_reset
from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm
from django.db.models import QuerySet
from django.http import HttpRequest

from fitforwork.accounts import services
from fitforwork.accounts.models import User


class UserCreationForm(AdminUserCreationForm):
    class Meta:
        model = User
        fields = ("email", "first_name", "last_name", "role")


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    add_form = UserCreationForm
    ordering = ("last_name", "first_name")
    list_display = ("email", "first_name", "last_name", "role", "organisation", "site", "is_active")
    list_filter = ("role", "is_active", "site")
    search_fields = ("email", "first_name", "last_name")
    filter_horizontal = ("teams",)
    autocomplete_fields = ()
    readonly_fields = ("last_login", "date_joined")
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Person", {"fields": ("first_name", "last_name", "job_title")}),
        ("Role and place", {"fields": ("role", "organisation", "site", "teams")}),
        ("Status", {"fields": ("is_active", "is_staff", "is_superuser", "last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("email", "first_name", "last_name", "role", "password1", "password2"),
            },
        ),
    )
    actions = ("reset_two_factor", "unlock_sign_in")

    def save_model(self, request: HttpRequest, obj: User, form: forms.ModelForm[Any], change: bool) -> None:
        services.user_save_from_admin(user=obj, actor=request.user, created=not change)  # type: ignore[arg-type]

    @admin.action(description="Reset two-factor authentication (they set it up again at next sign-in)")
    def reset_two_factor(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        for user in queryset:
            services.two_factor_reset(user=user, actor=request.user)  # type: ignore[arg-type]
        self.message_user(
            request, f"Two-factor authentication reset for {queryset.count()} account(s).", messages.SUCCESS
        )

    @admin.action(description="Unlock sign-in after too many wrong passwords")
    def unlock_sign_in(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        for user in queryset:
            axes_reset(username=user.email)
            services.audit_record(actor=request.user, action="accounts.unlocked", obj=user)
        self.message_user(request, f"Sign-in unlocked for {queryset.count()} account(s).", messages.SUCCESS)
