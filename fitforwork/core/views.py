"""Public pages: the start page, the footer's pages (privacy, cookies, contact, accessibility) and a health check."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render


@login_not_required
def start(request: HttpRequest) -> HttpResponse:
    return render(request, "core/start.jinja")


@login_not_required
def accessibility_statement(request: HttpRequest) -> HttpResponse:
    return render(request, "core/accessibility.jinja")


@login_not_required
def privacy_notice(request: HttpRequest) -> HttpResponse:
    return render(request, "core/privacy.jinja")


@login_not_required
def cookies(request: HttpRequest) -> HttpResponse:
    return render(request, "core/cookies.jinja")


@login_not_required
def contact(request: HttpRequest) -> HttpResponse:
    return render(request, "core/contact.jinja")


@login_not_required
def health(request: HttpRequest) -> HttpResponse:
    """For load balancers: 200 when the database answers."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "core/error.jinja", {"title": "Sorry, there is a problem with your request"}, status=400)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    message = str(exception) if exception and str(exception) else "You do not have access to this page."
    return render(request, "core/error.jinja", {"title": "You cannot see this page", "message": message}, status=403)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(
        request,
        "core/error.jinja",
        {"title": "Page not found", "message": "If you typed the web address, check it is correct."},
        status=404,
    )


def server_error(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "core/error.jinja",
        {"title": "Sorry, there is a problem with the service", "message": "Try again later."},
        status=500,
    )
