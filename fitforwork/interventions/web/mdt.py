"""The multidisciplinary team pages of a case: its care team, MDT discussion notes and onward referrals, and
the record's "Team and interventions" section. They live in interventions, which sits above cases.

Every page gets its case through `access.case_for`, which audits the read; someone with no relationship
to the case is sent to the case page, which offers break-glass. Services check who may write.
"""

from __future__ import annotations

import functools
import uuid
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from fitforwork.accounts.models import AuthenticatedHttpRequest, User
from fitforwork.cases import access, mdt
from fitforwork.cases.models import CareTeamMember, Case
from fitforwork.cases.web.break_glass_page import offers_break_glass
from fitforwork.cases.web.sections import render_section
from fitforwork.core.presenters import date_long
from fitforwork.interventions import presenters as intervention_presenters
from fitforwork.interventions import selectors as intervention_selectors
from fitforwork.interventions import services as intervention_services
from fitforwork.interventions.models import OnwardReferral
from fitforwork.interventions.web.mdt_forms import (
    CareTeamAddForm,
    MdtNoteForm,
    OnwardReferralMoveForm,
    OnwardReferralRequestForm,
)

CaseView = Callable[..., HttpResponse]


def with_case(view: CaseView) -> CaseView:
    """Give the view its case through case_for; with no relationship, go to the case page (break-glass)."""

    @functools.wraps(view)
    def wrapped(request: AuthenticatedHttpRequest, case_id: uuid.UUID, **kwargs: Any) -> HttpResponse:
        try:
            case = access.case_for(request, case_id)
        except access.BreakGlassNeeded:
            try:
                return redirect(reverse("cases:case", args=[case_id]))
            except NoReverseMatch:
                raise Http404("No such case") from None
        return view(request, case, **kwargs)

    return wrapped


def _user_name(user: User) -> str:
    return user.get_full_name() or user.email


def _case_href(case: Case) -> str:
    """The case's own page, where this build has one."""
    try:
        return reverse("cases:case", args=[case.pk])
    except NoReverseMatch:
        return ""


def _care_team_rows(members: list[CareTeamMember]) -> list[dict[str, Any]]:
    return [
        {
            "member": member,
            "name": _user_name(member.user),
            "discipline": member.get_discipline_display(),
            "added": f"Added {date_long(timezone.localdate(member.added_at))} by {_user_name(member.added_by)}",
        }
        for member in members
    ]


def _render(request: AuthenticatedHttpRequest, template: str, case: Case, **context: Any) -> HttpResponse:
    form = context.get("form")
    failed = bool(context.get("error")) or bool(form is not None and form.errors)
    context.update(
        {
            "case": case,
            "case_name": f"{case.person.given_name} {case.person.family_name}",
            "case_href": _case_href(case),
        }
    )
    return render(request, template, context, status=400 if failed else 200)


@require_http_methods(["GET", "POST"])
@with_case
def care_team(request: AuthenticatedHttpRequest, case: Case) -> HttpResponse:
    can_manage = mdt.can_manage_care_team(request.user, case)
    candidates = list(mdt.care_team_candidates(case)) if can_manage else []
    known = mdt.known_disciplines(candidates)
    form = CareTeamAddForm(candidates=candidates, known=known)
    error = ""
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied("Only the case manager or a team lead in the case's team can change its care team.")
        try:
            if request.POST.get("action") == "remove":
                member_id = request.POST.get("member", "")
                if not member_id.isdigit():
                    raise Http404("No such member of this care team")
                member = get_object_or_404(CareTeamMember, pk=int(member_id), case=case)
                mdt.care_team_remove(member=member, actor=request.user)
                messages.success(request, f"{_user_name(member.user)} has left the care team")
                return redirect("cases:care-team", case_id=case.pk)
            form = CareTeamAddForm(request.POST, candidates=candidates, known=known)
            if form.is_valid():
                member = mdt.care_team_add(
                    case=case, user=form.chosen_user(), discipline=form.cleaned_data["discipline"], actor=request.user
                )
                messages.success(request, f"{_user_name(member.user)} added to the care team")
                return redirect("cases:care-team", case_id=case.pk)
        except mdt.CareTeamError as refused:
            error = str(refused)
    members = list(mdt.care_team_current(case))
    return _render(
        request,
        "cases/mdt/care_team.jinja",
        case,
        form=form,
        error=error,
        can_manage=can_manage and case.is_open,
        members=_care_team_rows(members),
    )


