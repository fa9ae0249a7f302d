"""The review's tab-separated tables: a lossless cell-level copy (`table_cells`) and one
tidy table per source table (one row per source row x registry identifier).

How a table is read is data, not code: raw/vocabularies/table_layouts.yaml says, for a
header row, which column holds the drug, which hold drug-level attributes, identifiers,
references and row values, and which tidy table it becomes. The rules below use only the
shape of the rows; they know no drug name, identifier or line number.

Every line of a table is one row of `table_cells` (row_index 0 is the header), whatever it
turned out to be. `row_kind` says how the tidy tables read it:
  header        the column names
  group         only the first cell filled: names the group of the rows below it
  data          a row of the table (its empty drug cell, if any, is filled down)
  merged        only the identifier filled, directly under a row of the same drug: the
                cells it leaves empty are merged with that row's (combination, population,
                references), see `cells_from_row_index` in the tidy tables
  continuation  after a page break, only the tail of the previous row's last cell: joined
                back to that row, whose `end` then reaches the end of this line
  empty         a line of tabs only
A drug-level value printed on a later line of its drug block (a page break displaced it)
stays in that line's cell in `table_cells` and applies to the whole block in the tidy table.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import yaml

from .ctgov import PHASES, STATUSES
from .errors import SourceFormatError, TidyReviewError
from .layout import Layout, Line, TableBlock, collapse, join_across_break, read_layout
from .patterns import CITATION_ITEM_PARTS, CITATION_MARKER, MALFORMED_NCT, TRIAL_ID
from .quality import Flags
from .sentences import Sentence, document_sentences
from .source import Source

LAYOUTS_FILE = "table_layouts.yaml"
# The stage is "review_tables"; its quality flags keep the published label "tables"
# (quality_flags.stage and the flag ids "tables-0001" are part of the data contract).
STAGE = "tables"

# A parenthesised label after an identifier: "(I-SPY)" in "NCT01042379 (I-SPY)".
PARENTHESISED = re.compile(r"^\((?P<label>[^()]+)\)$")
# A marker closing a text cell, maybe before final punctuation: "... trastuzumab [205]",
# "... paclitaxel [206]."
TRAILING_MARKER = re.compile(r"\s*" + CITATION_MARKER.pattern + r"(?P<tail>[.;,]?)\s*$")
# A ratio such as a drug-to-antibody ratio: "2.8", "~8" (approximate), "≈ 3.8".
RATIO = re.compile(r"^(?P<approx>[~≈]|about\s+|approx\.?\s+)?\s*(?P<value>\d+(?:\.\d+)?)$", re.I)
# A count of patients: "58", "1700", "1,756".
COUNT = re.compile(r"^(?:\d{1,3}(?:,\d{3})+|\d+)$")
# Wording that means "no value" in a numeric cell: "Not reported", "N/A", "Unknown".
NOT_REPORTED = re.compile(
    r"^(?:not\s+(?:reported|available|known|disclosed)|n/?a|unknown|-|–)$", re.I
)
# A phase in a study-type cell: "Phase 1/2 Single arm", "Phase 1b", "Two arms, phase 2",
# "Phase 1b/2, open label", "Phase III", "Early phase 1".
PHASE = re.compile(
    r"\b(?P<early>early\s+)?phase\s*(?P<a>IV|I{1,3}|[0-4])(?P<asub>[a-c])?"
    r"(?:\s*(?:/|-|–|and)\s*(?:phase\s*)?(?P<b>IV|I{1,3}|[0-4])(?P<bsub>[a-c])?)?(?![\w])",
    re.I,
)
# A study type without phases: "N/A", "Not applicable".
PHASE_NA = re.compile(r"\b(?:n/a|not\s+applicable)\b", re.I)
# The end of a cell that cannot end a value, so the next line may continue it:
# "Arm 2: Doxorubicin +", "... pertuzumab and", "trastuzumab,".
DANGLING = re.compile(
    r"(?:[+,/&–-]|\b(?:and|or|with|plus|of|to|in|by|for|followed|versus|vs\.?))\s*$", re.I
)
# Characters that do not belong in a table value: markup escapes and emphasis, the
# replacement character, control characters: "HER2 A \amplified".
STRAY_CHARACTER = re.compile(r"[\\*_`\ufffd\x00-\x08\x0b-\x1f\x7f\u200b-\u200d]")
# A space after a hyphen inside a name, left by a line break: "T- DM1", "I- SPY", "PD- L1+".
HYPHEN_SPACE = re.compile(r"(?<![\w-])[A-Z][A-Za-z0-9]*- [A-Z0-9][\w+]*")
# A word to compare between tables and prose: "Pozotinib", "wpxpressing".
WORD = re.compile(r"(?<![\w-])[A-Za-z][a-z]{4,}(?![\w-])")
# A number of people in prose: "58 patients", "(228 patients)", "168 metastatic breast
# cancer patients", "38 participants", "20 metastatic breast cancers".
# Not a count: a phase number ("phase 1 clinical trial for patients"), or words that end
# the noun phrase ("6 out of 40 patients", "2 trial with patients").
PATIENT_COUNT = re.compile(
    r"(?<![\w.,])(?<!phase )(?P<n>\d{1,3}(?:,\d{3})+|\d+)\s+"
    r"(?:(?!\d|(?:trials?|stud(?:y|ies)|for|with|in|of|to|that|who|which|and|or|from|at|on|by)\b)"
    r"[\w+/-]+\s+){0,4}?(?:patients|participants|subjects|women|men|cases|cancers)\b",
    re.I,
)

ROLES = ("drug", "drug_attribute", "identifier", "row", "references")
PARSES = ("text", "ratio", "count", "phase", "status", "text_with_references")
COLUMN_KEYS = {"role", "name", "parse", "raw_name", "label", "acronym"}
SNAKE = re.compile(r"^[a-z][a-z0-9_]*$")
# Statuses as printed that ClinicalTrials.gov spells differently.
STATUS_ALIASES = {"UNKNOWN_STATUS": "UNKNOWN"}
ROMAN = {"I": 1, "II": 2, "III": 3, "IV": 4}


class TableLayoutError(TidyReviewError):
    """The table layouts file is missing or says something the reader cannot use."""

    def __init__(self, path, key: str | None, message: str):
        where = f"{path}" + (f" [{key}]" if key else "")
        super().__init__(f"{where}: {message}")


# --- The declarative layouts ------------------------------------------------------------


@dataclass(frozen=True)
class ColumnSpec:
    header: str
    role: str
    name: str
    parse: str = "text"
    raw_name: str | None = None
    label: str | None = None
    acronym: str | None = None


@dataclass(frozen=True)
class TableSpec:
    """How one source table becomes one tidy table."""

    table: str
    columns: tuple[ColumnSpec, ...]
    group_rows: str | None = None

    @property
    def header(self) -> tuple[str, ...]:
        return tuple(c.header for c in self.columns)

    def index_of(self, role: str) -> int | None:
        """Return the position of the (first) column with `role`, or None."""
        return next((i for i, c in enumerate(self.columns) if c.role == role), None)

    def output_columns(self) -> list[str]:
        """Return the tidy table's columns, in the order the values are produced."""
        cols = ["doc_id", "table_id", "row_index"]
        if self.group_rows:
            cols.append(self.group_rows)
        for role in ("drug", "drug_attribute", "identifier", "row"):
            for c in self.columns:
                if c.role == role:
                    cols.extend(_value_columns(c))
        cols += ["ref_ids", "cells_from_row_index", "line", "start", "end"]
        return cols


