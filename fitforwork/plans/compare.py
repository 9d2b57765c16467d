"""Any two versions of a plan side by side, with what changed marked (issue 15).

Both versions are turned into their documents (documents.py), so the comparison shows exactly what a reader of
each would read: section by section, each line is marked when the other version has no such line in that
section."""

from __future__ import annotations

from dataclasses import dataclass

from fitforwork.plans.documents import Document, Section, plan_version_document
from fitforwork.plans.models import PlanVersion


@dataclass(frozen=True)
class Line:
    text: str
    changed: bool


@dataclass(frozen=True)
class SectionChange:
    heading: str
    level: int
    left: tuple[Line, ...]
    right: tuple[Line, ...]

    @property
    def changed(self) -> bool:
        return any(line.changed for line in self.left + self.right)


def _lines(section: Section) -> list[str]:
    lines: list[str] = []
    for block in section.blocks:
        if block.kind == "paragraph":
            lines.append(block.text)
        elif block.kind == "list":
            lines.extend(block.items)
        else:
            lines.extend(", ".join(cell for cell in row if cell) for row in block.rows)
    return lines


def _key(headings: dict[str, int], section: Section) -> str:
    # Two obstacles may share a label in different groups; number repeats so each section pairs with its twin.
    headings[section.heading] = headings.get(section.heading, 0) + 1
    return f"{section.heading}#{headings[section.heading]}"


def compare_documents(left: Document, right: Document) -> list[SectionChange]:
    """Pair the sections of two documents by heading and mark the lines each has that the other lacks."""
    seen: dict[str, int] = {}
    left_sections = {_key(seen, s): s for s in left.sections}
    seen = {}
    right_sections = {_key(seen, s): s for s in right.sections}
    order = list(right_sections) + [key for key in left_sections if key not in right_sections]
    changes = []
    for key in order:
        a, b = left_sections.get(key), right_sections.get(key)
        a_lines = _lines(a) if a else []
        b_lines = _lines(b) if b else []
        section = b or a
        assert section is not None  # noqa: S101  # the key came from one of them
        changes.append(
            SectionChange(
                heading=section.heading,
                level=section.level,
                left=tuple(Line(text, text not in b_lines or b is None) for text in a_lines),
                right=tuple(Line(text, text not in a_lines or a is None) for text in b_lines),
            )
        )
    return changes


def compare(left: PlanVersion, right: PlanVersion) -> list[SectionChange]:
    """What changed between two versions of the same plan."""
    if left.plan_id != right.plan_id:
        raise ValueError("Only versions of the same plan can be compared")
    return compare_documents(plan_version_document(left), plan_version_document(right))
