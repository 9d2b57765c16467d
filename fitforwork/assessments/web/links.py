"""Staff send a client a link to answer questionnaires online: /cases/<id>/assessment/questionnaires/send/.

The case comes through `access.case_for`, which scopes and audits the read; `link_send` makes the link and
queues the message through the outbox in one transaction, audited.
"""

from __future__ import annotations

import uuid
from typing import cast

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.views.decorators.http import require_http_methods

from fitforwork.accounts.models import AuthenticatedHttpRequest
from fitforwork.assessments import link_services, registry
from fitforwork.assessments.models import QuestionnaireLink
from fitforwork.cases import access
from fitforwork.cases.models import Case
from fitforwork.cases.rules import ensure_can_work_case
from fitforwork.core.forms import ServiceFormMixin


class SendLinkForm(ServiceFormMixin, forms.Form):
    instruments = forms.MultipleChoiceField(
        label="Which questionnaires should they answer?",
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Select at least one questionnaire"},
    )
    channel = forms.ChoiceField(
        label="How should the link be sent?",
        choices=QuestionnaireLink.Channel.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select how to send the link"},
    )

    def __init__(self, *args: object, case: Case, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        instruments = cast(forms.MultipleChoiceField, self.fields["instruments"])
        channel = cast(forms.ChoiceField, self.fields["channel"])
        self.instrument_codes = [d.code for d in registry.definitions_available()]
        instruments.choices = [(d.code, d.title) for d in registry.definitions_available()]
        person = case.person
        channel.choices = [
            ("email", f"Email to {person.email}" if person.email else "Email (no email address on record)"),
            ("sms", f"Text message to {person.phone}" if person.phone else "Text message (no mobile number on record)"),
        ]


def _case_href(case: Case) -> str:
    try:
        return reverse("cases:case", args=[case.pk])
    except NoReverseMatch:
        return ""


@require_http_methods(["GET", "POST"])
def send(request: AuthenticatedHttpRequest, case_id: uuid.UUID) -> HttpResponse:
    try:
        case = access.case_for(request, case_id)
    except access.BreakGlassNeeded:
        try:
            return redirect(reverse("cases:case", args=[case_id]))
        except NoReverseMatch:
            raise Http404("No such case") from None
    ensure_can_work_case(request.user, case)  # care team members and break-glass readers only read a case
    form = SendLinkForm(request.POST or None, case=case)
    if request.method == "POST" and form.is_valid():
        # The codes in the order the form lists them, so the client meets them in a set order.
        chosen = form.cleaned_data["instruments"]
        codes = [code for code in form.instrument_codes if code in chosen]
        try:
            link_services.link_send(
                case=case,
                instrument_codes=codes,
                channel=form.cleaned_data["channel"],
                actor=request.user,
                link_for=lambda token: request.build_absolute_uri(reverse("questionnaire:start", args=[token])),
                request=request,
            )
        except ValidationError as error:
            field = "channel" if error.code == "no_contact" else "instruments"
            form.add_error(field, error.messages[0])
        else:
            days = link_services.link_days()
            messages.success(request, f"Questionnaire link sent. It works for {days} day{'s' if days != 1 else ''}.")
            return redirect(_case_href(case) or reverse("cases:questionnaire-link-send", args=[case.pk]))
    person = case.person
    context = {
        "form": form,
        "case": case,
        "case_name": f"{person.given_name} {person.family_name}",
        "case_href": _case_href(case),
        "link_days": link_services.link_days(),
    }
    return render(request, "assessments/send_link.jinja", context, status=400 if form.errors else 200)
