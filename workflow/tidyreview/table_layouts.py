"""How the review's tables are read, as data: raw/vocabularies/table_layouts.yaml says, for
a header row, which column holds the drug, which hold drug-level attributes, identifiers,
references and row values, and which tidy table it becomes (`load_table_layouts`).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import yaml

from .errors import TidyReviewError

LAYOUTS_FILE = "table_layouts.yaml"


ROLES = ("drug", "drug_attribute", "identifier", "row", "references")
PARSES = ("text", "ratio", "count", "phase", "status", "text_with_references")
COLUMN_KEYS = {"role", "name", "parse", "raw_name", "label", "acronym"}
SNAKE = re.compile(r"^[a-z][a-z0-9_]*$")


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