def _value_columns(c: ColumnSpec) -> list[str]:
    if c.role == "identifier":
        return [c.name] + [n for n in (c.label, c.acronym) if n]
    if c.role == "references":
        return []
    out = [c.raw_name] if c.raw_name else []
    out.append(c.name)
    if c.parse == "ratio":
        out += [f"{c.name}_approx", f"{c.name}_raw"]
    elif c.parse in ("phase", "status"):
        out.append(f"{c.name}_raw")
    return out


def parse_table_layouts(data: object, path: str | Path = LAYOUTS_FILE) -> dict[tuple, TableSpec]:
    """Return {header cells: TableSpec} from the loaded YAML, or raise TableLayoutError."""
    if not isinstance(data, dict) or not data:
        raise TableLayoutError(path, None, "expected a mapping of tidy table names to layouts")
    specs: dict[tuple, TableSpec] = {}
    for table, body in data.items():
        if not isinstance(table, str) or not SNAKE.match(table):
            raise TableLayoutError(path, str(table), "table name must be snake_case")
        if not isinstance(body, dict) or set(body) - {"columns", "group_rows"}:
            raise TableLayoutError(
                path, table, "a layout has 'columns' and optionally 'group_rows', nothing else"
            )
        group = body.get("group_rows")
        if group is not None and (not isinstance(group, str) or not SNAKE.match(group)):
            raise TableLayoutError(path, f"{table}.group_rows", "must be a snake_case name")
        columns = body.get("columns")
        if not isinstance(columns, dict) or not columns:
            raise TableLayoutError(path, f"{table}.columns", "expected a mapping header -> spec")
        parsed = tuple(_column_spec(path, table, h, s) for h, s in columns.items())
        spec = TableSpec(table, parsed, group)
        _check_spec(path, spec)
        if spec.header in specs:
            raise TableLayoutError(
                path, table, f"same header as {specs[spec.header].table}: {list(spec.header)}"
            )
        specs[spec.header] = spec
    return specs


