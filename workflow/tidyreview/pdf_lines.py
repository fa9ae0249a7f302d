"""Lines of a PDF page: characters grouped into rows and the rows cut into segments.

A row is the characters sharing a baseline (superscripts joined to the row they raise
from); a segment is a run of a row without a wide gap, so a sidebar beside the body or
the cells of a table row come apart.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from .pdf_chars import Char, Page

# A gap wider than this many font sizes ends a segment (columns, sidebar, table cells).
SEGMENT_GAP = 0.9
# A gap wider than this many font sizes is a word space.
WORD_GAP = 0.15
# A character smaller than this share of its row's size, raised, is a superscript.
SUPERSCRIPT_SIZE = 0.85


@dataclass
class Segment:
    """A run of characters on one row: its text, box, size and style."""

    page: int
    chars: list[Char]
    text: str
    x0: float
    top: float
    x1: float
    bottom: float
    baseline: float
    size: float
    bold: bool
    italic: bool

    def markup(self) -> str:
        """Return the text with italic runs as *...* and bold runs as **...**."""
        out, run, style = [], [], None
        for ch in _spaced(self.chars, self.size):
            key = (ch.bold, ch.italic) if ch.text.strip() else style
            if key != style and run:
                out.append(_wrap("".join(run), style))
                run = []
            style = key
            run.append(ch.text)
        if run:
            out.append(_wrap("".join(run), style))
        return re.sub(r"\s+", " ", "".join(out)).strip()


def _wrap(text: str, style) -> str:
    if not style or not text.strip():
        return text
    bold, italic = style
    core = text.strip()
    lead, trail = text[: len(text) - len(text.lstrip())], text[len(text.rstrip()) :]
    # a comma or semicolon closing a styled run stays outside it: "**2020**," not "**2020,**"
    stripped = core.rstrip(",;")
    trail = core[len(stripped) :] + trail
    core = stripped
    if not core:
        return text
    if bold:
        core = f"**{core}**"
    elif italic:
        core = f"*{core}*"
    return lead + core + trail


def _spaced(chars: list[Char], size: float) -> list[Char]:
    """Return the characters with a space wherever the gap before one is a word gap."""
    out: list[Char] = []
    previous = None
    for ch in chars:
        gap = ch.x0 - previous.x1 if previous is not None else 0
        if previous is not None and (ch.space_before or gap > WORD_GAP * max(size, 1)):
            out.append(
                Char(" ", previous.x1, ch.top, ch.x0, ch.bottom, ch.baseline, 0, False, False)
            )
        out.append(ch)
        previous = ch
    return out


def _segment(page: int, chars: list[Char], superscripts: set[int]) -> Segment:
    body = [c for c in chars if id(c) not in superscripts] or chars
    size = Counter(c.size for c in body).most_common(1)[0][0]
    text = "".join(c.text for c in _spaced(chars, size))
    letters = [c for c in body if c.text.isalnum()] or body
    return Segment(
        page=page,
        chars=chars,
        text=re.sub(r"\s+", " ", text).strip(),
        x0=min(c.x0 for c in chars),
        top=min(c.top for c in chars),
        x1=max(c.x1 for c in chars),
        bottom=max(c.bottom for c in chars),
        baseline=Counter(round(c.baseline, 1) for c in body).most_common(1)[0][0],
        size=size,
        bold=sum(c.bold for c in letters) * 2 > len(letters),
        italic=sum(c.italic for c in letters) * 2 > len(letters),
    )


def page_segments(page: Page) -> list[Segment]:
    """Return the page's segments in reading order of rows (top to bottom, left to right)."""
    chars = sorted((c for c in page.chars if c.text.strip()), key=lambda c: (c.baseline, c.x0))
    rows: list[list[Char]] = []
    for ch in chars:
        if rows and abs(ch.baseline - rows[-1][0].baseline) < 0.5:
            rows[-1].append(ch)
        else:
            rows.append([ch])
    # Superscripts: a row of small characters whose baseline lies inside a larger row.
    superscripts: set[int] = set()
    merged: list[list[Char]] = []
    for row in rows:
        size = max(c.size for c in row)
        host = None
        for other in merged[-3:]:
            other_size = max(c.size for c in other)
            other_base = Counter(c.baseline for c in other).most_common(1)[0][0]
            if (
                size < SUPERSCRIPT_SIZE * other_size
                and other_base - other_size < row[0].baseline < other_base
            ):
                host = other
        if host is None:
            # a later row may host this one (the superscript row comes first by baseline)
            merged.append(row)
        else:
            host.extend(row)
            superscripts.update(id(c) for c in row)
    # A superscript row that came before its host: attach it to the next larger row.
    final: list[list[Char]] = []
    for row in merged:
        if final:
            prev = final[-1]
            psize, size = max(c.size for c in prev), max(c.size for c in row)
            base = Counter(c.baseline for c in row).most_common(1)[0][0]
            if psize < SUPERSCRIPT_SIZE * size and base - size < prev[0].baseline < base:
                superscripts.update(id(c) for c in prev)
                final[-1] = prev + row
                continue
        final.append(row)
    segments: list[Segment] = []
    for row in final:
        row.sort(key=lambda c: c.x0)
        run = [row[0]]
        for ch in row[1:]:
            size = max(run[-1].size, ch.size, 1)
            if ch.x0 - run[-1].x1 > SEGMENT_GAP * size:
                segments.append(_segment(page.number, run, superscripts))
                run = []
            run.append(ch)
        segments.append(_segment(page.number, run, superscripts))
    for seg in segments:
        seg.superscript = [id(c) in superscripts for c in seg.chars]  # type: ignore[attr-defined]
    segments.sort(key=lambda s: (round(s.baseline), s.x0))
    return segments


def text_without_superscripts(seg: Segment, keep: str = "*") -> str:
    """Return the segment's text without superscript characters (but keeping `keep`)."""
    flags = getattr(seg, "superscript", [False] * len(seg.chars))
    chars = [c for c, sup in zip(seg.chars, flags, strict=True) if not sup or c.text in keep]
    text = "".join(c.text for c in _spaced(chars, seg.size))
    return re.sub(r"\s+", " ", text).strip()
