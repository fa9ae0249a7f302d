"""Rendering an MDPI PDF's segments as the plain-text rendering (see pdf_text).

First page: the largest text is the title, then the byline, affiliations and the
correspondence line in the main column, `Label: value` paragraphs (Simple Summary,
Abstract, Keywords), and the sidebar left of the main column (Citation, Academic Editors,
dates, Publisher's Note, Copyright). Then the body: numbered headings in bold or italic,
paragraphs starting with an indent and running on across pages and floats, captions,
tables between horizontal rules, labelled back matter and the reference list.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from .errors import SourceFormatError
from .pdf_lines import Segment, text_without_superscripts
from .pdf_writer import join_lines

# "2.1. Antibody Selection" (a heading starts with a section number)
HEADING_NUMBER = re.compile(r"^\d+(?:\.\d+)*\.\s+\S")
# "Table 1. Antibody-drug ...", "Figure 3. Clearance ..."; "Table 1. Cont." continues one.
CAPTION_START = re.compile(r"^(?P<kind>Table|Figure)\s+(?P<number>\d+)\.\s*(?P<rest>.*)$")
CONTINUED = re.compile(r"^Cont(?:inued)?\.?$", re.IGNORECASE)
# "Received: 27 April 2021", "Publisher’s Note: ...": a labelled front/back-matter field.
LABEL = re.compile(r"^(?:\*\s*)?[A-Z][\w’'/-]*(?: [\w’'/-]+){0,3}:(?:\s|$)")
# "12. Surname, I.; ..." the start of a reference entry
REFERENCE_START = re.compile(r"^(\d+)\.\s")

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


@dataclass
class _Table:
    caption: list[Segment]
    header: list[list[Segment]] = field(default_factory=list)  # one list per header line
    # partial rules inside the header: (x0, x1, y) under a group header's columns
    header_rules: list[tuple[float, float, float]] = field(default_factory=list)
    rows: list[list[Row]] = field(default_factory=list)  # body rows, each its text lines
    note: list[Segment] = field(default_factory=list)
    pieces: list[tuple[list[list[Segment]], list[list[Row]]]] = field(default_factory=list)


def _rows(segs: list[Segment], side=lambda seg: False) -> list[Row]:
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


def _is_caption(row: Row) -> re.Match | None:
    first = row.segs[0]
    m = CAPTION_START.match(first.text)
    return m if m and first.chars[0].bold else None


def _is_heading(row: Row, body_size: float) -> bool:
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


# "6.1.1. Novel Target Antigens": a deep heading set in roman type
PLAIN_HEADING = re.compile(r"^\d+(?:\.\d+)+\.\s+[A-Z][^.]*$")


def _is_plain_heading(rows: list[Row], i: int, body_size: float, body_left: float) -> bool:
    """A numbered heading in body type: one line at the margin, between a finished
    paragraph and an indented one."""
    row = rows[i]
    if not PLAIN_HEADING.match(row.text) or len(row.text) > 200 or row.size < body_size:
        return False
    if _indent(row, body_left, body_size) or i + 1 >= len(rows):
        return False
    before_done = i == 0 or rows[i - 1].text.rstrip().endswith((".", ":"))
    return before_done and _indent(rows[i + 1], body_left, body_size)


# A list item's bullet: "• Text", "▪ Text" (the bullet alone or before a space)
BULLET = re.compile(r"^[•●▪◦■➢►–]\s")


def _hang(row: Row) -> float:
    """Return where the text after a list item's bullet starts."""
    chars = [c for s in row.segs for c in s.chars]
    return chars[1].x0 if len(chars) > 1 else row.x0