def _column_spec(path, table: str, header: object, raw: object) -> ColumnSpec:
    key = f"{table}.columns.{header}"
    if not isinstance(header, str) or not header.strip():
        raise TableLayoutError(path, key, "column header must be a non-empty string")
    if not isinstance(raw, dict) or set(raw) - COLUMN_KEYS:
        raise TableLayoutError(
            path, key, f"expected a mapping with keys among {sorted(COLUMN_KEYS)}"
        )
    role = raw.get("role")
    if role not in ROLES:
        raise TableLayoutError(path, key, f"role {role!r} is not one of {list(ROLES)}")
    defaults = {"drug": "drug", "identifier": "trial_id", "references": "ref_ids"}
    name = raw.get("name", defaults.get(role))
    parse = raw.get("parse", "text")
    if not isinstance(name, str) or not SNAKE.match(name):
        raise TableLayoutError(path, key, f"name {name!r} must be a snake_case column name")
    if parse not in PARSES:
        raise TableLayoutError(path, key, f"parse {parse!r} is not one of {list(PARSES)}")
    if parse != "text" and role not in ("row", "drug_attribute"):
        raise TableLayoutError(
            path, key, f"parse applies to row/drug_attribute columns, not {role}"
        )
    if (raw.get("label") or raw.get("acronym")) and role != "identifier":
        raise TableLayoutError(path, key, "label/acronym apply to the identifier column only")
    if role == "references" and name != "ref_ids":
        raise TableLayoutError(path, key, "the references column's name must be ref_ids")
    for extra in ("raw_name", "label", "acronym"):
        value = raw.get(extra)
        if value is not None and (not isinstance(value, str) or not SNAKE.match(value)):
            raise TableLayoutError(path, key, f"{extra} {value!r} must be a snake_case name")
    return ColumnSpec(
        header, role, name, parse, raw.get("raw_name"), raw.get("label"), raw.get("acronym")
    )


def _check_spec(path, spec: TableSpec) -> None:
    roles = Counter(c.role for c in spec.columns)
    if roles["identifier"] != 1:
        raise TableLayoutError(path, spec.table, "exactly one column must have role identifier")
    if roles["drug"] > 1 or roles["references"] > 1:
        raise TableLayoutError(path, spec.table, "at most one drug and one references column")
    if roles["drug_attribute"] and not roles["drug"]:
        raise TableLayoutError(path, spec.table, "drug_attribute columns need a drug column")
    names = [n for c in spec.columns for n in _value_columns(c)]
    names += ["doc_id", "table_id", "row_index", "ref_ids", "cells_from_row_index"]
    names += ["line", "start", "end"] + ([spec.group_rows] if spec.group_rows else [])
    dupes = sorted(n for n, k in Counter(names).items() if k > 1)
    if dupes:
        raise TableLayoutError(path, spec.table, f"output column names used twice: {dupes}")


def load_table_layouts(vocabularies: str | Path) -> dict[tuple, TableSpec]:
    """Return the table layouts in `vocabularies`/table_layouts.yaml, validated."""
    path = Path(vocabularies) / LAYOUTS_FILE
    if not path.is_file():
        raise TableLayoutError(path, None, "table layouts file not found")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise TableLayoutError(path, None, f"not valid YAML: {exc}") from None
    return parse_table_layouts(data, path)


# --- Cells --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Cell:
    column_index: int
    value: str  # exactly as in the source
    start: int
    end: int

    @property
    def text(self) -> str | None:
        """The value with whitespace runs collapsed, None when empty."""
        return collapse(self.value) or None


def split_cells(line: Line) -> list[Cell]:
    """Return the tab-separated cells of `line` with their offsets."""
    cells, pos = [], line.start
    for i, value in enumerate(line.text.split("\t")):
        cells.append(Cell(i, value, pos, pos + len(value)))
        pos += len(value) + 1
    return cells


@dataclass
class TableRow:
    """One line of a table, as read: its cells, kind and what it inherits."""

    row_index: int
    line: Line
    cells: list[Cell]
    kind: str = "data"
    texts: list[str | None] = field(default_factory=list)  # collapsed, continuation joined
    end: int = 0
    group: str | None = None
    block: int | None = None  # drug block number
    cells_from: TableRow | None = None  # merged cells shared with this row


def _check_widths(source: Source, table: TableBlock) -> list[list[Cell]]:
    rows = [split_cells(line) for line in table.lines]
    width = len(rows[0]) if rows else 0
    for line, cells in zip(table.lines, rows, strict=True):
        if len(cells) != width:
            raise SourceFormatError(
                source.path,
                f"table {table.table_id} row has {len(cells)} cells, header has {width}",
                line=line.number,
            )
    return rows


def classify_rows(source: Source, table: TableBlock, spec: TableSpec | None) -> list[TableRow]:
    """Return every line of `table` as a TableRow with its kind (see the module docstring)."""
    cell_rows = _check_widths(source, table)
    rows = [
        TableRow(i, line, cells, texts=[c.text for c in cells], end=line.end)
        for i, (line, cells) in enumerate(zip(table.lines, cell_rows, strict=True))
    ]
    if not rows:
        return rows
    rows[0].kind = "header"
    if spec is None:
        for row in rows[1:]:
            row.kind = "row"
        return rows
    id_col = spec.index_of("identifier")
    last: TableRow | None = None  # the last data or merged row
    previous_line = rows[0].line
    for row in rows[1:]:
        filled = [i for i, t in enumerate(row.texts) if t]
        after_break = row.line.number > previous_line.number + 1
        previous_line = row.line
        only = row.texts[filled[0]] if len(filled) == 1 else None
        if not filled:
            row.kind = "empty"
        elif (
            after_break
            and only is not None
            and not TRIAL_ID.search(only)
            and last is not None
            and _continues(last, only)
        ):
            row.kind = "continuation"
            _join_continuation(last, row, only)
        elif filled == [0] and spec.group_rows and not TRIAL_ID.search(only or ""):
            row.kind = "group"
            last = None
        elif filled == [id_col] and last is not None:
            # Only the identifier: its drug cell is empty, so it belongs to the drug of the
            # data row right above (`last` is reset by group headers).
            row.kind = "merged"
            row.cells_from = last.cells_from or last
            last = row
        else:
            row.kind = "data"
            last = row
    return rows


