"""Reads for the advice line, scoped to the lines the reader works on."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from django.db.models import Q, QuerySet
from django.utils import timezone

from fitforwork.accounts.models import User
from fitforwork.advice_line.models import AdviceLine, ChatMessage, ChatStatus, Contact, FollowUp, OpeningHours, Snippet
from fitforwork.advice_line.rules import lines_for
from fitforwork.organisations.models import Organisation

FIND_LIMIT = 50


def contacts_visible_to(user: User) -> QuerySet[Contact]:
    """Every contact on the reader's lines, with what a list shows."""
    return Contact.objects.filter(line__in=lines_for(user)).select_related(
        "line", "adviser", "organisation", "referral"
    )


def contact_for(user: User, pk: uuid.UUID) -> Contact | None:
    return contacts_visible_to(user).filter(pk=pk).first()


def contacts_find(user: User, query: str) -> list[Contact]:
    """Earlier contacts whose organisation, phone number or caller's name holds the words searched for."""
    query = query.strip()
    if not query:
        return []
    digits = "".join(ch for ch in query if ch.isdigit())
    where = (
        Q(organisation__name__icontains=query) | Q(organisation_name__icontains=query) | Q(caller_name__icontains=query)
    )
    if len(digits) >= 4:
        where |= Q(caller_phone__icontains=digits) | Q(caller_phone__icontains=query)
    return list(contacts_visible_to(user).filter(where).order_by("-contacted_at", "-id")[:FIND_LIMIT])


def follow_ups_open(user: User) -> QuerySet[FollowUp]:
    """The follow-ups the user owns and has not done, soonest due first."""
    return (
        FollowUp.objects.filter(owner=user, done_at__isnull=True, contact__line__in=lines_for(user))
        .select_related("contact", "contact__organisation")
        .order_by("due_on", "created_at")
    )


def chats_live(user: User) -> QuerySet[Contact]:
    """Web chats waiting for an adviser, and those answered but not ended, oldest first."""
    return (
        contacts_visible_to(user)
        .filter(chat_status__in=[ChatStatus.WAITING, ChatStatus.ANSWERED])
        .order_by("contacted_at")
    )


def messages_left(user: User) -> QuerySet[Contact]:
    """Messages left outside opening hours that no adviser has yet taken."""
    return (
        contacts_visible_to(user).filter(chat_status=ChatStatus.MESSAGE, adviser__isnull=True).order_by("contacted_at")
    )


def messages_after(contact: Contact, after: int) -> list[ChatMessage]:
    return list(ChatMessage.objects.filter(contact=contact, id__gt=after).order_by("id"))


def snippets_active() -> QuerySet[Snippet]:
    return Snippet.objects.filter(is_active=True, topic__is_active=True).select_related("topic")


def employers_directory() -> QuerySet[Organisation]:
    return Organisation.objects.filter(kind=Organisation.Kind.EMPLOYER, is_active=True).order_by("name")


def public_line() -> AdviceLine | None:
    """The line the public chat page offers (the first by name: a service has one line in practice)."""
    return AdviceLine.objects.order_by("name").first()


def is_open(line: AdviceLine, at: datetime | None = None) -> bool:
    """Whether the line's web chat is open at this moment, by its weekly hours in local time."""
    moment = timezone.localtime(at or timezone.now())
    return OpeningHours.objects.filter(
        line=line, weekday=moment.weekday(), opens__lte=moment.time(), closes__gt=moment.time()
    ).exists()


def overdue(follow_up: FollowUp, today: date | None = None) -> bool:
    return follow_up.done_at is None and follow_up.due_on < (today or timezone.localdate())