def _footnote_tops(rows: list[Row], pages, body_size: float) -> dict[int, float]:
    """Return, per page, where its footnotes start: below a short rule in the page's lower
    part with only type smaller than the body under it."""
    tops: dict[int, float] = {}
    for page in pages:
        short = [
            r for r in page.rules if r[1] - r[0] < 0.3 * page.width and r[2] > 0.6 * page.height
        ]
        if not short:
            continue
        y = min(r[2] for r in short)
        under = [r for r in rows if r.page == page.number and r.top > y]
        if under and all(r.size < body_size for r in under):
            tops[page.number] = y
    return tops


def _is_subheading(rows: list[Row], i: int, para, body_size: float, body_left: float) -> bool:
    """An unnumbered subheading: one short line all in italic or all in bold, at the margin,
    after a finished paragraph (or a heading) and before an indented paragraph."""
    row = rows[i]
    styled = all(c.italic for s in row.segs for c in s.chars) or all(
        c.bold for s in row.segs for c in s.chars
    )
    if not styled or row.size < 0.95 * body_size or len(row.text) > 120 or i + 1 >= len(rows):
        return False
    if _indent(row, body_left, body_size) or row.text.rstrip().endswith((".", ",", ";")):
        return False
    if para is not None and not para[-1].text.rstrip().endswith((".", ":", "?", "!")):
        return False
    nxt = rows[i + 1]
    return nxt.page == row.page and _indent(nxt, body_left, body_size) and nxt.size >= body_size


def _front(path, rows: list[Row], body_size: float, body_left: float, w, source_line) -> int:
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
        (i for i, r in enumerate(rows) if _is_heading(r, body_size) and r.segs[0].bold), None
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


def render(path, pages, pages_segs, w, body_size: float, body_left: float, source_line=()) -> None:
    """Write the whole document through writer `w` (with `source_line`, the first page's
    running line naming the journal, volume and DOI, written in the front matter when no
    `Citation:` is printed)."""
    segs = [s for page_segs in pages_segs for s in page_segs]
    if not segs:
        raise SourceFormatError(path, "the PDF has no text")
    first_page = segs[0].page
    rows = _rows(segs, lambda s: s.page == first_page and s.x1 < body_left - 2)
    start = _front(path, rows, body_size, body_left, w, list(source_line))
    body = [
        Row([s for s in r.segs if not (r.page == first_page and s.x1 < body_left - 2)])
        for r in rows[start:]
    ]
    body = [r for r in body if r.segs]
    _body(body, pages, w, body_size, body_left)


def _indent(row: Row, body_left: float, body_size: float) -> bool:
    return row.x0 > body_left + 0.8 * body_size


