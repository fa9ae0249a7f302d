"""The derived text of a PDF written piece by piece, with its span map.

`Writer` joins the segments of one output line (wrapped lines, cells) the way the text
reader expects, mending line-end hyphens only where the word is a word, and records for
every piece the page and box it comes from.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .pdf_lines import Segment

# Link markers printed after a reference instead of its links.
LINK_MARKERS = re.compile(r"\s*\[(?:CrossRef|PubMed|Google Scholar|PubMed Central|PMC)\]")
# A word broken at a line end: "immuno-" + "genicity"
BROKEN_WORD = re.compile(r"(?P<stem>[A-Za-z]+)-$")
NEXT_WORD = re.compile(r"^(?P<word>[a-z]+)")
# A line ending inside a link: "https://www.targetedonc.com/news/phase-iii-trial-"
URL_TAIL = re.compile(r"(?:https?://|www\.|doi\.org/)\S*$")
# A printed link, without the punctuation closing its sentence: "https://doi.org/10.3/x."
LINK = re.compile(r"(?<!<)\bhttps?://\S+?(?=[.,;]?(?:\s|$))")
# The end and the start of an italic run in markup ("*Mol. Cancer*", not "**2020**").
ITALIC_END = re.compile(r"(?<![*\s])\*$")
ITALIC_START = re.compile(r"^\*(?![*\s])")


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
class Writer:
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

    def line(
        self, segs: list[Segment], text_of=lambda s: s.text, links: bool = False, after: str = ""
    ) -> None:
        """Write one output line joining `segs` (wrapped lines), then a blank line; with
        `links`, printed links are written as <https://...> as in the text rendering;
        `after` (a linked address) is written after the line's text."""
        pieces: list[list] = []  # [text, segment or None]
        tail = ""
        for seg in segs:
            text = LINK_MARKERS.sub("", text_of(seg)).strip()
            if not text:
                continue
            italic_run = bool(tail) and ITALIC_END.search(tail) and ITALIC_START.match(text)
            if italic_run:
                # one italic run wrapped over two lines: "*Mol. Cancer*" "*Res.*" -> one run
                # (joined as its words: "*... Antibody-*" "*Drug ...*" -> "Antibody-Drug")
                pieces[-1][0] = pieces[-1][0][:-1]
                tail, text = tail[:-1], text[1:]
            joiner = join_lines(tail, text, self.words) if tail else ""
            if joiner == "-DROP":
                pieces[-1][0] = pieces[-1][0][:-1]  # the hyphen of a word cut at a line end
                joiner = ""
            pieces.append([joiner, None])
            pieces.append([text, seg])
            tail = text
        if not tail:
            return
        if links:
            _mark_links(pieces)
        for text, seg in pieces:
            self.write(text, seg)
        if after:
            self.write(" " + after)
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


def _mark_links(pieces: list[list]) -> None:
    """Wrap each link of the joined pieces in <...>, editing the pieces in place."""
    whole = "".join(text for text, _ in pieces)
    marks = []
    for m in LINK.finditer(whole):
        marks += [(m.end(), ">", True), (m.start(), "<", False)]
    for offset, mark, at_end in sorted(marks, reverse=True):
        position = 0
        for piece in pieces:
            end = position + len(piece[0])
            inside = position < offset <= end if at_end else position <= offset < end
            if inside:
                cut = offset - position
                piece[0] = piece[0][:cut] + mark + piece[0][cut:]
                break
            position = end


def join_lines(before: str, after: str, words: set[str]) -> str:
    """Return what goes between two wrapped lines: "", " " or "-DROP" (mend the hyphen).

    A line-end hyphen is mended when both sides are lowercase letters and the document
    never writes the hyphenated form elsewhere ("immuno-" + "genicity"); a real hyphen
    ("T-DM1", "anti-" + "tumor" where "anti-tumor" occurs) is kept without a space.
    """
    if URL_TAIL.search(before) and not after.startswith("("):
        return ""  # a link broken over two lines: its hyphens and slashes are its own
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
