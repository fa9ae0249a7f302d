"""Building the DuckDB database from validated Parquet files, keys and comments included.

The DDL (tables, keys, comments) comes ready-made from the validation step
(staging/schema.sql, generated from the schemas), so this step needs DuckDB only.
"""

from __future__ import annotations

import json
from pathlib import Path

import duckdb

from .errors import TidyReviewError
from .files import atomic_path, replace_atomically

# DuckDB 2.0 writes a storage format older clients (R's duckdb, Python < 1.2) cannot open;
# v1.2.0 is readable by every DuckDB from 1.2 on (checked with duckdb 1.2.2).
STORAGE_VERSION = "v1.2.0"
# 16 KiB blocks instead of 256 KiB: a database of many small tables shrinks from ~26 MB to
# ~2 MB; DuckDB 1.2 and later open it.
BLOCK_SIZE = 16384
# Views that are a table under another name: their columns take the table's comments.
VIEW_ALIASES = {"reference_list": "references"}


def table_names(datapackage_path: str | Path) -> list[str]:
    """Return the published tables, parents first, as the data package lists them."""
    package = json.loads(Path(datapackage_path).read_text(encoding="utf-8"))
    return [resource["name"] for resource in package["resources"]]


def build_database(
    parquet_dir: str | Path,
    db_path: str | Path,
    schema_sql: str,
    tables: list[str],
    views_sql: str | None = None,
) -> dict[str, int]:
    """Write the DuckDB file at `db_path` from `parquet_dir`; return row counts per table."""
    tmp = atomic_path(db_path)
    wal = Path(f"{tmp}.wal")
    tmp.unlink(missing_ok=True)
    wal.unlink(missing_ok=True)
    Path(db_path).parent.mkdir(parents=True, exist_ok=True)
    counts = {}
    con = duckdb.connect(":memory:")
    try:
        con.execute(
            f"ATTACH '{tmp}' AS review "
            f"(STORAGE_VERSION '{STORAGE_VERSION}', BLOCK_SIZE {BLOCK_SIZE})"
        )
        con.execute("USE review")
        con.execute(schema_sql)
        for name in tables:  # parents first, so foreign keys resolve
            path = Path(parquet_dir) / f"{name}.parquet"
            try:
                con.execute(f"INSERT INTO \"{name}\" SELECT * FROM read_parquet('{path}')")
            except duckdb.ConstraintException as exc:
                raise duckdb.ConstraintException(f"table {name}: {exc}") from None
            counts[name] = con.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0]
        if views_sql:
            con.execute(views_sql)
            inherit_column_comments(con, VIEW_ALIASES)
        con.execute("CHECKPOINT review")
        con.execute("USE memory")
        con.execute("DETACH review")
    finally:
        con.close()
    if wal.exists():  # checkpointed and closed: everything is in the file itself
        raise TidyReviewError(f"{tmp}: DuckDB left a write-ahead log after closing")
    # A log beside the previous file holds edits made to it; it must not reach this one.
    Path(f"{db_path}.wal").unlink(missing_ok=True)
    replace_atomically(tmp, db_path)
    return counts


def inherit_column_comments(con, aliases: dict[str, str]) -> None:
    """Give each column of the views in `aliases` the comment of its table's column."""
    for view, table in aliases.items():
        rows = con.execute(
            "select column_name, comment from duckdb_columns() "
            "where database_name = current_database() and table_name = ? and comment is not null",
            [table],
        ).fetchall()
        for column, comment in rows:
            quoted = comment.replace("'", "''")
            con.execute(f"COMMENT ON COLUMN {view}.\"{column}\" IS '{quoted}'")
