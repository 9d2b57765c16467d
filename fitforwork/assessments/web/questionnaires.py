"""The staff questionnaire pages of a case: the overview (latest scores, scores over time, red flags) and one
page per instrument to record answers given by phone, video or face to face.

Every page gets its case through `access.case_for` (audited); recording and closing need someone who works
the case. Recording a response that raises a red flag answers with the overview at once, its banner showing
the site's safety protocol and the urgent task, so whoever recorded it sees it in that same response.
"""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from fitforwork.accounts.models import AuthenticatedHttpRequest
from fitforwork.assessments import presenters, red_flag_selectors, safety
from fitforwork.assessments.models import RedFlag
from fitforwork.assessments.web import instrument_view
from fitforwork.assessments.web.questionnaire_forms import QuestionnaireForm, RedFlagCloseForm
from fitforwork.cases import access
from fitforwork.cases.models import Case
from fitforwork.cases.rules import can_work_case
from fitforwork.cases.web.break_glass_page import offers_break_glass
from fitforwork.cases.web.sections import render_section

SECTION = "questionnaires"


def _case_to_work(request: AuthenticatedHttpRequest, case_id: uuid.UUID) -> Case:
    case = access.case_for(request, case_id, section=SECTION)
    if not can_work_case(request.user, case):
        raise PermissionDenied("Only the case's own team can record answers or close a red flag.")
    return case


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
        instruments=instrument_view.overview(case),
        red_flags=flags,
        close_errors=errors,
        just_raised=just_raised or [],
    )


@require_GET
@offers_break_glass
def overview(request: AuthenticatedHttpRequest, case_id: uuid.UUID) -> HttpResponse:
    return overview_page(request, access.case_for(request, case_id, section=SECTION))


@require_http_methods(["GET", "POST"])
@offers_break_glass
def record(request: AuthenticatedHttpRequest, case_id: uuid.UUID, code: str) -> HttpResponse:
    case = _case_to_work(request, case_id)
    definition = instrument_view.definition(code)
    if definition is None:
        raise Http404("No such questionnaire")
    items = instrument_view.items(definition)
    form = QuestionnaireForm(request.POST if request.method == "POST" else None, items=items)
    if request.method == "POST" and form.is_valid():
        response = instrument_view.record(
            case=case, code=code, answers=form.answers(), mode=form.cleaned_data["mode"], actor=request.user
        )
        raised = list(RedFlag.objects.filter(response=response))
        title = instrument_view.title(definition)
        if raised:
            # The same response shows the banner and the task: nobody has to notice a message on a later page.
            return overview_page(request, case, just_raised=raised)
        messages.success(request, f"{title} recorded")
        return redirect(reverse("cases:questionnaires", args=[case.pk]))
    return render_section(
        request,
        case,
        SECTION,
        "assessments/questionnaires/record.jinja",
        status=400 if form.errors else 200,
        form=form,
        instrument_title=instrument_view.title(definition),
        instrument_intro=instrument_view.intro(definition),
        items=[form[item["key"]] for item in items],
    )


@require_POST
@offers_break_glass
def red_flag_close(request: AuthenticatedHttpRequest, case_id: uuid.UUID, flag_id: int) -> HttpResponse:
    case = _case_to_work(request, case_id)
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
