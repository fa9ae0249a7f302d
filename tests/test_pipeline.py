"""End to end: the real Snakemake workflow, the real DuckDB file, Parquet read back by
pyarrow, DuckDB and polars; reruns, determinism and failures that leave outputs intact."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import duckdb
import polars as pl
import pyarrow.parquet as pq
import pytest

from conftest import REVIEW, ROOT, run_workflow
from tidyreview.schemas import TABLES

pytestmark = pytest.mark.slow


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_every_table_is_published_as_parquet_and_in_duckdb(built):
    con = duckdb.connect(str(built / "review.duckdb"), read_only=True)
    in_db = {r[0] for r in con.execute("select table_name from duckdb_tables()").fetchall()}
    assert set(TABLES) <= in_db
    for table in TABLES:
        assert (built / "parquet" / f"{table}.parquet").is_file()


def test_sql_over_the_database(built):
    con = duckdb.connect(str(built / "review.duckdb"), read_only=True)
    n_numbered = con.execute(
        "select count(*) from sections where doc_id = 'mercogliano2023' and is_numbered"
    ).fetchone()[0]
    assert n_numbered == 18
    published = con.execute("select published from documents").fetchone()[0]
    assert str(published) == "2023-03-26"
    rows = con.execute(
        """select s.title, count(*) from paragraphs p join sections s using (doc_id, section_id)
           where s.section_id = '2.1.3' group by s.title"""
    ).fetchall()
    assert rows == [("Antibody-Drug Conjugates (ADCs)", 14)]
    corresponding = con.execute(
        "select list(name order by position) from authors where is_corresponding"
    ).fetchone()[0]
    assert corresponding == ["María Florencia Mercogliano", "Roxana Schillaci"]


def test_keys_and_comments_come_from_the_schemas(built):
    con = duckdb.connect(str(built / "review.duckdb"), read_only=True)
    constraints = con.execute(
        "select table_name, constraint_type, constraint_column_names from duckdb_constraints()"
    ).fetchall()
    pks = {(t, tuple(cols)) for t, kind, cols in constraints if kind == "PRIMARY KEY"}
    for name, model in TABLES.items():
        if model.Config.unique:
            assert (name, tuple(model.Config.unique)) in pks
    fks = {t for t, kind, _ in constraints if kind == "FOREIGN KEY"}
    assert {"paragraphs", "sections", "captions"} <= fks
    comments = dict(con.execute("select table_name, comment from duckdb_tables()").fetchall())
    for name, model in TABLES.items():
        assert comments[name] == model.Config.description
    missing = con.execute(
        "select table_name, column_name from duckdb_columns() where comment is null "
        "and table_name in (select table_name from duckdb_tables())"
    ).fetchall()
    assert missing == []


def test_parquet_reads_back_identically_with_pyarrow_duckdb_and_polars(built):
    con = duckdb.connect()
    for table in TABLES:
        path = built / "parquet" / f"{table}.parquet"
        by_pyarrow = pq.read_table(path)
        by_duckdb = con.sql(f"select * from read_parquet('{path}')").to_arrow_table()
        by_polars = pl.read_parquet(path).to_arrow()
        assert by_pyarrow.column_names == by_duckdb.column_names == by_polars.column_names
        expected = by_pyarrow.to_pylist()
        assert by_duckdb.to_pylist() == expected, table
        assert by_polars.to_pylist() == expected, table


def test_database_holds_the_same_rows_as_the_parquet_files(built):
    con = duckdb.connect(str(built / "review.duckdb"), read_only=True)
    for table in TABLES:
        path = built / "parquet" / f"{table}.parquet"
        diff = con.execute(
            f'select count(*) from ((select * from "{table}") except all '
            f"(select * from read_parquet('{path}')))"
        ).fetchone()[0]
        assert diff == 0, table
        n_db = con.execute(f'select count(*) from "{table}"').fetchone()[0]
        assert n_db == pq.read_metadata(path).num_rows


def test_rerun_with_nothing_changed_does_nothing(built):
    result = run_workflow(built.parent, built.parent / "reviews")
    assert result.returncode == 0
    assert "Nothing to be done" in result.stdout + result.stderr


@pytest.fixture(scope="module")
def second_build(tmp_path_factory):
    """A second, independent run from a copy of the workflow's files (code, schemas, vocabularies)."""
    base = tmp_path_factory.mktemp("second")
    repo = base / "repo"
    for part in ("Snakefile", "config", "workflow", "schemas", "raw"):
        src = ROOT / part
        if src.is_dir():
            shutil.copytree(src, repo / part, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            repo.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, repo / part)
    work = base / "work"
    work.mkdir()
    # the same review as `built` (raw/reviews also holds other reviews, e.g. PDFs)
    reviews = work / "reviews"
    reviews.mkdir()
    shutil.copy(repo / "raw" / "reviews" / REVIEW.name, reviews / REVIEW.name)
    result = run_workflow(work, reviews, repo=repo)
    assert result.returncode == 0, result.stderr[-3000:]
    return repo, work


