"""The cells of the review's tables (table_cells): every line of a table split at its tabs,
each row classified (`classify_rows`, see `review_tables` for the row kinds), lossless.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pandas as pd

from .errors import SourceFormatError
from .layout import Line, TableBlock, collapse, join_across_break
from .patterns import TRIAL_ID
from .source import Source
from .table_layouts import TableSpec

# The end of a cell that cannot end a value, so the next line may continue it:
# "Arm 2: Doxorubicin +", "... pertuzumab and", "trastuzumab,".
DANGLING = re.compile(
    r"(?:[+,/&–-]|\b(?:and|or|with|plus|of|to|in|by|for|followed|versus|vs\.?))\s*$", re.I
)


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
