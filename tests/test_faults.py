"""Fault injection: a release is all-or-nothing, and damaged input never publishes.

Publishing is interrupted by SIGINT, SIGTERM and SIGKILL at several points and by a full
disk; a reader must then see a complete release (old or new). Damaged inputs must stop
the run with one line naming the file, line and value. Tests marked slow run the whole
workflow (on a copy of the session's built outputs, or a repository copy for bin/pipeline).
"""

from __future__ import annotations

import errno
import fcntl
import os
import re
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import duckdb
import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from conftest import REVIEW, ROOT, VOCABULARIES, run_workflow
from tidyreview import references, release
from tidyreview.errors import InputError, ReleaseRefused, SourceFormatError
from tidyreview.inputs import check_vocabulary
from tidyreview.review_tables import TableLayoutError, load_table_layouts, read_tables
from tidyreview.runner import reported, run_publish
from tidyreview.source import discover_reviews, load_source, source_from_text

TABLES = ("alpha", "beta", "gamma")


# --- A small release to publish ----------------------------------------------------------


def stage(folder: Path, rows: int) -> dict[str, str]:
    """Write a staged release (Parquet files, a DuckDB file, JSON, HTML) of `rows` rows per
    table; return {published name: staged path}."""
    folder.mkdir(parents=True, exist_ok=True)
    staged = {}
    for table in TABLES:
        path = folder / f"{table}.parquet"
        pq.write_table(
            pa.table({"id": list(range(rows)), "v": [f"{table}{i}" for i in range(rows)]}), path
        )
        staged[f"parquet/{table}.parquet"] = str(path)
    db = folder / "review.duckdb"
    db.unlink(missing_ok=True)
    con = duckdb.connect(str(db))
    for table in TABLES:
        con.execute(
            f"create table {table} as select * from read_parquet('{folder / table}.parquet')"
        )
    con.close()
    staged["review.duckdb"] = str(db)
    (folder / "datapackage.json").write_text(f'{{"rows": {rows}}}', encoding="utf-8")
    (folder / "report.html").write_text(f"<p>{rows}</p>", encoding="utf-8")
    staged["datapackage.json"] = str(folder / "datapackage.json")
    staged["report.html"] = str(folder / "report.html")
    return staged


def assert_complete(out: Path, rows: int) -> None:
    """A reader of the stable paths sees one whole release of `rows` rows per table."""
    for table in TABLES:
        path = out / "parquet" / f"{table}.parquet"
        assert pq.read_table(path).num_rows == rows
        assert pl.read_parquet(path).height == rows
    con = duckdb.connect(str(out / "review.duckdb"), read_only=True)
    for table in TABLES:
        assert con.execute(f"select count(*) from {table}").fetchone()[0] == rows
    con.close()
    assert (out / "datapackage.json").read_text(encoding="utf-8") == f'{{"rows": {rows}}}'
    assert (out / "report.html").read_text(encoding="utf-8") == f"<p>{rows}</p>"


def temporaries(out: Path) -> list[str]:
    return [str(p) for p in out.rglob("*") if ".tmp-" in p.name or p.name.endswith(".wal")]


@pytest.fixture
def published(tmp_path):
    """An outputs folder holding one release of 10 rows per table, and a staged one of 12."""
    out = tmp_path / "outputs"
    release.publish(out, stage(tmp_path / "staging1", 10))
    return out, stage(tmp_path / "staging2", 12)


def test_release_is_a_folder_behind_stable_symlinks(published, tmp_path):
    out, staged = published
    assert_complete(out, 10)
    release.publish(out, staged)
    assert_complete(out, 12)
    release.publish(out, stage(tmp_path / "staging3", 13))
    assert_complete(out, 13)
    # The current release and the previous one are kept; older ones pruned.
    assert release.release_ids(out / "releases") == ["r000002", "r000003"]
    assert os.readlink(out / "current") == "releases/r000003"
    assert os.readlink(out / "parquet") == "current/parquet"
    assert temporaries(out) == []


