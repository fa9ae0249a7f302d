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
