"""An MDPI PDF's segments rendered as the plain-text rendering (see pdf_text): the front
matter (`pdf_front_matter`), then the body: numbered headings in bold or italic,
paragraphs starting with an indent and running on across pages and floats, captions,
tables between horizontal rules, labelled back matter and the reference list.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from .errors import SourceFormatError
from .pdf_front_matter import (
    HEADING_NUMBER,
    LABEL,
    MARKER,
    Row,
    group_rows,
    indented,
    is_heading,
    write_front_matter,
)
from .pdf_lines import Segment
from .pdf_writer import join_lines

# "Table 1. Antibody-drug ...", "Figure 3. Clearance ..."; "Table 1. Cont." continues one.
CAPTION_START = re.compile(r"^(?P<kind>Table|Figure)\s+(?P<number>\d+)\.\s*(?P<rest>.*)$")
CONTINUED = re.compile(r"^Cont(?:inued)?\.?$", re.IGNORECASE)
# "12. Surname, I.; ..." the start of a reference entry
REFERENCE_START = re.compile(r"^(\d+)\.\s")


@dataclass
class _Table:
    caption: list[Segment]
    header: list[list[Segment]] = field(default_factory=list)  # one list per header line
    # partial rules inside the header: (x0, x1, y) under a group header's columns
    header_rules: list[tuple[float, float, float]] = field(default_factory=list)
    rows: list[list[Row]] = field(default_factory=list)  # body rows, each its text lines
    note: list[Segment] = field(default_factory=list)
    pieces: list[tuple[list[list[Segment]], list[list[Row]]]] = field(default_factory=list)


def _is_caption(row: Row) -> re.Match | None:
    first = row.segs[0]
    m = CAPTION_START.match(first.text)
    return m if m and first.chars[0].bold else None


# "6.1.1. Novel Target Antigens": a deep heading set in roman type
PLAIN_HEADING = re.compile(r"^\d+(?:\.\d+)+\.\s+[A-Z][^.]*$")


def _is_plain_heading(rows: list[Row], i: int, body_size: float, body_left: float) -> bool:
    """A numbered heading in body type: one line at the margin, between a finished
    paragraph and an indented one."""
    row = rows[i]
    if not PLAIN_HEADING.match(row.text) or len(row.text) > 200 or row.size < body_size:
        return False
    if indented(row, body_left, body_size) or i + 1 >= len(rows):
        return False
    before_done = i == 0 or rows[i - 1].text.rstrip().endswith((".", ":"))
    return before_done and indented(rows[i + 1], body_left, body_size)


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
    if indented(row, body_left, body_size) or row.text.rstrip().endswith((".", ",", ";")):
        return False
    if para is not None and not para[-1].text.rstrip().endswith((".", ":", "?", "!")):
        return False
    nxt = rows[i + 1]
    return nxt.page == row.page and indented(nxt, body_left, body_size) and nxt.size >= body_size


def render(path, pages, pages_segs, w, body_size: float, body_left: float, source_line=()) -> None:
    """Write the whole document through writer `w` (with `source_line`, the first page's
    running line naming the journal, volume and DOI, written in the front matter when no
    `Citation:` is printed)."""
    segs = [s for page_segs in pages_segs for s in page_segs]
    if not segs:
        raise SourceFormatError(path, "the PDF has no text")
    first_page = segs[0].page
    rows = group_rows(segs, lambda s: s.page == first_page and s.x1 < body_left - 2)
    start = write_front_matter(path, rows, body_size, body_left, w, list(source_line))
    body = [
        Row([s for s in r.segs if not (r.page == first_page and s.x1 < body_left - 2)])
        for r in rows[start:]
    ]
    body = [r for r in body if r.segs]
    _body(body, pages, w, body_size, body_left)


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
        if is_heading(row, body_size) or _is_plain_heading(rows, i, body_size, body_left):
            close()
            segs = list(row.segs)
            while (
                i + 1 < len(rows)
                and not HEADING_NUMBER.match(rows[i + 1].text)
                and rows[i + 1].segs[0].bold == row.segs[0].bold
                and rows[i + 1].segs[0].italic == row.segs[0].italic
                and not indented(rows[i + 1], body_left, body_size)
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
            or (indented(row, body_left, body_size) and not hanging)
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
