"""Facts a review's tables state about agents: an approval with its year and indication,
adverse events listed per agent (raw/vocabularies/table_facts.yaml says which columns).

A table is read with each entry of table_facts.yaml one of its rows holds every header of
(that row is the header row; the rows below it are read). The agents of a
row are those the entities stage found in its drug cell (agent_mentions); the row's other
cells give, each with its own offsets:

- `approval_year`: a regulatory event of the entry's `event_kind` (approval unless said),
  dated by the cell, with the indication cell and the body the table's caption names;
- `adverse_events`: one term per piece of the cell separated by commas or semicolons.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import yaml

from .lexicon import LexiconError

TABLE_FACTS_FILE = "table_facts.yaml"
ROLES = ("drug", "approval_year", "indication", "adverse_events")
FACT_ROLES = ("approval_year", "adverse_events")
YEAR = re.compile(r"\b(?:19|20)\d{2}\b")
# Pieces of an adverse-events cell: "neutropenia, anemia; peripheral neuropathy".
PIECE = re.compile(r"[^,;\n\t]+")


@dataclass(frozen=True)
class FactLayout:
    name: str
    columns: dict[str, str]  # header as printed -> role
    event_kind: str


@dataclass(frozen=True)
class Cell:
    text: str
    start: int
    end: int


@dataclass(frozen=True)
class FactRow:
    """One row of a table read with a FactLayout."""

    layout: str
    event_kind: str
    table_id: str
    row_index: int
    agent_ids: tuple[str, ...]
    cells: dict[str, Cell]  # role -> cell

    def year(self) -> tuple[int, int, int] | None:
        """(year, start, end) of the approval-year cell's first year, or None."""
        cell = self.cells.get("approval_year")
        m = YEAR.search(cell.text) if cell else None
        if m is None:
            return None
        return int(m.group()), cell.start + m.start(), cell.start + m.end()

    def adverse_events(self) -> list[Cell]:
        """The terms of the adverse-events cell, each with its own offsets."""
        cell = self.cells.get("adverse_events")
        if cell is None:
            return []
        out = []
        for m in PIECE.finditer(cell.text):
            piece = m.group()
            lead = len(piece) - len(piece.lstrip())
            term = piece.strip().rstrip(".")
            if term:
                begin = cell.start + m.start() + lead
                out.append(Cell(term, begin, begin + len(term)))
        return out


def _line_of(text: str, needle: str) -> int:
    for number, line in enumerate(text.splitlines(), start=1):
        if needle in line:
            return number
    return 1


def load_table_facts(path: str | Path, kinds: tuple[str, ...] = ()) -> list[FactLayout]:
    """Return the entries of table_facts.yaml, or raise LexiconError naming the file and
    line of a missing file or a malformed entry. `kinds` are the regulatory event kinds
    allowed as `event_kind` (none checked when empty)."""
    path = Path(path)
    if not path.is_file():
        raise LexiconError(f"{path}: vocabulary file not found")
    text = path.read_text(encoding="utf-8")
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f"line {mark.line + 1}: " if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise LexiconError(f"{path}: {line}not valid YAML ({problem})") from None
    if not isinstance(data, dict) or not data:
        raise LexiconError(f"{path}: line 1: expected entries (name: {{columns: ...}})")
    layouts = []
    for name, entry in data.items():
        where = f"{path}: line {_line_of(text, f'{name}:')} [{name}]"
        if not isinstance(entry, dict) or not isinstance(entry.get("columns"), dict):
            raise LexiconError(f"{where}: an entry needs `columns:` (header: role)")
        unknown = sorted(set(entry) - {"columns", "event_kind"})
        if unknown:
            raise LexiconError(f"{where}: unknown key(s) {unknown}")
        columns = {str(h): r for h, r in entry["columns"].items()}
        for header, role in columns.items():
            if role not in ROLES:
                raise LexiconError(
                    f"{path}: line {_line_of(text, f'{header}:')} [{name}]: column "
                    f"{header!r} has role {role!r}, not one of {list(ROLES)}"
                )
        roles = list(columns.values())
        if roles.count("drug") != 1:
            raise LexiconError(f"{where}: exactly one column must have the role drug")
        if not set(roles) & set(FACT_ROLES):
            raise LexiconError(f"{where}: no column with a role among {list(FACT_ROLES)}")
        kind = entry.get("event_kind", "approval")
        if kinds and kind not in kinds:
            raise LexiconError(
                f"{path}: line {_line_of(text, 'event_kind:')} [{name}]: event_kind "
                f"{kind!r} is not one of {list(kinds)}"
            )
        layouts.append(FactLayout(str(name), columns, kind))
    return layouts


def fact_rows(
    cells: pd.DataFrame | None, mentions: pd.DataFrame | None, layouts: list[FactLayout]
) -> list[FactRow]:
    """Return the rows of every table read with one of `layouts` (see the module
    docstring), in table and row order."""
    if cells is None or not len(cells) or not layouts:
        return []
    agents: dict[tuple[str, int, int], list[str]] = {}
    if mentions is not None and len(mentions):
        at_table = mentions[mentions["table_id"].notna()]
        for m in at_table.itertuples(index=False):
            if pd.isna(m.row_index) or pd.isna(m.column_index):
                continue
            key = (m.table_id, int(m.row_index), int(m.column_index))
            agents.setdefault(key, [])
            if m.agent_id not in agents[key]:
                agents[key].append(m.agent_id)
    out = []
    for table_id, table in cells.groupby("table_id", sort=True):
        rows: dict[int, dict[int, Cell]] = {}
        values: dict[int, dict[str, int]] = {}
        for c in table.itertuples(index=False):
            text = "" if c.value is None or pd.isna(c.value) else str(c.value)
            rows.setdefault(int(c.row_index), {})[int(c.column_index)] = Cell(
                text, int(c.start), int(c.end)
            )
            values.setdefault(int(c.row_index), {})[" ".join(text.split())] = int(c.column_index)
        for layout in layouts:
            header = next(
                (r for r in sorted(values) if set(layout.columns) <= set(values[r])), None
            )
            if header is None:
                continue
            column_of = {role: values[header][h] for h, role in layout.columns.items()}
            for r in sorted(x for x in rows if x > header):
                drug = column_of["drug"]
                ids = tuple(agents.get((table_id, r, drug), []))
                if not ids:
                    continue
                by_role = {
                    role: rows[r][col]
                    for role, col in column_of.items()
                    if col in rows[r] and rows[r][col].text.strip()
                }
                out.append(FactRow(layout.name, layout.event_kind, table_id, r, ids, by_role))
    return out
