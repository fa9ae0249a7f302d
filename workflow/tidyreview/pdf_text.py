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
from .pdf_chars import Page, read_pages
from .pdf_lines import Segment, page_segments
from .pdf_render import render
from .pdf_writer import Span, Writer, join_lines

# A page number or "3 of 36" alone: part of a running header or footer.
DIGITS = re.compile(r"\d+")
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
        wide = [r for r in page.rules if r[1] - r[0] > 0.6 * page.width]
        top_rules = [r[2] for r in wide if r[2] < 0.15 * page.height]
        bottom_rules = [r[2] for r in wide if r[2] > 0.85 * page.height]
        on_page = set()
        for seg in segs:
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


def read_pdf(path: str | Path) -> PdfText:
    """Return the derived text and span map of the MDPI review PDF at `path`."""
    pages = read_pages(path)
    pages_segs = [page_segments(p) for p in pages]
    dropped = _running_lines(pages_segs, pages)
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
    words = {w.lower() for s in everything for w in WORDS.findall(s.text) if "-" in w}
    writer = Writer(words)
    render(path, pages, pages_segs, writer, body_size, body_left)
    text = writer.text()
    return PdfText(text=text, spans=writer.spans, n_pages=len(pages))


__all__ = ["PdfText", "Span", "join_lines", "read_pdf"]