def test_an_older_layout_of_real_folders_is_replaced_by_the_links(tmp_path):
    out = tmp_path / "outputs"
    staged = stage(tmp_path / "staging", 7)
    for name, src in staged.items():  # as the pipeline used to publish: plain files
        (out / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(src, out / name)
    release.publish(out, stage(tmp_path / "staging2", 9))
    assert (out / "parquet").is_symlink()
    assert_complete(out, 9)
    assert sorted(p.name for p in out.iterdir() if p.name.startswith(".")) == []


def test_full_disk_while_copying_keeps_the_previous_release(published, monkeypatch, capsys):
    out, staged = published
    copied = []
    real_copy = shutil.copyfile

    def copy_until_full(src, dst, *args, **kwargs):
        if len(copied) == 3:
            Path(dst).write_bytes(Path(src).read_bytes()[:100])  # half a file, then no space
            raise OSError(errno.ENOSPC, "No space left on device", str(dst))
        copied.append(dst)
        return real_copy(src, dst, *args, **kwargs)

    monkeypatch.setattr(shutil, "copyfile", copy_until_full)
    with pytest.raises(SystemExit) as exit_:
        run_publish(str(out), staged, str(out / "releases" / "published.txt"))
    assert exit_.value.code == 1
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1
    assert "ERROR: disk full" in err and "previous release is kept" in err
    assert_complete(out, 10)
    assert temporaries(out) == []
    assert not (out / "releases" / "published.txt").exists()
    monkeypatch.setattr(shutil, "copyfile", real_copy)
    run_publish(str(out), staged, str(out / "releases" / "published.txt"))
    assert_complete(out, 12)


@pytest.mark.parametrize(
    ("exc", "expected"),
    [
        (OSError(errno.ENOSPC, "No space left on device", "/o/x"), "disk full (/o/x): nothing"),
        (duckdb.IOException('Could not write "/o/x.wal": No space left on device'), "disk full"),
        (OSError("IOError: No space left on device"), "disk full"),  # pyarrow's wording
        (
            PermissionError(errno.EACCES, "Permission denied", "/o"),
            "no access (/o): Permission denied; nothing",
        ),
    ],
    ids=["enospc", "duckdb", "pyarrow", "eacces"],
)
def test_expected_system_failures_are_one_line(capsys, exc, expected):
    with pytest.raises(SystemExit), reported("database", None):
        raise exc
    err = capsys.readouterr().err.strip()
    assert err.startswith(f"tidyreview [database] ERROR: {expected}")
    assert len(err.splitlines()) == 1


def test_an_unexpected_error_keeps_its_traceback(tmp_path):
    log = tmp_path / "rule.log"
    with pytest.raises(ZeroDivisionError), reported("database", str(log)):
        1 / 0  # noqa: B018
    assert "Traceback" in log.read_text(encoding="utf-8")


INTERRUPTED = textwrap.dedent(
    """
    import json, sys, time
    from pathlib import Path
    from tidyreview import release

    out, staged, point = sys.argv[1], json.loads(sys.argv[2]), sys.argv[3]
    n = 0

    def pause():
        print("PAUSED", flush=True)
        time.sleep(60)

    real_copy = release.copy_file
    def copy_file(src, dst):
        global n
        n += 1
        if point == f"copy{n}":  # half of the file written, then stopped
            dst.parent.mkdir(parents=True, exist_ok=True)
            dst.write_bytes(Path(src).read_bytes()[: Path(src).stat().st_size // 2])
            pause()
        real_copy(src, dst)
    release.copy_file = copy_file

    real_link = release._symlink_atomically
    def link(target, path):
        if point == "switch" and path.name == "current":
            pause()
        real_link(target, path)
        if point == "switched" and path.name == "current":
            pause()
    release._symlink_atomically = link
    release.publish(out, staged)
    """
)


@pytest.mark.parametrize("point", ["copy1", "copy4", "switch", "switched"])
@pytest.mark.parametrize(
    "sig", [signal.SIGINT, signal.SIGTERM, signal.SIGKILL], ids=lambda s: s.name
)
def test_publishing_interrupted_by_a_signal_leaves_a_complete_release(published, point, sig):
    import json

    out, staged = published
    proc = subprocess.Popen(
        [sys.executable, "-c", INTERRUPTED, str(out), json.dumps(staged), point],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout.readline().strip() == "PAUSED", proc.stderr.read()
    proc.send_signal(sig)
    proc.wait(timeout=30)
    assert_complete(out, 12 if point == "switched" else 10)
    if sig != signal.SIGKILL:  # cleaned up at once; after SIGKILL by the next run
        assert temporaries(out) == []
    # The next run cleans up what the interrupted one left and publishes in full.
    release.publish(out, staged)
    assert_complete(out, 12)
    assert temporaries(out) == []


def test_stale_temporaries_of_dead_processes_are_removed(tmp_path):
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True
    )
    pid = int(dead.stdout)
    (tmp_path / "parquet").mkdir()
    stale = [
        tmp_path / "parquet" / f".a.parquet.tmp-{pid}",
        tmp_path / f".review.duckdb.tmp-{pid}.wal",
    ]
    (tmp_path / f".r000002.tmp-{pid}").mkdir()
    live = tmp_path / f".b.parquet.tmp-{os.getpid()}"
    for path in [*stale, live]:
        path.write_text("x")
    removed = release.clean_stale_temporaries(tmp_path)
    assert sorted(map(str, removed)) == sorted(map(str, [*stale, tmp_path / f".r000002.tmp-{pid}"]))
    assert live.exists()


def test_a_stale_write_ahead_log_does_not_reach_the_new_database(published):
    out, staged = published
    editor = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import duckdb, sys, time\n"
            f"con = duckdb.connect({str(out / 'review.duckdb')!r})\n"
            "con.execute('update alpha set v = ?', ['edited'])\n"
            "print('EDITED', flush=True)\n"
            "time.sleep(60)\n",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert editor.stdout.readline().strip() == "EDITED"
    editor.kill()
    editor.wait()
    # DuckDB writes its log beside the file the link resolves to: in the old release.
    assert [p.name for p in out.rglob("*.wal")] == ["review.duckdb.wal"]
    release.publish(out, staged)
    assert not list((out / "current").glob("*.wal"))
    assert not Path(f"{out / 'review.duckdb'}.wal").exists()
    con = duckdb.connect(str(out / "review.duckdb"), read_only=True)
    assert con.execute("select count(*) from alpha where v = 'edited'").fetchone()[0] == 0
    assert_complete(out, 12)


def test_database_build_leaves_no_write_ahead_log(tmp_path):
    from tidyreview.database import build_database

    staged = stage(tmp_path / "staging", 3)
    db = tmp_path / "out" / "review.duckdb"
    Path(f"{db}.wal").parent.mkdir(parents=True)
    Path(f"{db}.wal").write_bytes(b"stale")
    ddl = "".join(f"create table {t} (id bigint, v varchar);" for t in TABLES)
    counts = build_database(Path(staged["parquet/alpha.parquet"]).parent, db, ddl, list(TABLES))
    assert counts == dict.fromkeys(TABLES, 3)
    assert sorted(p.name for p in db.parent.iterdir()) == ["review.duckdb"]


# --- Release guard -------------------------------------------------------------------------


def test_a_table_losing_rows_is_refused_unless_allowed(published, tmp_path):
    out, _ = published
    shrunk = stage(tmp_path / "small", 4)
    with pytest.raises(
        ReleaseRefused, match=r"alpha 10 -> 4, beta 10 -> 4, gamma 10 -> 4.*allow_shrink=true"
    ):
        release.publish(out, shrunk)
    assert_complete(out, 10)
    release.publish(out, stage(tmp_path / "six", 6))  # 40 % fewer: within the threshold
    release.publish(out, shrunk, allow_shrink=True)
    assert_complete(out, 4)


def test_an_unreadable_previous_release_does_not_stop_the_next(published, tmp_path):
    out, staged = published
    (out / "current" / "parquet" / "alpha.parquet").write_bytes(b"half a file")
    release.publish(out, staged)
    assert_complete(out, 12)


def test_a_table_emptied_is_refused():
    with pytest.raises(ReleaseRefused, match="adc_trials 32 -> 0"):
        release.check_shrink({"adc_trials": 32, "agents": 115}, {"adc_trials": 0, "agents": 115})
    release.check_shrink({"new_table": 0}, {"new_table": 0, "other": 3})


# --- Damaged input -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def review_text():
    return REVIEW.read_text(encoding="utf-8")


def write_review(tmp_path: Path, data: bytes) -> Path:
    path = tmp_path / REVIEW.name
    path.write_bytes(data)
    return path


@pytest.mark.parametrize(
    ("damage", "message", "line"),
    [
        (lambda b: b"\xef\xbb\xbf" + b, "byte-order mark", 1),
        (lambda b: b.replace(b"\n", b"\r\n"), "Windows (CRLF) line ending", 1),
        (lambda b: b.replace(b"\n", b"\r"), "old Mac (CR-only) line ending", 1),
        (lambda b: b.replace(b"Introduction\n", b"Introduction\r\n"), "CRLF", 33),
    ],
    ids=["bom", "crlf", "cr-only", "one-crlf"],
)
def test_byte_order_mark_and_line_endings_are_refused(tmp_path, damage, message, line):
    path = write_review(tmp_path, damage(REVIEW.read_bytes()))
    with pytest.raises(SourceFormatError, match=re.escape(message)) as err:
        load_source(path)
    assert err.value.line == line


def test_a_dangling_symlink_as_a_review_is_refused(tmp_path):
    shutil.copy(REVIEW, tmp_path / REVIEW.name)
    (tmp_path / "smith-2020-gone.txt").symlink_to(tmp_path / "nowhere.txt")
    with pytest.raises(SourceFormatError, match="smith-2020-gone.txt: review is not a readable"):
        discover_reviews(tmp_path)


def test_tables_without_tabs_are_refused(review_text):
    lines = review_text.split("\n")
    damaged = "\n".join(line.replace("\t", "  ") for line in lines)
    source = source_from_text(damaged, "mercogliano2023", "review.txt")
    with pytest.raises(SourceFormatError) as err:
        read_tables(source, load_table_layouts(VOCABULARIES))
    message = str(err.value)
    assert message.startswith("review.txt line 86: 'Table 1.")
    assert "is followed by no tab-separated line" in message
    assert "got 'Drug  Clinical Trial Identifier" in message
    assert len(message.splitlines()) == 1


def test_a_renamed_layout_header_is_refused(review_text, tmp_path):
    vocab = tmp_path / "vocabularies"
    shutil.copytree(VOCABULARIES, vocab)
    layouts = vocab / "table_layouts.yaml"
    layouts.write_text(
        layouts.read_text(encoding="utf-8").replace("    Payload:", "    Payloads:"),
        encoding="utf-8",
    )
    source = source_from_text(review_text, "mercogliano2023", "review.txt")
    with pytest.raises(TableLayoutError) as err:
        read_tables(source, load_table_layouts(vocab))
    message = str(err.value)
    assert "[adc_trials]" in message and "review.txt line 152" in message
    assert "'Payload' vs 'Payloads'" in message


def test_a_table_with_no_layout_at_all_is_only_flagged(review_text, tmp_path):
    """A table whose header resembles no layout is another review's business: a flag."""
    damaged = review_text.replace("Drug\tPayload\tDrug-to-Anti-body Ratio", "A\tB\tC", 1)
    source = source_from_text(damaged, "mercogliano2023", "review.txt")
    out = read_tables(source, load_table_layouts(VOCABULARIES), check_counts=False)
    assert "table_without_layout" in set(out["quality_flags"]["check"])


def test_a_layout_matching_no_table_of_any_review_is_refused(tmp_path):
    from tidyreview.runner import _check_layouts_used

    layouts = VOCABULARIES / "table_layouts.yaml"
    tables = {t: [1] for t in ("bispecific_antibody_trials", "adc_trials", "tki_trials")}
    tables["immunotherapy_trials"] = []
    with pytest.raises(
        InputError, match=r"\[immunotherapy_trials\]: the layout matches no table of the 2 review"
    ):
        _check_layouts_used(str(layouts), tables, 2)
    tables["immunotherapy_trials"] = [1]
    _check_layouts_used(str(layouts), tables, 2)


def _references_of(text: str):
    return references.extract(source_from_text(text, "mercogliano2023", "review.txt"))


def test_a_missing_reference_entry_is_named(review_text):
    lines = review_text.split("\n")
    damaged = "\n".join(line for line in lines if not line.startswith("230. "))
    with pytest.raises(
        SourceFormatError,
        match=r"line 651: reference list skips 230: entry 231 follows 229 \(reference 230 is missing\)",
    ):
        _references_of(damaged)


def test_a_review_cut_short_names_the_missing_references(review_text):
    damaged = review_text[: int(len(review_text) * 0.9)]
    with pytest.raises(
        SourceFormatError,
        match=r"but the reference list ends at \d+ \(line \d+\); missing: \d+–45\d",
    ):
        _references_of(damaged)


@pytest.mark.parametrize("where", ["prose", "table"])
def test_a_citation_of_a_reference_that_does_not_exist_is_refused(review_text, where):
    if where == "prose":
        damaged = review_text.replace("[198,234,235]", "[198,234,999]", 1)
        line = 299
    else:
        damaged = review_text.replace("\t[104]", "\t[999]", 1)
        line = 153
    with pytest.raises(
        SourceFormatError,
        match=rf"review.txt line {line}: citation \[.*999\] cites reference 999, but the reference list ends at 456",
    ):
        _references_of(damaged)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("", "vocabulary file is empty"),
        (
            "agent_id,name,aliases,modality,targets,her2_directed,notes\n",
            "has a header but no rows",
        ),
        (None, "vocabulary file not found"),
    ],
    ids=["empty", "header-only", "missing"],
)
def test_a_required_vocabulary_must_have_rows(tmp_path, content, message):
    path = tmp_path / "agents.csv"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError, match=message):
        check_vocabulary(path)


