"""Charts as server-rendered SVG: stacked columns a week, each category a colour and a pattern, titled and
described for screen readers (the same figures are in the table beside each chart)."""

from __future__ import annotations

import csv
import io

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from fitforwork.advice_line.dashboard import Table

COLOURS = ["#005eb8", "#007f3b", "#7c2855", "#ffb81c", "#330072", "#d5281b", "#00a499", "#425563"]
PATTERNS = [
    "",
    '<path d="M0,8 L8,0" stroke="#fff" stroke-width="2"/>',
    '<circle cx="4" cy="4" r="1.5" fill="#fff"/>',
    '<path d="M0,4 L8,4" stroke="#fff" stroke-width="2"/>',
    '<path d="M4,0 L4,8" stroke="#fff" stroke-width="2"/>',
    '<path d="M0,0 L8,8 M8,0 L0,8" stroke="#fff" stroke-width="1.5"/>',
    '<rect x="2" y="2" width="4" height="4" fill="#fff"/>',
    '<path d="M0,2 L8,2 M0,6 L8,6" stroke="#fff" stroke-width="1"/>',
]
WIDTH, HEIGHT, LEFT, BOTTOM, TOP = 640, 260, 40, 30, 10


def week_label(table: Table, index: int) -> str:
    return f"{table.weeks[index].day} {table.weeks[index]:%b}"


def chart_svg(table: Table) -> SafeString:
    """A stacked column chart of the table."""
    totals = [sum(row) for row in table.counts]
    top = max([*totals, 1])
    plot_h = HEIGHT - BOTTOM - TOP
    step = (WIDTH - LEFT - 10) / max(len(table.weeks), 1)
    key = escape(table.key)
    height = HEIGHT + 24 * len(table.categories)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" viewBox="0 0 {WIDTH} {height}"'
        f' aria-labelledby="chart-{key}-title chart-{key}-desc" class="ffw-chart">',
        f'<title id="chart-{key}-title">{escape(table.title)}</title>',
        f'<desc id="chart-{key}-desc">{escape(describe(table))}</desc>',
        "<defs>",
    ]
    for i, _category in enumerate(table.categories):
        colour, pattern = COLOURS[i % len(COLOURS)], PATTERNS[i % len(PATTERNS)]
        parts.append(
            f'<pattern id="p-{key}-{i}" width="8" height="8" patternUnits="userSpaceOnUse">'
            f'<rect width="8" height="8" fill="{colour}"/>{pattern}</pattern>'
        )
    parts.append("</defs>")
    parts.append(f'<line x1="{LEFT}" y1="{HEIGHT - BOTTOM}" x2="{WIDTH}" y2="{HEIGHT - BOTTOM}" stroke="#4c6272"/>')
    parts.append(f'<text x="{LEFT - 6}" y="{TOP + 10}" text-anchor="end" font-size="12">{top}</text>')
    parts.append(f'<text x="{LEFT - 6}" y="{HEIGHT - BOTTOM}" text-anchor="end" font-size="12">0</text>')
    for w, row in enumerate(table.counts):
        x = LEFT + w * step + 4
        y: float = HEIGHT - BOTTOM
        for i, count in enumerate(row):
            if not count:
                continue
            h = plot_h * count / top
            y -= h
            parts.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{step - 8:.1f}" height="{h:.1f}" fill="url(#p-{key}-{i})"'
                f' stroke="#fff" stroke-width="0.5"/>'
            )
        if w % 2 == 0:
            parts.append(
                f'<text x="{x + (step - 8) / 2:.1f}" y="{HEIGHT - BOTTOM + 16}" text-anchor="middle" font-size="11">'
                f"{escape(week_label(table, w))}</text>"
            )
    for i, category in enumerate(table.categories):
        y = HEIGHT + 24 * i + 4
        parts.append(f'<rect x="{LEFT}" y="{y}" width="16" height="16" fill="url(#p-{key}-{i})" stroke="#4c6272"/>')
        parts.append(f'<text x="{LEFT + 24}" y="{y + 13}" font-size="13">{escape(category)}</text>')
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text in it is escaped above


def describe(table: Table) -> str:
    totals = ", ".join(f"{category} {total}" for category, total in zip(table.categories, table.totals, strict=True))
    return f"Stacked columns, one a week for {len(table.weeks)} weeks. Totals over the weeks: {totals}."


def table_csv(table: Table) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["Week starting", *table.categories])
    for week, row in zip(table.weeks, table.counts, strict=True):
        writer.writerow([week.isoformat(), *row])
    return out.getvalue()
