"""Every write on the advice line: contacts, follow-ups, web chats, snippets and topics, each audited."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from fitforwork.accounts.models import User
from fitforwork.advice_line.models import (
    DEFAULT_TOPICS,
    AdviceLine,
    CallerType,
    Channel,
    ChatMessage,
    ChatStatus,
    Contact,
    FollowUp,
    Snippet,
    Topic,
)
from fitforwork.advice_line.rules import can_use_line
from fitforwork.core.audit.services import audit_record
from fitforwork.core.calendar import add_working_days
from fitforwork.organisations.models import Organisation
from fitforwork.referrals import intake
from fitforwork.referrals.inputs import ReferralInput
from fitforwork.referrals.models import Channel as ReferralChannel
from fitforwork.referrals.models import Referral

CONTACT_FIELDS = (
    "channel",
    "caller_type",
    "caller_name",
    "caller_phone",
    "caller_email",
    "organisation",
    "organisation_name",
    "size_band",
    "nation",
    "advice",
)


class ChatClosed(Exception):
    """A message sent to a chat that has ended."""


def _ensure_line(actor: User, line: AdviceLine) -> None:
    if not can_use_line(actor, line):
        raise PermissionDenied("Only the advice line's advisers and team lead can do this.")


def _details(fields: dict[str, Any]) -> dict[str, Any]:
    organisation: Organisation | None = fields.get("organisation")
    values = {name: fields.get(name) or "" for name in CONTACT_FIELDS if name != "organisation"}
    values["organisation"] = organisation
    if organisation is not None:
        values["organisation_name"] = ""  # the directory's name is the one shown
        values["size_band"] = values["size_band"] or organisation.size_band
    return values


def _follow_up(*, actor: User, contact: Contact, description: str, working_days: int | None) -> FollowUp | None:
    if not description or working_days is None:
        return None
    start = timezone.localdate(contact.contacted_at)
    follow_up = FollowUp(
        contact=contact,
        owner=actor,
        description=description,
        due_on=add_working_days(start, working_days, contact.nation or contact.line.nation),
    )
    follow_up.stamp(actor)
    follow_up.save(force_insert=True)
    audit_record(
        actor=actor, action="advice_line.follow_up.promised", obj=follow_up, data={"due_on": str(follow_up.due_on)}
    )
    return follow_up


@transaction.atomic
def contact_log(
    *,
    actor: User,
    line: AdviceLine,
    topics: Iterable[Topic] = (),
    follow_up: str = "",
    follow_up_days: int | None = None,
    **fields: Any,
) -> Contact:
    """Log a call, chat or email as the adviser talks; a promised follow-up becomes the adviser's task."""
    _ensure_line(actor, line)
    contact = Contact(line=line, adviser=actor, **_details(fields))
    _save(actor, contact, topics, "logged", follow_up, follow_up_days, {"channel": contact.channel}, insert=True)
    return contact


@transaction.atomic
def contact_update(
    *,
    actor: User,
    contact: Contact,
    topics: Iterable[Topic] = (),
    follow_up: str = "",
    follow_up_days: int | None = None,
    **fields: Any,
) -> Contact:
    """Record what a chat or a left message was about, and the advice given, once the adviser has answered it."""
    _ensure_line(actor, contact.line)
    channel = contact.channel
    for name, value in _details(fields).items():
        setattr(contact, name, value)
    contact.channel = channel  # a chat stays a chat
    if contact.adviser_id is None:
        contact.adviser = actor
    _save(actor, contact, topics, "updated", follow_up, follow_up_days, None, insert=False)
    return contact


def _save(
    actor: User,
    contact: Contact,
    topics: Iterable[Topic],
    verb: str,
    follow_up: str,
    follow_up_days: int | None,
    data: dict[str, Any] | None,
    *,
    insert: bool,
) -> None:
    """Save a contact with its topics, audit it as `verb`, and make the follow-up the adviser promised."""
    contact.stamp(actor)
    contact.save(force_insert=insert)
    contact.topics.set(list(topics))
    audit_record(actor=actor, action=f"advice_line.contact.{verb}", obj=contact, data=data)
    _follow_up(actor=actor, contact=contact, description=follow_up, working_days=follow_up_days)


@transaction.atomic
def follow_up_complete(*, actor: User, follow_up: FollowUp) -> FollowUp:
    """Mark a promised follow-up done; doing it twice changes nothing."""
    _ensure_line(actor, follow_up.contact.line)
    if follow_up.done_at is None:
        follow_up.done_at = timezone.now()
        follow_up.stamp(actor)
        follow_up.save(update_fields=["done_at", "modified_by", "modified_at"])
        audit_record(actor=actor, action="advice_line.follow_up.done", obj=follow_up)
    return follow_up


def contact_refer(
    *, actor: User, contact: Contact, payload: dict[str, Any], parse: Callable[[Any], ReferralInput]
) -> Referral:
    """Turn a contact into a referral for an employee through the referral intake every channel uses, then link it.

    The intake stores the submission first and may refuse it (ReferralRefused, with field errors)."""
    _ensure_line(actor, contact.line)
    if contact.referral_id is not None:
        return contact.referral  # type: ignore[return-value]
    referral = intake.referral_receive(
        channel=ReferralChannel.ADVICE_LINE,
        payload=payload,
        parse=parse,
        submitted_by=actor,
        idempotency_scope=f"advice_line:{contact.pk}",
        idempotency_key=str(payload.get("idempotency_key") or contact.pk),
    )
    _link_referral(actor=actor, contact=contact, referral=referral)
    return referral


