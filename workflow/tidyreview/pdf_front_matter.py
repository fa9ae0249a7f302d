"""The first page of an MDPI PDF in the plain-text rendering (see pdf_text), and the rows
of segments the whole rendering reads.

The largest text is the title, then the byline, affiliations and the correspondence line
in the main column, `Label: value` paragraphs (Simple Summary, Abstract, Keywords), and
the sidebar left of the main column (Citation, Academic Editors, dates, Publisher's Note,
Copyright). The body after the first heading is `pdf_body`'s.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .errors import SourceFormatError
from .pdf_lines import Segment, text_without_superscripts

# "2.1. Antibody Selection" (a heading starts with a section number)
HEADING_NUMBER = re.compile(r"^\d+(?:\.\d+)*\.\s+\S")
# "Received: 27 April 2021", "Publisher’s Note: ...": a labelled front/back-matter field.
LABEL = re.compile(r"^(?:\*\s*)?[A-Z][\w’'/-]*(?: [\w’'/-]+){0,3}:(?:\s|$)")

# A row starting like a marker of an affiliation ("1", "2", "*") or of a note on the
# authors ("† These authors contributed equally", "‡ Current address") in the byline area.
MARKER = re.compile(r"^(?:\d{1,2}|[*†‡§¶#])$|^[†‡§¶#]")


@dataclass
class Row:
    """Segments sharing a baseline on one page."""

    segs: list[Segment]

    @property
    def x0(self) -> float:
        return self.segs[0].x0

    @property
    def top(self) -> float:
        return min(s.top for s in self.segs)

    @property
    def bottom(self) -> float:
        return max(s.bottom for s in self.segs)

    @property
    def page(self) -> int:
        return self.segs[0].page

    @property
    def size(self) -> float:
        return max(s.size for s in self.segs)

    @property
    def text(self) -> str:
        return " ".join(s.text for s in self.segs)


def group_rows(segs: list[Segment], side=lambda seg: False) -> list[Row]:
    """Group segments into rows by baseline; a segment `side` says is in the first page's
    sidebar never shares a row with the main column (their baselines may meet by chance)."""
    rows: list[Row] = []
    last: dict[bool, Row] = {}
    for seg in segs:
        key = side(seg)
        row = last.get(key)
        if (
            row is not None
            and any(row is r for r in rows[-2:])
            and row.page == seg.page
            and abs(row.segs[0].baseline - seg.baseline) < 1.5
        ):
            row.segs.append(seg)
        else:
            row = Row([seg])
            rows.append(row)
            last[key] = row
    for row in rows:
        row.segs.sort(key=lambda s: s.x0)
    return rows


def is_heading(row: Row, body_size: float) -> bool:
    """A numbered heading: "2.1. Title" in bold or italic, at least body size (the
    number may stand apart from the title by a wide gap)."""
    first = row.segs[0]
    return (
        bool(HEADING_NUMBER.match(row.text))
        and all(s.bold == first.bold and s.italic == first.italic for s in row.segs)
        and (first.bold or first.italic)
        and first.size >= 0.95 * body_size
        and len(row.text) < 200
    )


def indented(row: Row, body_left: float, body_size: float) -> bool:
    return row.x0 > body_left + 0.8 * body_size


def write_front_matter(
    path, rows: list[Row], body_size: float, body_left: float, w, source_line
) -> int:
    """Write the first page's front matter; return the index of the first body row."""
    page_rows = [r for r in rows if r.page == rows[0].page]
    biggest = max(r.size for r in page_rows)
    if biggest < 1.2 * body_size:
        raise SourceFormatError(
            path,
            "not an MDPI review layout: expected a title in type larger than the body text "
            "on the first page",
        )
    start = next(
        (i for i, r in enumerate(rows) if is_heading(r, body_size) and r.segs[0].bold), None
    )
    if start is None:
        raise SourceFormatError(
            path,
            "not an MDPI review layout: expected a bold numbered section heading "
            "such as '1. Introduction'",
        )
    title_rows = [i for i, r in enumerate(rows[:start]) if r.size == biggest]
    byline_end = title_rows[-1] + 1
    while byline_end < start and rows[byline_end].size >= 0.95 * body_size:
        byline_end += 1
    sidebar = [s for r in rows[byline_end:start] for s in r.segs if s.x1 < body_left - 2]
    # rows left of the main column below the title on the first page continue after the
    # first heading (the sidebar is taller than the abstract)
    later_sidebar = [
        s for r in rows[start:] if r.page == rows[0].page for s in r.segs if s.x1 < body_left - 2
    ]
    side_ids = {id(s) for s in sidebar + later_sidebar}
    main = [Row([s for s in r.segs if id(s) not in side_ids]) for r in rows[title_rows[0] : start]]
    main = [r for r in main if r.segs]
    title_i = [i for i, r in enumerate(main) if r.size == biggest]
    w.line([s for i in title_i for s in main[i].segs])
    rest = main[title_i[-1] + 1 :]
    byline = []
    while rest and rest[0].size >= 0.95 * body_size and not LABEL.match(rest[0].text):
        byline.append(rest.pop(0))
    if byline:
        w.line(
            [s for r in byline for s in r.segs],
            lambda s: re.sub(r"\s+([,*])", r" \1", text_without_superscripts(s)).replace(" ,", ","),
        )
    blocks: list[list[Segment]] = []
    for row in rest:
        first = row.segs[0]
        starts = (
            not blocks
            or MARKER.match(first.text)
            or LABEL.match(row.text)
            or (first.chars[0].bold and not blocks[-1][-1].chars[0].bold)
        )
        if starts:
            blocks.append([])
        blocks[-1].extend(row.segs)
    for block in blocks:
        _dated_line(block, w)
    side = sidebar + later_sidebar
    if source_line and not any(s.text.startswith("Citation:") for s in side):
        w.line(source_line)
    _sidebar(side, w)
    return start


# "Received: 1 March 2019; Accepted: 2 April 2019; Published: 3 April 2019": the dates of
# the earlier layout, on one line under the affiliations
NEXT_DATE = re.compile(r";\s*(?=(?:Received|Revised|Accepted|Published|Available online):)")


def _dated_line(block: list[Segment], w) -> None:
    """Write the block as one line, or the dates printed on one line as one line each."""
    text = " ".join(s.text for s in block)
    if not text.startswith("Received:") or not NEXT_DATE.search(text):
        w.line(block)
        return
    for field_text in NEXT_DATE.split(text):
        w.write(field_text.strip(), block[0])
        w.write("\n\n")


def _sidebar(segs: list[Segment], w) -> None:
    fields: list[list[Segment]] = []
    previous = None
    for seg in sorted(segs, key=lambda s: (round(s.baseline), s.x0)):
        gap = seg.top - previous.bottom if previous is not None else 0
        same_row = previous is not None and abs(seg.baseline - previous.baseline) < 1
        if not same_row and (not fields or LABEL.match(seg.text) or gap > 1.2 * seg.size):
            fields.append([])
        fields[-1].append(seg)
        previous = seg
    for f in fields:
        # The citation keeps its typography (*Journal* **2021**, *10*, 30.), as in the
        # text rendering, so its journal, year and volume can be told apart.
        styled = f[0].text.startswith("Citation:")
        w.line(f, lambda s, styled=styled: _unbold_label(s.markup()) if styled else s.text)


def _unbold_label(text: str) -> str:
    """Return "Citation: ..." for "**Citation:** ..." (labels are plain in the rendering)."""
    return re.sub(r"^\*\*([^*]+:)\*\*", r"\1", text)
