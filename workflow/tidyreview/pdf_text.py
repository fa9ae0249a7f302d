"""An MDPI review PDF rendered as the plain-text rendering the text reader understands.

`read_pdf(path)` returns the derived text (title, byline, affiliations, labelled front
matter, numbered headings on their own lines, one line per paragraph, captions, tables as
TAB-separated rows, `References` and `N. entry` lines, labelled back matter) and a span
map: for every piece of the text, the page and the box in PDF points it comes from.
Every later stage reads the derived text; offsets index it.

The rules work from the page's geometry and fonts (body size, the main column's left
edge, horizontal rules, bold/italic), never from what a particular review says.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from .errors import SourceFormatError
from .pdf_body import render
from .pdf_chars import Page, read_pages
from .pdf_lines import Segment, page_segments
from .pdf_writer import Span, Writer, join_lines

# A page number or "3 of 36" alone: part of a running header or footer.
DIGITS = re.compile(r"\d+")
# A journal source line: "Cancers 2019, 11, 1234; doi:10.3390/cancers11091234"
SOURCE_LINE = re.compile(
    r"^[A-Z][A-Za-z.&' -]*? (?:19|20)\d{2}, \d+, [\w-]+[;.,]? (?:doi: ?|https?://doi\.org/)10\."
)
# "Table 1." / "Figure 2." opening a caption
CAPTION_OPENING = re.compile(r"^(?:Table|Figure)\s+\d+\.")
# Hyphenated words as the document writes them within lines ("anti-tumor").
WORDS = re.compile(r"[A-Za-z]+(?:-[A-Za-z]+)*")


@dataclass
class PdfText:
    """The derived text of a PDF, its span map and its page count."""

    text: str
    spans: list[Span]
    n_pages: int


def _running_lines(pages_segs: list[list[Segment]], pages: list[Page]) -> set[int]:
    """Return ids of header/footer segments: beyond a page-wide rule near an edge, or
    repeating (digits aside) in the top or bottom band of many pages."""
    drop: set[int] = set()
    band_texts: Counter = Counter()
    keyed: list[tuple[int, str]] = []
    for page, segs in zip(pages, pages_segs, strict=True):
        # a page turned upright has left its running lines out already (they were upright)
        wide = [r for r in page.rules if r[1] - r[0] > 0.6 * page.width and not page.turned]
        top_rules = [r[2] for r in wide if r[2] < 0.15 * page.height]
        bottom_rules = [r[2] for r in wide if r[2] > 0.85 * page.height]
        on_page = set()
        caption_rows = [
            s.baseline for s in segs if CAPTION_OPENING.match(s.text) and s.chars[0].bold
        ]
        for seg in segs:
            if any(abs(seg.baseline - b) < 1 for b in caption_rows):
                continue  # "Table 1. Cont." atop several pages is a caption, not a header
            # the rule closest to the page's edge: a table's rules may lie in the band too
            if top_rules and seg.bottom <= min(top_rules) + 1:
                drop.add(id(seg))
            if bottom_rules and seg.top >= max(bottom_rules) - 1:
                drop.add(id(seg))
            if seg.top < 0.1 * page.height or seg.bottom > 0.9 * page.height:
                key = DIGITS.sub("#", seg.text)
                keyed.append((id(seg), key))
                on_page.add(key)
        band_texts.update(on_page)
    repeated = {k for k, n in band_texts.items() if n >= max(2, len(pages) // 2)}
    # a bare page number ("3", "3 of 36") in a band is a footer too
    drop.update(i for i, k in keyed if k in repeated or re.fullmatch(r"#(?: of #)?", k))
    return drop


# "Figure 3." opening a caption (bold in MDPI's layout)
FIGURE_CAPTION = re.compile(r"^Figure\s+\d+\.")


def _clusters(boxes: list[tuple], gap: float) -> list[list[float]]:
    """Return the bounding boxes of groups of drawn shapes lying within `gap` of each other
    (connected cells of a grid `gap` wide: linear in the number of shapes)."""
    cells: dict[tuple[int, int], int] = {}
    for k, (x0, top, x1, bottom) in enumerate(boxes):
        for cx in range(int(x0 // gap), int(x1 // gap) + 1):
            for cy in range(int(top // gap), int(bottom // gap) + 1):
                cells.setdefault((cx, cy), k)
    seen: set[tuple[int, int]] = set()
    clusters: list[list[float]] = []
    for start in cells:
        if start in seen:
            continue
        seen.add(start)
        stack, members = [start], set()
        while stack:
            cx, cy = stack.pop()
            members.add(cells[(cx, cy)])
            for nxt in ((cx + 1, cy), (cx - 1, cy), (cx, cy + 1), (cx, cy - 1)):
                if nxt in cells and nxt not in seen:
                    seen.add(nxt)
                    stack.append(nxt)
        group = [boxes[k] for k in members]
        clusters.append(
            [
                min(b[0] for b in group),
                min(b[1] for b in group),
                max(b[2] for b in group),
                max(b[3] for b in group),
            ]
        )
    return clusters


def _figure_text(page: Page, segs: list[Segment], body_size: float) -> set[int]:
    """Return ids of segments drawn inside a vector figure: a group of drawn shapes ending
    just above a "Figure N." caption (or starting just below one), with the text between
    the shapes and the caption (labels, legends)."""
    captions = [s for s in segs if FIGURE_CAPTION.match(s.text) and s.chars[0].bold]
    if not captions or not page.shapes:
        return set()
    # a shape as large as most of the page (a frame, a background) groups nothing
    shapes = [
        b for b in page.shapes if (b[2] - b[0]) * (b[3] - b[1]) < 0.5 * page.width * page.height
    ]
    clusters = _clusters(shapes, 0.5 * body_size)
    drop: set[int] = set()
    for caption in captions:
        above = [c for c in clusters if c[3] <= caption.top + 1]
        below = [c for c in clusters if c[1] >= caption.bottom - 1]
        region = None
        if above and caption.top - max(c[3] for c in above) < 3 * body_size:
            nearest = max(above, key=lambda c: c[3])
            region = list(nearest)
            # panels stacked above the nearest group belong to the same figure
            for c in sorted(above, key=lambda c: -c[3]):
                if c is not nearest and region[1] - c[3] < 3 * body_size:
                    region = [min(region[0], c[0]), min(region[1], c[1])] + [
                        max(region[2], c[2]),
                        region[3],
                    ]
            region[3] = caption.top - 1
        elif below and min(c[1] for c in below) - caption.bottom < 6 * body_size:
            nearest = min(below, key=lambda c: c[1])
            region = [nearest[0], caption.bottom + 1, nearest[2], nearest[3]]
        if region is None or (region[2] - region[0]) * (region[3] - region[1]) < 100:
            continue
        x0, top, x1, bottom = region[0] - body_size, region[1] - 2, region[2] + body_size, region[3]
        inside = [
            s
            for s in segs
            if s is not caption
            and x0 <= (s.x0 + s.x1) / 2 <= x1
            and top <= (s.top + s.bottom) / 2 <= bottom
        ]
        # a region holding another caption ("Table 2." under the figure's caption) is a
        # table's rules, not a figure
        if not any(CAPTION_OPENING.match(s.text) and s.chars[0].bold for s in inside):
            drop.update(id(s) for s in inside)
    return drop


def read_pdf(path: str | Path) -> PdfText:
    """Return the derived text and span map of the MDPI review PDF at `path`."""
    pages = read_pages(path)
    pages_segs = [page_segments(p) for p in pages]
    dropped = _running_lines(pages_segs, pages)
    # the earlier layout prints its source ("Cancers 2019, 11, 1234; doi:...") in the first
    # page's running lines only: kept aside for the front matter
    source_line = [s for s in pages_segs[0] if id(s) in dropped and SOURCE_LINE.match(s.text)][:1]
    pages_segs = [[s for s in segs if id(s) not in dropped] for segs in pages_segs]
    everything = [s for segs in pages_segs for s in segs]
    if not everything:
        raise SourceFormatError(path, "the PDF has no text outside its headers and footers")
    sizes = Counter()
    for s in everything:
        sizes[s.size] += len(s.text)
    body_size = sizes.most_common(1)[0][0]
    lefts = Counter(round(s.x0) for s in everything if s.size == body_size)
    body_left = lefts.most_common(1)[0][0]
    in_figures: set[int] = set()
    for page, segs in zip(pages, pages_segs, strict=True):
        in_figures |= _figure_text(page, segs, body_size)
    if in_figures:
        pages_segs = [[s for s in segs if id(s) not in in_figures] for segs in pages_segs]
    words = {w.lower() for s in everything for w in WORDS.findall(s.text) if "-" in w}
    writer = Writer(words)
    render(path, pages, pages_segs, writer, body_size, body_left, source_line)
    text = writer.text()
    return PdfText(text=text, spans=writer.spans, n_pages=len(pages))


__all__ = ["PdfText", "Span", "join_lines", "read_pdf"]