def _body(rows: list[Row], pages, w, body_size: float, body_left: float) -> None:
    items: list[tuple[str, object]] = []
    deferred: list[tuple[str, object]] = []
    para: list[Segment] | None = None
    tables: dict[int, _Table] = {}
    notes_top = _footnote_tops(rows, pages, body_size)
    hang: float | None = None  # where the wrapped lines of the current list item start
    i = 0

    def close() -> None:
        nonlocal para
        para = None
        items.extend(deferred)
        deferred.clear()

    while i < len(rows):
        row = rows[i]
        if len(row.segs) == 1 and row.segs[0].text == "References" and row.segs[0].bold:
            close()
            entries, back = _references(rows[i + 1 :])
            items.append(("references", entries))
            items.extend(("line", block) for block in back)
            break
        if _is_heading(row, body_size) or _is_plain_heading(rows, i, body_size, body_left):
            close()
            segs = list(row.segs)
            while (
                i + 1 < len(rows)
                and not HEADING_NUMBER.match(rows[i + 1].text)
                and rows[i + 1].segs[0].bold == row.segs[0].bold
                and rows[i + 1].segs[0].italic == row.segs[0].italic
                and not _indent(rows[i + 1], body_left, body_size)
                and rows[i + 1].top - rows[i].bottom < 0.5 * body_size
                and rows[i + 1].page == row.page
            ):
                i += 1
                segs.extend(rows[i].segs)
            items.append(("line", segs))
            i += 1
            continue
        m = _is_caption(row)
        if m is not None:
            i, item = _float(rows, i, m, pages, tables, body_size)
            if item is not None:
                (deferred if para is not None else items).append(item)
            continue
        if row.page in notes_top and row.top > notes_top[row.page]:
            # a footnote under the short rule at the page's foot: its own line, after the
            # paragraph it interrupts (which runs on over the page break)
            segs = list(row.segs)
            while (
                i + 1 < len(rows)
                and rows[i + 1].page == row.page
                and not MARKER.match(rows[i + 1].segs[0].text)
            ):
                i += 1
                segs.extend(rows[i].segs)
            (deferred if para is not None else items).append(("line", segs))
            i += 1
            continue
        if _is_subheading(rows, i, para, body_size, body_left):
            close()
            items.append(("line", list(row.segs)))
            i += 1
            continue
        first = row.segs[0]
        if LABEL.match(row.text) and first.chars[0].bold and row.size < body_size:
            close()
            segs = list(row.segs)
            while (
                i + 1 < len(rows)
                and not rows[i + 1].segs[0].chars[0].bold
                and rows[i + 1].size < body_size
                and rows[i + 1].top - rows[i].bottom < 0.6 * body_size
            ):
                i += 1
                segs.extend(rows[i].segs)
            items.append(("line", segs))
            i += 1
            continue
        bullet = BULLET.match(row.text)
        # the wrapped lines of a list item hang under its text, not under its bullet
        hanging = hang is not None and para is not None and abs(row.x0 - hang) < 2
        new = (
            para is None
            or bullet is not None
            or (_indent(row, body_left, body_size) and not hanging)
            or row.size < 0.9 * body_size
        )
        if new:
            close()
            para = list(row.segs)
            items.append(("line", para))
            hang = _hang(row) if bullet else None
        else:
            para.extend(row.segs)
        i += 1
    close()
    for kind, item in items:
        if kind == "line":
            w.line(item)
        elif kind == "table":
            _write_table(item, w)
        elif kind == "references":
            w.write("References\n\n")
            for entry in item:
                w.line(entry, lambda s: s.markup(), links=True, after=_linked_doi(entry, pages))


