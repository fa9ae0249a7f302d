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
