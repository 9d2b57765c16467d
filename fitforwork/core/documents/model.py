"""A document as plain data: a title, a language and a list of blocks, stored as JSON and rendered twice."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True)
class Heading:
    level: int  # 1 for the document's main heading, 2 for its sections
    text: str

    def __post_init__(self) -> None:
        if self.level not in (1, 2, 3):
            raise ValueError("A heading's level is 1, 2 or 3.")


@dataclass(frozen=True)
class Paragraph:
    text: str


@dataclass(frozen=True)
class BulletList:
    items: tuple[str, ...]


@dataclass(frozen=True)
class Table:
    caption: str
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class KeyValueList:
    """Label and value pairs, such as a letter's 'Name' and 'NHS number' (a summary list on the page)."""

    rows: tuple[tuple[str, str], ...]


Block = Heading | Paragraph | BulletList | Table | KeyValueList

_KINDS: dict[str, type[Any]] = {
    "heading": Heading,
    "paragraph": Paragraph,
    "list": BulletList,
    "table": Table,
    "key_values": KeyValueList,
}
_KIND_OF = {cls: kind for kind, cls in _KINDS.items()}


@dataclass(frozen=True)
class Document:
    title: str
    blocks: tuple[Block, ...]
    language: str = "en-GB"
    subject: str = ""
    author: str = "Fit for Work"
    footer: str = field(default="")

    def as_data(self) -> dict[str, Any]:
        """JSON-ready: what a letter stores, so that it can be made again exactly as it was."""
        return {
            "title": self.title,
            "language": self.language,
            "subject": self.subject,
            "author": self.author,
            "footer": self.footer,
            "blocks": [{"kind": _KIND_OF[type(block)], **asdict(block)} for block in self.blocks],
        }


def _block(data: dict[str, Any]) -> Block:
    kind = data["kind"]
    if kind == "heading":
        return Heading(int(data["level"]), str(data["text"]))
    if kind == "paragraph":
        return Paragraph(str(data["text"]))
    if kind == "list":
        return BulletList(tuple(str(item) for item in data["items"]))
    if kind == "table":
        return Table(
            str(data["caption"]),
            tuple(str(cell) for cell in data["header"]),
            tuple(tuple(str(cell) for cell in row) for row in data["rows"]),
        )
    if kind == "key_values":
        return KeyValueList(tuple((str(key), str(value)) for key, value in data["rows"]))
    raise ValueError(f"Unknown block kind {kind!r}")


def document_from_data(data: dict[str, Any]) -> Document:
    """The document `Document.as_data` stored."""
    return Document(
        title=str(data["title"]),
        language=str(data.get("language") or "en-GB"),
        subject=str(data.get("subject") or ""),
        author=str(data.get("author") or "Fit for Work"),
        footer=str(data.get("footer") or ""),
        blocks=tuple(_block(block) for block in data["blocks"]),
    )
