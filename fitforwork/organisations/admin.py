"""Administration of organisations, sites, teams and service models; every save goes through a service.

Editing a service model never changes its rules in place: saving adds the next version, and earlier
versions are shown read-only because referrals and cases point at them.
"""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.contrib import admin
from django.db.models import Max, QuerySet
from django.http import HttpRequest
from django.utils.html import format_html

from fitforwork.core.forms import ServiceFormMixin
from fitforwork.organisations import services
from fitforwork.organisations.config import ServiceModelConfig, canonical_config, validate_config
from fitforwork.organisations.models import Organisation, ServiceModel, ServiceModelVersion, Site, Team
from fitforwork.organisations.presets import PRESETS


def pretty_json(value: Any) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False)


def _adopt(obj: Any, created: Any) -> None:
    """Let the admin carry on with the row a service created, as if it had saved `obj` itself."""
    obj.pk = created.pk
    obj._state.adding = False
    obj._state.db = created._state.db


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "ods_code", "size_band", "nation", "is_active"]
    list_filter = ["kind", "nation", "size_band", "is_active"]
    search_fields = ["name", "ods_code"]
    fields = services.ORGANISATION_FIELDS

    def save_model(self, request: HttpRequest, obj: Organisation, form: Any, change: bool) -> None:
        values = {name: form.cleaned_data[name] for name in services.ORGANISATION_FIELDS}
        if change:
            services.organisation_update(actor=request.user, organisation=obj, **values)
        else:
            _adopt(obj, services.organisation_create(actor=request.user, **values))


class TeamInline(admin.TabularInline):
    model = Team
    fields = ["name"]
    extra = 0
    can_delete = False


@admin.register(Site)
class SiteAdmin(admin.ModelAdmin):
    list_display = ["name", "nation", "provider", "service_model"]
    list_filter = ["nation", "service_model"]
    search_fields = ["name"]
    autocomplete_fields = ["provider", "gp_practices"]
    fields = [*services.SITE_FIELDS, "gp_practices"]
    inlines = [TeamInline]

    def save_model(self, request: HttpRequest, obj: Site, form: Any, change: bool) -> None:
        values = {name: form.cleaned_data[name] for name in services.SITE_FIELDS}
        practices = form.cleaned_data["gp_practices"]
        if change:
            services.site_update(actor=request.user, site=obj, gp_practices=practices, **values)
        else:
            _adopt(obj, services.site_create(actor=request.user, gp_practices=practices, **values))

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        # The GP practices were saved by the site service; only the teams are left.
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        for team_form in formset.forms:
            if not team_form.has_changed() or not team_form.cleaned_data:
                continue
            name = team_form.cleaned_data["name"]
            team = team_form.instance
            if team._state.adding:
                formset.new_objects.append(services.team_create(actor=request.user, site=form.instance, name=name))
            else:
                services.team_update(actor=request.user, team=team, name=name)
                formset.changed_objects.append((team, team_form.changed_data))


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["name", "site"]
    list_filter = ["site"]
    search_fields = ["name", "site__name"]
    fields = services.TEAM_FIELDS

    def save_model(self, request: HttpRequest, obj: Team, form: Any, change: bool) -> None:
        if change:
            services.team_update(actor=request.user, team=obj, **form.cleaned_data)
        else:
            _adopt(obj, services.team_create(actor=request.user, **form.cleaned_data))


