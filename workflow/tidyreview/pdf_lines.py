"""Lines of a PDF page: characters grouped into rows and the rows cut into segments.

A row is the characters sharing a baseline (superscripts joined to the row they raise
from); a segment is a run of a row without a wide gap, so a sidebar beside the body or
the cells of a table row come apart.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field, replace

from .pdf_chars import Char, Page

# A gap wider than this many font sizes ends a segment (columns, sidebar, table cells).
SEGMENT_GAP = 0.9
# A gap wider than this many font sizes is a word space.
WORD_GAP = 0.15
# Spacing accents some fonts draw over the letter as a separate glyph ("c" + "ˇ" -> "č"),
# with the combining mark each stands for.
SPACING_ACCENTS = {
    "\u02c7": "\u030c",  # caron
    "\u00b4": "\u0301",  # acute
    "\u0060": "\u0300",  # grave
    "\u00a8": "\u0308",  # diaeresis
    "\u02dc": "\u0303",  # tilde
    "\u02c6": "\u0302",  # circumflex
    "\u00b8": "\u0327",  # cedilla
    "\u02da": "\u030a",  # ring above
    "\u02d8": "\u0306",  # breve
    "\u02dd": "\u030b",  # double acute
}
# Raised marks pointing to a table's footnotes ("a", "b", "*", "†"), and the superscript
# letters a raised letter is written as in a table cell.
FOOTNOTE_MARKS = "abcdefghijklmnoprstuvwxyz*†‡§¶#"
SUPERSCRIPT_LETTERS = dict(
    zip("abcdefghijklmnoprstuvwxyz,", "ᵃᵇᶜᵈᵉᶠᵍʰⁱʲᵏˡᵐⁿᵒᵖʳˢᵗᵘᵛʷˣʸᶻ,", strict=True)
)
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
    superscript: list[bool] = field(default_factory=list)  # per character

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

    def cell_text(self) -> str:
        """Return the text with footnote marks raised after a word ("Drug A" + raised "a")
        written as superscript letters attached to it ("Drug Aᵃ"), so the word stays whole
        and the mark stays visible; other raised characters (exponents) are plain text."""
        marks = [
            sup and c.text in FOOTNOTE_MARKS and k > 0 and not self.superscript[k - 1]
            for k, (c, sup) in enumerate(zip(self.chars, self.superscript, strict=True))
        ]
        # a mark may be a run: "a,b"
        for k in range(1, len(marks)):
            if self.superscript[k] and marks[k - 1] and self.chars[k].text in FOOTNOTE_MARKS + ",":
                marks[k] = True
        if not any(marks):
            return self.text
        out: list[str] = []
        previous = None
        for k, ch in enumerate(self.chars):
            gap = ch.x0 - previous.x1 if previous is not None else 0
            spaced = ch.space_before or gap > WORD_GAP * max(self.size, 1)
            if previous is not None and spaced and not marks[k]:
                out.append(" ")
            out.append(SUPERSCRIPT_LETTERS.get(ch.text, ch.text) if marks[k] else ch.text)
            previous = ch
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
        superscript=[id(c) in superscripts for c in chars],
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
    # Superscripts: a row of small characters raised into the next, larger row (sorted by
    # baseline, the raised row comes first) belongs to that row.
    superscripts: set[int] = set()
    final: list[list[Char]] = []
    previous_size = 0.0
    for row in rows:
        size = max(c.size for c in row)
        if final:
            base = row[0].baseline
            prev = final[-1]
            if previous_size < SUPERSCRIPT_SIZE * size and base - size < prev[0].baseline < base:
                superscripts.update(id(c) for c in prev)
                final[-1] = prev + row
                previous_size = size
                continue
            # a subscript: smaller characters lowered by less than half a line ("IC" + "50")
            if (
                size < SUPERSCRIPT_SIZE * previous_size
                and 0 < base - prev[-1].baseline < 0.5 * previous_size
                and _hangs_on(row, prev, 0.3 * previous_size)
            ):
                final[-1] = prev + row
                continue
        final.append(row)
        previous_size = size
    segments: list[Segment] = []
    for row in final:
        row.sort(key=lambda c: c.x0)
        row = _attach_accents(row)
        run = [row[0]]
        last = row[0]
        for ch in row[1:]:
            size = last.size if last.size > ch.size else ch.size
            if ch.x0 - last.x1 > SEGMENT_GAP * (size if size > 1 else 1):
                segments.append(_segment(page.number, run, superscripts))
                run = []
            run.append(ch)
            last = ch
        segments.append(_segment(page.number, run, superscripts))
    segments.sort(key=lambda s: (round(s.baseline), s.x0))
    return segments


def _hangs_on(row: list[Char], prev: list[Char], gap: float) -> bool:
    """Return whether every character of `row` follows right after one of `prev` or of
    its own run (a subscript written on after a letter), not off beside the line."""
    ends = [c.x1 for c in prev]
    run_end, run = None, 0
    for ch in sorted(row, key=lambda c: c.x0):
        if run_end is not None and -0.5 <= ch.x0 - run_end < gap and run < 8:
            run += 1  # the run goes on: "50" after "5"
        elif any(-0.5 <= ch.x0 - e < gap for e in ends):
            run = 1  # a run starts right after a letter of the line
        else:
            return False
        run_end = ch.x1
    return True


def _attach_accents(row: list[Char]) -> list[Char]:
    """Return the row with each spacing accent drawn over a letter merged into it."""
    if not any(c.text in SPACING_ACCENTS for c in row):
        return row
    out: list[Char] = []
    for ch in row:
        mark = SPACING_ACCENTS.get(ch.text)
        if mark and out and out[-1].text.isalpha() and ch.x0 < out[-1].x1:
            base = out[-1]
            out[-1] = replace(base, text=unicodedata.normalize("NFC", base.text + mark))
            continue
        out.append(ch)
    return out


def text_without_superscripts(seg: Segment, keep: str = "*") -> str:
    """Return the segment's text without superscript characters (but keeping `keep`)."""
    chars = [
        c for c, sup in zip(seg.chars, seg.superscript, strict=True) if not sup or c.text in keep
    ]
    text = "".join(c.text for c in _spaced(chars, seg.size))
    return re.sub(r"\s+", " ", text).strip()
