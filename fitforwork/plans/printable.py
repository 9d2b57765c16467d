"""A plan version or a fit note as a tagged PDF: the same content the accessible page shows
(plans.documents), drawn by the service's one PDF renderer (core.documents, ADR 0030)."""

from __future__ import annotations

from fitforwork.core.documents import render_pdf
from fitforwork.core.documents.model import BulletList, Heading, KeyValueList, Paragraph, Table
from fitforwork.core.documents.model import Document as Printable
from fitforwork.plans import documents


def printable(document: documents.Document, *, author: str = "Fit for Work", footer: str = "") -> Printable:
    """The plans document as the renderer's: its title the main heading, each section a heading (the
    renderer's three levels; a plan's fourth, one obstacle, is drawn at the third), then its blocks."""
    blocks: list[Heading | Paragraph | BulletList | Table | KeyValueList] = [Heading(1, document.title)]
    if document.facts:
        blocks.append(KeyValueList(tuple(document.facts)))
    for section in document.sections:
        blocks.append(Heading(min(max(section.level, 2), 3), section.heading))
        for block in section.blocks:
            if isinstance(block, documents.Paragraph):
                blocks.append(Paragraph(block.text))
            elif isinstance(block, documents.BulletList):
                blocks.append(BulletList(tuple(block.items)))
            else:
                blocks.append(Table(block.caption, tuple(block.head), tuple(tuple(row) for row in block.rows)))
    return Printable(
        title=document.title,
        blocks=tuple(blocks),
        language=document.language,
        subject=document.subject,
        author=author,
        footer=footer or document.title,
    )


def pdf_of(document: documents.Document, *, author: str = "Fit for Work", footer: str = "") -> bytes:
    return render_pdf(printable(document, author=author, footer=footer))
