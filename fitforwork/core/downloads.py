"""The one way a page hands over a PDF: as an attachment with its name, never cached (it may be about a person)."""

from __future__ import annotations

from django.http import HttpResponse


def pdf_download(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response