def test_an_optional_vocabulary_may_have_a_header_only(tmp_path):
    path = tmp_path / "named_studies.csv"
    path.write_text("name,trial_id,reason\n", encoding="utf-8")
    check_vocabulary(path)
    path.write_text("", encoding="utf-8")
    with pytest.raises(InputError, match="empty"):
        check_vocabulary(path)


def test_an_empty_vocabulary_stops_a_stage_with_one_line(tmp_path, capsys):
    from tidyreview.runner import run_stage

    vocab = tmp_path / "vocabularies"
    shutil.copytree(VOCABULARIES, vocab)
    (vocab / "agents.csv").write_text("", encoding="utf-8")
    with pytest.raises(SystemExit):
        run_stage(
            "entities", str(REVIEW), {}, str(vocab), vocabulary_files=[str(vocab / "agents.csv")]
        )
    err = capsys.readouterr().err.strip()
    assert (
        err
        == f"tidyreview [entities] ERROR: {vocab / 'agents.csv'}: vocabulary file is empty (expected a header and rows)"
    )


# --- The whole workflow (slow) -------------------------------------------------------------


def copy_of_built(built: Path, tmp_path: Path) -> Path:
    work = tmp_path / "work"
    shutil.copytree(built.parent, work, symlinks=True)
    return work


