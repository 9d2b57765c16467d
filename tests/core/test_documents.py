"""Documents: the PDF carries every section's text and is tagged for screen readers; the HTML is escaped."""

from __future__ import annotations

import io
from typing import Any

import pytest
from pypdf import PdfReader

from fitforwork.core.documents import (
    BulletList,
    Document,
    Heading,
    KeyValueList,
    Paragraph,
    Table,
    document_from_data,
    render_html,
    render_pdf,
)

DOCUMENT = Document(
    title="Letter about Siân Llŷr",
    blocks=(
        Heading(1, "Your patient has started with Fit for Work"),
        KeyValueList((("Name", "Siân Llŷr"), ("NHS number", "943 476 5919"))),
        Heading(2, "What happens next"),
        Paragraph("A case manager will call within 2 working days."),
        BulletList(("Physiotherapy, 6 sessions", "A phased return over 4 weeks")),
        Heading(2, "Timetable"),
        Table("Interventions and dates", ("What", "When"), (("Physiotherapy", "4 May 2026"),)),
    ),
)


def _reader(document: Document) -> PdfReader:
    return PdfReader(io.BytesIO(render_pdf(document)))


def _text(reader: PdfReader) -> str:
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


def _elements(node: Any) -> list[tuple[str, Any]]:
    """Every structure element under `node`, depth first (the reading order), as (type, element)."""
    found: list[tuple[str, Any]] = []
    kids = node.get_object().get("/K")
    if kids is None:
        return found
    for kid in kids if isinstance(kids, list) else [kids]:
        kid = kid.get_object() if hasattr(kid, "get_object") else kid
        if isinstance(kid, dict) and "/S" in kid:
            found.append((str(kid["/S"]), kid))
            found.extend(_elements(kid))
    return found


def test_the_pdf_carries_every_sections_text():
    text = _text(_reader(DOCUMENT))
    for expected in (
        "Your patient has started with Fit for Work",
        "Siân Llŷr",
        "943 476 5919",
        "What happens next",
        "A case manager will call within 2 working days.",
        "Physiotherapy, 6 sessions",
        "A phased return over 4 weeks",
        "Interventions and dates",
        "4 May 2026",
    ):
        assert expected in text


def test_the_pdf_is_tagged_with_language_title_and_headings():
    reader = _reader(DOCUMENT)
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "en-GB"
    assert bool(root["/MarkInfo"]["/Marked"]) is True
    assert bool(root["/ViewerPreferences"]["/DisplayDocTitle"]) is True
    assert reader.metadata.title == "Letter about Siân Llŷr"
    elements = _elements(root["/StructTreeRoot"])
    types = [kind for kind, _ in elements]
    assert types[0] == "/Document"
    # Reading order: the elements come in the order the document's blocks do.
    top_level = [kind for kind, element in elements if element["/P"].get_object().get("/S") == "/Document"]
    assert top_level == ["/H1", "/Table", "/H2", "/P", "/L", "/H2", "/Table"]
    assert types.count("/LI") == 2
    assert types.count("/LBody") == 2
    assert "/Caption" in types
    column_headers = [e for kind, e in elements if kind == "/TH" and e["/A"]["/Scope"] == "/Column"]
    row_headers = [e for kind, e in elements if kind == "/TH" and e["/A"]["/Scope"] == "/Row"]
    assert len(column_headers) == 2
    assert len(row_headers) == 2


def test_each_tagged_element_points_at_its_page_and_the_parent_tree():
    reader = _reader(DOCUMENT)
    root = reader.trailer["/Root"]
    leaves = [
        e
        for _, e in _elements(root["/StructTreeRoot"])
        if isinstance(e.get("/K"), list) and e["/K"] and isinstance(e["/K"][0], int)
    ]
    assert leaves
    page = reader.pages[0]
    assert {leaf.raw_get("/Pg").idnum for leaf in leaves} == {page.indirect_reference.idnum}
    numbers = root["/StructTreeRoot"]["/ParentTree"]["/Nums"]
    assert numbers[0] == page["/StructParents"]
    assert len(numbers[1]) == len(leaves)  # one entry per marked-content id on the page


def test_unusual_unicode_renders():
    names = "Siân Llŷr, Łukasz Żółć, Ŵyn — “Ödön” Ñúñez, Đorđe Šćepanović, Ελένη, Ольга, 10 €"
    reader = _reader(Document(title="Unicode", blocks=(Heading(1, "Names"), Paragraph(names))))
    assert names in _text(reader)


def test_a_long_paragraph_runs_onto_a_second_page_still_tagged():
    long_text = "Every word of this sentence must survive a page break. " * 120
    reader = _reader(Document(title="Long", blocks=(Heading(1, "Long"), Paragraph(long_text))))
    assert len(reader.pages) >= 2
    elements = _elements(reader.trailer["/Root"]["/StructTreeRoot"])
    paragraphs = [e for kind, e in elements if kind == "/P"]
    assert {p.raw_get("/Pg").idnum for p in paragraphs} == {page.indirect_reference.idnum for page in reader.pages}
    assert _text(reader).count("survive") == 120


def test_the_document_survives_storage_as_data():
    assert document_from_data(DOCUMENT.as_data()) == DOCUMENT


@pytest.mark.django_db
def test_the_html_version_escapes_and_uses_nhs_components():
    html = str(
        render_html(
            Document(
                title="T",
                blocks=(
                    Heading(1, "Letter <script>alert(1)</script>"),
                    KeyValueList((("Name", "Siân & <b>Llŷr</b>"),)),
                    Table("Dates", ("What", "When"), (("Physio", "4 May"),)),
                    BulletList(("One",)),
                ),
            ),
            heading_offset=1,
        )
    )
    assert "<script>" not in html
    assert "&lt;script&gt;" in html
    assert "Siân &amp; &lt;b&gt;Llŷr&lt;/b&gt;" in html
    assert '<h2 class="nhsuk-heading-l">' in html
    assert "nhsuk-summary-list__key" in html
    assert '<th class="nhsuk-table__header" scope="col">What</th>' in html
    assert 'lang="en-GB"' in html
