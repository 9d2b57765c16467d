"""Sending a questionnaire link and answering through it (ADR 0024).

A staff member sends a single-use link by email or text through the outbox; the client opens it with no
sign-in, answers, and each questionnaire is completed (and scored, with its red-flag hook) as they submit it.
The link is used up when its last questionnaire is submitted, or when it expires. Writes are one
transaction each and audited; a client's own actions are audited with no actor.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from fitforwork.accounts.models import User
from fitforwork.assessments import registry
from fitforwork.assessments import services as response_services
from fitforwork.assessments.models import QuestionnaireLink, QuestionnaireResponse
from fitforwork.assessments.models.links import token_hash, token_new
from fitforwork.cases.models import Case
from fitforwork.cases.rules import ensure_can_work_case
from fitforwork.core.audit.services import audit_record
from fitforwork.core.outbox.services import message_enqueue

LINK_TEMPLATE = "questionnaire_link"
DEFAULT_LINK_DAYS = 14


def link_days() -> int:
    """How many days a link works: FFW_QUESTIONNAIRE_LINK_DAYS, 14 unless set."""
    return int(getattr(settings, "FFW_QUESTIONNAIRE_LINK_DAYS", DEFAULT_LINK_DAYS))


def contact_for(case: Case, channel: str) -> str:
    """The person's email address or mobile number on record for the channel, or "" when there is none."""
    person = case.person
    return (person.email if channel == QuestionnaireLink.Channel.EMAIL else person.phone).strip()


@transaction.atomic
def link_send(
    *,
    case: Case,
    instrument_codes: list[str],
    channel: str,
    actor: User,
    link_for: Callable[[str], str],
    request: HttpRequest | None = None,
) -> QuestionnaireLink:
    """Make a link for the questionnaires, in order, and queue the message carrying it to the client.

    `link_for(token)` gives the full address of the client's start page. Raises ValidationError when the
    person has no email address (or mobile number) on record, or a code is not a questionnaire we have;
    PermissionDenied when the actor is not one of those who work the case.
    """
    ensure_can_work_case(actor, case)
    channel = QuestionnaireLink.Channel(channel)
    if not instrument_codes:
        raise ValidationError("Select at least one questionnaire", code="no_instruments")
    titles = []
    for code in instrument_codes:
        try:
            titles.append(registry.definition_get(code).title)
        except registry.UnknownInstrument:
            raise ValidationError(f"There is no questionnaire {code!r}", code="unknown_instrument") from None
    recipient = contact_for(case, channel)
    if not recipient:
        what = "an email address" if channel == QuestionnaireLink.Channel.EMAIL else "a mobile number"
        raise ValidationError(
            f"There is no {what.split(' ', 1)[1]} on record for this person. Add {what} to their contact "
            "details, or choose another way to send the link",
            code="no_contact",
        )
    token = token_new()
    now = timezone.now()
    link = QuestionnaireLink.objects.create(
        case=case,
        instrument_codes=list(instrument_codes),
        token_hash=token_hash(token),
        channel=channel,
        sent_to=recipient,
        sent_by=actor,
        created_at=now,
        expires_at=now + timedelta(days=link_days()),
    )
    contact = settings.SERVICE_CONTACT
    message_enqueue(
        channel=channel,
        template_id=str(settings.NOTIFY_TEMPLATES.get(LINK_TEMPLATE, LINK_TEMPLATE)),
        template_name=LINK_TEMPLATE,
        recipient=recipient,
        personalisation={
            "first_name": case.person.preferred_name or case.person.given_name,
            "link": link_for(token),
            "questionnaires": ", ".join(titles),
            "expires_on": timezone.localtime(link.expires_at).strftime("%-d %B %Y"),
            "service_phone": contact["phone"],
            "service_email": contact["email"],
        },
        reference=f"questionnaire-link:{link.pk}",
        actor=actor,
    )
    audit_record(
        actor=actor,
        action="assessments.link.sent",
        obj=case,
        data={"link": link.pk, "instruments": list(instrument_codes), "channel": str(channel)},
        request=request,
    )
    return link


def link_from_token(token: str) -> QuestionnaireLink | None:
    """The link a token opens, or None when it is unknown, expired or used (the caller shows one page for all)."""
    if not token or len(token) > 100:
        return None
    link = QuestionnaireLink.objects.select_related("case", "case__person").filter(token_hash=token_hash(token)).first()
    if link is None or not link.usable:
        return None
    return link


@transaction.atomic
def link_opened(*, link: QuestionnaireLink, request: HttpRequest | None = None) -> None:
    """Record the first opening of the link (later openings are not audited again)."""
    if link.opened_at is not None:
        return
    link.opened_at = timezone.now()
    link.save(update_fields=["opened_at"])
    audit_record(actor=None, action="assessments.link.opened", obj=link.case, data={"link": link.pk}, request=request)


def link_responses(link: QuestionnaireLink) -> dict[str, QuestionnaireResponse]:
    """The responses the link has made so far, by instrument code."""
    return {response.instrument_code: response for response in link.responses.all()}


@transaction.atomic
def link_answer(*, link: QuestionnaireLink, instrument_code: str, answers: Mapping[str, Any]) -> QuestionnaireResponse:
    """Keep answers given on one page, starting the response on the first. Refuses a used or expired link."""
    locked = QuestionnaireLink.objects.select_for_update().get(pk=link.pk)
    if not locked.usable or instrument_code not in locked.instrument_codes:
        raise response_services.AssessmentError("This link can no longer be used")
    response = link_responses(locked).get(instrument_code)
    if response is not None and response.status == QuestionnaireResponse.Status.COMPLETED:
        raise response_services.AssessmentError("This questionnaire has already been sent")
    saved = response_services.response_save_partial(
        case=locked.case,
        instrument_code=instrument_code,
        answers=answers,
        actor=None,
        mode=QuestionnaireResponse.Mode.CLIENT_ONLINE,
        response=response,
    )
    if response is None:
        locked.responses.add(saved)
    return saved


@transaction.atomic
def link_submit(
    *, link: QuestionnaireLink, instrument_code: str, request: HttpRequest | None = None
) -> QuestionnaireResponse:
    """Complete one questionnaire (scored, its red flags raised in the same transaction). Submitting the last
    one uses the link up."""
    locked = QuestionnaireLink.objects.select_for_update().get(pk=link.pk)
    if not locked.usable or instrument_code not in locked.instrument_codes:
        raise response_services.AssessmentError("This link can no longer be used")
    responses = link_responses(locked)
    response = responses.get(instrument_code)
    if response is None:
        raise response_services.AssessmentError("Answer the questions before sending them")
    completed = response_services.response_complete(response=response, actor=None)
    responses[instrument_code] = completed
    done = all(
        code in responses and responses[code].status == QuestionnaireResponse.Status.COMPLETED
        for code in locked.instrument_codes
    )
    if done:
        locked.used_at = timezone.now()
        locked.save(update_fields=["used_at"])
    audit_record(
        actor=None,
        action="assessments.link.submitted",
        obj=locked.case,
        data={"link": locked.pk, "instrument": instrument_code, "response": completed.pk, "link_used": done},
        request=request,
    )
    link.used_at = locked.used_at
    return completed


def raised_red_flag(response: QuestionnaireResponse) -> bool:
    """Whether the completed response raised a red flag (such as PHQ-9 item 9 above 0)."""
    if not response.flags:
        return False
    definition = registry.definition_get(response.instrument_code, response.instrument_version)
    red = {flag.code for flag in definition.flags if flag.severity == "red"}
    return bool(red.intersection(response.flags))