def _continues(previous: TableRow, text: str) -> bool:
    """True if `text` reads as the tail of the previous row's last filled cell."""
    tail = next((t for t in reversed(previous.texts) if t), None)
    return tail is not None and (text[:1].islower() or bool(DANGLING.search(tail)))


def _join_continuation(previous: TableRow, row: TableRow, text: str) -> None:
    j = max(i for i, t in enumerate(previous.texts) if t)
    previous.texts[j] = join_across_break(previous.texts[j], text)
    previous.end = row.line.end


def table_cells(source: Source, rows_by_table: dict[str, list[TableRow]]) -> pd.DataFrame:
    """Return one row per cell of every table line, exactly as in the source (lossless)."""
    out = []
    for table_id, rows in rows_by_table.items():
        header = [c.value for c in rows[0].cells] if rows else []
        for row in rows:
            for cell in row.cells:
                out.append(
                    {
                        "doc_id": source.doc_id,
                        "table_id": table_id,
                        "row_index": row.row_index,
                        "column_index": cell.column_index,
                        "column_name": collapse(header[cell.column_index]),
                        "value": cell.value,
                        "row_kind": row.kind,
                        "line": row.line.number,
                        "start": cell.start,
                        "end": cell.end,
                    }
                )
    return pd.DataFrame(out, columns=TABLE_CELLS_COLUMNS)


TABLE_CELLS_COLUMNS = [
    "doc_id",
    "table_id",
    "row_index",
    "column_index",
    "column_name",
    "value",
    "row_kind",
    "line",
    "start",
    "end",
]


# --- Value parsers --------------------------------------------------------------------------


def parse_ref_ids(text: str) -> tuple[list[int], str]:
    """Return the reference numbers in the markers of `text` (ranges expanded) and the
    text left over once the markers are removed ("[123–125]" -> [123, 124, 125], "")."""
    ids: list[int] = []
    for m in CITATION_MARKER.finditer(text):
        for item in CITATION_ITEM_PARTS.finditer(m["body"]):
            first = int(item["first"])
            last = int(item["last"]) if item["last"] else first
            ids.extend(range(first, last + 1) if first <= last else [first, last])
    return ids, CITATION_MARKER.sub("", text).strip(" ,;")


def split_trailing_refs(text: str) -> tuple[str, list[int]]:
    """Return a text cell without the citation marker ending it, and the marker's numbers
    ("Pembrolizumab with trastuzumab [205]" -> ("Pembrolizumab with trastuzumab", [205]))."""
    m = TRAILING_MARKER.search(text)
    if not m:
        return text, []
    ids, _ = parse_ref_ids(m.group(0))
    return text[: m.start()] + m["tail"], ids


def parse_ratio(text: str) -> tuple[float | None, bool | None]:
    """Return (value, approximate) for "2.8" / "~8"; (None, None) if not a number."""
    m = RATIO.match(text)
    if not m:
        return None, None
    return float(m["value"]), m["approx"] is not None


def parse_count(text: str) -> int | None:
    """Return the integer in "1700" / "1,756", or None."""
    return int(text.replace(",", "")) if COUNT.match(text) else None


def _phase_number(token: str) -> int:
    return ROMAN[token.upper()] if token.upper() in ROMAN else int(token)


def parse_phase(text: str) -> tuple[str | None, str | None]:
    """Return (ClinicalTrials.gov phase, wording) for a study-type cell
    ("Phase 1b/2, open label" -> ("PHASE1/PHASE2", "Phase 1b/2"))."""
    m = PHASE.search(text)
    if not m:
        na = PHASE_NA.search(text)
        return ("NA", na.group(0)) if na else (None, None)
    a = _phase_number(m["a"])
    b = _phase_number(m["b"]) if m["b"] else None
    names = ["EARLY_PHASE1" if (m["early"] or a == 0) else f"PHASE{a}"]
    if b is not None and b != a:
        names.append("EARLY_PHASE1" if b == 0 else f"PHASE{b}")
    phase = "/".join(names)
    return (phase if phase in PHASES else None), m.group(0)


def parse_status(text: str) -> str | None:
    """Return the ClinicalTrials.gov status for the wording ("Active, not recruiting" ->
    "ACTIVE_NOT_RECRUITING"), or None."""
    key = re.sub(r"[^A-Z0-9]+", "_", text.upper()).strip("_")
    key = STATUS_ALIASES.get(key, key)
    return key if key in STATUSES else None


# --- Tidy rows --------------------------------------------------------------------------


@dataclass
class _Context:
    source: Source
    table: TableBlock
    spec: TableSpec
    flags: Flags

    def flag(self, check, severity, subject, detail, start=None, end=None) -> None:
        self.flags.add(check, severity, subject, detail, start, end, table_name=self.spec.table)


