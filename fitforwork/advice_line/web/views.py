"""The adviser's workspace: log a contact, find earlier ones, keep promised follow-ups, refer an employee."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from fitforwork.accounts.models import AuthenticatedHttpRequest
from fitforwork.advice_line import selectors, services
from fitforwork.advice_line.models import AdviceLine, Contact, FollowUp
from fitforwork.advice_line.rules import can_see_dashboard, lines_for
from fitforwork.advice_line.web.forms import ContactForm, FindForm
from fitforwork.core.audit.services import audit_read, audit_record
from fitforwork.referrals.intake import ReferralRefused
from fitforwork.referrals.models import Source
from fitforwork.referrals.web.forms import ReferralForm, parser_for
from fitforwork.referrals.web.home import referrer_home

DIRECTORY_LIMIT = 500


def line_of(request: AuthenticatedHttpRequest) -> AdviceLine:
    """The line the user works on; anyone not on a line gets a 403."""
    line = lines_for(request.user).first()
    if line is None:
        raise PermissionDenied("Only the advice line's advisers and team lead can use these pages.")
    return line


def contact_of(request: AuthenticatedHttpRequest, pk: uuid.UUID) -> Contact:
    line_of(request)
    contact = selectors.contact_for(request.user, pk)
    if contact is None:
        raise Http404("No such contact on your line")
    return contact


def audit_list(request: AuthenticatedHttpRequest, contacts: list[Contact], action: str) -> None:
    """A list of callers is identifiable too: one event records who saw which contacts."""
    if contacts:
        audit_record(
            actor=request.user,
            action=action,
            data={"path": request.path, "contacts": [str(contact.pk) for contact in contacts]},
            request=request,
        )


@require_GET
def workspace(request: AuthenticatedHttpRequest, role: str = "") -> HttpResponse:
    """The adviser's home (with `role`, from accounts' URL table) and the line's workspace for its team lead."""
    if role and request.user.role != role:
        raise PermissionDenied("This page is for another role.")
    if role and not lines_for(request.user).exists():
        return referrer_home(request, role=role)  # an adviser on no line yet can still refer
    line = line_of(request)
    chats = list(selectors.chats_live(request.user))
    left = list(selectors.messages_left(request.user))
    follow_ups = list(selectors.follow_ups_open(request.user))
    audit_list(request, [*chats, *left, *(f.contact for f in follow_ups)], "advice_line.contact.listed")
    context = {
        "line": line,
        "chats": chats,
        "left": left,
        "follow_ups": follow_ups,
        "find": FindForm(),
        "is_open": selectors.is_open(line),
        "today": timezone.localdate(),
        "can_dashboard": can_see_dashboard(request.user, line),
        "heading": f"{request.user.get_role_display()} home" if role else "Advice line",
    }
    return render(request, "advice_line/workspace.jinja", context)


def _contact_form_page(
    request: AuthenticatedHttpRequest, form: ContactForm, contact: Contact | None, status: int = 200
) -> HttpResponse:
    context = {
        "form": form,
        "contact": contact,
        "line": line_of(request),
        "directory": selectors.employers_directory().values_list("name", flat=True)[:DIRECTORY_LIMIT],
        "transcript": list(contact.messages.all()) if contact else [],
    }
    return render(request, "advice_line/contact_form.jinja", context, status=status)


def _initial(contact: Contact) -> dict[str, Any]:
    fields = ["channel", "caller_type", "caller_name", "caller_phone", "caller_email", "size_band", "nation", "advice"]
    initial = {name: getattr(contact, name) for name in fields}
    initial["organisation_name"] = contact.organisation_label
    initial["topics"] = list(contact.topics.all())
    return initial


@require_http_methods(["GET", "POST"])
def contact_edit(request: AuthenticatedHttpRequest, pk: uuid.UUID | None = None) -> HttpResponse:
    line = line_of(request)
    contact = contact_of(request, pk) if pk else None
    if contact is not None and request.method == "GET":
        audit_read(request=request, obj=contact, reason="recording an advice line contact")
    if request.method == "GET":
        initial = _initial(contact) if contact else {"channel": "phone", "nation": line.nation}
        return _contact_form_page(request, ContactForm(initial=initial), contact)
    form = ContactForm(request.POST)
    valid = form.is_valid()
    if "insert_snippet" in request.POST:
        # No JavaScript needed: the page comes back with the snippet's text added, for the adviser to edit.
        if form.cleaned_data.get("snippet") is None:
            form = ContactForm(request.POST)
            form.is_valid()
            form.add_error("snippet", "Select a snippet to insert")
            return _contact_form_page(request, form, contact, status=400)
        return _contact_form_page(request, ContactForm(initial=form.with_snippet()), contact)
    if not valid:
        return _contact_form_page(request, form, contact, status=400)
    if contact is None:
        contact = services.contact_log(actor=request.user, line=line, **form.service_fields())
        messages.success(request, "Contact logged")
    else:
        services.contact_update(actor=request.user, contact=contact, **form.service_fields())
        messages.success(request, "Contact saved")
    return redirect("advice_line:contact", pk=contact.pk)


