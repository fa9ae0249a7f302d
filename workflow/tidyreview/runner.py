"""Entry points the Snakemake scripts call: one function per rule, paths in, files out.

Each function reports one line with the row counts it wrote; a TidyReviewError becomes a
one-paragraph message on stderr (and in the rule's log) and exit status 1. Heavy libraries
are imported inside the functions that need them, so light rules start fast.
"""

from __future__ import annotations

import contextlib
import sys
import time
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
    started = time.perf_counter()
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
    lines.append(f"done in {time.perf_counter() - started:.2f} s")
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
    from .interim import write_interim
    from .stages import STAGES

    with reported(stage, log) as lines:
        source = load_source(source_path)
        frames = STAGES[stage](source, Path(vocabularies))
        for table, path in outputs.items():
            if table not in frames:
                raise TidyReviewError(f"stage {stage} produced no table {table} for {source.path}")
            write_interim(frames[table], path)
            lines.append(f"{source.doc_id}: {table} {len(frames[table])} rows")


def run_pdf_text(pdf_path: str, derived_path: str, log: str | None = None) -> None:
    """Read a review PDF once and write its derived text and span map for the stages."""
    from .source import save_derived

    with reported("pdf_text", log) as lines:
        source = load_source(pdf_path)
        save_derived(source, derived_path)
        lines.append(
            f"{source.doc_id}: {source.n_pages} pages, {len(source.text)} characters, "
            f"{len(source.spans or [])} spans"
        )


def load_sources(paths: list[str]) -> dict[str, Source]:
    sources = [load_source(p) for p in paths]
    return {s.doc_id: s for s in sources}


def run_validation(
    interim: dict[str, list[str]],
    source_paths: list[str],
    out_dir: str,
    report_dir: str,
    datapackage_path: str | None = None,
    schema_sql_path: str | None = None,
    log: str | None = None,
) -> None:
    """Combine each table's per-document files, validate, write staging Parquet, the data
    package describing them and the database DDL."""
    import pandas as pd

    from .metadata import datapackage_json, ddl, table_meta
    from .publish import (
        empty_frame,
        failure_report,
        list_key_failures,
        read_parquet,
        validate,
        write_parquet,
    )
    from .schemas import TABLES

    with reported("validated_tables", log) as lines:
        sources = load_sources(source_paths)
        if list(interim) != list(TABLES):
            raise ValidationFailed(
                "workflow/tables.json does not list the tables the schemas define "
                f"(got {sorted(interim)}, schemas {sorted(TABLES)}): run `tidyreview dictionary`"
            )
        validated, problems = {}, []
        for table, paths in interim.items():
            frames = [f for f in (read_parquet(p) for p in paths) if len(f)]
            if not frames:
                df = empty_frame(table)
            elif len(frames) == 1:
                df = frames[0]
            else:
                df = pd.concat(frames, ignore_index=True)
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
        if datapackage_path:
            write_text_atomically(datapackage_path, datapackage_json())
        if schema_sql_path:
            write_text_atomically(schema_sql_path, ddl())


def run_database(
    parquet_dir: str,
    db_path: str,
    schema_sql_path: str,
    datapackage_path: str,
    views_sql_path: str | None = None,
    log: str | None = None,
) -> None:
    from .database import build_database, table_names

    with reported("database", log) as lines:
        views = Path(views_sql_path).read_text(encoding="utf-8") if views_sql_path else None
        schema_sql = Path(schema_sql_path).read_text(encoding="utf-8")
        counts = build_database(
            parquet_dir, db_path, schema_sql, table_names(datapackage_path), views
        )
        lines.append(f"{db_path}: {len(counts)} tables, {sum(counts.values())} rows")


def run_publish(pairs: list[tuple[str, str]], log: str | None = None) -> None:
    """Copy staged files to their published paths, each by an atomic rename."""
    with reported("published_dataset", log) as lines:
        for src, dst in pairs:
            copy_atomically(src, dst)
        lines.append(f"published {len(pairs)} files")


def run_report(
    parquet_dir: str,
    datapackage_path: str,
    views_sql_path: str,
    out_path: str,
    log: str | None = None,
) -> None:
    from .report import build_report

    with reported("report", log) as lines:
        views = Path(views_sql_path).read_text(encoding="utf-8")
        build_report(parquet_dir, datapackage_path, views, out_path)
        lines.append(f"{out_path} written")