def published_rows(out: Path) -> dict[str, int]:
    return release.parquet_rows(out / "parquet")


@pytest.mark.slow
@pytest.mark.parametrize(
    "sig", [signal.SIGINT, signal.SIGTERM, signal.SIGKILL], ids=lambda s: s.name
)
def test_workflow_killed_while_publishing_keeps_a_complete_release(built, tmp_path, sig):
    work = copy_of_built(built, tmp_path)
    out = work / "outputs"
    before = published_rows(out)
    from tidyreview.cli import workflow_command

    cmd = workflow_command(work, work / "reviews", "--forcerun", "published_dataset")
    env = {k: v for k, v in os.environ.items() if not k.startswith("SNAKEMAKE")}
    proc = subprocess.Popen(
        cmd,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
        start_new_session=True,
    )
    for line in proc.stdout:
        if "rule published_dataset" in line:
            break
    os.killpg(proc.pid, sig)
    proc.wait(timeout=60)
    assert published_rows(out) == before
    con = duckdb.connect(str(out / "review.duckdb"), read_only=True)
    assert con.execute('select count(*) from "references"').fetchone()[0] == before["references"]
    con.close()
    # What bin/pipeline does next: unlock if needed, rerun what was left incomplete.
    shutil.rmtree(work / ".snakemake" / "locks", ignore_errors=True)
    result = run_workflow(work, work / "reviews", "--rerun-incomplete")
    assert result.returncode == 0, result.stderr[-3000:]
    assert published_rows(out) == before
    assert temporaries(out / "releases") == []


