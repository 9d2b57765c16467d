"""Refer yourself: one question a page, answers kept in the session, check your answers, then intake."""

from __future__ import annotations

import time
import uuid
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from fitforwork.referrals.intake import ReferralRefused, referral_receive
from fitforwork.referrals.models import Channel
from fitforwork.referrals.selectors import site_for_referral
from fitforwork.referrals.self_referral.forms import (
    PAGE_BY_SLUG,
    PAGES,
    WORK_DETAIL_PAGES,
    QuestionForm,
    bound_form,
    field_kind,
    first_unanswered,
    page_sequence,
    parse_answers,
)
from fitforwork.referrals.self_referral.limits import client_of, over_limit, send_record

JOURNEY = "self_referral"
DONE = "self_referral_done"
DONE_SHOWN_FOR_SECONDS = 30 * 60
REFUSED = "self_referral_refused"
IDEMPOTENCY_SCOPE = "self"
# The longest answer kept for any field: the longest question takes 1,000 characters.
ANSWER_MAX_CHARS = 2000


def _journey(request: HttpRequest) -> dict[str, Any]:
    """This person's answers so far and the token that makes submitting twice give one referral."""
    journey: dict[str, Any] = request.session.get(JOURNEY) or {}
    if "token" not in journey:
        journey = {"token": uuid.uuid4().hex, "answers": {}}
        request.session[JOURNEY] = journey
        request.session.pop(DONE, None)
    return journey


def _question_url(slug: str, *, change: bool = False) -> str:
    url = reverse(f"self_referral:{slug}")
    return f"{url}?change=1" if change else url


@login_not_required
def start(request: HttpRequest) -> HttpResponse:
    return render(request, "referrals/self/start.jinja", {"first": _question_url(PAGES[0].slug)})


@login_not_required
@require_http_methods(["GET", "POST"])
def question(request: HttpRequest, slug: str) -> HttpResponse:
    journey = _journey(request)
    answers = journey["answers"]
    # A work page that does not fit the answer about work is still shown if asked for, but never sent.
    sequence = page_sequence(answers) if slug in page_sequence(answers) else [*page_sequence(answers), slug]
    change = request.GET.get("change") == "1"
    # A search, never kept: a hidden NUL pasted into it is dropped rather than searched for.
    extra = {"query": request.GET.get("q", "").replace("\x00", "")} if slug == "gp-practice" else {}
    if request.method == "POST" and _too_big(request):
        return _too_big_page(request, _question_url(slug, change=change))
    if request.method == "POST":
        form = PAGE_BY_SLUG[slug].form_class(data=request.POST, answers=answers, **extra)
        if form.is_valid() and _within_cap(form):
            answers[slug] = form.own_data()  # only this page's own fields, each no longer than ANSWER_MAX_CHARS
            if slug == "work":
                for stale in WORK_DETAIL_PAGES - set(page_sequence(answers)):
                    answers.pop(stale, None)
            request.session.modified = True
            if (
                slug == "postcode"
                and site_for_referral(gp_practice=None, postcode=form.cleaned_data["postcode"]) is None
            ):
                return redirect(_question_url("outside-area", change=change))  # the area check, straight away
            return redirect(_next_url(slug, answers, change=change))
    else:
        form = bound_form(slug, answers, **extra)
    index = sequence.index(slug)
    back = reverse("self_referral:check") if change else (_question_url(sequence[index - 1]) if index else None)
    fields = [(field, field_kind(field)) for field in form]
    context = {"form": form, "fields": fields, "back": back or reverse("self_referral:start"), "slug": slug}
    return render(request, "referrals/self/question.jinja", context)


@login_not_required
def outside_area(request: HttpRequest) -> HttpResponse:
    """Straight after the postcode: we do not cover it, where to look instead, and going on if the practice is ours."""
    answers = _journey(request)["answers"]
    change = request.GET.get("change") == "1"
    context = {
        "postcode": answers.get("postcode", {}).get("postcode", ""),
        "find_a_service_url": settings.FIND_A_SERVICE_URL,
        "continue_url": _next_url("postcode", answers, change=change) if "postcode" in answers else None,
        "back": _question_url("postcode", change=change),
    }
    return render(request, "referrals/self/outside_area.jinja", context)


def _too_big(request: HttpRequest) -> bool:
    return int(request.META.get("CONTENT_LENGTH") or 0) > settings.PUBLIC_FORM_MAX_BYTES


def _too_big_page(request: HttpRequest, back: str) -> HttpResponse:
    return _message(
        request,
        title="What you sent is too long",
        text="Your answers on that page were longer than we can take. Go back and shorten them.",
        button=("Go back", back),
        status=413,
    )