class ServiceModelForm(ServiceFormMixin, forms.ModelForm):
    """Name and description, plus the rules as JSON; on an edit, a note of what changed and why."""

    config = forms.CharField(
        label="Rules (JSON)",
        widget=forms.Textarea(attrs={"rows": 40, "cols": 100, "spellcheck": "false"}),
        help_text="Saving changed rules adds a new version; the versions below never change.",
    )
    change_note = forms.CharField(
        max_length=300,
        required=False,
        help_text="Say what changed and why. Required when you edit a service model.",
    )
    # The version this page showed. If another administrator saves meanwhile, this edit is refused
    # rather than silently undoing theirs.
    based_on_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = ServiceModel
        fields = ["key", "name", "description", "source"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.current = self.instance.current_version if self.instance.pk else None
        if self.current is not None:
            self.initial["config"] = pretty_json(self.current.config)
            self.initial["based_on_version"] = self.current.number
            self.fields["change_note"].required = True
        else:
            self.initial.setdefault("config", pretty_json(PRESETS[0].config))

    def clean_config(self) -> dict[str, Any]:
        text = self.cleaned_data["config"]
        try:
            data = json.loads(text)
        except json.JSONDecodeError as error:
            raise forms.ValidationError(
                f"Enter the rules as valid JSON: {error.msg} at line {error.lineno}, column {error.colno}"
            ) from error
        errors = validate_config(data)
        if errors:
            raise forms.ValidationError(errors)
        return ServiceModelConfig.from_dict(data).to_dict()

    def clean(self) -> dict[str, Any] | None:
        cleaned = super().clean() or {}
        if self.current is not None and cleaned.get("based_on_version") != self.current.number:
            self.add_error(
                None,
                services.stale_edit_message(self.instance, self.current.number, cleaned.get("based_on_version")),
            )
            return cleaned
        config = cleaned.get("config")
        if self.current is None or config is None:
            return cleaned
        rules_changed = canonical_config(self.current.config) != config
        details_changed = bool({"name", "description", "source"} & set(self.changed_data))
        if not rules_changed and not details_changed:
            self.add_error("config", "The rules are the same as the current version's: change something to save")
        return cleaned


class ServiceModelVersionInline(admin.TabularInline):
    model = ServiceModelVersion
    fields = ("number", "created_at", "created_by", "change_note", "rules")
    readonly_fields = ("number", "created_at", "created_by", "change_note", "rules")
    extra = 0
    max_num = 0
    can_delete = False
    ordering = ["-number"]

    @admin.display(description="Rules")
    def rules(self, version: ServiceModelVersion) -> str:
        return format_html("<details><summary>Show</summary><pre>{}</pre></details>", pretty_json(version.config))

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(ServiceModel)
class ServiceModelAdmin(admin.ModelAdmin):
    form = ServiceModelForm
    list_display = ["name", "key", "current_version_number", "modified_at"]
    search_fields = ["name", "key"]
    inlines = [ServiceModelVersionInline]

    @admin.display(description="Version", ordering="newest_version")
    def current_version_number(self, service_model: ServiceModel) -> int | None:
        return getattr(service_model, "newest_version", None)

    def get_queryset(self, request: HttpRequest) -> QuerySet[ServiceModel]:
        return super().get_queryset(request).annotate(newest_version=Max("versions__number"))

    def get_changeform_initial_data(self, request: HttpRequest) -> dict[str, Any]:
        """`?copy_from=<key>` starts a new model from another's current rules, such as a preset."""
        initial = dict(super().get_changeform_initial_data(request))
        source = ServiceModel.objects.filter(key=initial.pop("copy_from", None) or "").first()
        if source is not None and source.current_version is not None:
            initial["config"] = pretty_json(source.current_version.config)
            initial.setdefault("description", source.description)
            initial.setdefault("source", f"Copied from {source.name}, version {source.current_version.number}")
        return initial

    def get_fieldsets(self, request: HttpRequest, obj: ServiceModel | None = None) -> Any:
        fields = ["key", "name", "description", "source", "config", "change_note", "based_on_version"]
        return [(None, {"fields": fields})]

    def get_readonly_fields(self, request: HttpRequest, obj: ServiceModel | None = None) -> Any:
        # Demo data, tests and sites find a model by its key, so it is fixed once made.
        return ["key"] if obj is not None else []

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: ServiceModel, form: Any, change: bool) -> None:
        data = form.cleaned_data
        if not change:
            created = services.service_model_create(
                actor=request.user,
                key=data["key"],
                name=data["name"],
                config=data["config"],
                description=data["description"],
                source=data["source"],
            )
            _adopt(obj, created)
            return
        if {"name", "description", "source"} & set(form.changed_data):
            services.service_model_update_details(
                actor=request.user,
                service_model=obj,
                name=data["name"],
                description=data["description"],
                source=data["source"],
            )
        if form.current is None or canonical_config(form.current.config) != data["config"]:
            # The form checked the version it was based on; the service checks again under a lock,
            # so an edit saved in between still cannot be overwritten.
            services.service_model_new_version(
                actor=request.user,
                service_model=obj,
                config=data["config"],
                change_note=data["change_note"],
                based_on=data["based_on_version"] if form.current is not None else None,
            )

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        # Versions are written by the service above and are never edited through the inline.
        for formset in formsets:
            formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
