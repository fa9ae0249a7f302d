"""In-text citations: every bracketed citation marker of the body, captions and table cells,
one row per cited reference number (ranges expanded).

A bracket is a citation marker only when it holds reference numbers and ranges and nothing
else (`[17,18]`, `[22–25]`, `[81,86–88]`); any other bracketed text (`[ex. IL2-Rβ]`) is
left alone.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterator
from dataclasses import dataclass

import pandas as pd

from . import patterns
from .layout import Layout
from .quality import Flags

# A bracket and its content on one line: "[81,86–88]", "[ex. IL2-Rβ]"
BRACKET = re.compile(r"\[(?P<body>[^\[\]\n]{1,200})\]")
# The content of a citation marker: numbers and ranges separated by commas:
# "81,86–88", "22–25", "17, 18"
CITATION_BODY = re.compile(rf"^{patterns.CITATION_BODY}$")
# One item of a marker: a number or a range "86–88" (en dash, em dash or hyphen)
CITATION_ITEM = patterns.CITATION_ITEM_PARTS
# Longest range expanded without a warning ("[1–400]" is more likely a typo).
MAX_RANGE = 30


@dataclass(frozen=True)
class Marker:
    """One citation marker: its text, offsets and the reference numbers it cites."""

    text: str
    start: int
    end: int
    numbers: tuple[tuple[int, bool], ...]  # (reference number, came from a range)


def expand(body: str) -> list[tuple[int, bool]]:
    """Return the reference numbers of a marker's content, ranges expanded, in order.

    "81,86–88" -> [(81, False), (86, True), (87, True), (88, True)]; a reversed range
    ("25–22") is read as written backwards (22..25).
    """
    numbers: list[tuple[int, bool]] = []
    for m in CITATION_ITEM.finditer(body):
        first = int(m["first"])
        if m["last"] is None:
            numbers.append((first, False))
            continue
        last = int(m["last"])
        low, high = min(first, last), max(first, last)
        numbers.extend((n, True) for n in range(low, high + 1))
    return numbers


def _regions(layout: Layout) -> Iterator[tuple[int, int]]:
    """Spans of the text that may carry citations: paragraphs, captions, table lines."""
    for p in layout.paragraphs:
        for block in p.parts:
            yield block.start, block.end
    for c in layout.captions:
        yield c.block.start, c.block.end
    for t in layout.tables:
        for line in t.lines:
            yield line.start, line.end


def find_markers(layout: Layout, flags: Flags | None = None) -> list[Marker]:
    """Return the citation markers of the body, captions and tables, in text order."""
    text = layout.source.text
    markers = []
    for start, end in sorted(_regions(layout)):
        for m in BRACKET.finditer(text, start, end):
            body = m["body"]
            if not CITATION_BODY.match(body):
                if flags is not None and re.search(r"\d", body):
                    flags.add(
                        "bracket_not_citation",
                        "info",
                        m.group(0),
                        "bracketed text with digits that is not a list of reference numbers; "
                        "not read as a citation",
                        m.start(),
                        m.end(),
                        "citations",
                    )
                continue
            markers.append(Marker(m.group(0), m.start(), m.end(), tuple(expand(body))))
    return markers


def _check_marker(marker: Marker, flags: Flags) -> None:
    for m in CITATION_ITEM.finditer(marker.text):
        if m["last"] is None:
            continue
        first, last = int(m["first"]), int(m["last"])
        if last < first:
            flags.add(
                "citation_range_reversed",
                "warning",
                marker.text,
                f"range {m.group(0)} runs backwards; read as {last}–{first}",
                marker.start,
                marker.end,
                "citations",
            )
        elif last - first > MAX_RANGE:
            flags.add(
                "citation_range_long",
                "warning",
                marker.text,
                f"range {m.group(0)} cites {last - first + 1} references; expanded as written",
                marker.start,
                marker.end,
                "citations",
            )
        if m["dash"] != "–":
            flags.add(
                "citation_range_dash",
                "info",
                marker.text,
                f"range {m.group(0)} written with {m['dash']!r} instead of an en dash",
                marker.start,
                marker.end,
                "citations",
            )


def _flag_outside_body(layout: Layout, markers: list[Marker], flags: Flags) -> None:
    """Flag citation-like brackets outside the body, captions, tables and reference list."""
    text = layout.source.text
    inside = {m.start for m in markers}
    refs = layout.reference_lines
    ref_span = (refs[0].start, refs[-1].end) if refs else (len(text), len(text))
    for m in BRACKET.finditer(text):
        if m.start() in inside or ref_span[0] <= m.start() < ref_span[1]:
            continue
        if CITATION_BODY.match(m["body"]) and not any(
            s <= m.start() < e for s, e in _regions(layout)
        ):
            flags.add(
                "citation_outside_body",
                "warning",
                m.group(0),
                "citation marker outside the body, captions and tables (front or back matter); "
                "not published as a citation",
                m.start(),
                m.end(),
                "citations",
            )


def _flag_first_citation_order(rows: list[dict], flags: Flags) -> None:
    """Flag references first cited after a higher-numbered one (lists are numbered in
    order of first citation, so this points at a renumbering slip)."""
    highest = 0
    for row in sorted(rows, key=lambda r: (r["start"], r["position"])):
        number = row["ref_id"]
        if number > highest + 1:
            flags.add(
                "citation_first_order",
                "info",
                row["marker"],
                f"reference {number} is first cited before reference"
                + (f" {highest + 1}" if number == highest + 2 else f"s {highest + 1}–{number - 1}"),
                row["start"],
                row["end"],
                "citations",
            )
        highest = max(highest, number)


def citations_frame(layout: Layout, known_refs: Collection[int], flags: Flags) -> pd.DataFrame:
    """Return one row per (citation marker, cited reference), flagging what does not resolve.

    Citations of numbers absent from the reference list are reported as flags and left out,
    so that every row's ref_id resolves.
    """
    known = set(known_refs)
    markers = find_markers(layout, flags)
    _flag_outside_body(layout, markers, flags)
    rows = []
    for index, marker in enumerate(markers, start=1):
        _check_marker(marker, flags)
        rows += _marker_rows(layout, marker, index, known, flags)
    _flag_first_citation_order(rows, flags)
    return pd.DataFrame(rows, columns=CITATION_COLUMNS)


CITATION_COLUMNS = [
    "doc_id",
    "ref_id",
    "marker",
    "marker_index",
    "position",
    "n_refs",
    "from_range",
    "section_id",
    "paragraph_id",
    "table_id",
    "caption_id",
    "line",
    "start",
    "end",
]


def _marker_rows(
    layout: Layout, marker: Marker, index: int, known: set[int], flags: Flags
) -> list[dict]:
    """One row per distinct reference a marker cites that the list has; flag the others
    and a number cited twice."""
    where = layout.locate(marker.start)
    seen: set[int] = set()
    distinct = [(n, r) for n, r in marker.numbers if not (n in seen or seen.add(n))]
    if len(distinct) < len(marker.numbers):
        flags.add(
            "citation_repeated_number",
            "warning",
            marker.text,
            "the marker cites the same reference twice; one row kept",
            marker.start,
            marker.end,
            "citations",
        )
    rows = []
    for position, (number, from_range) in enumerate(distinct, start=1):
        if number not in known:
            flags.add(
                "citation_missing_reference",
                "error",
                marker.text,
                f"cites reference {number}, which is not in the reference list",
                marker.start,
                marker.end,
                "citations",
            )
            continue
        rows.append(
            {
                "doc_id": layout.source.doc_id,
                "ref_id": number,
                "marker": marker.text,
                "marker_index": index,
                "position": position,
                "n_refs": len(distinct),
                "from_range": from_range,
                "section_id": where.section_id,
                "paragraph_id": where.paragraph_id,
                "table_id": where.table_id,
                "caption_id": where.caption_id,
                "line": layout.source.line_of(marker.start),
                "start": marker.start,
                "end": marker.end,
            }
        )
    return rows
