"""The administration index, staff and teams: list, add a team member, deactivate, add a team."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_http_methods

from fitforwork.accounts.models import STAFF_ROLES, AuthenticatedHttpRequest, User
from fitforwork.administration import services
from fitforwork.administration.forms import DeactivateForm, StaffAddForm, TeamForm, apply_errors
from fitforwork.administration.pages import person_name, render_page
from fitforwork.administration.rules import administrators_only
from fitforwork.organisations import services as organisation_services
from fitforwork.organisations.models import Team


@administrators_only
def index(request: AuthenticatedHttpRequest) -> HttpResponse:
    return render_page(request, "index.jinja")


@administrators_only
def staff_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    staff = (
        User.objects.filter(role__in=STAFF_ROLES)
        .select_related("site")
        .prefetch_related("teams")
        .order_by("last_name", "first_name", "email")
    )
    return render_page(request, "staff_list.jinja", staff=staff)


@administrators_only
@require_http_methods(["GET", "POST"])
def staff_add(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = StaffAddForm(request.POST if request.method == "POST" else None, initial={"team": request.GET.get("team")})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            member = services.staff_add(actor=request.user, base_url=request.build_absolute_uri("/"), **data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(
                request,
                f"{person_name(member)} added to {data['team'].name}. We have emailed them a link to set a password.",
            )
            return redirect("administration:team", team_id=data["team"].pk)
    return render_page(request, "staff_add.jinja", form=form, days=services.invitation_days())


@administrators_only
@require_http_methods(["GET", "POST"])
def staff_member(request: AuthenticatedHttpRequest, user_id: uuid.UUID) -> HttpResponse:
    member = get_object_or_404(User.objects.filter(role__in=STAFF_ROLES), pk=user_id)
    form = DeactivateForm(request.POST if request.method == "POST" else None)
    error = ""
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "reactivate":
                services.staff_reactivate(actor=request.user, user=member)
                messages.success(request, f"{person_name(member)} can sign in again")
                return redirect("administration:staff-member", user_id=member.pk)
            if action == "reinvite":
                services.staff_reinvite(actor=request.user, user=member, base_url=request.build_absolute_uri("/"))
                messages.success(request, f"We have emailed {member.email} a new link to set a password")
                return redirect("administration:staff-member", user_id=member.pk)
            if form.is_valid():
                services.staff_deactivate(actor=request.user, user=member, reason=form.cleaned_data["reason"])
                messages.success(request, f"{person_name(member)} can no longer sign in")
                return redirect("administration:staff-member", user_id=member.pk)
        except ValidationError as refused:
            if hasattr(refused, "error_dict"):
                apply_errors(form, refused)
            else:
                error = " ".join(refused.messages)
    return render_page(
        request,
        "staff_member.jinja",
        member=member,
        form=form,
        error=error,
        is_self=member.pk == request.user.pk,
        invited=not member.has_usable_password(),
    )


@administrators_only
@require_http_methods(["GET", "POST"])
def teams(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = TeamForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            team = organisation_services.team_create(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, f"{team.name} added to {team.site.name}")
            return redirect("administration:team", team_id=team.pk)
    rows = (
        Team.objects.select_related("site")
        .annotate(active_members=Count("members", filter=Q(members__is_active=True)))
        .order_by("site__name", "name")
    )
    return render_page(request, "teams.jinja", teams=rows, form=form)


@administrators_only
def team(request: AuthenticatedHttpRequest, team_id: uuid.UUID) -> HttpResponse:
    found = get_object_or_404(Team.objects.select_related("site"), pk=team_id)
    members = found.members.order_by("-is_active", "last_name", "first_name")
    return render_page(request, "team.jinja", team=found, members=members)
