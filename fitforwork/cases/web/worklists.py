"""The work lists: a case manager's caseload and tasks, a team lead's team view, reallocation and cover."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from fitforwork.accounts.models import AuthenticatedHttpRequest, Role
from fitforwork.cases import allocation, selectors, services
from fitforwork.cases.access import BREAK_GLASS_ROLES, CASE_TEAM_ROLES
from fitforwork.cases.models import Case, CaseStatus, Task
from fitforwork.cases.pagination import SortKey, page_links, paginate
from fitforwork.cases.web.worklist_forms import (
    CaseloadFilterForm,
    CoverForm,
    ReallocateForm,
    TaskFilterForm,
    TeamFilterForm,
    page_size,
)
from fitforwork.core.audit.services import audit_record
from fitforwork.core.reads import read_in_one_transaction
from fitforwork.core.versions import StaleEdit

PAGE_SIZE = 25
DEFAULT_CONTACT_WEEKS = 6
TASK_VIEWS = {"all": "All tasks", "due_today": "Due today", "due_soon": "Due soon", "breached": "Past due date"}
STATUS_TAGS = {
    CaseStatus.REFERRED: "nhsuk-tag--blue",
    CaseStatus.CONTACTED: "nhsuk-tag--aqua-green",
    CaseStatus.ASSESSED: "nhsuk-tag--purple",
    CaseStatus.PLAN_AGREED: "nhsuk-tag--green",
    CaseStatus.ACTIVE_SUPPORT: "nhsuk-tag--green",
    CaseStatus.DISCHARGED: "nhsuk-tag--grey",
}

STATUS_TAG_PARAMS = {
    status: {"text": CaseStatus(status).label, "classes": classes} for status, classes in STATUS_TAGS.items()
}
PLACEHOLDER = uuid.UUID(int=0)


def _href_maker(name: str) -> Any:
    """A function from a case id to the URL `name` gives it, reversing once per page instead of once per row;
    one that gives "" when there is no such URL (yet)."""
    try:
        template = reverse(name, args=[PLACEHOLDER])
    except NoReverseMatch:
        return lambda case_id: ""
    return lambda case_id: template.replace(str(PLACEHOLDER), str(case_id))


def status_tag(case: Case) -> dict[str, str]:
    return {"text": case.get_status_display(), "classes": STATUS_TAGS[CaseStatus(case.status)]}


def _page_size(request: AuthenticatedHttpRequest) -> int:
    try:
        return int(request.GET.get("size", PAGE_SIZE))
    except ValueError:
        return PAGE_SIZE


def _ensure_case_staff(request: AuthenticatedHttpRequest) -> None:
    if request.user.role not in CASE_TEAM_ROLES:
        raise PermissionDenied("Only case managers and team leads have a caseload.")


def _ensure_team_lead(request: AuthenticatedHttpRequest) -> None:
    if request.user.role != Role.TEAM_LEAD or request.user.site_id is None:
        raise PermissionDenied("Only team leads can see the team view.")


def _audit_list(request: AuthenticatedHttpRequest, action: str, case_ids: list[Any]) -> None:
    """A list of names is identifiable too: one event records who saw which cases."""
    if case_ids:
        data = {"path": request.path, "cases": sorted({str(case_id) for case_id in case_ids})}
        audit_record(actor=request.user, action=action, data=data, request=request)


def _case_list(request: AuthenticatedHttpRequest, cases: Any, *, action: str, **text: Any) -> HttpResponse:
    """One page of open cases, oldest first, with the read audited; `text` adds the page's wording."""
    page = paginate(
        cases,
        keys=[SortKey("opened_at")],
        after=request.GET.get("after", ""),
        before=request.GET.get("before", ""),
        size=_page_size(request),
    )
    _audit_list(request, action, [case.pk for case in page.items])
    href = _href_maker("cases:case")
    context = {
        "rows": [(case, href(case.pk)) for case in page.items],
        "pagination": page_links(page, request.GET),
        "tag_params": STATUS_TAG_PARAMS,
        **text,
    }
    return render(request, "cases/worklists/caseload.jinja", context)


def contact_weeks(user: Any) -> int:
    """The user's site's contact interval: a case with no contact for longer is "not contacted"."""
    return user.site.contact_interval_weeks if user.site_id else DEFAULT_CONTACT_WEEKS


