"""Entry points the Snakemake scripts call: one function per rule, paths in, files out.

Each function reports one line with the row counts it wrote; a TidyReviewError becomes a
one-paragraph message on stderr (and in the rule's log) and exit status 1. Heavy libraries
are imported inside the functions that need them, so light rules start fast.
"""

from __future__ import annotations

import contextlib
import sys
import traceback
from collections.abc import Iterator
from pathlib import Path

from .errors import TidyReviewError, ValidationFailed
from .files import copy_atomically, write_text_atomically
from .source import Source, load_source


@contextlib.contextmanager
def reported(rule: str, log_path: str | None) -> Iterator[list[str]]:
    """Run a rule's body: collect its summary lines, log them, turn errors into messages."""
    lines: list[str] = []
    log = open(log_path, "w", encoding="utf-8") if log_path else None  # noqa: SIM115
    try:
        yield lines
    except TidyReviewError as exc:
        message = f"tidyreview [{rule}] ERROR: {exc}"
        print(message, file=sys.stderr)
        if log:
            log.write(message + "\n")
            log.close()
        raise SystemExit(1) from None
    except Exception:
        if log:
            log.write(traceback.format_exc())
            log.close()
        raise
    for line in lines:
        print(f"tidyreview [{rule}] {line}")
    if log:
        log.write("\n".join(lines) + "\n")
        log.close()


def run_stage(
    stage: str,
    source_path: str,
    outputs: dict[str, str],
    vocabularies: str = "raw/vocabularies",
    log: str | None = None,
) -> None:
    """Extract one document's tables for `stage` into interim Parquet files."""
    from .publish import empty_frame, write_parquet
    from .stages import STAGES

    with reported(stage, log) as lines:
        source = load_source(source_path)
        frames = STAGES[stage](source, Path(vocabularies))
        for table, path in outputs.items():
            df = frames.get(table)
            if df is None or df.empty:
                df = empty_frame(table) if df is None or not len(df.columns) else df
            write_parquet(df, table, path)
            lines.append(f"{source.doc_id}: {table} {len(df)} rows")


def load_sources(paths: list[str]) -> dict[str, Source]:
    sources = [load_source(p) for p in paths]
    return {s.doc_id: s for s in sources}


def run_validation(
    interim: dict[str, list[str]],
    source_paths: list[str],
    out_dir: str,
    report_dir: str,
    log: str | None = None,
) -> None:
    """Combine each table's per-document files, validate, write staging Parquet."""
    import pandas as pd

    from .metadata import table_meta
    from .publish import failure_report, list_key_failures, read_parquet, validate, write_parquet

    with reported("validated_tables", log) as lines:
        sources = load_sources(source_paths)
        validated, problems = {}, []
        for table, paths in interim.items():
            frames = [read_parquet(p) for p in paths]
            frames = [f for f in frames if len(f)] or frames[:1]
            df = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
            key = table_meta(table).primary_key
            if "doc_id" not in key and len(frames) > 1:
                # Keyed across documents (agents, trials): the first document's row stands.
                if "doc_id" in df.columns:
                    df = df.sort_values("doc_id", kind="stable")
                df = df.drop_duplicates(subset=key, keep="first").reset_index(drop=True)
            try:
                validated[table] = validate(
                    table, df, sources, Path(report_dir) / f"{table}.failures.csv"
                )
            except ValidationFailed as exc:
                problems.append(str(exc))
        for table, df in validated.items():  # keys into list columns, across tables
            failures = list_key_failures(table, df, validated, sources)
            if len(failures):
                report = failure_report(table, df, failures, sources)
                problems.append(
                    f"table {table}: {len(report)} list element(s) do not resolve: "
                    + "; ".join(
                        f"{r.column} {r.value} ({r.where})" for r in report.head(10).itertuples()
                    )
                )
        if problems:
            raise ValidationFailed("\n".join(problems))
        for table, df in validated.items():  # nothing is written unless every table passed
            write_parquet(df, table, Path(out_dir) / f"{table}.parquet")
            lines.append(f"{table}: {len(df)} rows valid")


def run_database(
    parquet_dir: str, db_path: str, views_sql_path: str | None = None, log: str | None = None
) -> None:
    from .database import build_database

    with reported("database", log) as lines:
        views = Path(views_sql_path).read_text(encoding="utf-8") if views_sql_path else None
        counts = build_database(parquet_dir, db_path, views)
        lines.append(f"{db_path}: {len(counts)} tables, {sum(counts.values())} rows")


def run_publish(pairs: list[tuple[str, str]], log: str | None = None) -> None:
    """Copy staged files to their published paths, each by an atomic rename."""
    with reported("published_dataset", log) as lines:
        for src, dst in pairs:
            copy_atomically(src, dst)
        lines.append(f"published {len(pairs)} files")


def run_datapackage(out_path: str, log: str | None = None) -> None:
    from .metadata import datapackage_json

    with reported("datapackage", log) as lines:
        write_text_atomically(out_path, datapackage_json())
        lines.append(f"{out_path} written")


def run_report(
    parquet_dir: str, views_sql_path: str, out_path: str, log: str | None = None
) -> None:
    from .report import build_report

    with reported("report", log) as lines:
        build_report(parquet_dir, Path(views_sql_path).read_text(encoding="utf-8"), out_path)
        lines.append(f"{out_path} written")
