"""The review's layout: which characters are front matter, headings, paragraphs, captions,
tables, back matter and the reference list.

Every other stage starts from `read_layout(source)`. The rules work from the shape of the
text (blank-line separated blocks, tab-separated table lines, numbered headings), never
from what a particular review says.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .errors import SourceFormatError
from .patterns import CITATION_MARKER  # headings never carry one
from .source import Source

# "2.1.3. Antibody-Drug Conjugates (ADCs)" -> number "2.1.3", title "Antibody-Drug ..."
NUMBERED_HEADING = re.compile(r"^(?P<number>\d+(?:\.\d+)*)\.\s+(?P<title>\S.*?)\s*$")
# "Table 1. Bispecific antibodies ..." / "Figure 1. The current standard ..."
CAPTION = re.compile(r"^(?P<kind>Table|Figure)\s+(?P<number>\d+)\.\s+(?P<text>\S.*?)\s*$")
# "Received: 21 February 2023", "* Correspondence: ...", "Disclaimer/Publisher’s Note: ..."
LABELLED = re.compile(
    r"^(?:\*\s*)?(?P<label>[A-Z][\w’'/-]*(?: [\w’'/-]+){0,3}):(?:\s+(?P<value>\S.*?))?\s*$"
)
# The heading of the reference list.
REFERENCES_HEADING = re.compile(r"^\s*References\s*$")
# Sentence-final punctuation (optionally followed by closing quotes/brackets).
TERMINAL = re.compile(r"[.!?:;][\"'”’)\]]*$")
# A sentence break inside a line: "... tumors. This ..."
SENTENCE_BREAK = re.compile(r"[.!?]\s+[A-Z(]")
# Words that follow a suspended hyphen ("homo- or heterodimerize").
SUSPENDED_HYPHEN_NEXT = frozenset({"or", "and", "nor", "to", "and/or"})

MAX_HEADING_CHARS = 200


@dataclass(frozen=True)
class Line:
    """One line of the source: its text and offsets (end excludes the newline)."""

    number: int
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Block:
    """A run of non-blank lines between blank lines."""

    lines: tuple[Line, ...]

    @property
    def start(self) -> int:
        return self.lines[0].start

    @property
    def end(self) -> int:
        return self.lines[-1].end

    @property
    def first_line(self) -> int:
        return self.lines[0].number

    @property
    def text(self) -> str:
        return "\n".join(line.text for line in self.lines)

    @property
    def is_single_line(self) -> bool:
        return len(self.lines) == 1

    @property
    def is_tabular(self) -> bool:
        return all("\t" in line.text for line in self.lines)


@dataclass
class Heading:
    section_id: str
    number: str | None  # None for unnumbered subheadings
    title: str
    level: int
    parent_section_id: str | None
    block: Block
    end: int = -1  # end offset of the section's last block, filled in afterwards


@dataclass
class Paragraph:
    parts: list[Block]
    section_id: str
    paragraph_id: str = ""  # p001, p002, ... in document order (set by read_layout)

    @property
    def start(self) -> int:
        return self.parts[0].start

    @property
    def end(self) -> int:
        return self.parts[-1].end

    @property
    def text(self) -> str:
        """The paragraph's text with page breaks re-joined and whitespace runs collapsed."""
        text = collapse(self.parts[0].text)
        for part in self.parts[1:]:
            text = join_across_break(text, collapse(part.text))
        return text


@dataclass
class Caption:
    kind: str  # "table" or "figure"
    number: int
    text: str
    block: Block
    section_id: str

    @property
    def caption_id(self) -> str:
        return f"{self.kind[0].upper()}{self.number}"


@dataclass
class TableBlock:
    """The tab-separated lines of one table (possibly split by page breaks)."""

    caption: Caption
    lines: list[Line] = field(default_factory=list)

    @property
    def table_id(self) -> str:
        return self.caption.caption_id


@dataclass(frozen=True)
class Location:
    """Where an offset lies in the layout (ids are None where not applicable)."""

    section_id: str | None
    paragraph_id: str | None
    table_id: str | None
    caption_id: str | None


@dataclass
class Layout:
    source: Source
    front: list[Block]
    headings: list[Heading]
    paragraphs: list[Paragraph]
    captions: list[Caption]
    tables: list[TableBlock]
    back: list[Block]
    reference_lines: list[Line]
    body_start: int
    body_end: int

    def locate(self, offset: int) -> Location:
        """Return where `offset` lies: its section and its paragraph, caption or table."""
        section = self.section_at(offset)
        for p in self.paragraphs:
            if any(b.start <= offset < b.end for b in p.parts):
                return Location(p.section_id, p.paragraph_id, None, None)
        for c in self.captions:
            if c.block.start <= offset < c.block.end:
                return Location(c.section_id, None, None, c.caption_id)
        for t in self.tables:
            if any(line.start <= offset < line.end for line in t.lines):
                return Location(t.caption.section_id, None, t.table_id, None)
        return Location(section, None, None, None)

    def section_at(self, offset: int) -> str | None:
        """Return the id of the innermost section containing `offset`, if any."""
        found = None
        for heading in self.headings:
            if heading.block.start <= offset < max(heading.end, heading.block.end + 1):
                found = heading.section_id  # later (deeper or following) headings win
        return found


