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

Modules: `table_layouts` (the layouts), `table_cells`, `tidy_tables`, `table_flags`; this
one runs them (`read_tables`, the stage's `extract`).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from .errors import SourceFormatError
from .layout import Layout, TableBlock, collapse, read_layout
from .quality import Flags
from .source import Source
from .table_cells import TableRow, classify_rows, table_cells
from .table_flags import cell_flags, count_flags, spelling_flags
from .table_layouts import LAYOUTS_FILE, TableLayoutError, TableSpec, load_table_layouts
from .tidy_tables import tidy_rows

# The stage is "review_tables"; its quality flags keep the published label "tables"
# (quality_flags.stage and the flag ids "tables-0001" are part of the data contract).
STAGE = "tables"


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


def _no_table_lines(source: Source, table: TableBlock) -> None:
    """A caption 'Table N.' must be followed by its tab-separated lines: raise, naming the
    first line that follows (tabs replaced by spaces, say)."""
    after = source.text[table.caption.block.end :]
    start = table.caption.block.end + len(after) - len(after.lstrip())
    following = source.text[start:].split("\n", 1)[0]
    line = source.line_of(start)
    raise SourceFormatError(
        source.path,
        f"{table.caption.text[:40]!r} is followed by no tab-separated line (cells must be "
        f"separated by tabs), got {following[:60]!r}",
        line=line,
    )


def _check_near_miss(source: Source, table: TableBlock, header: tuple, specs: dict) -> None:
    """A header that differs from a layout's by a small edit is a typo on one side: raise,
    rather than publish the table without its tidy rows."""
    from .inputs import near_miss

    key = near_miss(header, specs)
    if key is None:
        return
    diff = [f"{a!r} vs {b!r}" for a, b in zip(header, key, strict=False) if a != b]
    raise TableLayoutError(
        LAYOUTS_FILE,
        specs[key].table,
        f"its header does not match the header of {table.table_id} at "
        f"{source.path} line {table.lines[0].number} ({'; '.join(diff) or 'columns differ'}): "
        "correct one of them",
    )


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
            _no_table_lines(source, table)
        header = tuple(collapse(c) for c in table.lines[0].text.split("\t"))
        spec = specs.get(header)
        if spec is None:
            _check_near_miss(source, table, header, specs)
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
        _flag_continuations(rows, spec.table, flags)
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


def _flag_continuations(rows: list[TableRow], table_name: str, flags: Flags) -> None:
    """A row holding only the tail of the row before it (a page break split it)."""
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
                table_name=table_name,
            )


def extract(
    source: Source, vocabularies: str | Path, check_counts: bool = True
) -> dict[str, pd.DataFrame]:
    """Return the review-tables stage's tables: table_cells, the tidy tables, flags."""
    return read_tables(source, load_table_layouts(vocabularies), check_counts=check_counts)
