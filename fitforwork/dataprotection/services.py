"""Answering a subject access request: the export as JSON or a printable page, with the export audited."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Literal

from django.contrib.staticfiles import finders
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.http import HttpRequest
from django.template.loader import render_to_string

from fitforwork.core.audit.services import audit_record
from fitforwork.dataprotection.selectors import EXPORTED_ACTION, SECTIONS, subject_access_gather
from fitforwork.people.models import Person

Format = Literal["json", "html"]


def _inline_css() -> str:
    """The NHS.UK styles, written into the page so the file prints the same anywhere, offline too."""
    found = finders.find("nhsuk/nhsuk-frontend.min.css")
    path = found[0] if isinstance(found, list) else found
    return Path(path).read_text(encoding="utf-8") if path else ""


def render_html(export: dict[str, Any], *, standalone: bool, request: HttpRequest | None = None) -> str:
    context = {"export": export, "sections": SECTIONS, "standalone": standalone}
    if standalone:
        context["inline_css"] = _inline_css()
        return render_to_string("dataprotection/subject_access_document.jinja", context)
    return render_to_string("dataprotection/subject_access.jinja", context, request=request)


def subject_access_export(
    *,
    actor: Any,
    person: Person,
    fmt: Format,
    request: HttpRequest | None = None,
    standalone: bool = True,
    reason: str = "",
) -> tuple[dict[str, Any], str]:
    """Gather everything held about `person` and render it; the export is audited in the same transaction.

    Earlier exports are among the reads it lists (an export is a read); this one is in the next.
    """
    with transaction.atomic():
        export = subject_access_gather(person)
        audit_record(
            actor=actor,
            action=EXPORTED_ACTION,
            obj=person,
            reason=reason or "Subject access request",
            data={"format": fmt, **({"path": request.path} if request is not None else {})},
            request=request,
        )
    if fmt == "json":
        return export, json.dumps(export, cls=DjangoJSONEncoder, indent=2, ensure_ascii=False)
    return export, render_html(export, standalone=standalone, request=request)