def collapse(text: str) -> str:
    """Return text with every whitespace run (newlines and tabs included) made one space."""
    return re.sub(r"\s+", " ", text).strip()


def join_across_break(before: str, after: str) -> str:
    """Return two pieces of a paragraph split by a page break, joined as one text.

    A word cut by a hyphen is re-joined ("re-" + "ceptor" -> "receptor"); a suspended
    hyphen keeps its space ("homo-" + "or" -> "homo- or"); a hyphen after a symbol or a
    capitalised token is kept ("HER2-" + "CAR-T" -> "HER2-CAR-T").
    """
    if not before.endswith("-"):
        return f"{before} {after}"
    next_word = after.split(" ", 1)[0]
    if next_word.lower() in SUSPENDED_HYPHEN_NEXT:
        return f"{before} {after}"
    stem = re.search(r"(\w+)-$", before)
    if stem and stem.group(1).isalpha() and stem.group(1).islower() and after[:1].islower():
        return before[:-1] + after
    return before + after


def _lines(text: str) -> list[Line]:
    lines, start = [], 0
    for number, raw in enumerate(text.split("\n"), start=1):
        lines.append(Line(number, start, start + len(raw), raw))
        start += len(raw) + 1
    return lines


def _blocks(lines: list[Line]) -> list[Block]:
    blocks, run = [], []
    for line in lines:
        if line.text.strip():
            run.append(line)
        elif run:
            blocks.append(Block(tuple(run)))
            run = []
    if run:
        blocks.append(Block(tuple(run)))
    return blocks


def _numbered_heading(block: Block, known: dict[str, Heading], last_top: int) -> re.Match | None:
    """Return the heading match if `block` is the next plausible numbered heading."""
    if not block.is_single_line or "\t" in block.text:
        return None
    m = NUMBERED_HEADING.match(block.text)
    if not m or len(m["title"]) > MAX_HEADING_CHARS or m["title"].endswith("."):
        return None
    if CITATION_MARKER.search(m["title"]) or SENTENCE_BREAK.search(m["title"]):
        return None
    parts = m["number"].split(".")
    if len(parts) == 1:
        return m if int(parts[0]) == last_top + 1 else None
    return m if ".".join(parts[:-1]) in known and m["number"] not in known else None


def _is_subheading(block: Block, previous: Block | None, following: Block | None) -> bool:
    """An unnumbered subheading: one short line, no sentence or citation, between blocks."""
    if not block.is_single_line or "\t" in block.text or following is None:
        return False
    text = block.text.strip()
    if len(text) > MAX_HEADING_CHARS or TERMINAL.search(text):
        return False
    if CITATION_MARKER.search(text) or SENTENCE_BREAK.search(text) or not text[0].isupper():
        return False
    if (
        previous is not None
        and not previous.is_tabular
        and not TERMINAL.search(previous.text.rstrip())
    ):
        # The previous block runs on: this line is its continuation after a page break,
        # unless the previous block is itself a heading or caption (checked by the caller).
        return False
    # A title is followed by a new paragraph, not by the rest of a sentence.
    return not following.is_tabular and following.text[:1].isupper()


def read_layout(source: Source) -> Layout:
    """Return the layout of `source`, or raise SourceFormatError if it has no sections."""
    lines = _lines(source.text)
    blocks = _blocks(lines)
    if not blocks:
        raise SourceFormatError(source.path, "source file has no text")

    first = next((i for i, b in enumerate(blocks) if _numbered_heading(b, {}, 0) is not None), None)
    if first is None:
        raise SourceFormatError(
            source.path,
            "no recognisable section headings: expected a line such as '1. Introduction' "
            "(a number, a period, a space and a title) on its own between blank lines",
        )
    body = _BodyReader(source)
    for i in range(first, len(blocks)):
        following = blocks[i + 1] if i + 1 < len(blocks) else None
        body.read(blocks[i], blocks[i - 1], following)
    return body.layout(blocks, first)