def _parse_value(ctx: _Context, c: ColumnSpec, text: str | None, cell: Cell) -> dict:
    """Return the output values of column `c` for the cell text (None when empty)."""
    out: dict = {}
    if c.raw_name:
        out[c.raw_name] = text
    if text is None:
        out.update(dict.fromkeys(_value_columns(c), None))
        return out
    if c.parse == "text" or c.parse == "text_with_references":
        out[c.name] = text
    elif c.parse == "ratio":
        value, approx = parse_ratio(text)
        out.update({c.name: value, f"{c.name}_approx": approx, f"{c.name}_raw": text})
        if value is None and not NOT_REPORTED.match(text):
            ctx.flag(
                "unparsed_number",
                "warning",
                text,
                f"{c.header}: not a number; kept in {c.name}_raw",
                cell.start,
                cell.end,
            )
    elif c.parse == "count":
        out[c.name] = parse_count(text)
        if out[c.name] is None and not NOT_REPORTED.match(text):
            ctx.flag(
                "unparsed_number",
                "warning",
                text,
                f"{c.header}: not a whole number; {c.name} left NULL",
                cell.start,
                cell.end,
            )
    elif c.parse == "phase":
        phase, raw = parse_phase(text)
        out.update({c.name: phase, f"{c.name}_raw": raw})
        if phase is None:
            ctx.flag(
                "unmapped_phase",
                "warning",
                text,
                f"{c.header}: no ClinicalTrials.gov phase recognised; {c.name} left NULL",
                cell.start,
                cell.end,
            )
    elif c.parse == "status":
        status = parse_status(text)
        out.update({c.name: status, f"{c.name}_raw": text})
        if status is None:
            ctx.flag(
                "unmapped_status",
                "warning",
                text,
                f"{c.header}: not a ClinicalTrials.gov status; {c.name} left NULL",
                cell.start,
                cell.end,
            )
    return out


def _assign_groups_and_blocks(ctx: _Context, rows: list[TableRow]) -> dict[int, list[TableRow]]:
    """Set each row's group and drug block; return {block: rows} in table order."""
    drug = ctx.spec.index_of("drug")
    group: str | None = None
    block: int | None = None
    blocks: dict[int, list[TableRow]] = {}
    for row in rows:
        if row.kind == "group":
            group, block = row.texts[0], None
            continue
        if row.kind not in ("data", "merged"):
            continue
        row.group = group
        if drug is not None:
            if row.texts[drug]:
                block = row.row_index
            elif block is None:
                ctx.flag(
                    "drug_not_filled",
                    "error",
                    row.line.text[:60],
                    f"{ctx.spec.columns[drug].header} is empty and no row above names a drug; "
                    "row left out of the tidy table",
                    row.line.start,
                    row.line.end,
                )
                continue
            row.block = block
            blocks.setdefault(block, []).append(row)
    return blocks


def _drug_level_values(ctx: _Context, block_rows: list[TableRow]) -> dict:
    """Return the parsed drug-level values of one drug block (whatever line printed them)."""
    out: dict = {}
    first = block_rows[0]
    for j, c in enumerate(ctx.spec.columns):
        if c.role != "drug_attribute":
            continue
        found = [(r, r.texts[j]) for r in block_rows if r.texts[j]]
        text = found[0][1] if found else None
        cell = found[0][0].cells[j] if found else first.cells[j]
        drug = first.texts[ctx.spec.index_of("drug")]
        if found and found[0][0] is not first:
            ctx.flag(
                "drug_attribute_displaced",
                "info",
                text,
                f"{c.header} of {drug} is printed on line {found[0][0].line.number}, not on "
                f"the drug's first line {first.line.number} (page break); applied to the whole "
                "drug block",
                cell.start,
                cell.end,
            )
        for other, value in found[1:]:
            if value != text:
                ctx.flag(
                    "drug_attribute_conflict",
                    "warning",
                    value,
                    f"{c.header} of {drug} is {text!r} on line {found[0][0].line.number} "
                    f"but {value!r} here; the first value is used",
                    other.cells[j].start,
                    other.cells[j].end,
                )
        out.update(_parse_value(ctx, c, text, cell))
    return out


def _identifiers(ctx: _Context, row: TableRow, j: int) -> list[dict]:
    """Return one {trial_id, label/acronym} per identifier in the row's identifier cell."""
    c = ctx.spec.columns[j]
    cell = row.cells[j]
    text = row.texts[j] or ""
    for m in MALFORMED_NCT.finditer(cell.value):
        if not TRIAL_ID.fullmatch(m.group(0)):
            ctx.flag(
                "malformed_identifier",
                "warning",
                m.group(0),
                "looks like a ClinicalTrials.gov number but does not have 8 digits; left out",
                cell.start + m.start(),
                cell.start + m.end(),
            )
    found = list(TRIAL_ID.finditer(text))
    lead = text[: found[0].start()].strip(" ,;") if found else ""
    if lead:
        ctx.flag(
            "identifier_text_dropped",
            "warning",
            lead,
            f"{c.header}: text before the first identifier is not kept in the tidy table",
            cell.start,
            cell.end,
        )
    out = []
    for k, m in enumerate(found):
        stop = found[k + 1].start() if k + 1 < len(found) else len(text)
        note = re.sub(r"^[\s,;]+|[\s,;]+$|\s+and$", "", text[m.end() : stop]) or None
        item = {c.name: m.group(0)}
        label = acronym = None
        if note:
            p = PARENTHESISED.match(note)
            if p and (c.label or not c.acronym):
                label = p["label"].strip()
            else:
                acronym = note
            if (label and not c.label) or (acronym and not c.acronym):
                ctx.flag(
                    "identifier_text_dropped",
                    "warning",
                    note,
                    f"{c.header}: text after {m.group(0)} has no column in the layout",
                    cell.start,
                    cell.end,
                )
        if c.label:
            item[c.label] = label
        if c.acronym:
            item[c.acronym] = acronym
        out.append(item)
    return out


