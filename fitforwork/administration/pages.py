"""What every administration page shares: rendering with a 400 status when a form was refused."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def render_page(request: HttpRequest, template: str, **context: Any) -> HttpResponse:
    form = context.get("form")
    failed = bool(context.get("error")) or bool(form is not None and form.errors)
    return render(request, f"administration/{template}", context, status=400 if failed else 200)


def person_name(user: Any) -> str:
    return user.get_full_name() or user.email
