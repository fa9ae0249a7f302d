"""Entry points the Snakemake scripts call: one function per rule, paths in, files out.

Each function reports one line with the row counts it wrote; a TidyReviewError becomes a
one-paragraph message on stderr (and in the rule's log) and exit status 1. Heavy libraries
are imported inside the functions that need them, so light rules start fast.
"""

from __future__ import annotations

import contextlib
import errno
import sys
import time
import traceback
from collections.abc import Iterator
from pathlib import Path

from .errors import TidyReviewError, ValidationFailed
from .files import write_text_atomically
from .source import Source, load_source


def describe_system_error(exc: BaseException) -> str | None:
    """Return one line for an expected system failure, else None: a full disk or a
    permission refused, as an OSError or as pyarrow's and DuckDB's I/O errors word it."""
    code, text = getattr(exc, "errno", None), str(exc)
    filename = getattr(exc, "filename", None)
    where = f" ({filename})" if filename else ""
    if code in (errno.ENOSPC, errno.EDQUOT) or any(
        s in text for s in ("No space left on device", "Disk quota exceeded")
    ):
        return (
            f"disk full{where}: nothing was published, the previous release is kept; "
            "free space and rerun"
        )
    if code in (errno.EACCES, errno.EPERM, errno.EROFS) or (
        not isinstance(exc, OSError) and "Permission denied" in text
    ):
        reason = getattr(exc, "strerror", None) or "Permission denied"
        return f"no access{where}: {reason}; nothing was published, the previous release is kept"
    return None


def _fail(rule: str, text: str, log) -> None:
    message = f"tidyreview [{rule}] ERROR: {text}"
    print(message, file=sys.stderr)
    if log:
        log.write(message + "\n")
        log.close()
    raise SystemExit(1) from None


@contextlib.contextmanager
def reported(rule: str, log_path: str | None) -> Iterator[list[str]]:
    """Run a rule's body: collect its summary lines, log them, turn errors into messages
    (domain errors and expected system failures: one line, exit status 1)."""
    lines: list[str] = []
    started = time.perf_counter()
    log = open(log_path, "w", encoding="utf-8") if log_path else None  # noqa: SIM115
    try:
        yield lines
    except TidyReviewError as exc:
        _fail(rule, str(exc), log)
    except Exception as exc:
        text = describe_system_error(exc)
        if text is not None:
            _fail(rule, text, log)
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
    vocabularies: str | None = None,
    log: str | None = None,
    vocabulary_files: list[str] | None = None,
    inputs: dict[str, str] | None = None,
    options: dict | None = None,
) -> None:
    """Extract one document's tables for `stage` into interim Parquet files, after checking
    the vocabulary files it reads (`vocabulary_files`) are present and not empty, reading
    the interim files of earlier stages it needs from `inputs` ({table: path}; other named
    inputs of the rule are ignored); `options` are the workflow config settings the stage
    takes (see `stages.Stage.options`, e.g. curated_lexicon)."""
    from .inputs import check_vocabularies
    from .interim import read_interim, write_interim
    from .stages import STAGES, stage_options, stage_reads

    with reported(stage, log) as lines:
        check_vocabularies(vocabulary_files or [])
        source = load_source(source_path)
        paths = inputs or {}
        missing = sorted(set(stage_reads(stage)) - set(paths))
        if missing:
            raise TidyReviewError(f"stage {stage} was given no interim file for {missing}")
        frames = STAGES[stage](
            source,
            Path(vocabularies) if vocabularies else None,
            {table: read_interim(paths[table]) for table in stage_reads(stage)},
            **stage_options(stage, options or {}),
        )
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
    layouts_path: str | None = None,
) -> None:
    """Combine each table's per-document files, validate, write staging Parquet, the data
    package describing them and the database DDL. With `layouts_path`, a table layout
    that matches no table of any review is an error."""
    import pandas as pd

    from .agent_vocabulary import merge_agents
    from .corpus import corpus_tables
    from .metadata import datapackage_json, ddl, table_meta
    from .publish import (
        empty_frame,
        failure_report,
        list_key_failures,
        read_parquet,
        validate,
        write_parquet,
    )
    from .schemas import TABLES, table_stages
    from .stages import CORPUS_STAGE

    with reported("validated_tables", log) as lines:
        sources = load_sources(source_paths)
        expected = [t for t in TABLES if table_stages(t) != [CORPUS_STAGE]]
        if list(interim) != expected:
            raise ValidationFailed(
                "workflow/tables.json does not list the tables the schemas define "
                f"(got {sorted(interim)}, schemas {sorted(expected)}): run `tidyreview dictionary`"
            )
        combined = {}
        for table, paths in interim.items():
            read = [(p, f) for p, f in ((p, read_parquet(p)) for p in paths) if len(f)]
            frames = [f for _, f in read]
            if table == "agents" and len(frames) > 1:
                # one row per agent whatever the reviews naming it (see merge_agents)
                df, conflicts = merge_agents([(_doc_of(p), f) for p, f in read])
                extra_flags = modality_conflict_flags(conflicts)
                if len(extra_flags):
                    combined["__flags__"] = extra_flags
            elif not frames:
                df = empty_frame(table)
            elif len(frames) == 1:
                df = frames[0]
            else:
                df = pd.concat(frames, ignore_index=True)
            key = table_meta(table).primary_key
            if "doc_id" not in key and len(frames) > 1 and table != "agents":
                # Keyed across documents: the first document's row stands.
                if "doc_id" in df.columns:
                    df = df.sort_values("doc_id", kind="stable")
                df = df.drop_duplicates(subset=key, keep="first").reset_index(drop=True)
            combined[table] = df
        if "__flags__" in combined:
            flags = combined.pop("__flags__")
            combined["quality_flags"] = pd.concat(
                [combined["quality_flags"], flags], ignore_index=True
            )
        combined.update(corpus_tables(combined, sources))
        validated, problems = {}, []
        for table in TABLES:
            df = combined[table]
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
        if layouts_path:
            _check_layouts_used(layouts_path, validated, len(sources))
        if problems:
            raise ValidationFailed("\n".join(problems))
        for table, df in validated.items():  # nothing is written unless every table passed
            write_parquet(df, table, Path(out_dir) / f"{table}.parquet")
            lines.append(f"{table}: {len(df)} rows valid")
        if datapackage_path:
            write_text_atomically(datapackage_path, datapackage_json(validated["documents"]))
        if schema_sql_path:
            write_text_atomically(schema_sql_path, ddl())