def tidy_rows(
    source: Source, table: TableBlock, spec: TableSpec, rows: list[TableRow], flags: Flags
) -> pd.DataFrame:
    """Return the tidy table of one source table: one row per table row x identifier."""
    ctx = _Context(source, table, spec, flags)
    blocks = _assign_groups_and_blocks(ctx, rows)
    drug_level = {b: _drug_level_values(ctx, block_rows) for b, block_rows in blocks.items()}
    id_col = spec.index_of("identifier")
    drug_col = spec.index_of("drug")
    out = []
    for row in rows:
        if row.kind not in ("data", "merged") or (drug_col is not None and row.block is None):
            continue
        ids = _identifiers(ctx, row, id_col)
        if not ids:
            ctx.flag(
                "row_without_identifier",
                "error",
                row.line.text[:60],
                f"no registry identifier in {spec.columns[id_col].header}; row left out of "
                "the tidy table (kept in table_cells)",
                row.line.start,
                row.line.end,
            )
            continue
        values = _row_values(ctx, row)
        base = {
            "doc_id": source.doc_id,
            "table_id": table.table_id,
            "row_index": row.row_index,
        }
        if spec.group_rows:
            base[spec.group_rows] = row.group
        if drug_col is not None:
            block_first = blocks[row.block][0]
            base[spec.columns[drug_col].name] = block_first.texts[drug_col]
            base.update(drug_level[row.block])
        base.update(values)
        base.update(
            {
                "cells_from_row_index": row.cells_from.row_index if row.cells_from else None,
                "line": row.line.number,
                "start": row.line.start,
                "end": row.end,
            }
        )
        out.extend({**base, **item} for item in ids)
    return pd.DataFrame(out, columns=spec.output_columns())


def _row_values(ctx: _Context, row: TableRow) -> dict:
    """Return the row-level values and ref_ids of a data or merged row."""
    source_row = row.cells_from or row  # a merged row shares the cells of the row above
    values: dict = {}
    refs: list[int] = []
    for j, c in enumerate(ctx.spec.columns):
        text, cell = source_row.texts[j], source_row.cells[j]
        if c.role == "row":
            if text is not None and c.parse == "text_with_references":
                text, found = split_trailing_refs(text)
                refs += found
            values.update(
                _parse_value(ctx, c, text, cell)
                if row is source_row
                else _parse_quiet(ctx, c, text, cell)
            )
        elif c.role == "references" and text is not None:
            found, rest = parse_ref_ids(text)
            refs += found
            if rest and row is source_row:
                ctx.flag(
                    "references_text_unparsed",
                    "warning",
                    rest,
                    f"{c.header}: text besides citation markers is not kept",
                    cell.start,
                    cell.end,
                )
    values["ref_ids"] = list(dict.fromkeys(refs)) or None  # source order, once each
    return values


def _parse_quiet(ctx: _Context, c: ColumnSpec, text: str | None, cell: Cell) -> dict:
    """Parse a shared cell again without repeating its flags."""
    quiet = _Context(ctx.source, ctx.table, ctx.spec, Flags(ctx.source, STAGE))
    return _parse_value(quiet, c, text, cell)


# --- Quality checks by rule ----------------------------------------------------------


def cell_flags(flags: Flags, rows: list[TableRow], table_name: str | None) -> None:
    """Flag odd characters kept as written: markup escapes, spaces after hyphens."""
    for row in rows[1:]:
        for cell in row.cells:
            for m in STRAY_CHARACTER.finditer(cell.value):
                a = cell.value.rfind(" ", 0, max(m.start() - 1, 0)) + 1
                b = cell.value.find(" ", m.end())
                b = len(cell.value) if b < 0 else b
                flags.add(
                    "stray_character",
                    "warning",
                    cell.value[a:b],
                    f"character {m.group(0)!r} (U+{ord(m.group(0)):04X}) inside a table cell, "
                    "probably a conversion artefact; kept as written",
                    cell.start + m.start(),
                    cell.start + m.end(),
                    table_name=table_name,
                )
            for m in HYPHEN_SPACE.finditer(cell.value):
                flags.add(
                    "space_after_hyphen",
                    "info",
                    m.group(0),
                    "a space follows a hyphen inside a name (probably a line break in the "
                    f"original layout; {m.group(0).replace('- ', '-')!r} intended?); kept as "
                    "written",
                    cell.start + m.start(),
                    cell.start + m.end(),
                    table_name=table_name,
                )