@require_http_methods(["GET", "POST"])
@with_case
def mdt_notes(request: AuthenticatedHttpRequest, case: Case) -> HttpResponse:
    can_write = mdt.has_working_relationship(request.user, case)
    form = MdtNoteForm()
    error = ""
    if request.method == "POST":
        form = MdtNoteForm(request.POST)
        if form.is_valid():
            try:
                mdt.mdt_note_add(case=case, actor=request.user, **form.cleaned_data)
                messages.success(request, "MDT note added")
                return redirect("cases:mdt-notes", case_id=case.pk)
            except mdt.CareTeamError as refused:
                error = str(refused)
    notes = list(mdt.mdt_notes_for_case(case))
    return _render(request, "cases/mdt/mdt_notes.jinja", case, form=form, error=error, can_write=can_write, notes=notes)


@require_http_methods(["GET", "POST"])
@with_case
def onward_referrals(request: AuthenticatedHttpRequest, case: Case) -> HttpResponse:
    can_refer = mdt.has_working_relationship(request.user, case) and case.is_open
    interventions = list(intervention_selectors.interventions_for_case(case))
    form = OnwardReferralRequestForm(interventions=interventions)
    error = ""
    if request.method == "POST":
        form = OnwardReferralRequestForm(request.POST, interventions=interventions)
        if form.is_valid():
            try:
                onward = intervention_services.onward_referral_request(
                    case=case,
                    intervention=form.chosen_intervention(),
                    actor=request.user,
                    requested_on=form.cleaned_data["requested_on"],
                    note=form.cleaned_data["note"],
                )
                messages.success(request, f"Referral to {onward.intervention.name} requested")
                return redirect("cases:onward-referrals", case_id=case.pk)
            except intervention_services.OnwardReferralError as refused:
                error = str(refused)
    referrals = list(intervention_selectors.onward_referrals_for_case(case))
    timing = intervention_selectors.referral_to_first_intervention(Case.objects.filter(pk=case.pk)).first()
    return _render(
        request,
        "interventions/onward_referrals.jinja",
        case,
        form=form,
        error=error,
        can_refer=can_refer,
        can_move=mdt.has_working_relationship(request.user, case),
        rows=[
            (onward, intervention_presenters.status_tag(onward), intervention_presenters.step_dates(onward))
            for onward in referrals
        ],
        options=intervention_presenters.intervention_options(interventions),
        first_intervention=intervention_presenters.first_intervention_text(timing),
    )


@require_http_methods(["GET", "POST"])
@with_case
def onward_referral_update(request: AuthenticatedHttpRequest, case: Case, referral_id: uuid.UUID) -> HttpResponse:
    onward = get_object_or_404(OnwardReferral.objects.select_related("intervention"), pk=referral_id, case=case)
    if not mdt.has_working_relationship(request.user, case):
        raise PermissionDenied("Only the people working on this case can update its onward referrals.")
    if not intervention_services.ALLOWED_MOVES[onward.status]:
        messages.success(
            request, f"The referral to {onward.intervention.name} is {onward.get_status_display().lower()}"
        )
        return redirect("cases:onward-referrals", case_id=case.pk)
    form = OnwardReferralMoveForm(request.POST or None, onward_referral=onward)
    error = ""
    if request.method == "POST" and form.is_valid():
        try:
            moved = intervention_services.onward_referral_move(
                onward_referral=onward,
                to=form.cleaned_data["to"],
                actor=request.user,
                on=form.cleaned_data["on"],
                reason=form.cleaned_data["reason"],
            )
            messages.success(request, f"Referral to {moved.intervention.name} now {moved.get_status_display().lower()}")
            return redirect("cases:onward-referrals", case_id=case.pk)
        except intervention_services.OnwardReferralError as refused:
            error = str(refused)
    return _render(
        request,
        "interventions/onward_referral_update.jinja",
        case,
        form=form,
        error=error,
        onward=onward,
        rows=intervention_presenters.onward_referral_summary(onward),
    )


@require_GET
@offers_break_glass
def team_section(request: AuthenticatedHttpRequest, case_id: uuid.UUID) -> HttpResponse:
    """The record's "Team and interventions" section: who is in the care team, the latest MDT discussion and
    the onward referrals, each with a link to its own page."""
    case = access.case_for(request, case_id, section="team")
    notes = list(mdt.mdt_notes_for_case(case)[:1])
    referrals = list(intervention_selectors.onward_referrals_for_case(case))
    return render_section(
        request,
        case,
        "team",
        "interventions/team_section.jinja",
        members=_care_team_rows(list(mdt.care_team_current(case))),
        latest_note=notes[0] if notes else None,
        referrals=[(onward, intervention_presenters.status_tag(onward)) for onward in referrals],
    )
