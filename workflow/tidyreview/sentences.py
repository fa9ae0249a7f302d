"""The review's prose as sentences whose every character points back into the raw file.

Annotation rules (abbreviations, findings, regulatory events, adverse events) read
*normalised* text: whitespace runs collapsed and paragraphs split by a page break re-joined
exactly as `layout.Paragraph.text` does. Each normalised character keeps the raw offset it
came from, so a match in the normalised text maps back to `start`/`end` in the raw source.

Prose units are the Simple Summary and Abstract of the front matter, the section headings
and the body paragraphs; tables, captions and the reference list are not prose.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .layout import LABELLED, Block, Layout, join_across_break

# Front-matter blocks that are prose, by their label ("Abstract: Breast cancer is ...").
PROSE_LABELS = {"simple summary": "simple_summary", "abstract": "abstract"}

# A possible sentence end: terminal punctuation, optional closing quotes, whitespace, then
# something a sentence can start with ("... survival [10,11]. Breast", "... tumors. 1E11 is").
BOUNDARY = re.compile(r"[.!?][\"'”’]*(?P<space>\s+)(?=[A-Z0-9(\[“\"‘'$]|[a-z]{1,3}[A-Z])")
# Abbreviations whose period does not end a sentence: "et al. [28]", "vs. 33%", "i.e.", "ex.".
NO_BREAK_BEFORE = frozenset(
    {"al", "vs", "i.e", "e.g", "ex", "cf", "fig", "figs", "approx", "no", "nos", "ca", "resp"}
)
# The word right before a candidate period ("et al." -> "al", "i.e." -> "i.e").
LAST_WORD = re.compile(r"(?P<word>[\w.]+)\.[\"'”’]*$")
# A lone capital initial ("M. F. Mercogliano") never ends a sentence.
INITIAL = re.compile(r"(?:^|\s)[A-Z]\.$")


@dataclass(frozen=True)
class TextUnit:
    """A piece of prose: normalised text plus the raw offset of each of its characters."""

    kind: str  # "simple_summary", "abstract", "heading" or "paragraph"
    text: str
    offsets: tuple[int, ...]
    section_id: str | None
    paragraph_id: str | None

    def raw_span(self, begin: int, end: int) -> tuple[int, int]:
        """Return raw (start, end) offsets of normalised characters [begin, end)."""
        if not 0 <= begin < end <= len(self.text):
            raise ValueError(f"span [{begin}, {end}) outside text of length {len(self.text)}")
        return self.offsets[begin], self.offsets[end - 1] + 1


@dataclass(frozen=True)
class Sentence:
    """One sentence of a unit: `begin`/`end` index the unit's normalised text."""

    unit: TextUnit
    begin: int
    end: int
    number: int  # 1-based position in the document

    @property
    def text(self) -> str:
        return self.unit.text[self.begin : self.end]

    @property
    def start(self) -> int:
        return self.unit.offsets[self.begin]

    @property
    def stop(self) -> int:
        """Raw end offset (exclusive) of the sentence."""
        return self.unit.offsets[self.end - 1] + 1

    @property
    def section_id(self) -> str | None:
        return self.unit.section_id

    @property
    def paragraph_id(self) -> str | None:
        return self.unit.paragraph_id

    def raw_span(self, begin: int, end: int) -> tuple[int, int]:
        """Return raw offsets of sentence-relative characters [begin, end)."""
        return self.unit.raw_span(self.begin + begin, self.begin + end)


def _normalise_piece(text: str, base: int) -> tuple[str, list[int]]:
    """Return `text` with whitespace runs made one space and stripped, plus raw offsets."""
    chars: list[str] = []
    offsets: list[int] = []
    for m in re.finditer(r"\S+|\s+", text):
        if m.group().isspace():
            if chars:  # leading whitespace is dropped, trailing removed below
                chars.append(" ")
                offsets.append(base + m.start())
        else:
            chars.extend(m.group())
            offsets.extend(range(base + m.start(), base + m.end()))
    if chars and chars[-1] == " ":
        chars.pop()
        offsets.pop()
    return "".join(chars), offsets