@require_GET
@read_in_one_transaction
def caseload(request: AuthenticatedHttpRequest) -> HttpResponse:
    _ensure_case_staff(request)
    weeks = contact_weeks(request.user)
    form = CaseloadFilterForm(request.GET or None, contact_weeks=weeks)
    since = selectors.contact_due_before(weeks)
    filters, sort = form.filters(not_contacted_since=since) if request.GET else (selectors.ListFilters(), "opened")
    page = paginate(
        selectors.caseload(request.user, filters),
        keys=[SortKey(selectors.CASE_LIST_SORTS[sort])],
        after=request.GET.get("after", ""),
        before=request.GET.get("before", ""),
        size=page_size(form) if request.GET else PAGE_SIZE,
    )
    _audit_list(request, "cases.caseload.listed", [case.pk for case in page.items])
    href = _href_maker("cases:case")
    context = {
        "form": form,
        "rows": [(case, href(case.pk)) for case in page.items],
        "pagination": page_links(page, request.GET),
        "tag_params": STATUS_TAG_PARAMS,
        "filtered": bool(request.GET),
        "contact_since": since,
    }
    return render(request, "cases/worklists/my_caseload.jinja", context)


@require_GET
@read_in_one_transaction
def care_team_cases(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The cases a practitioner (or anyone on the clinical staff) is part of as a member of their care team."""
    if request.user.role not in BREAK_GLASS_ROLES:
        raise PermissionDenied("Only the service's clinical staff are in care teams.")
    return _case_list(
        request,
        selectors.care_team_cases(request.user),
        action="cases.care_team_cases.listed",
        heading="Cases you are part of",
        intro="The open cases whose care team you are in, oldest first.",
        empty="You are not in the care team of any open case.",
    )


@require_GET
@read_in_one_transaction
def my_tasks(request: AuthenticatedHttpRequest) -> HttpResponse:
    _ensure_case_staff(request)
    view = request.GET.get("view", "all")
    view = view if view in TASK_VIEWS else "all"
    form = TaskFilterForm(request.GET)
    chosen = form.choices()
    tasks = selectors.task_view(
        selectors.my_tasks(request.user), view, status=chosen["status"], risk=chosen["risk"], kind=chosen["kind"]
    )
    page: Any = paginate(
        tasks,
        keys=[SortKey(selectors.TASK_SORTS[chosen["sort"]])],
        after=request.GET.get("after", ""),
        before=request.GET.get("before", ""),
        size=page_size(form),
    )
    items: list[Task] = page.items
    href = _href_maker("cases:case")
    _audit_list(request, "cases.tasks.listed", [task.case_id for task in items])
    kept: dict[str, str] = {
        name: str(value) for name, value in request.GET.items() if name not in ("after", "before", "view") and value
    }
    context = {
        "form": form,
        "rows": [(task, href(task.case_id)) for task in items],
        "pagination": page_links(page, request.GET),
        "views": {key: (label, "?" + urlencode({**kept, "view": key})) for key, label in TASK_VIEWS.items()},
        "view": view,
        "tag_params": STATUS_TAG_PARAMS,
        "this_list": request.get_full_path(),
        "filtered": bool(set(kept) - {"size"}),
    }
    return render(request, "cases/worklists/my_tasks.jinja", context)


def _back_to_list(request: AuthenticatedHttpRequest) -> str:
    """The filtered task list the form was posted from (a path of this service only)."""
    target = request.POST.get("next", "")
    default = reverse("cases:my-tasks")
    if target.startswith(default) and url_has_allowed_host_and_scheme(target, {request.get_host()}):
        return target
    return default


@require_POST
def complete_task(request: AuthenticatedHttpRequest, task_id: uuid.UUID) -> HttpResponse:
    """Complete a task from the task list, then go back to the same filtered list."""
    _ensure_case_staff(request)
    task = selectors.my_tasks(request.user).filter(pk=task_id).first()
    if task is None:
        raise Http404("No such open task in your tasks")
    if task.kind == Task.Kind.RED_FLAG:
        # Done only by closing the red flag with what was done (assessments.safety.red_flag_close).
        messages.error(request, "Close the red flag on the case, saying what was done: that completes its task")
        return redirect(_back_to_list(request))
    try:
        services.task_complete(task=task, actor=request.user)
    except services.CaseError as error:
        messages.error(request, str(error))
    else:
        name = f"{task.case.person.given_name} {task.case.person.family_name}"
        messages.success(request, f"Task \u2018{task.title}\u2019 for {name} completed")
    return redirect(_back_to_list(request))


@require_GET
@read_in_one_transaction
def team(request: AuthenticatedHttpRequest) -> HttpResponse:
    _ensure_team_lead(request)
    team_ids = list(request.user.teams.values_list("pk", flat=True))
    managers = list(selectors.team_case_managers(request.user, team_ids))
    form = TeamFilterForm(request.GET or None, case_managers=managers)
    filters, sort = form.filters() if request.GET else (selectors.TeamFilters(), "opened")
    page = paginate(
        selectors.team_cases(request.user, filters, team_ids=team_ids),
        keys=[SortKey(selectors.TEAM_SORTS[sort])],
        after=request.GET.get("after", ""),
        before=request.GET.get("before", ""),
        size=page_size(form) if request.GET else PAGE_SIZE,
    )
    _audit_list(request, "cases.team.listed", [case.pk for case in page.items])
    href, reallocate = _href_maker("cases:case"), _href_maker("cases:reallocate")
    context = {
        "form": form,
        "rows": [(case, href(case.pk), reallocate(case.pk)) for case in page.items],
        "tag_params": STATUS_TAG_PARAMS,
        "pagination": page_links(page, request.GET),
        "managers": managers,
        "filtered": bool(request.GET),
        "caseload_limit": request.user.site.caseload_limit if request.user.site else 0,
    }
    return render(request, "cases/worklists/team.jinja", context)


def _team_case(request: AuthenticatedHttpRequest, case_id: uuid.UUID) -> Case:
    case = selectors.team_cases(request.user).filter(pk=case_id).select_related("person", "site").first()
    if case is None:
        raise Http404("No such case in your teams")
    return case


@require_http_methods(["GET", "POST"])
def reallocate(request: AuthenticatedHttpRequest, case_id: uuid.UUID) -> HttpResponse:
    _ensure_team_lead(request)
    case = _team_case(request, case_id)
    managers = [user for user in selectors.site_case_managers(case.site_id) if user.pk != case.case_manager_id]
    form = ReallocateForm(request.POST or None, case_managers=managers, initial={"version": case.version})
    status = 400
    if request.method == "POST" and form.is_valid():
        try:
            allocation.case_allocate(
                case=case,
                to_user=form.case_managers[form.cleaned_data["to_user"]],
                actor=request.user,
                reason=form.cleaned_data["reason"],
                expected_version=form.cleaned_data["version"],
            )
        except StaleEdit as refused:
            case = _team_case(request, case_id)
            managers = [user for user in selectors.site_case_managers(case.site_id) if user.pk != case.case_manager_id]
            form = ReallocateForm(
                case_managers=managers, initial={"reason": form.cleaned_data["reason"], "version": case.version}
            )
            form.cleaned_data = {}  # an unbound form, re-shown at the case as it is now, with the refusal
            form.add_error(None, str(refused))
            status = 409
        except allocation.AllocationError as error:
            form.add_error(None, str(error))
        else:
            name = form.case_managers[form.cleaned_data["to_user"]].get_full_name()
            messages.success(
                request, f"Case for {case.person.given_name} {case.person.family_name} reallocated to {name}"
            )
            return redirect("cases:team")
    audit_record(actor=request.user, action="cases.case.viewed", obj=case, data={"path": request.path}, request=request)
    context = {"case": case, "form": form, "status": status_tag(case)}
    return render(request, "cases/worklists/reallocate.jinja", context, status=status if form.errors else 200)


@require_http_methods(["GET", "POST"])
def cover(request: AuthenticatedHttpRequest) -> HttpResponse:
    _ensure_team_lead(request)
    managers = list(selectors.site_case_managers(request.user.site_id))
    form = CoverForm(request.POST or None, case_managers=managers)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            delegation = allocation.delegation_add(
                from_user=form.case_managers[data["from_user"]],
                to_user=form.case_managers[data["to_user"]],
                starts_on=data["starts_on"],
                ends_on=data["ends_on"],
                reason=data["reason"],
                actor=request.user,
            )
        except allocation.AllocationError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                f"{delegation.to_user.get_full_name()} will cover {delegation.from_user.get_full_name()}'s cases",
            )
            return redirect("cases:cover")
    context = {"form": form, "delegations": selectors.cover_at_site(request.user)}
    return render(request, "cases/worklists/cover.jinja", context, status=400 if form.errors else 200)


@require_POST
def cover_cancel(request: AuthenticatedHttpRequest, delegation_id: int) -> HttpResponse:
    _ensure_team_lead(request)
    delegation = next((item for item in selectors.cover_at_site(request.user) if item.pk == delegation_id), None)
    if delegation is None:
        raise Http404("No such cover at your site")
    try:
        allocation.delegation_cancel(delegation=delegation, actor=request.user)
    except allocation.AllocationError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, "Cover cancelled")
    return redirect("cases:cover")
