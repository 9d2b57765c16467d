"""A document as a tagged PDF, made by fpdf2 with a structure tree of our own (docs/adr/0030).

fpdf2 draws the page and writes the catalogue's /Lang, /MarkInfo and the title with DisplayDocTitle; it tags
only images and outline sections, and flat under the document. So every piece of text is drawn here inside a
marked-content sequence (BDC ... EMC with an MCID) and given its structure element: H1 to H3, P, L > LI > Lbl
and LBody, Table > Caption and TR > TH (with its scope) and TD, in reading order, which is the order drawn.
Borders and the page footer are marked as artifacts, so a screen reader skips them. Black on white only.

A block that does not fit on what is left of a page starts a new one; a paragraph longer than a page is
split into one P per page, because a marked-content sequence cannot cross a page.
"""

from __future__ import annotations

import functools
import os
import tempfile
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from importlib.metadata import version
from pathlib import Path
from typing import Any

from fpdf import FPDF
from fpdf.enums import MethodReturnValue, XPos, YPos
from fpdf.prefs import ViewerPreferences
from fpdf.structure_tree import StructElem, StructureTreeBuilder
from fpdf.syntax import PDFObject

from fitforwork.core.documents.model import BulletList, Document, Heading, KeyValueList, Paragraph, Table

FONT = "Arimo"
BODY_SIZE = 11.0
HEADING_SIZES = {1: 20.0, 2: 15.0, 3: 12.5}
PT = 0.3528  # millimetres in a point
MARGIN = 20.0
CELL_PADDING = 1.5


# Latin (with Welsh, Polish, Czech, Vietnamese...), Greek, Cyrillic, general punctuation, currency and arrows.
UNICODE_RANGES = [
    (0x0020, 0x024F),
    (0x0250, 0x02FF),
    (0x0300, 0x036F),
    (0x0370, 0x03FF),
    (0x0400, 0x052F),
    (0x1E00, 0x1EFF),
    (0x2000, 0x206F),
    (0x20A0, 0x20CF),
    (0x2100, 0x214F),
    (0x2190, 0x21FF),
    (0x2200, 0x22FF),
    (0x25A0, 0x25FF),
    (0xFB00, 0xFB06),
]
FONT_CACHE_VERSION = 2


def _line_height(size: float) -> float:
    return size * PT * 1.45


@functools.cache
def font_files() -> dict[str, str]:
    """Arimo (metric-compatible with Arial, the NHS.UK fallback font) at regular and bold weight.

    The pip package `fontpkg-arimo` ships it as a variable font; fpdf2 embeds static fonts quickly, so each
    weight is instanced once (a second or two) into the temporary directory and reused after that.
    """
    from fontpkg_arimo import ROOT  # type: ignore[import-untyped]
    from fontTools import subset
    from fontTools.ttLib import TTFont
    from fontTools.varLib import instancer

    source = Path(ROOT) / "files" / "Arimo[wght].ttf"
    cache = Path(tempfile.gettempdir()) / f"fitforwork-fonts-arimo-{version('fontpkg-arimo')}-{FONT_CACHE_VERSION}"
    cache.mkdir(parents=True, exist_ok=True)
    files = {}
    for style, weight in (("", 400), ("B", 700)):
        path = cache / f"Arimo-{weight}.ttf"
        if not path.exists():
            instance = instancer.instantiateVariableFont(TTFont(str(source)), {"wght": weight})
            # Only the scripts letters need, unhinted and without layout tables: fpdf2 parses the font twice a
            # document, so a smaller font makes every PDF quicker.
            options = subset.Options()
            options.hinting = False
            options.layout_features = []
            options.drop_tables += ["GSUB", "GPOS", "GDEF", "kern", "hdmx", "VDMX", "LTSH", "DSIG"]
            subsetter = subset.Subsetter(options)
            subsetter.populate(unicodes=[code for start, end in UNICODE_RANGES for code in range(start, end + 1)])
            subsetter.subset(instance)
            partial = path.with_suffix(f".{os.getpid()}.part")
            instance.save(str(partial))
            os.replace(partial, path)
        files[style] = str(path)
    return files


