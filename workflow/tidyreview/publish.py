"""Writing, validating and publishing tables: deterministic Parquet, atomic renames,
validation reports that point back to source lines.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pandera.pandas as pa
import pyarrow as pa_arrow
import pyarrow.parquet as pq

from .errors import ValidationFailed
from .files import atomic_path, replace_atomically
from .metadata import arrow_schema, table_meta
from .source import Source

MAX_REPORTED = 20


def to_arrow(df: pd.DataFrame, table: str) -> pa_arrow.Table:
    """Return `df` as an Arrow table with the published schema of `table` (columns ordered)."""
    schema = arrow_schema(table)
    missing = [f.name for f in schema if f.name not in df.columns]
    extra = [c for c in df.columns if c not in schema.names]
    if missing or extra:
        raise ValidationFailed(
            f"table {table}: columns differ from its schema (missing {missing}, unexpected {extra})"
        )
    arrow = pa_arrow.Table.from_pandas(df[schema.names], schema=schema, preserve_index=False)
    return arrow.replace_schema_metadata(None)


def _is_missing(value) -> bool:
    if value is None:
        return True
    if isinstance(value, (list, tuple, dict)):
        return False
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def write_parquet(df: pd.DataFrame, table: str, path: str | Path) -> None:
    """Write `df` as Parquet with the schema of `table`, rows in key order, atomically."""
    arrow = to_arrow(df, table)
    key = table_meta(table).primary_key
    if key and arrow.num_rows:
        arrow = arrow.sort_by([(k, "ascending") for k in key])
    tmp = atomic_path(path)
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    # No pandas metadata, fixed writer options: reruns give identical bytes.
    pq.write_table(
        arrow,
        tmp,
        compression="zstd",
        write_statistics=True,
        store_schema=True,
        use_dictionary=True,
        data_page_version="2.0",
    )
    replace_atomically(tmp, path)


def read_parquet(path: str | Path) -> pd.DataFrame:
    """Return a Parquet file as a DataFrame with Arrow-backed columns."""
    return pq.read_table(path).to_pandas(types_mapper=pd.ArrowDtype)


def empty_frame(table: str) -> pd.DataFrame:
    """Return a zero-row DataFrame with the columns and types of `table`."""
    return arrow_schema(table).empty_table().to_pandas(types_mapper=pd.ArrowDtype)


# --- Validation -----------------------------------------------------------------------


def _source_line(row: pd.Series, sources: dict[str, Source], value=None) -> str:
    """Return "<file> line N" for a failing row: from its start offset, else from where
    the failing value occurs in the source."""
    doc = row.get("doc_id") if "doc_id" in row else None
    if doc not in sources:
        return "source line unknown"
    src = sources[doc]
    start = row.get("start") if "start" in row else None
    if start is not None and not pd.isna(start) and 0 <= int(start) <= len(src.text):
        return f"{src.path} line {src.line_of(int(start))}"
    if isinstance(value, str) and value and value in src.text:
        return f"{src.path} line {src.line_of(src.text.index(value))}"
    return src.path


def failure_report(
    table: str, df: pd.DataFrame, failures: pd.DataFrame, sources: dict[str, Source]
) -> pd.DataFrame:
    """Return one row per failure: table, column, check, value, row and source line."""
    rows = []
    for f in failures.itertuples(index=False):
        index = getattr(f, "index", None)
        row = (
            df.loc[index]
            if index is not None and not pd.isna(index) and index in df.index
            else None
        )
        rows.append(
            {
                "table": table,
                "column": f.column if isinstance(f.column, str) else None,
                "check": str(f.check),
                "value": None if _is_missing(f.failure_case) else str(f.failure_case),
                "row": None if row is None else int(index),
                "where": (
                    _source_line(row, sources, f.failure_case) if row is not None else "whole table"
                ),
            }
        )
    return pd.DataFrame(rows, columns=["table", "column", "check", "value", "row", "where"])


def span_failures(table: str, df: pd.DataFrame, sources: dict[str, Source]) -> pd.DataFrame:
    """Return failures of the offset conventions: spans inside the file, surface == raw[start:end]."""
    failures = []
    if not {"doc_id", "start", "end"} <= set(df.columns):
        return pd.DataFrame(columns=["column", "check", "failure_case", "index"])
    for index, row in df.iterrows():
        doc, start, end = row["doc_id"], row["start"], row["end"]
        if doc not in sources or pd.isna(start) or pd.isna(end):
            continue
        text = sources[doc].text
        if not 0 <= int(start) <= int(end) <= len(text):
            failures.append(
                ("end", f"0 <= start <= end <= {len(text)} (file length)", int(end), index)
            )
        elif (
            "surface" in df.columns
            and not _is_missing(row["surface"])
            and text[int(start) : int(end)] != row["surface"]
        ):
            failures.append(("surface", "raw_text[start:end] == surface", row["surface"], index))
    return pd.DataFrame(failures, columns=["column", "check", "failure_case", "index"])


def validate(
    table: str, df: pd.DataFrame, sources: dict[str, Source], report_path: str | Path | None = None
) -> pd.DataFrame:
    """Return `df` validated against its schema; on failure write a report and raise."""
    from tidyreview.schemas import TABLES

    # Columns in schema order (the stages need not care); unknown ones last, so that the
    # strict schema names them.
    known = [c.name for c in table_meta(table).columns]
    df = df[[c for c in known if c in df.columns] + [c for c in df.columns if c not in known]]
    df = df.reset_index(drop=True)
    failures = []
    try:
        validated = TABLES[table].validate(df, lazy=True)
    except pa.errors.SchemaErrors as exc:
        validated = None
        failures.append(exc.failure_cases)
    spans = span_failures(table, df, sources)
    if len(spans):
        failures.append(spans)
    if failures:
        report = failure_report(table, df, pd.concat(failures, ignore_index=True), sources)
        if report_path is not None:
            Path(report_path).parent.mkdir(parents=True, exist_ok=True)
            report.to_csv(report_path, index=False)
        lines = [
            f"  - column {r.column or '(table)'}: check {r.check} failed for value {r.value!r} "
            f"(row {r.row}, {r.where})"
            for r in report.head(MAX_REPORTED).itertuples()
        ]
        more = (
            f"\n  ... and {len(report) - MAX_REPORTED} more" if len(report) > MAX_REPORTED else ""
        )
        where = f"; full report: {report_path}" if report_path else ""
        raise ValidationFailed(
            f"table {table} failed its schema ({len(report)} problem(s){where}):\n"
            + "\n".join(lines)
            + more
        )
    return validated


def list_key_failures(
    table: str, df: pd.DataFrame, tables: dict[str, pd.DataFrame], sources: dict[str, Source]
) -> pd.DataFrame:
    """Return one failure row per list element that does not resolve to its parent table."""
    rows = []
    for fk in table_meta(table).list_foreign_keys:
        *scalars, list_field = fk["fields"]
        parent = tables.get(fk["reference"]["resource"])
        if parent is None:
            continue
        *parent_scalars, parent_field = fk["reference"]["fields"]
        known = set(
            zip(
                *(parent[c].tolist() for c in parent_scalars),
                parent[parent_field].tolist(),
                strict=True,
            )
        )
        for index, row in df.iterrows():
            values = row[list_field]
            if _is_missing(values):
                continue
            for value in values:
                if (*(row[c] for c in scalars), value) not in known:
                    rows.append(
                        (
                            list_field,
                            f"element in {fk['reference']['resource']}.{parent_field}",
                            value,
                            index,
                        )
                    )
    return pd.DataFrame(rows, columns=["column", "check", "failure_case", "index"])
