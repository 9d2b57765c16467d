"""The document as an NHS.UK page fragment: the accessible HTML version of the same content as the PDF."""

from __future__ import annotations

from django.template.loader import render_to_string
from markupsafe import Markup

from fitforwork.core.documents.model import Document


def render_html(document: Document, *, heading_offset: int = 0) -> Markup:
    """The document's blocks as HTML (autoescaped), headings moved down `heading_offset` levels to fit a page."""
    html = render_to_string("core/documents/document.jinja", {"document": document, "heading_offset": heading_offset})
    return Markup(html)  # noqa: S704 - rendered by an autoescaping Jinja template
