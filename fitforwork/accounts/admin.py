"""Administrators manage user accounts: role, organisation, site, teams, two-factor resets and unlocks."""

from __future__ import annotations

from typing import Any

from axes.utils import reset as axes_reset
from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse

from fitforwork.accounts import services
from fitforwork.accounts.models import User
from fitforwork.core.audit.admin_reads import AuditedReadsAdmin
from fitforwork.core.forms import ServiceFormMixin


class UserCreationForm(ServiceFormMixin, AdminUserCreationForm):
    class Meta:
        model = User
        fields = ("email", "first_name", "last_name", "role")


@admin.register(User)
class UserAdmin(AuditedReadsAdmin, DjangoUserAdmin):
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

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Accounts are deactivated, never deleted, so the audit trail always knows who acted.
        return False

    def save_model(self, request: HttpRequest, obj: User, form: forms.ModelForm[Any], change: bool) -> None:
        services.user_save_from_admin(user=obj, actor=request.user, created=not change)  # type: ignore[arg-type]

    def save_related(self, request: HttpRequest, form: forms.ModelForm[Any], formsets: Any, change: bool) -> None:
        before = set(form.instance.teams.values_list("pk", flat=True)) if change else set()
        super().save_related(request, form, formsets, change)
        after = set(form.instance.teams.values_list("pk", flat=True))
        if before != after:
            services.audit_record(
                actor=request.user,
                action="accounts.user_teams_changed",
                obj=form.instance,
                data={"added": sorted(map(str, after - before)), "removed": sorted(map(str, before - after))},
            )

    def user_change_password(self, request: HttpRequest, id: str, form_url: str = "") -> HttpResponse:
        response = super().user_change_password(request, id, form_url)
        if request.method == "POST" and response.status_code == 302:
            user = self.get_object(request, unquote(id))
            services.audit_record(actor=request.user, action="accounts.password_set_by_administrator", obj=user)
        return response

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
