"""The tidy tables: one row per source row x registry identifier, its values parsed as the
table layout says (ratios, counts, phases, statuses, references), a drug's empty cells
filled down and a drug-level value displaced by a page break applied to its whole block.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd

from .ctgov import PHASES, STATUSES
from .layout import TableBlock
from .patterns import CITATION_ITEM_PARTS, CITATION_MARKER, MALFORMED_NCT, TRIAL_ID
from .quality import Flags
from .source import Source
from .table_cells import Cell, TableRow
from .table_layouts import ColumnSpec, TableSpec, _value_columns

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


# Statuses as printed that ClinicalTrials.gov spells differently.
STATUS_ALIASES = {"UNKNOWN_STATUS": "UNKNOWN"}
ROMAN = {"I": 1, "II": 2, "III": 3, "IV": 4}


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
    quiet = _Context(ctx.source, ctx.table, ctx.spec, Flags(ctx.source, ctx.flags.stage))
    return _parse_value(quiet, c, text, cell)
