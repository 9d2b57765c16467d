"""The Jinja2 environment: project templates first, then the NHS.UK components' macros."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.messages import get_messages
from django.templatetags.static import static
from django.urls import reverse
from jinja2 import ChainableUndefined, ChoiceLoader, Environment, PackageLoader

from fitforwork.core import presenters
from fitforwork.people.nhs_number import format_nhs_number


def url(name: str, *args: Any, **kwargs: Any) -> str:
    return reverse(name, args=args or None, kwargs=kwargs or None)


def form_error_list(form: Any) -> list[dict[str, str]]:
    """The error summary's list: each message linked to the field it is about."""
    items: list[dict[str, str]] = []
    first_field = next(iter(form.fields), None)
    for name, errors in form.errors.items():
        target = name if name in form.fields else first_field
        href = f"#{form[target].auto_id}" if target else ""
        items.extend({"text": str(error), "href": href} for error in errors)
    return items


def environment(**options: Any) -> Environment:
    loader = options.pop("loader", None)
    loaders = [loader] if loader is not None else []
    loaders.append(PackageLoader("nhsuk_frontend_jinja", "templates"))
    options["undefined"] = ChainableUndefined
    options.setdefault("autoescape", True)
    env = Environment(loader=ChoiceLoader(loaders), **options)  # noqa: S701 - autoescape is on
    env.globals.update(
        {
            "static": static,
            "url": url,
            "get_messages": get_messages,
            "form_error_list": form_error_list,
            "SERVICE_NAME": settings.SERVICE_NAME,
            "SITE_NAME": settings.SITE_NAME,
            "SERVICE_CONTACT": settings.SERVICE_CONTACT,
            "assetPath": f"{settings.STATIC_URL}nhsuk/assets",
        }
    )
    env.filters.update(
        {
            "date_long": presenters.date_long,
            "datetime_long": presenters.datetime_long,
            "nhs_number": format_nhs_number,
        }
    )
    return env
