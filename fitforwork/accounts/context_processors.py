"""Header navigation for the signed-in user's role."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse

from fitforwork.accounts.presenters import NAVIGATION


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": [], "account_items": []}
    items = NAVIGATION.get(user.role, []) if user.two_factor_done else []
    path = request.path
    nav_items = [
        {"text": item.text, "href": reverse(item.url_name), "current": path == reverse(item.url_name)} for item in items
    ]
    account_items = [
        {"text": str(user), "icon": True},
        {"text": "Sign out", "action": reverse("accounts:sign-out"), "method": "post"},
    ]
    return {"nav_items": nav_items, "account_items": account_items}
