"""Documents made by the service (letters, plans, fit notes) as one structure, rendered as a tagged PDF and as HTML.

Build a `Document` of blocks; `render_pdf` makes a tagged PDF for screen readers and paper, `render_html` the
same content as an accessible NHS.UK page fragment. docs/adr/0030-pdf-documents-and-gp-letters.md says what is tagged.
"""

from fitforwork.core.documents.html import render_html
from fitforwork.core.documents.model import (
    Block,
    BulletList,
    Document,
    Heading,
    KeyValueList,
    Paragraph,
    Table,
    document_from_data,
)
from fitforwork.core.documents.pdf import render_pdf

__all__ = [
    "Block",
    "BulletList",
    "Document",
    "Heading",
    "KeyValueList",
    "Paragraph",
    "Table",
    "document_from_data",
    "render_html",
    "render_pdf",
]