@pytest.mark.slow
@pytest.mark.parametrize(
    ("damage", "message"),
    [
        ("tabs", "'Table 1. Bispecific antibodies"),
        ("cut", "but the reference list ends at"),
        ("agents", "agents.csv line 1: vocabulary has a header but no rows"),
        ("vocabulary-missing", "measures.csv: vocabulary file not found"),
        ("dangling", "review is not a readable file"),
        ("layout", "[adc_trials]: its header does not match the header of T2"),
    ],
)
def test_damaged_input_stops_before_publishing(built, tmp_path, damage, message):
    work = copy_of_built(built, tmp_path)
    out = work / "outputs"
    before = published_rows(out)
    vocab = work / "vocabularies"
    shutil.copytree(VOCABULARIES, vocab)
    review = work / "reviews" / REVIEW.name
    text = review.read_text(encoding="utf-8")
    if damage == "tabs":
        review.write_text(text.replace("\t", "    "), encoding="utf-8")
    elif damage == "cut":
        review.write_text(text[: int(len(text) * 0.9)], encoding="utf-8")
    elif damage == "agents":
        header = (vocab / "agents.csv").read_text(encoding="utf-8").split("\n")[0]
        (vocab / "agents.csv").write_text(header + "\n", encoding="utf-8")
    elif damage == "vocabulary-missing":
        (vocab / "measures.csv").unlink()
    elif damage == "layout":
        layouts = vocab / "table_layouts.yaml"
        text = layouts.read_text(encoding="utf-8")
        layouts.write_text(text.replace("    Payload:", "    Payloads:"), encoding="utf-8")
    elif damage == "dangling":
        (work / "reviews" / "smith-2020-gone.txt").symlink_to(work / "nowhere.txt")
    result = run_workflow(work, work / "reviews", f"vocabularies_dir={vocab}")
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert message in output
    assert "Traceback" not in output
    assert published_rows(out) == before