def _within_cap(form: QuestionForm) -> bool:
    """No answer kept is longer than ANSWER_MAX_CHARS, whatever the field (a tick box's value too)."""
    for key, value in form.own_data().items():
        if isinstance(value, str) and len(value) > ANSWER_MAX_CHARS:
            name = key if key in form.fields else next(n for n in form.fields if key.startswith(n))
            form.add_error(name, f"{form.fields[name].label} must be {ANSWER_MAX_CHARS} characters or fewer")
    return not form.errors


def _next_url(slug: str, answers: dict[str, Any], *, change: bool) -> str:
    missing = first_unanswered(answers)
    if change or missing is None:
        return _question_url(missing, change=change) if missing else reverse("self_referral:check")
    sequence = page_sequence(answers)
    position = sequence.index(slug) if slug in sequence else -1
    if position < 0 or position + 1 >= len(sequence):
        return _question_url(missing)
    return _question_url(sequence[position + 1])


@login_not_required
@require_http_methods(["GET", "POST"])
def check(request: HttpRequest) -> HttpResponse:
    if request.method == "POST" and not request.session.get(JOURNEY) and request.session.get(DONE):
        return redirect("self_referral:confirmation")  # submitted already: the same referral, not another
    journey = _journey(request)
    answers = journey["answers"]
    missing = first_unanswered(answers)
    if missing is not None:
        return _message(
            request,
            title="You have not answered all the questions yet",
            text="Answer the rest of the questions, then you can check your answers and send your referral.",
            button=("Continue your referral", _question_url(missing)),
        )
    if request.method == "POST":
        if _too_big(request):
            return _too_big_page(request, reverse("self_referral:check"))
        client = client_of(request)
        if over_limit(client):
            return _message(
                request,
                title="You cannot send another referral now",
                text="We have had too many referrals from this internet connection in the last hour. "
                "Try again in an hour, or contact us by phone or email.",
                button=("Contact us", reverse("core:contact")),
                status=429,
            )
        send_record(client=client)
        return _submit(request, journey)
    sections: list[tuple[str, str, str]] = []
    for slug in page_sequence(answers):
        form = bound_form(slug, answers)
        form.is_valid()
        sections.extend((label, value, _question_url(slug, change=True)) for label, value in form.summary())
    return render(request, "referrals/self/check.jinja", {"rows": sections, "back": _question_url("consent")})


def _submit(request: HttpRequest, journey: dict[str, Any]) -> HttpResponse:
    answers = journey["answers"]
    try:
        referral = referral_receive(
            channel=Channel.SELF_FORM,
            # Each page's own answers only, even from a journey begun before pages kept nothing else.
            payload={
                "answers": {slug: bound_form(slug, answers).own_data() for slug in answers if slug in PAGE_BY_SLUG}
            },
            parse=parse_answers,
            idempotency_scope=IDEMPOTENCY_SCOPE,
            idempotency_key=journey["token"],
        )
    except ReferralRefused as refused:
        # The submission is kept as received; a corrected one is a new submission with a new token.
        journey["token"] = uuid.uuid4().hex
        request.session[JOURNEY] = journey
        request.session[REFUSED] = [error.message for error in refused.errors]
        return redirect("self_referral:refused")
    request.session[DONE] = {
        "reference": referral.reference,
        "eligible": referral.eligible,
        "reasons": [failure["message"] for failure in referral.eligibility_failures],
        "site": referral.site.name,
        "at": time.time(),
    }
    request.session.pop(JOURNEY, None)
    request.session.pop(REFUSED, None)
    return redirect("self_referral:confirmation")


@login_not_required
def confirmation(request: HttpRequest) -> HttpResponse:
    done = request.session.get(DONE)
    if done and time.time() - done.get("at", 0) > DONE_SHOWN_FOR_SECONDS:
        request.session.pop(DONE, None)  # a shared computer's next user must not see it
        done = None
    if not done:
        return _not_sent(request)
    return render(request, "referrals/self/confirmation.jinja", {"done": done})


@login_not_required
def refused(request: HttpRequest) -> HttpResponse:
    reasons = request.session.get(REFUSED)
    if not reasons:
        return _not_sent(request)
    return render(request, "referrals/self/refused.jinja", {"reasons": reasons})


def _not_sent(request: HttpRequest) -> HttpResponse:
    return _message(
        request,
        title="You have not sent a referral yet",
        text="Your referral is sent when you choose \u201cSend referral\u201d after checking your answers.",
        button=("Refer yourself", reverse("self_referral:start")),
    )


def _message(
    request: HttpRequest, *, title: str, text: str, button: tuple[str, str], status: int = 200
) -> HttpResponse:
    context = {"title": title, "text": text, "button_text": button[0], "button_href": button[1]}
    return render(request, "referrals/self/message.jinja", context, status=status)
