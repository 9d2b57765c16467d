"""Web chat: the public page (open in opening hours, a message form outside them or without JavaScript) and the
adviser's side. Messages live in the database; a poll asks for those after the last id it has (long polling,
no process-wide state, no external service)."""

from __future__ import annotations

import time
import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from fitforwork.accounts.models import AuthenticatedHttpRequest
from fitforwork.advice_line import selectors, services
from fitforwork.advice_line.limits import client_of, over_limit
from fitforwork.advice_line.models import AdviceLine, ChatMessage, ChatStatus, Contact, OpeningHours
from fitforwork.advice_line.web.forms import ChatSayForm, ChatStartForm, MessageForm
from fitforwork.advice_line.web.views import contact_of
from fitforwork.core.audit.services import audit_read

SESSION_KEY = "advice_line_chat"
LONGEST_WAIT_SECONDS = 20
POLL_STEP_SECONDS = 1.0


def _line() -> AdviceLine:
    line = selectors.public_line()
    if line is None:
        raise Http404("There is no advice line")
    return line


def _hours(line: AdviceLine) -> list[OpeningHours]:
    return list(line.opening_hours.all())


def _limited(request: HttpRequest, line: AdviceLine) -> HttpResponse:
    context = {"line": line, "hours": _hours(line)}
    return render(request, "advice_line/public/too_many.jinja", context, status=429)


def _own_chat(request: HttpRequest) -> Contact | None:
    pk = request.session.get(SESSION_KEY)
    if not pk:
        return None
    return Contact.objects.filter(pk=pk, channel="web_chat").select_related("line").first()


def as_json(message: ChatMessage) -> dict[str, object]:
    return {
        "id": message.id,
        "sender": message.sender,
        "who": "You" if message.sender == ChatMessage.Sender.CALLER else "Adviser",
        "text": message.text,
        "at": message.sent_time,
    }


def wait_for_messages(contact: Contact, after: int, wait: float) -> list[ChatMessage]:
    """Messages after `after`, waiting up to `wait` seconds for one to arrive (asking the database each second)."""
    deadline = time.monotonic() + min(wait, LONGEST_WAIT_SECONDS)
    while True:
        found = selectors.messages_after(contact, after)
        if found or time.monotonic() >= deadline:
            return found
        time.sleep(POLL_STEP_SECONDS)


def _status_now(contact: Contact) -> str:
    """The chat's status after the wait (a chat gone meanwhile counts as ended)."""
    status = Contact.objects.filter(pk=contact.pk).values_list("chat_status", flat=True).first()
    return status or ChatStatus.ENDED


def _after(request: HttpRequest) -> tuple[int, float]:
    try:
        after = int(request.GET.get("after", "0"))
        wait = float(request.GET.get("wait", "0"))
    except ValueError:
        return 0, 0.0
    return max(after, 0), max(wait, 0.0)


# --- The public's side ------------------------------------------------------------------------------------


@login_not_required
@require_http_methods(["GET", "POST"])
def chat_start(request: HttpRequest) -> HttpResponse:
    if selectors.public_line() is None:
        return render(request, "advice_line/public/unavailable.jinja")
    line = _line()
    if not selectors.is_open(line):
        return render(request, "advice_line/public/closed.jinja", {"line": line, "hours": _hours(line)})
    form = ChatStartForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        client = client_of(request)
        if over_limit(client):
            return _limited(request, line)
        contact = services.chat_open(
            line=line,
            caller_type=form.cleaned_data["caller_type"],
            caller_name=form.cleaned_data["caller_name"],
            text=form.cleaned_data["text"],
            client=client,
        )
        request.session[SESSION_KEY] = str(contact.pk)
        return redirect("advice_line_public:chat-room")
    context = {"form": form, "line": line, "hours": _hours(line)}
    return render(request, "advice_line/public/start.jinja", context, status=400 if form.errors else 200)