@pytest.mark.slow
def test_release_guard_refuses_a_shrinking_table_unless_allowed(built, tmp_path):
    work = copy_of_built(built, tmp_path)
    out = work / "outputs"
    before = published_rows(out)
    # Pretend the current release had far more agents than this run gives.
    current = out / "current" / "parquet" / "agents.parquet"
    pq.write_table(pa.table({"agent_id": [f"a{i}" for i in range(1000)]}), current)
    result = run_workflow(work, work / "reviews", "--forcerun", "published_dataset")
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert "ERROR: release refused, tables would lose rows against the previous release" in output
    assert "agents 1000 -> 115" in output and "allow_shrink=true" in output
    assert published_rows(out)["agents"] == 1000
    result = run_workflow(work, work / "reviews", "allow_shrink=true")
    assert result.returncode == 0, result.stderr[-3000:]
    assert published_rows(out) == before


def repository_copy(tmp_path: Path) -> Path:
    repo = tmp_path / "repo"
    for part in ("Snakefile", "config", "workflow", "schemas", "raw", "bin", "pyproject.toml"):
        src = ROOT / part
        if src.is_dir():
            shutil.copytree(src, repo / part, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            repo.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, repo / part)
    return repo


def pipeline_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SNAKEMAKE")}
    env["TIDYREVIEW_VENV"] = str(Path(sys.executable).parent.parent)
    return env


def test_a_second_pipeline_run_refuses_in_one_line(tmp_path):
    repo = repository_copy(tmp_path)
    (repo / ".snakemake").mkdir()
    with open(repo / ".snakemake" / "pipeline.lock", "a") as held:
        fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)
        result = subprocess.run(
            [str(repo / "bin" / "pipeline")],
            capture_output=True,
            text=True,
            env=pipeline_env(),
            timeout=120,
        )
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        f"bin/pipeline: another run is active in {repo} (it holds .snakemake/pipeline.lock); wait for it to end"
    ]


def test_pipeline_waits_for_a_snakemake_process_still_running(tmp_path):
    """After a kill -9 of bin/pipeline, its Snakemake (or a job) may still be working: the
    lock it left is then not stale."""
    repo = repository_copy(tmp_path)
    orphan = subprocess.Popen(["bash", "-c", "exec -a /venv/bin/snakemake sleep 30"], cwd=repo)
    try:
        time.sleep(0.2)
        result = subprocess.run(
            [str(repo / "bin" / "pipeline")],
            capture_output=True,
            text=True,
            env=pipeline_env(),
            timeout=120,
        )
    finally:
        orphan.kill()
        orphan.wait()
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        f"bin/pipeline: a Snakemake process (pid {orphan.pid}) is still running in {repo}; "
        "wait for it to end"
    ]


@pytest.mark.slow
def test_pipeline_recovers_by_itself_after_kill_9(tmp_path):
    repo = repository_copy(tmp_path)
    proc = subprocess.Popen(
        [str(repo / "bin" / "pipeline")],
        cwd=repo,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=pipeline_env(),
        start_new_session=True,
    )
    for line in proc.stdout:
        if "rule validated_tables" in line or "rule database" in line:
            break
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(timeout=60)
    time.sleep(0.5)
    assert list((repo / ".snakemake" / "locks").iterdir())  # what Snakemake left behind
    result = subprocess.run(
        [str(repo / "bin" / "pipeline")],
        cwd=repo,
        capture_output=True,
        text=True,
        env=pipeline_env(),
        timeout=600,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert "removing the lock left by an interrupted run" in result.stderr
    # the vendored reviews: 456 references in Mercogliano 2023, 272 in Lucas 2021
    assert published_rows(repo / "outputs")["references"] == 456 + 272
