"""Administration of people. Opening a person or a list of people is audited; every save goes through a service."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest

from fitforwork.core.audit.admin_reads import AuditedReadsAdmin
from fitforwork.core.forms import ServiceFormMixin
from fitforwork.people import presenters, services
from fitforwork.people.models import Condition, Employment, Person
from fitforwork.people.nhs_number import normalise_nhs_number


class PersonForm(ServiceFormMixin, forms.ModelForm):
    # Room for the spaces or hyphens people type ("943 476 5919"); stored as ten digits.
    nhs_number = forms.CharField(label="NHS number", max_length=14, required=False)

    class Meta:
        model = Person
        fields = services.PERSON_FIELDS

    def clean_nhs_number(self) -> str:
        return normalise_nhs_number(self.cleaned_data["nhs_number"])


class EmploymentInline(admin.StackedInline):
    model = Employment
    fields = services.EMPLOYMENT_FIELDS
    autocomplete_fields = ["employer"]
    extra = 0
    can_delete = False


class ConditionInline(admin.TabularInline):
    model = Condition
    fields = services.CONDITION_FIELDS
    extra = 0
    can_delete = False


@admin.register(Person)
class PersonAdmin(AuditedReadsAdmin):
    form = PersonForm
    list_display = ["formal_name", "nhs_number_3_3_4", "date_of_birth", "postcode"]
    search_fields = ["family_name", "given_name", "nhs_number", "postcode"]
    autocomplete_fields = ["gp_practice"]
    inlines = [EmploymentInline, ConditionInline]
    fieldsets = [
        ("Identity", {"fields": ["nhs_number", "given_name", "family_name", "preferred_name", "date_of_birth"]}),
        ("Sex", {"fields": ["sex"]}),
        ("Contact", {"fields": ["email", "phone", "address_line_1", "address_line_2", "town", "postcode"]}),
        (
            "Preferences",
            {
                "fields": [
                    "preferred_contact_method",
                    "ok_to_leave_voicemail",
                    "preferred_language",
                    "needs_interpreter",
                    "communication_needs",
                ]
            },
        ),
        ("GP practice", {"fields": ["gp_practice"]}),
    ]

    @admin.display(description="Name", ordering="family_name")
    def formal_name(self, person: Person) -> str:
        return presenters.formal_name(person)

    @admin.display(description="NHS number", ordering="nhs_number")
    def nhs_number_3_3_4(self, person: Person) -> str:
        return presenters.nhs_number(person)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Records are corrected, never deleted here; retention runs elsewhere.
        return False

    def save_model(self, request: HttpRequest, obj: Person, form: Any, change: bool) -> None:
        values = {name: form.cleaned_data[name] for name in services.PERSON_FIELDS}
        if change:
            services.person_update(actor=request.user, person=obj, **values)
            return
        created = services.person_create(actor=request.user, **values)
        obj.pk, obj._state.adding, obj._state.db = created.pk, False, created._state.db

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        person = form.instance
        is_employment = formset.model is Employment
        names = services.EMPLOYMENT_FIELDS if is_employment else services.CONDITION_FIELDS
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        for inline_form in formset.forms:
            if not inline_form.has_changed() or not inline_form.cleaned_data:
                continue
            values = {name: inline_form.cleaned_data[name] for name in names}
            record = inline_form.instance
            if record._state.adding:
                add = services.employment_add if is_employment else services.condition_add
                formset.new_objects.append(add(actor=request.user, person=person, **values))
            elif is_employment:
                services.employment_update(actor=request.user, employment=record, **values)
                formset.changed_objects.append((record, inline_form.changed_data))
            else:
                services.condition_update(actor=request.user, condition=record, **values)
                formset.changed_objects.append((record, inline_form.changed_data))