@transaction.atomic
def _link_referral(*, actor: User, contact: Contact, referral: Referral) -> None:
    Contact.objects.filter(pk=contact.pk).update(referral=referral, modified_by=actor, modified_at=timezone.now())
    contact.referral = referral
    audit_record(actor=actor, action="advice_line.contact.referred", obj=contact, data={"referral": str(referral.pk)})


# --- Web chat -------------------------------------------------------------------------------------------


@transaction.atomic
def chat_open(*, line: AdviceLine, caller_type: str, caller_name: str, text: str, client: str) -> Contact:
    """A member of the public opens a chat in opening hours; it waits for an adviser."""
    contact = Contact(
        line=line,
        channel=Channel.WEB_CHAT,
        caller_type=caller_type or CallerType.OTHER,
        caller_name=caller_name,
        chat_status=ChatStatus.WAITING,
    )
    contact.save(force_insert=True)
    ChatMessage.objects.create(contact=contact, sender=ChatMessage.Sender.CALLER, text=text, client=client)
    audit_record(actor=None, action="advice_line.chat.opened", obj=contact)
    return contact


@transaction.atomic
def message_leave(
    *,
    line: AdviceLine,
    caller_type: str,
    caller_name: str,
    caller_phone: str,
    caller_email: str,
    text: str,
    client: str,
) -> Contact:
    """Outside opening hours (or without JavaScript) a caller leaves a message for an adviser to answer."""
    contact = Contact(
        line=line,
        channel=Channel.WEB_CHAT,
        caller_type=caller_type or CallerType.OTHER,
        caller_name=caller_name,
        caller_phone=caller_phone,
        caller_email=caller_email,
        chat_status=ChatStatus.MESSAGE,
    )
    contact.save(force_insert=True)
    ChatMessage.objects.create(contact=contact, sender=ChatMessage.Sender.CALLER, text=text, client=client)
    audit_record(actor=None, action="advice_line.message.left", obj=contact)
    return contact


@transaction.atomic
def chat_caller_says(*, contact: Contact, text: str, client: str) -> ChatMessage:
    if contact.chat_status not in {ChatStatus.WAITING, ChatStatus.ANSWERED}:
        raise ChatClosed("This chat has ended.")
    return ChatMessage.objects.create(contact=contact, sender=ChatMessage.Sender.CALLER, text=text, client=client)


@transaction.atomic
def chat_adviser_says(*, actor: User, contact: Contact, text: str) -> ChatMessage:
    """The adviser answers; the first answer takes the chat."""
    _ensure_line(actor, contact.line)
    if contact.chat_status not in {ChatStatus.WAITING, ChatStatus.ANSWERED}:
        raise ChatClosed("This chat has ended.")
    if contact.chat_status == ChatStatus.WAITING or contact.adviser_id is None:
        contact.chat_status = ChatStatus.ANSWERED
        contact.adviser = actor
        contact.stamp(actor)
        contact.save(update_fields=["chat_status", "adviser", "modified_by", "modified_at"])
        audit_record(actor=actor, action="advice_line.chat.answered", obj=contact)
    return ChatMessage.objects.create(contact=contact, sender=ChatMessage.Sender.ADVISER, author=actor, text=text)


@transaction.atomic
def chat_end(*, actor: User | None, contact: Contact) -> Contact:
    """End a live chat (the adviser, or the caller with actor None); the transcript stays on the contact."""
    if actor is not None:
        _ensure_line(actor, contact.line)
    if contact.chat_status in {ChatStatus.WAITING, ChatStatus.ANSWERED}:
        contact.chat_status = ChatStatus.ENDED
        contact.stamp(actor)
        contact.save(update_fields=["chat_status", "modified_by", "modified_at"])
        audit_record(actor=actor, action="advice_line.chat.ended", obj=contact)
    return contact


# --- What administrators keep ------------------------------------------------------------------------------

SNIPPET_FIELDS = ("topic", "title", "text", "guidance_url", "is_active")
TOPIC_FIELDS = ("name", "position", "is_active")


@transaction.atomic
def snippet_save(*, actor: User, snippet: Snippet | None = None, **fields: Any) -> Snippet:
    """Add a snippet, or change one (every field at once, as the form sends them)."""
    creating = snippet is None
    snippet = snippet or Snippet()
    for name in SNIPPET_FIELDS:
        setattr(snippet, name, fields[name])
    snippet.stamp(actor)
    snippet.save()
    audit_record(actor=actor, action="advice_line.snippet." + ("added" if creating else "changed"), obj=snippet)
    return snippet


@transaction.atomic
def topics_ensure() -> int:
    """Add any of the starting topics that are missing (the demo, and a database emptied by tests); return how many."""
    existing = set(Topic.objects.values_list("name", flat=True))
    missing = [
        Topic(name=name, position=position)
        for position, name in enumerate(DEFAULT_TOPICS, start=1)
        if name not in existing
    ]
    Topic.objects.bulk_create(missing)
    return len(missing)


@transaction.atomic
def topic_save(*, actor: User, topic: Topic | None = None, **fields: Any) -> Topic:
    creating = topic is None
    topic = topic or Topic()
    for name in TOPIC_FIELDS:
        setattr(topic, name, fields[name])
    topic.stamp(actor)
    topic.save()
    audit_record(actor=actor, action="advice_line.topic." + ("added" if creating else "changed"), obj=topic)
    return topic
