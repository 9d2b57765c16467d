"""The plan editor: one page for a draft version, with a form for each part (details, a recommendation for an
obstacle, a timetable entry, a week of a phased return) and a button to remove each row. Every form carries
the draft's version (ADR 0021). A snippet is inserted by following its link, which fills the recommendation
form with its text for the person to edit: no script needed.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from fitforwork.accounts.models import AuthenticatedHttpRequest, User
from fitforwork.cases import access
from fitforwork.cases.models import Case
from fitforwork.cases.rules import can_work_case
from fitforwork.cases.web.break_glass_page import offers_break_glass
from fitforwork.core.versions import StaleEdit
from fitforwork.interventions.selectors import interventions_for_case
from fitforwork.plans import selectors, services
from fitforwork.plans.documents import recommendation_text
from fitforwork.plans.models import ObstacleGroup, PlanVersion, RecommendationSnippet
from fitforwork.plans.web.forms import DetailsForm, RecommendationForm, TimetableForm, WeekForm
from fitforwork.plans.web.pages import _case_name, _version

FORMS: dict[str, type[Any]] = {
    "details": DetailsForm,
    "recommendation": RecommendationForm,
    "timetable": TimetableForm,
    "week": WeekForm,
}


def _form_kwargs(case: Case, version: PlanVersion, name: str) -> dict[str, Any]:
    if name != "recommendation":
        return {}
    obstacles = [(str(o.pk), f"{ObstacleGroup(o.group).label}: {o.label}") for o in version.obstacles.all()]
    interventions = [(str(i.pk), f"{i.name} ({i.provider})") for i in interventions_for_case(case)]
    return {"obstacles": obstacles, "interventions": interventions}


def _initial(version: PlanVersion, name: str, request: AuthenticatedHttpRequest) -> dict[str, Any]:
    initial: dict[str, Any] = {"version": version.version}
    if name == "details":
        for field in ("period_from", "period_to", "fitness", "further_help", "discussed_how", "discussed_on"):
            initial[field] = getattr(version, field) or None
    if name == "recommendation":
        snippet = RecommendationSnippet.objects.filter(
            pk=_uuid(request.GET.get("snippet")) or uuid.UUID(int=0), is_active=True
        ).first()
        obstacle = request.GET.get("obstacle", "")
        if snippet is not None:
            initial |= {
                "kind": snippet.kind,
                "adjustment": snippet.adjustment,
                "text": snippet.text,
                "obstacle": obstacle,
            }
    return initial


def _uuid(value: str | None) -> uuid.UUID | None:
    try:
        return uuid.UUID(value or "")
    except ValueError:
        return None


def _obstacle_views(version: PlanVersion, case: Case) -> list[dict[str, Any]]:
    codes = [o.code for o in version.obstacles.all()]
    snippets: dict[str, list[RecommendationSnippet]] = {}
    for snippet in selectors.snippets_for(codes):
        snippets.setdefault(snippet.obstacle_code, []).append(snippet)
    edit = reverse("cases:case-plan-edit", args=[case.pk, version.number])
    return [
        {
            "id": str(o.pk),
            "group": ObstacleGroup(o.group).label,
            "label": o.label,
            "detail": o.detail,
            "recommendations": [
                {
                    "id": str(r.pk),
                    "text": recommendation_text(
                        r.kind, r.adjustment, r.text, r.intervention.name if r.intervention else ""
                    ),
                }
                for r in o.recommendations.all()
            ],
            "snippets": [
                {"title": s.title, "text": s.text, "href": f"{edit}?obstacle={o.pk}&snippet={s.pk}#add-recommendation"}
                for s in snippets.get(o.code, [])
            ],
        }
        for o in version.obstacles.all()
    ]


def _call(name: str, data: dict[str, Any], version: PlanVersion, actor: User) -> str:
    """Call the service the form is for; the message to show."""
    common = {"version": version, "actor": actor, "expected_version": data["version"]}
    if name == "details":
        services.version_update(
            **common,
            period_from=data["period_from"],
            period_to=data["period_to"],
            fitness=data["fitness"] or "",
            further_help=data["further_help"],
            discussed_how=data["discussed_how"] or "",
            discussed_on=data["discussed_on"],
        )
        return "Plan details saved"
    if name == "recommendation":
        obstacle = version.obstacles.get(pk=data["obstacle"])
        intervention = None
        if data.get("intervention"):
            intervention = interventions_for_case(_case(version)).filter(pk=data["intervention"]).first()
        services.recommendation_add(
            **common,
            obstacle=obstacle,
            kind=data["kind"],
            adjustment=data.get("adjustment") or "",
            text=data["text"],
            intervention=intervention,
        )
        return "Recommendation added"
    if name == "timetable":
        services.timetable_add(**common, what=data["what"], starts_on=data["starts_on"], ends_on=data["ends_on"])
        return "Added to the timetable"
    services.phased_week_set(**common, week=data["week"], hours=data["hours"], days=data["days"], note=data["note"])
    return f"Week {data['week']} of the phased return saved"


def _case(version: PlanVersion) -> Case:
    return Case.objects.select_related("site").get(pk=version.plan.case_id)


def _remove(request: AuthenticatedHttpRequest, version: PlanVersion, action: str) -> str:
    expected = int(request.POST.get("version") or 0) or None
    if action == "remove_recommendation":
        row = version.recommendations.get(pk=str(_uuid(request.POST.get("row"))))
        services.recommendation_remove(
            version=version, actor=request.user, expected_version=expected, recommendation=row
        )
        return "Recommendation removed"
    if action == "remove_timetable":
        entry = version.timetable.get(pk=int(request.POST.get("row") or 0))
        services.timetable_remove(version=version, actor=request.user, expected_version=expected, entry=entry)
        return "Removed from the timetable"
    week = int(request.POST.get("row") or 0)
    services.phased_week_remove(version=version, actor=request.user, expected_version=expected, week=week)
    return f"Week {week} removed"


@require_http_methods(["GET", "POST"])
@offers_break_glass
def plan_edit(request: AuthenticatedHttpRequest, case_id: uuid.UUID, number: int) -> HttpResponse:
    case = access.case_for(request, case_id, section="plan")
    version = _version(case, number)
    if version.is_agreed:
        messages.info(request, f"Version {number} is agreed, so it cannot change. Make a new draft from it to edit.")
        return redirect("cases:case-plan-version", case_id=case.pk, number=number)
    action = request.POST.get("action", "") if request.method == "POST" else ""
    forms = {
        name: cls(initial=_initial(version, name, request), **_form_kwargs(case, version, name))
        for name, cls in FORMS.items()
    }
    failed, error = None, ""
    if action in FORMS:
        form = FORMS[action](request.POST, **_form_kwargs(case, version, action))
        if form.is_valid():
            try:
                messages.success(request, _call(action, form.cleaned_data, version, request.user))
            except (services.PlanError, StaleEdit) as refused:
                error = str(refused)
            else:
                return redirect("cases:case-plan-edit", case_id=case.pk, number=number)
        forms[action], failed = form, form
    elif action.startswith("remove_"):
        try:
            messages.success(request, _remove(request, version, action))
        except (services.PlanError, StaleEdit) as refused:
            error = str(refused)
        except (
            ValueError,
            ValidationError,
            version.recommendations.model.DoesNotExist,
            version.timetable.model.DoesNotExist,
        ):
            error = "That row is no longer in the plan. Check the plan and try again"
        else:
            return redirect("cases:case-plan-edit", case_id=case.pk, number=number)
    version = _version(case, number)
    return render(
        request,
        "plans/edit.jinja",
        {
            "case": case,
            "case_name": _case_name(case),
            "case_href": reverse("cases:case-plan", args=[case.pk]),
            "version": version,
            "obstacles": _obstacle_views(version, case),
            "timetable": list(version.timetable.all()),
            "weeks": list(version.phased_weeks.all()),
            "forms": forms,
            "form": failed,
            "error": error,
            "can_work": can_work_case(request.user, case),
            "view_href": reverse("cases:case-plan-version", args=[case.pk, number]),
            "agree_href": reverse("cases:case-plan-agree", args=[case.pk, number]),
        },
        status=400 if (error or failed is not None) else 200,
    )