def edit_distance(a: str, b: str, limit: int) -> int:
    """Return the optimal-string-alignment distance of a and b (limit + 1 if larger)."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        cur = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = a[i - 1] != b[j - 1]
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        if min(cur) > limit:
            return limit + 1
        prev2, prev = prev, cur
    return prev[-1]


def _pieces(word: str, n: int) -> list[str]:
    """Return `word` cut into n consecutive pieces of near-equal length."""
    size, extra = divmod(len(word), n)
    out, start = [], 0
    for i in range(n):
        end = start + size + (1 if i < extra else 0)
        out.append(word[start:end])
        start = end
    return out


def _spelling_limit(word: str) -> int:
    """Edits tolerated between a table word and a prose word: 1 from 6 letters, 2 from 10
    (shorter words have too many legitimate neighbours: armed/aimed)."""
    return 2 if len(word) >= 10 else 1 if len(word) >= 6 else 0


def spelling_flags(flags: Flags, layout: Layout, rows_by_table, names: dict[str, str]) -> None:
    """Flag table words missing from the prose that are one or two edits away from a prose
    word: a drug or word spelled one way in a table and another in the text."""
    text = layout.source.text
    prose = Counter(
        w.lower() for p in layout.paragraphs for w in WORD.findall(text[p.start : p.end])
    )
    # Prose words by length: a word can only be `limit` edits from words of a length
    # within `limit` of its own.
    by_length: dict[int, list[str]] = {}
    for w in prose:
        by_length.setdefault(len(w), []).append(w)
    nearest: dict[str, list[tuple[int, str]]] = {}
    for table_id, rows in rows_by_table.items():
        for row in rows[1:]:
            for cell in row.cells:
                for m in WORD.finditer(cell.value):
                    word = m.group(0).lower()
                    limit = _spelling_limit(word)
                    if word in prose or not limit:
                        continue
                    if word not in nearest:
                        # Cut into limit + 1 pieces, at least one survives `limit` edits
                        # intact: a prose word without any of them cannot be that close.
                        pieces = _pieces(word, limit + 1)
                        nearest[word] = [
                            (prose[w], w)
                            for length in range(len(word) - limit, len(word) + limit + 1)
                            for w in by_length.get(length, ())
                            if any(p in w for p in pieces)
                            and edit_distance(word, w, limit) <= limit
                        ]
                    near = nearest[word]
                    if not near:
                        continue
                    count, closest = max(near)
                    flags.add(
                        "spelling_differs_from_prose",
                        "warning",
                        m.group(0),
                        f"{m.group(0)!r} does not occur in the prose, which has {closest!r} "
                        f"({count} times); kept as written",
                        cell.start + m.start(),
                        cell.start + m.end(),
                        table_name=names.get(table_id),
                    )


def _paragraph_sentences(layout: Layout) -> list[list[Sentence]]:
    """Return the body paragraphs' sentences, grouped by paragraph."""
    grouped: dict[str, list[Sentence]] = {}
    for sentence in document_sentences(layout):
        if sentence.paragraph_id is not None:
            grouped.setdefault(sentence.paragraph_id, []).append(sentence)
    return list(grouped.values())


def _people_counts(sentence: Sentence) -> list[tuple[int, str]]:
    """Return (number, phrase) for each count of people in the sentence ("58 patients")."""
    return [
        (int(m["n"].replace(",", "")), m.group(0)) for m in PATIENT_COUNT.finditer(sentence.text)
    ]


def _normalised(text: str) -> str:
    return re.sub(r"[^A-Z0-9]", "", text.upper())


def _mentions(sentence: str, keys: list[str]) -> str | None:
    """Return the first key the sentence mentions (acronyms match without hyphens/spaces)."""
    norm = _normalised(sentence)
    for key in keys:
        if TRIAL_ID.fullmatch(key):
            if key in sentence:
                return key
        elif len(_normalised(key)) >= 4 and (
            re.search(rf"(?<!\w){re.escape(key)}(?!\w)", sentence, re.I)
            or (not key.isalpha() or key.isupper())
            and _normalised(key) in norm
        ):
            return key
    return None