def _float(rows, i, m, pages, tables, body_size):
    """Read a caption (and a table's rows); return (next index, item or None)."""
    row = rows[i]
    caption = list(row.segs)
    j = i + 1
    while (
        j < len(rows)
        and rows[j].page == row.page
        and abs(rows[j].size - row.size) < 0.2
        and rows[j].top - rows[j - 1].bottom < 0.6 * row.size
        and len(rows[j].segs) == 1
    ):
        caption.extend(rows[j].segs)
        j += 1
    if m["kind"] == "Figure":
        return j, ("line", caption)
    number = int(m["number"])
    page = pages[row.page - 1]
    cap_bottom = max(s.bottom for s in caption)
    next_caption = next(
        (r.top for r in rows[i + 1 :] if r.page == row.page and _is_caption(r)), page.height
    )
    below = [r for r in page.rules if cap_bottom < r[2] < next_caption]
    wide = max((r[1] - r[0] for r in below), default=0)
    full: list[float] = []
    for y in sorted(r[2] for r in below if r[1] - r[0] > 0.9 * wide):
        if not full or y - full[-1] > 2:
            full.append(y)
    header: list[list[Segment]] = []
    body_rows: list[Row] = []
    while j < len(rows) and rows[j].page == row.page:
        r = rows[j]
        if len(full) >= 2 and r.top > full[-1]:
            break
        if len(full) < 2 and r.size >= body_size and len(r.segs) == 1 and r.x0 <= rows[i].x0:
            break
        if len(full) >= 3 and r.bottom < full[1]:
            header.append(list(r.segs))
        else:
            body_rows.append(r)
        j += 1
    if len(full) > 3:  # a rule under every row: the rules delimit the rows
        groups: list[list[Row]] = []
        last_band = None
        for r in body_rows:
            band = sum(1 for y in full if y < (r.top + r.bottom) / 2)
            if groups and band == last_band:
                groups[-1].append(r)
            else:
                groups.append([r])
            last_band = band
    else:
        groups = _logical_rows(body_rows)
        if len(full) < 3 and groups:
            # no rule under the header: its first row is the header, and so are the bold
            # rows right under it (a header wrapped over lines set apart like rows)
            header = [list(r.segs) for r in groups.pop(0)]
            bold = all(s.bold for line in header for s in line)
            while bold and len(groups) > 1 and all(s.bold for r in groups[0] for s in r.segs):
                header += [list(r.segs) for r in groups.pop(0)]
    note: list[Segment] = []
    while (
        j < len(rows)
        and rows[j].page == row.page
        and rows[j].size < body_size
        and not _is_caption(rows[j])
        and (not note or rows[j].top - rows[j - 1].bottom < 0.6 * body_size)
    ):
        note.extend(rows[j].segs)
        j += 1
    rest = CAPTION_START.match(" ".join(s.text for s in caption))["rest"]
    continued = number in tables and CONTINUED.match(rest.strip())
    if continued and len(full) < 3 and header:
        # a continuation page without a rule under a header: its first row is dropped
        # only when it repeats the table's header, else it is the next data row
        def words(lines):
            return " ".join(s.text for line in lines for s in line).split()

        if words(header) != words(tables[number].header):
            groups.insert(0, [Row(line) for line in header])
    if continued:
        tables[number].pieces.append(([], groups))
        tables[number].note.extend(note)
        return j, None
    header_rules = [r for r in below if len(full) >= 2 and full[0] + 1 < r[2] < full[1] - 1]
    table = _Table(caption, header, header_rules=header_rules, note=note)
    table.pieces.append((header, groups))
    tables[number] = table
    return j, ("table", table)


def _logical_rows(rows: list[Row]) -> list[list[Row]]:
    """Group text lines into table rows: lines whose boxes (nearly) touch are one row."""
    groups: list[list[Row]] = []
    bottom = None
    for r in rows:
        if groups and r.top - bottom < 0.25 * r.size:
            groups[-1].append(r)
            bottom = max(bottom, r.bottom)
        else:
            groups.append([r])
            bottom = r.bottom
    return groups


def _columns(segs: list[Segment]) -> list[tuple[float, float]]:
    spans: list[list[float]] = []
    for s in sorted(segs, key=lambda s: s.x0):
        if spans and s.x0 <= spans[-1][1] + 1:
            spans[-1][1] = max(spans[-1][1], s.x1)
        else:
            spans.append([s.x0, s.x1])
    return [(a, b) for a, b in spans]


def _column_of(seg: Segment, columns) -> list[int]:
    return [k for k, (a, b) in enumerate(columns) if seg.x0 < b - 1 and seg.x1 > a + 1]


def _write_cells(cells: list[list[Segment]], w) -> None:
    for k, cell in enumerate(cells):
        if k:
            w.write("\t")
        tail = ""
        for seg in cell:
            if tail:
                joiner = join_lines(tail, seg.cell_text(), w.words)
                if joiner == "-DROP":
                    w.drop_last_char()
                    joiner = ""
                w.write(joiner)
            text = seg.cell_text()
            w.write(text, seg)
            tail = text
    w.write("\n")


def _group_extent(seg: Segment, rules) -> Segment:
    """Return the segment widened to the rule drawn under it (a group header's columns)."""
    for x0, x1, y in rules:
        if seg.bottom - 1 <= y <= seg.bottom + seg.size and x0 <= seg.x0 and seg.x1 <= x1:
            return replace(seg, x0=x0, x1=x1)
    return seg