@login_not_required
@require_http_methods(["GET", "POST"])
def chat_room(request: HttpRequest) -> HttpResponse:
    """The caller's conversation; without JavaScript it works by sending and refreshing the page."""
    contact = _own_chat(request)
    if contact is None:
        return redirect("advice_line_public:chat")
    form = ChatSayForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        client = client_of(request)
        if over_limit(client):
            return _limited(request, contact.line)
        try:
            services.chat_caller_says(contact=contact, text=form.cleaned_data["text"], client=client)
        except services.ChatClosed:
            messages.info(request, "This chat has ended. Start a new one if you need to.")
        return redirect("advice_line_public:chat-room")
    context = {"form": form, "contact": contact, "transcript": list(contact.messages.all()), "line": contact.line}
    return render(request, "advice_line/public/room.jinja", context, status=400 if form.errors else 200)


@login_not_required
@require_GET
def chat_poll(request: HttpRequest) -> HttpResponse:
    contact = _own_chat(request)
    if contact is None:
        return JsonResponse({"error": "no chat"}, status=404)
    after, wait = _after(request)
    found = wait_for_messages(contact, after, wait)
    return JsonResponse({"messages": [as_json(m) for m in found], "status": _status_now(contact)})


@login_not_required
@require_POST
def chat_leave(request: HttpRequest) -> HttpResponse:
    contact = _own_chat(request)
    if contact is not None:
        services.chat_end(actor=None, contact=contact)
    request.session.pop(SESSION_KEY, None)
    return render(request, "advice_line/public/ended.jinja", {"line": _line()})


@login_not_required
@require_http_methods(["GET", "POST"])
def message(request: HttpRequest) -> HttpResponse:
    if selectors.public_line() is None:
        return render(request, "advice_line/public/unavailable.jinja")
    line = _line()
    form = MessageForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        client = client_of(request)
        if over_limit(client):
            return _limited(request, line)
        services.message_leave(line=line, client=client, **form.cleaned_data)
        return render(request, "advice_line/public/message_sent.jinja", {"line": line})
    context = {"form": form, "line": line, "hours": _hours(line), "is_open": selectors.is_open(line)}
    return render(request, "advice_line/public/message.jinja", context, status=400 if form.errors else 200)


# --- The adviser's side -----------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def adviser_chat(request: AuthenticatedHttpRequest, pk: uuid.UUID) -> HttpResponse:
    contact = contact_of(request, pk)
    if contact.channel != "web_chat":
        raise Http404("Not a web chat")
    form = ChatSayForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        try:
            services.chat_adviser_says(actor=request.user, contact=contact, text=form.cleaned_data["text"])
        except services.ChatClosed:
            messages.info(request, "This chat has ended.")
        return redirect("advice_line:chat", pk=contact.pk)
    if request.method == "GET":
        audit_read(request=request, obj=contact, reason="answering a web chat")
    context = {
        "form": form,
        "contact": contact,
        "transcript": list(contact.messages.all()),
        "live": contact.chat_status in {ChatStatus.WAITING, ChatStatus.ANSWERED},
    }
    return render(request, "advice_line/chat.jinja", context, status=400 if form.errors else 200)


@require_GET
def adviser_poll(request: AuthenticatedHttpRequest, pk: uuid.UUID) -> HttpResponse:
    contact = contact_of(request, pk)
    after, wait = _after(request)
    found = wait_for_messages(contact, after, wait)
    data = [{**as_json(m), "who": "Caller" if m.sender == ChatMessage.Sender.CALLER else "You"} for m in found]
    return JsonResponse({"messages": data, "status": _status_now(contact)})


@require_POST
def adviser_chat_end(request: AuthenticatedHttpRequest, pk: uuid.UUID) -> HttpResponse:
    contact = contact_of(request, pk)
    services.chat_end(actor=request.user, contact=contact)
    messages.success(request, "Chat ended. Record the advice given and any follow-up.")
    return redirect("advice_line:contact-edit", pk=contact.pk)
