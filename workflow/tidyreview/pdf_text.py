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
from dataclasses import dataclass, field
from pathlib import Path

from .errors import SourceFormatError
from .pdf_chars import Page, read_pages
from .pdf_lines import Segment, page_segments, text_without_superscripts

# "2.1. Antibody Selection" (a heading starts with a section number)
HEADING_NUMBER = re.compile(r"^\d+(?:\.\d+)*\.\s+\S")
# "Table 1. Antibody-drug ...", "Figure 3. Clearance ..."; "Table 1. Cont." continues one.
CAPTION_START = re.compile(r"^(?P<kind>Table|Figure)\s+(?P<number>\d+)\.\s*(?P<rest>.*)$")
CONTINUED = re.compile(r"^Cont(?:inued)?\.?$", re.IGNORECASE)
# "Received: 27 April 2021", "Publisher’s Note: ...": a labelled front/back-matter field.
LABEL = re.compile(r"^(?:\*\s*)?[A-Z][\w’'/-]*(?: [\w’'/-]+){0,3}:(?:\s|$)")
# Link markers printed after a reference instead of its links.
LINK_MARKERS = re.compile(r"\s*\[(?:CrossRef|PubMed|Google Scholar|PubMed Central|PMC)\]")
# "12. Surname, I.; ..." the start of a reference entry
REFERENCE_START = re.compile(r"^\d+\.\s")
# A page number or "3 of 36" alone: part of a running header or footer.
DIGITS = re.compile(r"\d+")
# A word broken at a line end: "immuno-" + "genicity"
BROKEN_WORD = re.compile(r"(?P<stem>[A-Za-z]+)-$")
NEXT_WORD = re.compile(r"^(?P<word>[a-z]+)")
# The end and the start of an italic run in markup ("*Mol. Cancer*", not "**2020**").
ITALIC_END = re.compile(r"(?<![*\s])\*$")
ITALIC_START = re.compile(r"^\*(?![*\s])")
WORDS = re.compile(r"[A-Za-z]+(?:-[A-Za-z]+)*")


@dataclass(frozen=True)
class Span:
    """Characters [start, end) of the derived text come from this box of this page."""

    start: int
    end: int
    page: int
    x0: float
    top: float
    x1: float
    bottom: float


@dataclass
class PdfText:
    """The derived text of a PDF, its span map and its page count."""

    text: str
    spans: list[Span]
    n_pages: int


@dataclass
class _Writer:
    """Builds the derived text line by line, recording where each piece comes from."""

    words: set[str]
    parts: list[str] = field(default_factory=list)
    spans: list[Span] = field(default_factory=list)
    length: int = 0

    def write(self, text: str, seg: Segment | None = None) -> None:
        if seg is not None and text:
            self.spans.append(
                Span(
                    self.length,
                    self.length + len(text),
                    seg.page,
                    round(seg.x0, 2),
                    round(seg.top, 2),
                    round(seg.x1, 2),
                    round(seg.bottom, 2),
                )
            )
        self.parts.append(text)
        self.length += len(text)

    def line(self, segs: list[Segment], text_of=lambda s: s.text) -> None:
        """Write one output line joining `segs` (wrapped lines), then a blank line."""
        tail = ""
        for seg in segs:
            text = LINK_MARKERS.sub("", text_of(seg)).strip()
            if not text:
                continue
            joiner = join_lines(tail, text, self.words) if tail else ""
            if joiner == "-DROP":
                # mended hyphen: remove the hyphen written at the end of the previous piece
                self.drop_last_char()
                joiner = ""
            elif ITALIC_END.search(tail) and ITALIC_START.match(text):
                # one italic run wrapped over two lines: "*Mol. Cancer*" "*Res.*" -> one run
                self.drop_last_char()
                text = text[1:]
            self.write(joiner)
            self.write(text, seg)
            tail = text
        if tail:
            self.write("\n\n")

    def drop_last_char(self) -> None:
        self.parts[-1] = self.parts[-1][:-1]
        self.length -= 1
        last = self.spans[-1]
        self.spans[-1] = Span(
            last.start, last.end - 1, last.page, last.x0, last.top, last.x1, last.bottom
        )

    def text(self) -> str:
        return "".join(self.parts)


def join_lines(before: str, after: str, words: set[str]) -> str:
    """Return what goes between two wrapped lines: "", " " or "-DROP" (mend the hyphen).

    A line-end hyphen is mended when both sides are lowercase letters and the document
    never writes the hyphenated form elsewhere ("immuno-" + "genicity"); a real hyphen
    ("T-DM1", "anti-" + "tumor" where "anti-tumor" occurs) is kept without a space.
    """
    if before.endswith("-"):
        stem = BROKEN_WORD.search(before)
        nxt = NEXT_WORD.match(after)
        if stem and nxt and stem["stem"][-1].islower():
            hyphenated = f"{stem['stem']}-{nxt['word']}".lower()
            if hyphenated not in words:
                return "-DROP"
        return ""
    if before.endswith("/") or after[:1] in ",.;:)]":
        return ""
    return " "


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
    from .pdf_render import render  # the renderer of the segment stream

    writer = _Writer(words)
    render(path, pages, pages_segs, writer, body_size, body_left)
    text = writer.text()
    return PdfText(text=text, spans=writer.spans, n_pages=len(pages))


__all__ = ["PdfText", "Span", "read_pdf", "join_lines", "text_without_superscripts"]
