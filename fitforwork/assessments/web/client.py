"""The client's questionnaire pages, opened from a single-use link with no sign-in (ADR 0024).

The token in the address is the only key. An unknown, expired or used token gets one and the same plain
page, which says nothing about whose link it was. Answers are kept on each page, so opening the link again
resumes at the first question not yet answered. CSRF protection stays on: the forms carry the token.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from fitforwork.assessments import link_services, registry
from fitforwork.assessments.definitions import InstrumentDefinition
from fitforwork.assessments.models import QuestionnaireLink, QuestionnaireResponse
from fitforwork.assessments.models.links import token_hash
from fitforwork.assessments.services import AssessmentError
from fitforwork.assessments.web.client_forms import (
    QuestionPageForm,
    answer_words,
    asked_items,
    field_kind,
    first_unanswered_page,
    pages,
)

NEXT = "questionnaire_next"  # where the urgent-help page continues to, kept in the session
SENT = "questionnaire_sent"  # the hash of the link this browser has just used up, for a second click on Send
SECONDS_PER_QUESTION = 20


def unavailable(request: HttpRequest, token: str = "") -> HttpResponse:
    """The one page for an unknown, expired or used link: what to do, and nothing about anyone. The browser
    that has just sent the last answers (a second click on Send, say) goes to the confirmation instead."""
    if token and request.method == "POST" and request.session.get(SENT) == token_hash(token):
        return redirect("questionnaire:done")
    return render(request, "assessments/client/unavailable.jinja", {}, status=404)


def _definition(
    link: QuestionnaireLink, code: str, responses: dict[str, QuestionnaireResponse]
) -> InstrumentDefinition:
    response = responses.get(code)
    if response is not None:
        return registry.definition_get(code, response.instrument_version)
    return registry.definition_get(code)


def _answers(responses: dict[str, QuestionnaireResponse], code: str) -> dict[str, Any]:
    response = responses.get(code)
    return dict(response.answers) if response is not None else {}


def _page_url(token: str, code: str, number: int, *, change: bool = False) -> str:
    url = reverse("questionnaire:question", args=[token, code, number])
    return f"{url}?change=1" if change else url


def _check_url(token: str, code: str) -> str:
    return reverse("questionnaire:check", args=[token, code])


def _resume_url(token: str, link: QuestionnaireLink, responses: dict[str, QuestionnaireResponse]) -> str:
    """The first questionnaire not yet sent: its first unanswered page, else its check page."""
    for code in link.instrument_codes:
        response = responses.get(code)
        if response is not None and response.status == QuestionnaireResponse.Status.COMPLETED:
            continue
        definition = _definition(link, code, responses)
        number = first_unanswered_page(definition, _answers(responses, code))
        return _check_url(token, code) if number is None else _page_url(token, code, number)
    return reverse("questionnaire:done")


def _open(request: HttpRequest, token: str) -> tuple[QuestionnaireLink, dict[str, QuestionnaireResponse]] | None:
    link = link_services.link_from_token(token)
    if link is None:
        return None
    link_services.link_opened(link=link, request=request)
    return link, link_services.link_responses(link)


def _minutes(definitions: list[InstrumentDefinition]) -> int:
    questions = sum(len(d.items) for d in definitions)
    return max(1, round(questions * SECONDS_PER_QUESTION / 60))


@login_not_required
@never_cache
@require_GET
def start(request: HttpRequest, token: str) -> HttpResponse:
    opened = _open(request, token)
    if opened is None:
        return unavailable(request, token)
    link, responses = opened
    if any(response.answers for response in responses.values()):
        return redirect(_resume_url(token, link, responses))
    definitions = [_definition(link, code, responses) for code in link.instrument_codes]
    context = {
        "questionnaires": [d.short_title or d.title for d in definitions],
        "question_count": sum(len(d.items) for d in definitions),
        "minutes": _minutes(definitions),
        "first": _resume_url(token, link, responses),
    }
    return render(request, "assessments/client/start.jinja", context)


def _position(link: QuestionnaireLink, code: str) -> dict[str, Any]:
    codes = link.instrument_codes
    return {"number": codes.index(code) + 1, "count": len(codes)}


@login_not_required
@never_cache
@require_http_methods(["GET", "POST"])
def question(request: HttpRequest, token: str, code: str, number: int) -> HttpResponse:
    opened = _open(request, token)
    if opened is None or code not in opened[0].instrument_codes:
        return unavailable(request, token)
    link, responses = opened
    response = responses.get(code)
    if response is not None and response.status == QuestionnaireResponse.Status.COMPLETED:
        return redirect(_resume_url(token, link, responses))
    definition = _definition(link, code, responses)
    answers = _answers(responses, code)
    all_pages = pages(definition, answers)
    if not 1 <= number <= len(all_pages):
        return redirect(_resume_url(token, link, responses))
    items = all_pages[number - 1]
    change = request.GET.get("change") == "1"
    if request.method == "POST":
        form = QuestionPageForm(request.POST, items=items)
        if form.is_valid():
            try:
                saved = link_services.link_answer(link=link, instrument_code=code, answers=form.answers())
            except AssessmentError:
                return unavailable(request, token)
            following = first_unanswered_page(definition, saved.answers)
            if change or following is None:
                return redirect(_check_url(token, code))
            next_number = number + 1 if number < len(pages(definition, saved.answers)) else following
            return redirect(_page_url(token, code, next_number))
    else:
        form = QuestionPageForm(initial={item.id: answers.get(item.id) for item in items}, items=items)
    if change:
        back = _check_url(token, code)
    elif number > 1:
        back = _page_url(token, code, number - 1)
    else:
        back = reverse("questionnaire:start", args=[token])
    one_question = definition.one_question_per_page
    context = {
        "form": form,
        "fields": [(form[item.id], field_kind(item)) for item in items],
        "definition": definition,
        "title": items[0].text if one_question else definition.title,
        "one_question": one_question,
        "progress": f"Question {number} of {len(all_pages)}" if one_question else f"{len(items)} questions",
        "questionnaire": _position(link, code),
        "back": back,
    }
    return render(request, "assessments/client/question.jinja", context, status=400 if form.errors else 200)


@login_not_required
@never_cache
@require_http_methods(["GET", "POST"])
def check(request: HttpRequest, token: str, code: str) -> HttpResponse:
    opened = _open(request, token)
    if opened is None or code not in opened[0].instrument_codes:
        return unavailable(request, token)
    link, responses = opened
    response = responses.get(code)
    if response is None or response.status == QuestionnaireResponse.Status.COMPLETED:
        return redirect(_resume_url(token, link, responses))
    definition = _definition(link, code, responses)
    answers = dict(response.answers)
    if first_unanswered_page(definition, answers) is not None:
        return redirect(_resume_url(token, link, responses))
    if request.method == "POST":
        try:
            completed = link_services.link_submit(link=link, instrument_code=code, request=request)
        except AssessmentError:
            return unavailable(request, token)
        responses[code] = completed
        if link.used_at is not None:
            request.session[SENT] = token_hash(token)
        following = _resume_url(token, link, responses) if link.used_at is None else reverse("questionnaire:done")
        if link_services.raised_red_flag(completed):
            request.session[NEXT] = following
            return redirect("questionnaire:urgent-help")
        return redirect(following)
    rows = []
    for number, page in enumerate(pages(definition, answers), start=1):
        for item in page:
            rows.append(
                (item.text, answer_words(item, answers.get(item.id)), _page_url(token, code, number, change=True))
            )
    context = {
        "definition": definition,
        "rows": rows,
        "questionnaire": _position(link, code),
        "is_last": sum(
            1
            for c in link.instrument_codes
            if c != code and (responses.get(c) is None or responses[c].status != QuestionnaireResponse.Status.COMPLETED)
        )
        == 0,
        "back": _page_url(token, code, len(pages(definition, answers))),
        "count": len(asked_items(definition, answers)),
    }
    return render(request, "assessments/client/check.jinja", context)


@login_not_required
@never_cache
@require_GET
def urgent_help(request: HttpRequest) -> HttpResponse:
    """Where to get urgent help, shown first after a questionnaire that raised a red flag."""
    following = str(request.session.get(NEXT) or "")
    if not following.startswith("/questionnaire/"):
        following = reverse("questionnaire:done")
    return render(request, "assessments/client/urgent_help.jinja", {"next": following})


@login_not_required
@never_cache
@require_GET
def done(request: HttpRequest) -> HttpResponse:
    request.session.pop(NEXT, None)
    return render(request, "assessments/client/done.jinja", {})