class _Elem(StructElem):
    """A structure element that may carry attributes (/A), such as a table header cell's scope."""

    __slots__ = ("a",)

    def __init__(self, *args: Any, attributes: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.a = attributes


class _TreeBuilder(StructureTreeBuilder):
    """fpdf2's builder keeps a flat list under /Document; this one nests (L > LI > LBody, Table > TR > TD)."""

    def __init__(self) -> None:
        super().__init__()
        self.elements: list[StructElem] = []
        self.mcids: defaultdict[int, int] = defaultdict(int)

    def element(
        self, struct_type: str, parent: StructElem, page: int, *, mcid: int | None = None, attributes: str | None = None
    ) -> StructElem:
        elem = _Elem(
            struct_type=f"/{struct_type}",
            parent=parent,
            kids=[] if mcid is None else [mcid],
            page_number=page,
            attributes=attributes,
        )
        parent.k.append(elem)
        self.elements.append(elem)
        return elem

    def leaf(self, struct_type: str, parent: StructElem, page: int, pdf_page: PDFObject, **kwargs: Any) -> int:
        """A structure element holding the next marked-content id on the page; returns that id."""
        mcid = self.mcids[page]
        self.mcids[page] += 1
        elem = self.element(struct_type, parent, page, mcid=mcid, **kwargs)
        elem.pg = pdf_page  # type: ignore[assignment]  # fpdf2 types it None until output
        spid = self.spid_per_page_number.setdefault(page, len(self.spid_per_page_number))
        self.struct_tree_root.parent_tree.nums[spid].append(elem)  # in MCID order, as the parent tree needs
        return spid

    def empty(self) -> bool:
        return not self.elements

    def __iter__(self) -> Iterator[PDFObject]:
        yield self.struct_tree_root
        yield self.doc_struct_elem
        yield self.struct_tree_root.parent_tree
        yield from self.elements


class _TaggedPDF(FPDF):
    def __init__(self, document: Document) -> None:
        super().__init__(orientation="portrait", unit="mm", format="A4")
        self.document = document
        self.tree = _TreeBuilder()
        self.struct_builder = self.tree
        self.set_margins(MARGIN, MARGIN, MARGIN)
        self.set_auto_page_break(True, margin=MARGIN)
        files = font_files()
        self.add_font(FONT, "", files[""])
        self.add_font(FONT, "B", files["B"])
        self.set_text_color(0, 0, 0)
        self.set_draw_color(0, 0, 0)
        self.set_title(document.title)
        self.set_lang(document.language)
        self.set_subject(document.subject or document.title)
        self.set_author(document.author)
        self.set_creator("Fit for Work")
        self.viewer_preferences = ViewerPreferences(display_doc_title=True)

    # Marked content ---------------------------------------------------------------------------------
    @contextmanager
    def tagged(self, struct_type: str, parent: StructElem, **kwargs: Any) -> Iterator[None]:
        page = self.page
        spid = self.tree.leaf(struct_type, parent, page, self.pages[page], **kwargs)
        self.pages[page].struct_parents = spid
        self._out(f"/{struct_type} <</MCID {self.tree.mcids[page] - 1}>> BDC")
        yield
        if self.page != page:
            raise RuntimeError("A tagged piece of text ran onto the next page.")
        self._out("EMC")

    @contextmanager
    def artifact(self) -> Iterator[None]:
        self._out("/Artifact BMC")
        yield
        self._out("EMC")

    def footer(self) -> None:
        with self.artifact():
            self.set_y(-MARGIN + 6)
            self.set_font(FONT, "", 9)
            label = f"{self.document.footer or self.document.title}, page {self.page_no()} of {{nb}}"
            self.cell(0, 5, label, align="L")

    # Layout -------------------------------------------------------------------------------------------
    @property
    def room(self) -> float:
        return self.page_break_trigger - self.y

    def lines(self, text: str, width: float, height: float) -> list[str]:
        result = self.multi_cell(w=width, h=height, text=text, dry_run=True, output=MethodReturnValue.LINES, padding=0)
        assert isinstance(result, list)  # noqa: S101 - what output=LINES returns
        return [str(line) for line in result] or [""]

    def flow(
        self, struct_type: str, parent: StructElem, text: str, *, size: float, style: str = "", x: float = MARGIN
    ) -> None:
        """Text that may run over pages, one structure element per page it is on."""
        self.set_font(FONT, style, size)
        height = _line_height(size)
        width = self.w - self.r_margin - x
        lines = self.lines(text, width, height)
        while lines:
            fits = int(self.room // height)
            if fits < 1:
                self.add_page()
                continue
            chunk, lines = lines[:fits], lines[fits:]
            self.set_x(x)
            with self.tagged(struct_type, parent):
                self.multi_cell(w=width, h=height, text="\n".join(chunk), new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def heading(self, block: Heading) -> None:
        size = HEADING_SIZES[block.level]
        self.ln(2 if block.level == 1 else 4)
        if self.room < _line_height(size) + 3 * _line_height(BODY_SIZE):
            self.add_page()  # keep a heading with what follows it
        self.flow(f"H{block.level}", self.tree.doc_struct_elem, block.text, size=size, style="B")
        self.ln(1.5)

    def paragraph(self, block: Paragraph) -> None:
        self.flow("P", self.tree.doc_struct_elem, block.text, size=BODY_SIZE)
        self.ln(2.5)

    def bullets(self, block: BulletList) -> None:
        height = _line_height(BODY_SIZE)
        if self.room < height:
            self.add_page()
        items = self.tree.element("L", self.tree.doc_struct_elem, self.page)
        for text in block.items:
            self.set_font(FONT, "", BODY_SIZE)
            if self.room < height:
                self.add_page()
            item = self.tree.element("LI", items, self.page)
            top = self.y
            self.set_x(MARGIN + 2)
            with self.tagged("Lbl", item):
                self.cell(5, height, "\u2022")
            self.set_y(top)
            self.flow("LBody", item, text, size=BODY_SIZE, x=MARGIN + 8)
            self.ln(1)
        self.ln(1.5)

    def put_table(self, block: Table) -> None:
        columns = max(len(block.header), max((len(row) for row in block.rows), default=0), 1)
        widths = [self.epw / columns] * columns
        self.grid(block.caption, [tuple(block.header)], [tuple(row) for row in block.rows], widths, row_headers=False)

    def key_values(self, block: KeyValueList) -> None:
        widths = [self.epw * 0.38, self.epw * 0.62]
        self.grid("", [], [tuple(row) for row in block.rows], widths, row_headers=True)

    def grid(
        self,
        caption: str,
        header: list[tuple[str, ...]],
        rows: list[tuple[str, ...]],
        widths: list[float],
        *,
        row_headers: bool,
    ) -> None:
        height = _line_height(BODY_SIZE)
        if self.room < 3 * height:
            self.add_page()
        table = self.tree.element("Table", self.tree.doc_struct_elem, self.page)
        if caption:
            self.set_font(FONT, "B", BODY_SIZE)
            with self.tagged("Caption", table):
                self.multi_cell(w=self.epw, h=height, text=caption, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
            self.ln(1)
        for cells in header:
            self.row(table, cells, widths, kinds=["TH"] * len(widths), scope="Column", bold=[True] * len(widths))
        for cells in rows:
            if self.row_height(cells, widths, bold=[row_headers] + [False] * len(widths)) > self.room:
                self.add_page()
                for cells_again in header:  # the header again at the top of the page, for sighted readers
                    with self.artifact():
                        self.row(None, cells_again, widths, kinds=[], scope="", bold=[True] * len(widths))
            kinds = ["TH"] + ["TD"] * (len(widths) - 1) if row_headers else ["TD"] * len(widths)
            self.row(table, cells, widths, kinds=kinds, scope="Row", bold=[row_headers] + [False] * len(widths))
        self.ln(3)

    def row_height(self, cells: tuple[str, ...], widths: list[float], *, bold: list[bool]) -> float:
        height = _line_height(BODY_SIZE)
        tallest = 1
        for index, width in enumerate(widths):
            self.set_font(FONT, "B" if bold[index] else "", BODY_SIZE)
            text = cells[index] if index < len(cells) else ""
            tallest = max(tallest, len(self.lines(text, width - 2 * CELL_PADDING, height)))
        return tallest * height + 2 * CELL_PADDING

    def row(
        self,
        table: StructElem | None,
        cells: tuple[str, ...],
        widths: list[float],
        *,
        kinds: list[str],
        scope: str,
        bold: list[bool],
    ) -> None:
        """One table row: each cell's text tagged TH or TD under a TR (untagged when `table` is None)."""
        height = _line_height(BODY_SIZE)
        total = self.row_height(cells, widths, bold=bold)
        top, x = self.y, MARGIN
        tr = self.tree.element("TR", table, self.page) if table is not None else None
        for index, width in enumerate(widths):
            text = cells[index] if index < len(cells) else ""
            self.set_font(FONT, "B" if bold[index] else "", BODY_SIZE)
            with self.artifact():
                self.rect(x, top, width, total)
            self.set_xy(x + CELL_PADDING, top + CELL_PADDING)
            if tr is None:
                self.multi_cell(w=width - 2 * CELL_PADDING, h=height, text=text)
            else:
                kind = kinds[index]
                attributes = f"<</O /Table /Scope /{scope}>>" if kind == "TH" else None
                with self.tagged(kind, tr, attributes=attributes):
                    self.multi_cell(w=width - 2 * CELL_PADDING, h=height, text=text)
            x += width
        self.set_xy(MARGIN, top + total)


def render_pdf(document: Document) -> bytes:
    """The document as a tagged A4 PDF in black and white, with its fonts embedded (subset)."""
    pdf = _TaggedPDF(document)
    pdf.add_page()
    for block in document.blocks:
        if isinstance(block, Heading):
            pdf.heading(block)
        elif isinstance(block, Paragraph):
            pdf.paragraph(block)
        elif isinstance(block, BulletList):
            pdf.bullets(block)
        elif isinstance(block, Table):
            pdf.put_table(block)
        elif isinstance(block, KeyValueList):
            pdf.key_values(block)
    return bytes(pdf.output())