class _BodyReader:
    """Reads the blocks from the first numbered heading on: headings, paragraphs, captions
    and tables, then the reference list and the back matter."""

    def __init__(self, source: Source):
        self.source = source
        self.headings: list[Heading] = []
        self.known: dict[str, Heading] = {}
        self.paragraphs: list[Paragraph] = []
        self.captions: list[Caption] = []
        self.tables: list[TableBlock] = []
        self.back: list[Block] = []
        self.reference_lines: list[Line] = []
        self.last_top = 0
        self.current_numbered: Heading | None = None
        self.current: Heading | None = None
        self.sub_counts: dict[str, int] = {}
        self.open_paragraph: Paragraph | None = None  # may still continue after a page break
        self.previous_kind = "heading"
        self.state = "body"

    def read(self, block: Block, previous: Block, following: Block | None) -> None:
        """Take one block: the first rule that recognises it files it."""
        if self._after_body(block):
            return
        for rule in (self._heading, self._back_matter, self._caption, self._table):
            if rule(block):
                return
        if self._subheading(block, previous, following):
            return
        self._paragraph(block)

    def _after_body(self, block: Block) -> bool:
        """The reference list and what follows it."""
        if self.state == "references":
            if LABELLED.match(block.lines[0].text) and not block.lines[0].text[:1].isdigit():
                self.state = "back"
            else:
                self.reference_lines.extend(block.lines)
                return True
        if block.is_single_line and REFERENCES_HEADING.match(block.text):
            self.state = "references"
            self.back.append(block)
            return True
        if self.state == "back":
            self.back.append(block)
            return True
        return False

    def _heading(self, block: Block) -> bool:
        m = _numbered_heading(block, self.known, self.last_top)
        if m is None:
            return False
        number = m["number"]
        parent = number.rsplit(".", 1)[0] if "." in number else None
        heading = Heading(number, number, m["title"], number.count(".") + 1, parent, block)
        self.headings.append(heading)
        self.known[number] = heading
        self.current_numbered = self.current = heading
        if parent is None:
            self.last_top = int(number)
        self.open_paragraph, self.previous_kind = None, "heading"
        return True

    def _back_matter(self, block: Block) -> bool:
        """ "Author Contributions: ..." after the last section: the back matter begins (a
        labelled block right under a table is its note: "Abbreviations: ...")."""
        if (
            self.open_paragraph is not None
            or self.previous_kind == "table"
            or not LABELLED.match(block.lines[0].text)
        ):
            return False
        self.state = "back"
        self.back.append(block)
        return True

    def _caption(self, block: Block) -> bool:
        c = CAPTION.match(block.lines[0].text) if block.is_single_line else None
        if c is None:
            return False
        caption = Caption(
            c["kind"].lower(), int(c["number"]), block.text.strip(), block, self.current.section_id
        )
        self.captions.append(caption)
        if caption.kind == "table":
            self.tables.append(TableBlock(caption))
        self.open_paragraph, self.previous_kind = None, "caption"
        return True

    def _table(self, block: Block) -> bool:
        if not block.is_tabular:
            return False
        if not self.tables:
            raise SourceFormatError(
                self.source.path,
                "tab-separated lines before any 'Table N.' caption",
                line=block.first_line,
            )
        self.tables[-1].lines.extend(block.lines)
        self.open_paragraph, self.previous_kind = None, "table"
        return True

    def _subheading(self, block: Block, previous: Block | None, following: Block | None) -> bool:
        if self.previous_kind in ("heading", "caption", "table"):
            previous = None  # a heading may directly follow another heading or a table
        if self.open_paragraph is not None or not _is_subheading(block, previous, following):
            return False
        parent = self.current_numbered
        self.sub_counts[parent.section_id] = self.sub_counts.get(parent.section_id, 0) + 1
        letter = _letters(self.sub_counts[parent.section_id])
        heading = Heading(
            f"{parent.section_id}.{letter}",
            None,
            block.text.strip(),
            parent.level + 1,
            parent.section_id,
            block,
        )
        self.headings.append(heading)
        self.current = heading
        self.previous_kind = "heading"
        return True

    def _paragraph(self, block: Block) -> None:
        if self.open_paragraph is not None:
            self.open_paragraph.parts.append(block)
        else:
            self.open_paragraph = Paragraph([block], self.current.section_id)
            self.paragraphs.append(self.open_paragraph)
        self.previous_kind = "paragraph"
        if TERMINAL.search(block.text.rstrip()):
            self.open_paragraph = None

    def layout(self, blocks: list[Block], first: int) -> Layout:
        """The layout read, paragraphs numbered and sections closed."""
        for number, p in enumerate(self.paragraphs, start=1):
            p.paragraph_id = f"p{number:03d}"
        body_blocks_end = [p.end for p in self.paragraphs] + [h.block.end for h in self.headings]
        body_blocks_end += [t.lines[-1].end for t in self.tables if t.lines]
        body_blocks_end += [c.block.end for c in self.captions]
        _close_sections(self.headings, self.paragraphs, self.captions, self.tables)
        return Layout(
            self.source,
            blocks[:first],
            self.headings,
            self.paragraphs,
            self.captions,
            self.tables,
            self.back,
            self.reference_lines,
            blocks[first].start,
            max(body_blocks_end),
        )


def _letters(n: int) -> str:
    """Return the n-th (1-based) lowercase letter id: a, b, ..., z, aa, ab, ..."""
    s = ""
    while n:
        n, r = divmod(n - 1, 26)
        s = chr(ord("a") + r) + s
    return s


def _close_sections(headings, paragraphs, captions, tables) -> None:
    """Set each heading's end to the end of the last block inside the section."""
    ends: list[tuple[int, int]] = [(p.start, p.end) for p in paragraphs]
    ends += [(c.block.start, c.block.end) for c in captions]
    ends += [(line.start, line.end) for t in tables for line in t.lines]
    ends += [(h.block.start, h.block.end) for h in headings]
    for i, heading in enumerate(headings):
        stop = next((h.block.start for h in headings[i + 1 :] if h.level <= heading.level), None)
        inside = [e for s, e in ends if s >= heading.block.start and (stop is None or s < stop)]
        heading.end = max(inside)