def _write_table(table: _Table, w) -> None:
    w.line(table.caption)
    groups = [g for _, rows in table.pieces for g in rows]
    # a row of one segment (a group label, often centred over the table) says nothing
    # about the columns: they come from the rows of several cells when there are any
    several = [g for g in groups if sum(len(r.segs) for r in g) > 1]
    body_segs = [s for g in (several or groups) for r in g for s in r.segs]
    columns = _columns(body_segs)
    n = len(columns)
    header_segs = [s for line in table.header for s in line]
    group_cells: list[list[Segment]] = [[] for _ in range(n)]
    head_cells: list[list[Segment]] = [[] for _ in range(n)]
    for seg in sorted(header_segs, key=lambda s: (round(s.top), s.x0)):
        cols = _column_of(_group_extent(seg, table.header_rules), columns) or [
            min(range(n), key=lambda k: abs(columns[k][0] - seg.x0))
        ]
        if len(cols) > 1:
            group_cells[cols[0]].append(seg)
        else:
            head_cells[cols[0]].append(seg)
    if any(group_cells):
        _write_cells(group_cells, w)
    if any(head_cells):
        _write_cells(head_cells, w)
    for _, groups in table.pieces:
        for group in groups:
            cells: list[list[Segment]] = [[] for _ in range(n)]
            segs = [s for r in group for s in r.segs]
            for seg in sorted(segs, key=lambda s: (s.top, s.x0)):
                cols = _column_of(seg, columns)
                # a lone segment over several columns, or wider than its column (centred
                # over the gaps), labels a group: its first cell
                group_label = len(segs) == 1 and (
                    len(cols) != 1
                    or seg.x0 < columns[cols[0]][0] - 2
                    or seg.x1 > columns[cols[0]][1] + 2
                )
                cells[0 if group_label or not cols else cols[0]].append(seg)
            _write_cells(cells, w)
    w.write("\n")
    if table.note:
        w.line(table.note)


# A DOI link: "http://doi.org/10.4049/jimmunol.1501780"
DOI_LINK = re.compile(r"^https?://(?:dx\.)?doi\.org/(?P<doi>10\.\d{4,9}/\S+)$")


def _linked_doi(entry: list[Segment], pages) -> str:
    """Return "<https://doi.org/...>" for the DOI an entry links (its [CrossRef] marker)
    without printing it, as the text rendering writes it; "" when it prints one or has none."""
    if any("doi.org/" in s.text or "doi:" in s.text.lower() for s in entry):
        return ""
    for seg in entry:
        for x0, top, x1, bottom, address in pages[seg.page - 1].links:
            m = DOI_LINK.match(address.strip())
            cx, cy = (x0 + x1) / 2, (top + bottom) / 2
            if m and seg.x0 - 2 <= cx <= seg.x1 + 2 and seg.top - 2 <= cy <= seg.bottom + 2:
                return f"<https://doi.org/{m['doi']}>"
    return ""


def _references(rows: list[Row]) -> tuple[list[list[Segment]], list[list[Segment]]]:
    """Return the reference entries (an entry starts with 'N. ' at the list's left edge)
    and the labelled blocks after the list ("Disclaimer/Publisher’s Note: ...")."""
    entries: list[list[Segment]] = []
    back: list[list[Segment]] = []
    left = min((r.x0 for r in rows), default=0)
    for row in rows:
        labelled = LABEL.match(row.text) and row.segs[0].chars[0].bold
        if back or (labelled and not REFERENCE_START.match(row.text)):
            if labelled or not back:
                back.append([])
            back[-1].extend(row.segs)
            continue
        number = REFERENCE_START.match(row.text)
        # numbers set flush left, or flush right ("9." further right than "10."): the
        # next number in sequence near the left edge starts an entry too
        if number and (
            row.x0 <= left + 2
            or (int(number[1]) == len(entries) + 1 and row.x0 < left + 1.5 * row.size)
        ):
            entries.append([])
        if entries:
            entries[-1].extend(row.segs)
    return entries, back
