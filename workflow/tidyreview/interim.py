"""Per-document interim tables: written as the stage made them, typed by validation later.

Kept free of the schemas (and so of pandera) so that extraction jobs start fast; the
validation step coerces every column to its published type.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from .files import atomic_path, replace_atomically


def write_interim(df: pd.DataFrame, path: str | Path) -> None:
    """Write one stage's table as Parquet (types as inferred), atomically."""
    table = pa.Table.from_pandas(df, preserve_index=False).replace_schema_metadata(None)
    tmp = atomic_path(path)
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(table, tmp)
    replace_atomically(tmp, path)


def _as_frame(table: pa.Table) -> pd.DataFrame:
    """Return an interim table as the stage made it: list cells as Python lists."""
    df = table.to_pandas()
    for column in df.columns:
        if df[column].dtype == object:
            df[column] = [v.tolist() if hasattr(v, "tolist") else v for v in df[column]]
    return df


def read_interim(path: str | Path) -> pd.DataFrame:
    """Read one interim table written by an earlier stage (see `write_interim`)."""
    return _as_frame(pq.read_table(path))


def round_trip(df: pd.DataFrame) -> pd.DataFrame:
    """Return `df` as a later stage reads it back from its interim file (in memory)."""
    sink = pa.BufferOutputStream()
    pq.write_table(pa.Table.from_pandas(df, preserve_index=False), sink)
    return _as_frame(pq.read_table(pa.BufferReader(sink.getvalue())))


def write_extraction_summary(doc_id: str, paths: list[str], out: str | Path) -> None:
    """Write `out`: the rows of each interim table of one review ({stage/table: rows}),
    read from the Parquet footers; the review's extraction ends with it."""
    import json

    from .files import write_text_atomically

    rows = {
        f"{Path(p).parent.name}/{Path(p).stem}": pq.ParquetFile(p).metadata.num_rows
        for p in sorted(paths)
    }
    write_text_atomically(out, json.dumps({"doc_id": doc_id, "rows": rows}, indent=1) + "\n")
