"""The staff questionnaire pages of a case, a sub-page of its Assessment section: the overview (latest
scores, scores over time, red flags) and one page per instrument to record answers given by phone, video or
face to face, each item by its type (radios, or a number box for hours).

Every page gets its case through `case_page` (access.case_for, audited); recording and closing need someone
who works the case. Recording answers Post/Redirect/Gets: the POST records (and raises any red flag, its
urgent task and the message to the team lead in the same transaction) and redirects to the overview, which
shows the banner with the site's safety protocol and the task. A refresh there only reads; the same form
posted again (back and resubmit, a second click) carries the same one-off key and records nothing more.
"""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from fitforwork.accounts.models import AuthenticatedHttpRequest
from fitforwork.assessments import presenters, red_flag_selectors, safety
from fitforwork.assessments.models import QuestionnaireResponse, RedFlag
from fitforwork.assessments.services import AnswerError, AssessmentError
from fitforwork.assessments.web import instrument_view
from fitforwork.assessments.web.case_pages import case_page
from fitforwork.assessments.web.questionnaire_forms import QuestionnaireForm, RedFlagCloseForm
from fitforwork.cases.models import Case
from fitforwork.cases.web.sections import render_section

SECTION = "assessment"  # the navigation's section; the questionnaires are its sub-page
AUDITED_AS = "questionnaires"
SUBPAGE = "Questionnaires"
RAISED = "raised"  # the query parameter naming the response whose red flags the overview has just shown


def overview_page(
    request: AuthenticatedHttpRequest,
    case: Case,
    *,
    status: int = 200,
    close_forms: dict[int, RedFlagCloseForm] | None = None,
    just_raised: list[RedFlag] | None = None,
) -> HttpResponse:
    close_forms = close_forms or {}
    flags = presenters.red_flag_rows(list(red_flag_selectors.red_flag_history(case)))
    for row in flags:
        row["form"] = close_forms.get(row["flag"].pk) or RedFlagCloseForm(prefix=f"flag-{row['flag'].pk}")
    errors = [
        {"text": error, "href": f"#{form['action_taken'].auto_id}"}
        for form in close_forms.values()
        for error in form.errors.get("action_taken", [])
    ]
    return render_section(
        request,
        case,
        SECTION,
        "assessments/questionnaires/overview.jinja",
        status=status,
        subpage=SUBPAGE,
        instruments=instrument_view.overview(case),
        red_flags=flags,
        close_errors=errors,
        just_raised=just_raised or [],
    )


def _just_raised(request: AuthenticatedHttpRequest, case: Case) -> list[RedFlag]:
    """The red flags of the response the recording page has just redirected from (named in the address)."""
    try:
        response_id = uuid.UUID(request.GET.get(RAISED, ""))
    except ValueError:
        return []
    return list(RedFlag.objects.filter(case=case, response_id=response_id))


@require_GET
@case_page(AUDITED_AS)
def overview(request: AuthenticatedHttpRequest, case: Case) -> HttpResponse:
    return overview_page(request, case, just_raised=_just_raised(request, case))


def _recorded(request: AuthenticatedHttpRequest, case: Case, response: QuestionnaireResponse, title: str) -> str:
    """Where the recording page redirects: the overview, naming the response if it raised a red flag."""
    url = reverse("cases:questionnaires", args=[case.pk])
    if RedFlag.objects.filter(response=response).exists():
        return f"{url}?{RAISED}={response.pk}"
    messages.success(request, f"{title} recorded")
    return url


@require_http_methods(["GET", "POST"])
@case_page(AUDITED_AS, to_work=True)
def record(request: AuthenticatedHttpRequest, case: Case, code: str) -> HttpResponse:
    definition = instrument_view.definition(code)
    if definition is None:
        raise Http404("No such questionnaire")
    items = instrument_view.items(definition)
    form = QuestionnaireForm(request.POST if request.method == "POST" else None, items=items)
    title = instrument_view.title(definition)
    if request.method == "POST" and form.is_valid():
        try:
            response = instrument_view.record(
                case=case,
                code=code,
                answers=form.answers(),
                mode=form.cleaned_data["mode"],
                actor=request.user,
                submission=form.cleaned_data.get("submission"),
            )
        except IntegrityError:
            # The same form posted twice at once: the other request recorded it.
            return redirect(reverse("cases:questionnaires", args=[case.pk]))
        except (AnswerError, AssessmentError, ValidationError) as refused:
            form.add_error(None, str(refused))
        else:
            return redirect(_recorded(request, case, response, title))
    return render_section(
        request,
        case,
        SECTION,
        "assessments/questionnaires/record.jinja",
        status=400 if form.errors else 200,
        subpage=SUBPAGE,
        form=form,
        instrument_title=title,
        instrument_intro=instrument_view.intro(definition),
        items=[(form[item["key"]], item["kind"]) for item in items],
    )


@require_POST
@case_page(AUDITED_AS, to_work=True)
def red_flag_close(request: AuthenticatedHttpRequest, case: Case, flag_id: int) -> HttpResponse:
    try:
        flag = red_flag_selectors.red_flag_for(case, flag_id)
    except RedFlag.DoesNotExist:
        raise Http404("No such red flag") from None
    form = RedFlagCloseForm(request.POST, prefix=f"flag-{flag.pk}")
    if form.is_valid():
        try:
            safety.red_flag_close(red_flag=flag, actor=request.user, action_taken=form.cleaned_data["action_taken"])
        except ValidationError as refused:
            form.add_error("action_taken", refused.messages)
        except safety.RedFlagError as refused:
            form.add_error("action_taken", str(refused))
        else:
            messages.success(request, f"Red flag closed: {flag.label}")
            return redirect(reverse("cases:questionnaires", args=[case.pk]) + "#red-flags")
    return overview_page(request, case, status=400, close_forms={flag.pk: form})