def unit_from_blocks(
    raw: str,
    spans: list[tuple[int, int]],
    kind: str,
    section_id: str | None,
    paragraph_id: str | None,
) -> TextUnit:
    """Return the unit made of raw spans (page-break parts), joined like layout does."""
    text, offsets = "", []
    for start, end in spans:
        piece, piece_offsets = _normalise_piece(raw[start:end], start)
        if not text:
            text, offsets = piece, piece_offsets
            continue
        joined = join_across_break(text, piece)
        if joined == f"{text} {piece}":
            offsets = [*offsets, start - 1, *piece_offsets]  # the space stands for the break
        elif joined == text + piece:
            offsets = offsets + piece_offsets
        elif joined == text[:-1] + piece:  # a hyphenated word mended: the hyphen goes
            offsets = offsets[:-1] + piece_offsets
        else:  # pragma: no cover - join_across_break only has the three outcomes above
            raise AssertionError(f"unexpected join of {text[-20:]!r} and {piece[:20]!r}")
        text = joined
    return TextUnit(kind, text, tuple(offsets), section_id, paragraph_id)


def mended(raw_span: str) -> str:
    """Return a raw span as the annotation tables write it: page breaks re-joined,
    whitespace runs collapsed ("Chimeric antigen re-\\n\\nceptor" -> "... receptor")."""
    pieces = [" ".join(p.split()) for p in re.split(r"\n[ \t]*\n\s*", raw_span)]
    text = pieces[0]
    for piece in pieces[1:]:
        text = join_across_break(text, piece)
    return text


def _block_spans(blocks: list[Block]) -> list[tuple[int, int]]:
    return [(b.start, b.end) for b in blocks]


def prose_units(layout: Layout) -> list[TextUnit]:
    """Return the document's prose in reading order: summary, abstract, headings, paragraphs."""
    raw = layout.source.text
    units: list[TextUnit] = []
    for block in layout.front:
        m = LABELLED.match(block.lines[0].text)
        if not m or m["value"] is None or m["label"].lower() not in PROSE_LABELS:
            continue
        start = block.start + m.start("value")
        units.append(
            unit_from_blocks(
                raw, [(start, block.end)], PROSE_LABELS[m["label"].lower()], None, None
            )
        )
    body: list[tuple[int, TextUnit]] = []
    for heading in layout.headings:
        line = heading.block.lines[0]
        at = line.text.find(heading.title)
        start = line.start + max(at, 0)
        unit = unit_from_blocks(
            raw, [(start, start + len(heading.title))], "heading", heading.section_id, None
        )
        body.append((start, unit))
    for p in layout.paragraphs:
        unit = unit_from_blocks(
            raw, _block_spans(p.parts), "paragraph", p.section_id, p.paragraph_id
        )
        body.append((p.start, unit))
    units.extend(u for _, u in sorted(body, key=lambda pair: pair[0]))
    return units


def split_text(text: str) -> list[tuple[int, int]]:
    """Return (begin, end) of each sentence of normalised `text` (no surrounding spaces)."""
    spans, begin = [], 0
    for m in BOUNDARY.finditer(text):
        before = text[: m.start("space")]
        last = LAST_WORD.search(before)
        if last and last["word"].lower() in NO_BREAK_BEFORE:
            continue
        if INITIAL.search(before):
            continue
        spans.append((begin, m.start("space")))
        begin = m.end("space")
    if begin < len(text):
        spans.append((begin, len(text)))
    return [(b, e) for b, e in spans if e > b]


def sentences(units: list[TextUnit]) -> list[Sentence]:
    """Return every sentence of `units`, numbered in document order."""
    out: list[Sentence] = []
    for unit in units:
        for begin, end in split_text(unit.text):
            out.append(Sentence(unit, begin, end, len(out) + 1))
    return out


def document_sentences(layout: Layout) -> list[Sentence]:
    """Return the sentences of the document's prose (see `prose_units`).

    Computed once per layout (several rules of a stage read them); callers get a new list
    of the same, immutable, sentences.
    """
    cached = getattr(layout, "_sentences", None)
    if cached is None:
        cached = tuple(sentences(prose_units(layout)))
        layout._sentences = cached
    return list(cached)
