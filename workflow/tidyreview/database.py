"""Building the DuckDB database from validated Parquet files, keys and comments included."""

from __future__ import annotations

from pathlib import Path

import duckdb

from .files import atomic_path, replace_atomically
from .metadata import all_tables, comment_sql, create_table_sql

# DuckDB 2.0 writes a storage format older clients (R's duckdb, Python < 1.2) cannot open;
# v1.2.0 is readable by every DuckDB from 1.2 on.
STORAGE_VERSION = "v1.2.0"


def build_database(
    parquet_dir: str | Path, db_path: str | Path, views_sql: str | None = None
) -> dict[str, int]:
    """Write the DuckDB file at `db_path` from `parquet_dir`; return row counts per table."""
    tmp = atomic_path(db_path)
    tmp.unlink(missing_ok=True)
    Path(db_path).parent.mkdir(parents=True, exist_ok=True)
    counts = {}
    con = duckdb.connect(":memory:")
    try:
        con.execute(f"ATTACH '{tmp}' AS review (STORAGE_VERSION '{STORAGE_VERSION}')")
        con.execute("USE review")
        for meta in all_tables():  # parents first, so foreign keys resolve
            con.execute(create_table_sql(meta))
            path = Path(parquet_dir) / f"{meta.name}.parquet"
            cols = ", ".join(f'"{c.name}"' for c in meta.columns)
            try:
                con.execute(
                    f"INSERT INTO \"{meta.name}\" SELECT {cols} FROM read_parquet('{path}')"
                )
            except duckdb.ConstraintException as exc:
                raise duckdb.ConstraintException(f"table {meta.name}: {exc}") from None
            for stmt in comment_sql(meta):
                con.execute(stmt)
            counts[meta.name] = con.execute(f'SELECT count(*) FROM "{meta.name}"').fetchone()[0]
        if views_sql:
            con.execute(views_sql)
        con.execute("USE memory")
        con.execute("DETACH review")
    finally:
        con.close()
    replace_atomically(tmp, db_path)
    return counts
