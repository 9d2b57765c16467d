"""Signing in and out, two-factor authentication, forgotten passwords, and each role's home page."""

from __future__ import annotations

import base64
import time
from io import BytesIO
from typing import Any

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import url_has_allowed_host_and_scheme, urlsafe_base64_encode
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import login as otp_login

from fitforwork.accounts import services
from fitforwork.accounts.forms import ForgottenPasswordForm, NewPasswordForm, SignInForm, TokenForm
from fitforwork.accounts.middleware import SIGNED_IN_AT, TIMED_OUT
from fitforwork.accounts.models import AuthenticatedHttpRequest, User
from fitforwork.accounts.presenters import HOME_PAGE_LINKS, HOME_PAGE_TEXT, HOME_URL_NAMES
from fitforwork.accounts.selectors import account_is_locked, user_from_link
from fitforwork.core.audit.services import audit_record

TIMEOUT_MESSAGES = {
    "idle": "You were signed out because you had not done anything for 30 minutes.",
    "absolute": "You were signed out because you had been signed in for 12 hours.",
}


def _safe_next(request: HttpRequest, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return default


@login_not_required
@require_http_methods(["GET", "POST"])
def sign_in(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("accounts:home")
    if request.method == "POST" and account_is_locked(email=request.POST.get("username", "")):
        return locked_out(request)
    form = SignInForm(request, data=request.POST or None)
    if request.method == "POST" and form.is_valid() and form.user is not None:
        login(request, form.user, backend="django.contrib.auth.backends.ModelBackend")
        request.session[SIGNED_IN_AT] = time.time()
        audit_record(actor=form.user, action="accounts.sign_in", obj=form.user, request=request)
        return HttpResponseRedirect(_safe_next(request, reverse("accounts:home")))
    timed_out = request.session.pop(TIMED_OUT, None)
    return render(
        request,
        "accounts/sign_in.jinja",
        {
            "form": form,
            "next": _safe_next(request, ""),
            "timeout_message": TIMEOUT_MESSAGES.get(timed_out or ""),
        },
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
def two_factor(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    device = services.confirmed_device(user=user)
    if device is None:
        return redirect("accounts:two-factor-setup")
    form = TokenForm(device, data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        otp_login(request, device)
        audit_record(actor=user, action="accounts.two_factor_verified", obj=user, request=request)
        return HttpResponseRedirect(_safe_next(request, reverse("accounts:home")))
    return render(
        request,
        "accounts/two_factor.jinja",
        {"form": form, "next": _safe_next(request, "")},
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
def two_factor_setup(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    if services.confirmed_device(user=user) is not None:
        return redirect("accounts:two-factor")
    device = services.pending_device(user=user)
    form = TokenForm(device, data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.device_confirm(device=device, actor=user)
        otp_login(request, device)
        return HttpResponseRedirect(_safe_next(request, reverse("accounts:home")))
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    buffer = BytesIO()
    image.save(buffer)
    context: dict[str, Any] = {
        "form": form,
        "next": _safe_next(request, ""),
        "qr_data_uri": "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode(),
        "secret": services.readable_secret(device),
    }
    return render(request, "accounts/two_factor_setup.jinja", context, status=400 if form.errors else 200)


# Signing out takes a POST from the header's sign-out button, whose form carries no CSRF token.
# The session cookie is SameSite=Lax, so another site cannot post here with it: no forced sign-out.
@csrf_exempt
@login_not_required
@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    user = request.user
    if isinstance(user, User):
        audit_record(actor=user, action="accounts.sign_out", obj=user, request=request)
    logout(request)
    return redirect("accounts:signed-out")


@login_not_required
def signed_out(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/signed_out.jinja")


def home(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Send each person to their own role's home page."""
    url_name = HOME_URL_NAMES.get(request.user.role)
    if url_name is None:
        raise PermissionDenied("This account has no role. Ask an administrator to give it one.")
    return redirect(url_name)


def role_home(request: AuthenticatedHttpRequest, role: str) -> HttpResponse:
    if request.user.role != role:
        raise PermissionDenied("This page is for another role.")
    return render(
        request,
        "accounts/home.jinja",
        {
            "role_label": request.user.get_role_display(),
            "intro": HOME_PAGE_TEXT[role],
            "links": [(item.text, reverse(item.url_name)) for item in HOME_PAGE_LINKS[role]],
        },
    )


def locked_out(request: HttpRequest, credentials: Any = None, *args: Any, **kwargs: Any) -> HttpResponse:
    """What django-axes shows after too many failed sign-ins."""
    return render(request, "accounts/locked_out.jinja", status=403)


RESET_TOKEN = "ffw_password_reset_token"  # noqa: S105 - a session key
# What the link's token becomes in the address once it is kept in the session.
RESET_URL_TOKEN = "set-password"  # noqa: S105


@login_not_required
@require_http_methods(["GET", "POST"])
def forgotten_password(request: HttpRequest) -> HttpResponse:
    """Ask for an email address; the answer is the same whether or not it has an account."""
    form = ForgottenPasswordForm(data=request.POST or None)
    if request.method == "POST" and form.is_valid():

        def link_for(user: User, token: str) -> str:
            path = reverse("accounts:reset-password", args=[urlsafe_base64_encode(force_bytes(user.pk)), token])
            return request.build_absolute_uri(path)

        services.password_reset_request(email=form.cleaned_data["email"], link_for=link_for, request=request)
        return redirect("accounts:forgotten-password-sent")
    return render(request, "accounts/forgotten_password.jinja", {"form": form}, status=400 if form.errors else 200)


@login_not_required
def forgotten_password_sent(request: HttpRequest) -> HttpResponse:
    context = {"link_works_for": services.link_lifetime_words(settings.PASSWORD_RESET_TIMEOUT)}
    return render(request, "accounts/forgotten_password_sent.jinja", context)


@login_not_required
@require_http_methods(["GET", "POST"])
def reset_password(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    """Set a new password from an emailed link. The token moves into the session at once, so it is not left in
    the address bar or sent on in a Referer header (as Django's own reset view does)."""
    if token != RESET_URL_TOKEN:
        request.session[RESET_TOKEN] = token
        return redirect("accounts:reset-password", uidb64=uidb64, token=RESET_URL_TOKEN)
    user = user_from_link(uidb64, request.session.get(RESET_TOKEN, ""))
    if user is None:
        return render(request, "accounts/reset_link_invalid.jinja", status=400)
    form = NewPasswordForm(user, data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.password_reset_complete(user=user, password=form.cleaned_data["password"], request=request)
        request.session.pop(RESET_TOKEN, None)
        if request.user.is_authenticated:
            logout(request)
        messages.success(request, "Your password has been changed. Sign in with your new password.")
        return redirect("accounts:sign-in")
    return render(request, "accounts/reset_password.jinja", {"form": form}, status=400 if form.errors else 200)