def test_reruns_give_byte_identical_parquet(built, second_build):
    _, work = second_build
    for table in TABLES:
        name = f"{table}.parquet"
        assert digest(work / "outputs" / "parquet" / name) == digest(built / "parquet" / name), (
            table
        )
    for name in ("datapackage.json", "report.html"):
        assert (work / "outputs" / name).read_bytes() == (built / name).read_bytes(), name
    # The .duckdb file itself is not byte-stable; its contents are.
    ours = duckdb.connect(str(work / "outputs" / "review.duckdb"), read_only=True)
    ours.execute(f"ATTACH '{built / 'review.duckdb'}' AS other (READ_ONLY)")
    for table in TABLES:
        diff = ours.execute(
            f'select count(*) from ((select * from "{table}") except all '
            f'(select * from other."{table}"))'
        ).fetchone()[0]
        assert diff == 0, table


def test_a_code_change_reruns_only_what_depends_on_it(second_build):
    repo, work = second_build
    module = repo / "workflow" / "tidyreview" / "structure.py"
    module.write_text(module.read_text(encoding="utf-8") + "\n# changed\n", encoding="utf-8")
    result = run_workflow(work, work / "reviews", "--dry-run", repo=repo)
    out = result.stdout + result.stderr
    assert result.returncode == 0, out
    assert "rule structure:" in out and "rule validated_tables:" in out
    other_stages = [
        r for r in ("references", "review_tables", "entities", "annotations") if f"rule {r}:" in out
    ]
    assert other_stages == []


def _copy_of_built(built: Path, tmp_path: Path) -> Path:
    work = tmp_path / "work"
    shutil.copytree(built.parent, work, symlinks=True)
    return work


def _published_digests(out: Path) -> dict[str, str]:
    files = sorted((out / "parquet").glob("*.parquet")) + [out / "review.duckdb"]
    return {f.name: digest(f) for f in files}


def test_schema_failure_stops_with_a_report_and_keeps_previous_outputs(built, tmp_path):
    work = _copy_of_built(built, tmp_path)
    before = _published_digests(work / "outputs")
    review = work / "reviews" / REVIEW.name
    text = review.read_text(encoding="utf-8")
    review.write_text(
        text.replace("doi.org/10.3390/cancers15071987", "doi.org/10.33/cancers15071987", 1),
        encoding="utf-8",
    )
    result = run_workflow(work, work / "reviews")
    out = result.stdout + result.stderr
    assert result.returncode != 0
    assert "table documents failed its schema" in out
    assert "column doi" in out and "10.33/cancers15071987" in out
    assert f"{review} line 17" in out
    report = (work / "outputs" / "logs" / "validation" / "documents.failures.csv").read_text()
    assert "10.33/cancers15071987" in report
    assert _published_digests(work / "outputs") == before


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "source file is empty"),
        (b"1. Introduction\n\nBad \xff byte\n", "not valid UTF-8"),
        (b"Just a title\n\nNo headings here.\n", "no recognisable section headings"),
    ],
)
def test_bad_source_stops_with_a_clear_error_and_keeps_previous_outputs(
    built, tmp_path, content, message
):
    work = _copy_of_built(built, tmp_path)
    before = _published_digests(work / "outputs")
    (work / "reviews" / REVIEW.name).write_bytes(content)
    result = run_workflow(work, work / "reviews")
    out = result.stdout + result.stderr
    assert result.returncode != 0
    assert f"ERROR: {work / 'reviews' / REVIEW.name}" in out and message in out
    assert _published_digests(work / "outputs") == before


def test_missing_reviews_folder_is_a_clear_error(tmp_path):
    result = run_workflow(tmp_path, tmp_path / "no-such-folder")
    assert result.returncode != 0
    assert "reviews folder not found" in result.stdout + result.stderr


def test_database_is_readable_by_duckdb_1_2_and_small(built):
    """Storage version v1.2.0 (DuckDB >= 1.2, R's duckdb included) with 16 KiB blocks."""
    con = duckdb.connect(str(built / "review.duckdb"), read_only=True)
    name = (built / "review.duckdb").stem
    tags = con.execute(
        "select tags from duckdb_databases() where database_name = ?", [name]
    ).fetchone()[0]
    assert tags["storage_version"] == "v1.2.0+"
    block_size = con.execute("select block_size from pragma_database_size()").fetchone()[0]
    assert block_size == 16384
    assert (built / "review.duckdb").stat().st_size < 8 * 1024 * 1024


def test_bad_pdf_review_stops_with_a_clear_error_and_keeps_previous_outputs(built, tmp_path):
    work = _copy_of_built(built, tmp_path)
    before = _published_digests(work / "outputs")
    broken = work / "reviews" / "broken-2020-journal.pdf"
    broken.write_bytes(b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog")  # cut short
    result = run_workflow(work, work / "reviews")
    out = result.stdout + result.stderr
    assert result.returncode != 0
    assert f"ERROR: {broken}: the PDF is damaged or truncated" in out
    assert _published_digests(work / "outputs") == before