def _doc_of(interim_path: str) -> str:
    """The doc_id of an interim file (outputs/interim/<doc_id>/<stage>/<table>.parquet)."""
    return Path(interim_path).parts[-3]


def modality_conflict_flags(conflicts: list[dict]):
    """Quality flags (stage validated_tables) of agents whose modality two reviews infer
    differently (see agent_vocabulary.merge_agents)."""
    import pandas as pd

    rows = [
        {
            "doc_id": c["doc_id"],
            "flag_id": f"validated_tables-{i:04d}",
            "stage": "validated_tables",
            "check": "agent_modality_conflict",
            "severity": "warning",
            "subject": c["agent_id"],
            "detail": f"this review's evidence makes {c['agent_id']} {c['dropped']}, another "
            f"review's {c['kept']}; the agents table keeps {c['kept']}",
            "table_name": "agents",
            "start": None,
            "end": None,
            "line": None,
        }
        for i, c in enumerate(conflicts, start=1)
    ]
    return pd.DataFrame(rows)


def _check_layouts_used(layouts_path: str, tables: dict, n_reviews: int) -> None:
    """Each layout of table_layouts.yaml must give rows for some review: one that matches
    no table (a header renamed on one side) would publish its table empty."""
    from .errors import InputError
    from .review_tables import load_table_layouts

    for header, spec in load_table_layouts(Path(layouts_path).parent).items():
        table = tables.get(spec.table)
        if table is not None and len(table) == 0:
            raise InputError(
                f"{layouts_path} [{spec.table}]: the layout matches no table of the "
                f"{n_reviews} review(s) (no table has the header {list(header)})"
            )


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


def run_publish(
    out_dir: str,
    staged: dict[str, str],
    stamp: str,
    allow_shrink: bool = False,
    max_loss: float = 0.5,
    log: str | None = None,
) -> None:
    """Publish the staged files as a new release of `out_dir` (see tidyreview.release),
    then write `stamp` (the rule's only declared output)."""
    from .release import publish

    with reported("published_dataset", log) as lines:
        release_id, rows = publish(out_dir, staged, allow_shrink=allow_shrink, max_loss=max_loss)
        write_text_atomically(stamp, release_id + "\n")
        lines.append(
            f"published release {release_id} ({len(staged)} files, {sum(rows.values())} rows) "
            f"as {out_dir}/current"
        )


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