def count_flags(flags: Flags, layout: Layout, spec: TableSpec, tidy: pd.DataFrame) -> None:
    """Flag a count column (patients) that no prose sentence about the same trial repeats.

    A trial is recognised in the prose by its identifier, its acronym or label, and - when
    it is the only trial of its group or drug - by that group's or drug's name. The counts
    are the numbers of people in that sentence (or, if it has none, in the next sentence
    of the paragraph unless that one names another trial). The table agrees if it gives
    one of them or their sum."""
    count_cols = [c for c in spec.columns if c.role == "row" and c.parse == "count"]
    if not count_cols or tidy.empty:
        return
    text = layout.source.text
    paragraphs = _paragraph_sentences(layout)
    id_col = spec.columns[spec.index_of("identifier")]
    notes = [n for n in (id_col.label, id_col.acronym) if n]
    owner = spec.group_rows or (
        spec.columns[spec.index_of("drug")].name if spec.index_of("drug") is not None else None
    )
    sizes = tidy.groupby(owner, dropna=False).size() if owner else None
    for c in count_cols:
        for _, row in tidy.iterrows():
            value = row[c.name]
            if value is None or pd.isna(value):
                continue
            keys = [row[id_col.name]] + [row[n] for n in notes if pd.notna(row[n])]
            if owner and pd.notna(row[owner]) and sizes[row[owner]] == 1:
                keys.append(re.split(r"\s*\(", row[owner])[0].strip())
            counts, where = [], None
            for paragraph in paragraphs:
                for k, sentence in enumerate(paragraph):
                    key = _mentions(sentence.text, keys)
                    if key is None:
                        continue
                    found = _people_counts(sentence)
                    following = paragraph[k + 1] if k + 1 < len(paragraph) else None
                    if not found and following and not TRIAL_ID.search(following.text):
                        found = _people_counts(following)
                    if found:
                        counts.append(found)
                        where = where or (key, layout.source.line_of(sentence.start))
            numbers = [[n for n, _ in f] for f in counts]
            if not counts or any(int(value) in f or int(value) == sum(f) for f in numbers):
                continue
            cell_start, cell_end = _cell_span(row, spec, c, text)
            said = "; ".join(", ".join(repr(phrase) for _, phrase in f) for f in counts)
            flags.add(
                "count_differs_from_prose",
                "warning",
                row[id_col.name],
                f"{c.header} is {int(value)} in the table, but the prose about "
                f"{where[0]!r} (line {where[1]}) says {said}",
                cell_start,
                cell_end,
                table_name=spec.table,
            )


def _cell_span(row: pd.Series, spec: TableSpec, c: ColumnSpec, text: str) -> tuple[int, int]:
    """Return the offsets of column `c`'s cell on the tidy row's first line."""
    line_text = text[row["start"] : text.find("\n", row["start"])]
    j = spec.columns.index(c)
    cells = line_text.split("\t")
    start = row["start"] + sum(len(x) + 1 for x in cells[:j])
    return start, start + len(cells[j])


def reference_numbers(tidy_tables: dict[str, pd.DataFrame]) -> set[int]:
    """Return every reference number the tidy tables cite (for the cross-check with the
    reference list)."""
    return {
        int(n)
        for df in tidy_tables.values()
        if "ref_ids" in df
        for ids in df["ref_ids"]
        if ids is not None
        for n in ids
    }


# --- Stage ---------------------------------------------------------------------------------


def read_tables(
    source: Source,
    specs: dict[tuple, TableSpec],
    layout: Layout | None = None,
    check_counts: bool = True,
) -> dict[str, pd.DataFrame]:
    """Return table_cells, one tidy table per layout and the stage's quality_flags.

    check_counts=False skips comparing the tables' patient counts with the prose: stages
    that only read the tables need not pay for it.
    """
    layout = layout or read_layout(source)
    flags = Flags(source, STAGE)
    rows_by_table: dict[str, list[TableRow]] = {}
    names: dict[str, str] = {}
    tidy: dict[str, list[pd.DataFrame]] = {s.table: [] for s in specs.values()}
    for table in layout.tables:
        if not table.lines:
            continue
        header = tuple(collapse(c) for c in table.lines[0].text.split("\t"))
        spec = specs.get(header)
        rows = classify_rows(source, table, spec)
        rows_by_table[table.table_id] = rows
        if spec is None:
            flags.add(
                "table_without_layout",
                "warning",
                table.table_id,
                f"no entry in {LAYOUTS_FILE} has the header {list(header)}; only table_cells "
                "holds this table",
                table.lines[0].start,
                table.lines[0].end,
                table_name="table_cells",
            )
            continue
        names[table.table_id] = spec.table
        for row in rows:
            if row.kind == "continuation":
                flags.add(
                    "row_continued_after_page_break",
                    "info",
                    row.texts[next(i for i, t in enumerate(row.texts) if t)][:60],
                    f"line {row.line.number} holds only the tail of the previous row's last "
                    "cell (split by a page break); joined back to that row",
                    row.line.start,
                    row.line.end,
                    table_name=spec.table,
                )
        tidy[spec.table].append(tidy_rows(source, table, spec, rows, flags))
    for table_id, rows in rows_by_table.items():
        cell_flags(flags, rows, names.get(table_id, "table_cells"))
    spelling_flags(flags, layout, rows_by_table, names)
    out: dict[str, pd.DataFrame] = {"table_cells": table_cells(source, rows_by_table)}
    for spec in specs.values():
        frames = tidy[spec.table]
        df = (
            pd.concat(frames, ignore_index=True)
            if frames
            else pd.DataFrame(columns=spec.output_columns())
        )
        if check_counts:
            count_flags(flags, layout, spec, df)
        out[spec.table] = df
    out["quality_flags"] = flags.frame()
    return out


def extract(
    source: Source, vocabularies: str | Path, check_counts: bool = True
) -> dict[str, pd.DataFrame]:
    """Return the review-tables stage's tables: table_cells, the tidy tables, flags."""
    return read_tables(source, load_table_layouts(vocabularies), check_counts=check_counts)