@require_GET
def contact_detail(request: AuthenticatedHttpRequest, pk: uuid.UUID) -> HttpResponse:
    contact = contact_of(request, pk)
    audit_read(request=request, obj=contact, reason="advice line contact")
    earlier = _earlier(request, contact)
    context = {
        "contact": contact,
        "follow_ups": list(contact.follow_ups.select_related("owner")),
        "transcript": list(contact.messages.all()),
        "earlier": earlier,
        "topics": list(contact.topics.all()),
    }
    return render(request, "advice_line/contact.jinja", context)


def _earlier(request: AuthenticatedHttpRequest, contact: Contact) -> list[Contact]:
    """The caller's other contacts, by the same organisation or phone number."""
    found = []
    if contact.organisation_id:
        found = list(selectors.contacts_visible_to(request.user).filter(organisation_id=contact.organisation_id))
    elif contact.caller_phone:
        found = list(selectors.contacts_visible_to(request.user).filter(caller_phone=contact.caller_phone))
    found = [other for other in found if other.pk != contact.pk][:20]
    audit_list(request, found, "advice_line.contact.listed")
    return found


@require_POST
def follow_up_done(request: AuthenticatedHttpRequest, pk: uuid.UUID) -> HttpResponse:
    line_of(request)
    follow_up = get_object_or_404(
        FollowUp.objects.select_related("contact__line"), pk=pk, contact__in=selectors.contacts_visible_to(request.user)
    )
    services.follow_up_complete(actor=request.user, follow_up=follow_up)
    messages.success(request, "Follow-up marked as done")
    back = request.POST.get("back")
    if back == "workspace":
        return redirect("advice_line:workspace")
    return redirect("advice_line:contact", pk=follow_up.contact_id)


@require_GET
def find(request: AuthenticatedHttpRequest) -> HttpResponse:
    line_of(request)
    form = FindForm(request.GET)
    query = form.cleaned_data["q"] if form.is_valid() else ""
    results = selectors.contacts_find(request.user, query)
    audit_list(request, results, "advice_line.contact.found")
    context = {"form": form, "query": query, "results": results, "limit": selectors.FIND_LIMIT}
    return render(request, "advice_line/find.jinja", context)


def _referral_initial(contact: Contact) -> dict[str, Any]:
    names = contact.caller_name.split(" ", 1) if contact.caller_type == "employee" and contact.caller_name else []
    return {
        "given_name": names[0] if names else "",
        "family_name": names[1] if len(names) > 1 else "",
        "phone": contact.caller_phone if contact.caller_type == "employee" else "",
        "email": contact.caller_email if contact.caller_type == "employee" else "",
        "reason": contact.advice[:2000],
    }


@require_http_methods(["GET", "POST"])
def contact_refer(request: AuthenticatedHttpRequest, pk: uuid.UUID) -> HttpResponse:
    contact = contact_of(request, pk)
    if contact.referral_id is not None:
        return redirect("advice_line:contact", pk=contact.pk)
    token = str(uuid.uuid4())
    if request.method == "GET":
        audit_read(request=request, obj=contact, reason="turning an advice line contact into a referral")
        form = ReferralForm(initial=_referral_initial(contact), source=Source.ADVICE_LINE)
    else:
        form = ReferralForm(request.POST, source=Source.ADVICE_LINE)
        if form.is_valid():
            payload = {**form.own_data(), "idempotency_key": str(request.POST.get("idempotency_key", ""))[:200]}
            try:
                referral = services.contact_refer(
                    actor=request.user,
                    contact=contact,
                    payload=payload,
                    parse=parser_for(source=Source.ADVICE_LINE, user=request.user),
                )
            except ReferralRefused as refused:
                for error in refused.errors:
                    form.add_error(error.field if error.field in form.fields else None, error.message)
            else:
                messages.success(request, f"Referral {referral.reference} sent to the service")
                return redirect("advice_line:contact", pk=contact.pk)
    context = {"form": form, "contact": contact, "idempotency_key": token}
    return render(request, "advice_line/refer.jinja", context, status=400 if form.errors else 200)
