"""The README's promises: its commands exist and every example runs as written.

SQL against the built database (with the pinned DuckDB and with the oldest DuckDB the
README promises), the Python blocks in a folder laid out like the repository after
`bin/pipeline`, and the shell commands of the Quick start. The R examples are not run (no R
where the tests run); they are checked for syntax when `Rscript` is available.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from conftest import ROOT
from tidyreview.cli import main, package_version
from tidyreview.schemas import TABLES

README = (ROOT / "README.md").read_text(encoding="utf-8")
SQL_BLOCKS = re.findall(r"```sql\n(.*?)```", README, flags=re.S)
PYTHON_BLOCKS = re.findall(r"```python\n(.*?)```", README, flags=re.S)
R_BLOCKS = re.findall(r"```r\n(.*?)```", README, flags=re.S)
SH_BLOCKS = re.findall(r"```sh\n(.*?)```", README, flags=re.S)
# The oldest DuckDB the README promises opens the database and runs its SQL.
OLDEST_DUCKDB = "1.2.2"


def sh_commands() -> list[str]:
    """Every command of the README's shell blocks, comments stripped."""
    return [
        line.split("#")[0].strip()
        for block in SH_BLOCKS
        for line in block.splitlines()
        if line.split("#")[0].strip()
    ]


def test_ci_runs_exactly_the_readme_test_command():
    quick_start = re.search(r"## Quick start.*?```sh\n(.*?)```", README, flags=re.S).group(1)
    commands = [line.split("#")[0].strip() for line in quick_start.splitlines() if line.strip()]
    assert commands == ["bin/pipeline", "bin/test"]
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "exec bin/test" in ci


def test_quick_start_leaves_the_user_ready_to_type_commands():
    """After bin/pipeline the next block activates .venv before anything else runs."""
    quick_start = README[README.index("## Quick start") : README.index("## What you get")]
    second = re.findall(r"```sh\n(.*?)```", quick_start, flags=re.S)[1]
    commands = [line.split("#")[0].strip() for line in second.splitlines() if line.strip()]
    assert commands[0] == "source .venv/bin/activate"
    assert 'bin/test -m "not slow"' in commands
    env_script = (ROOT / "bin" / "_env.sh").read_text(encoding="utf-8")
    assert 'VENV="${TIDYREVIEW_VENV:-$ROOT/.venv}"' in env_script


# How each shell command of the README is exercised; a new command needs an entry here.
SH_COVERED = {
    "bin/pipeline": "the `built` fixture runs the same Snakemake workflow",
    "bin/test": "CI runs it (.ci/run)",
    "source .venv/bin/activate": "bin/_env.sh makes .venv; checked above",
    "tidyreview --version": "test_version_from_package_metadata",
    "snakemake --cores 2": "test_default_profile_keeps_the_console_quiet",
    'bin/test -m "not slow"': "pytest's marker option",
    "bin/test -m slow": "pytest's marker option",
    "frictionless validate outputs/datapackage.json": "test_frictionless_validate_as_written",
    "duckdb -readonly outputs/review.duckdb": "test_readme_sql_runs_in_the_duckdb_cli",
    "snakemake --profile profiles/slurm": "tests/test_cluster.py dry-runs it (no cluster here)",
    "bin/benchmark": "not in the suite: it installs the peer tools and takes minutes",
    "tidyreview benchmark": "not in the suite: see bin/benchmark",
}


def test_every_readme_shell_command_is_exercised():
    assert set(sh_commands()) <= set(SH_COVERED), set(sh_commands()) - set(SH_COVERED)
    for script in ("bin/pipeline", "bin/test", "bin/benchmark"):
        assert os.access(ROOT / script, os.X_OK), script


def test_version_from_package_metadata(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["--version"])
    assert exc.value.code == 0
    assert capsys.readouterr().out.strip() == f"tidyreview {package_version()}"
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert f'version = "{package_version()}"' in pyproject
    assert f"tidyreview --version              # tidyreview {package_version()}" in README


def test_readme_has_examples():
    assert len(SQL_BLOCKS) >= 2 and len(PYTHON_BLOCKS) >= 2 and R_BLOCKS


def test_readme_never_calls_fetchone_on_a_relation():
    """DuckDB 2.0 relations (con.sql(...)) have fetchall() but no fetchone()."""
    assert not re.search(r"\.sql\([^)]*\)\.fetchone\(", README)


def test_readme_pandas_examples_keep_arrow_types():
    for call in re.findall(r"pd\.read_parquet\([^)]*\)", README):
        assert 'dtype_backend="pyarrow"' in call, call


@pytest.mark.skipif(shutil.which("Rscript") is None, reason="R is not installed")
def test_readme_r_examples_parse():
    for block in R_BLOCKS:
        result = subprocess.run(
            ["Rscript", "-e", "invisible(parse(text = readLines(file('stdin'))))"],
            input=block,
            capture_output=True,
            text=True,
        )
        assert result.returncode == 0, result.stderr


@pytest.mark.slow
@pytest.mark.parametrize("sql", SQL_BLOCKS, ids=[f"sql{i}" for i in range(len(SQL_BLOCKS))])
def test_readme_sql_runs_and_returns_rows(built, sql):
    con = duckdb.connect(str(built / "review.duckdb"), read_only=True)
    rows = con.execute(sql).fetchall()
    assert rows, sql


@pytest.fixture(scope="session")
def oldest_duckdb(tmp_path_factory) -> Path:
    """A folder holding the oldest promised `duckdb` package (from the package index)."""
    target = tmp_path_factory.mktemp("duckdb-oldest")
    result = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target", str(target)]
        + ["--disable-pip-version-check", f"duckdb=={OLDEST_DUCKDB}"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    if result.returncode != 0:
        pytest.skip(f"cannot install duckdb=={OLDEST_DUCKDB}: {result.stderr.strip()[-300:]}")
    return target


OLDEST_SCRIPT = """
import json, sys
import duckdb
assert duckdb.__version__ == sys.argv[2], duckdb.__version__
con = duckdb.connect(sys.argv[1], read_only=True)
counts = []
for sql in json.load(sys.stdin):
    counts.append(len(con.execute(sql).fetchall()))
missing = con.execute(
    "select count(*) from duckdb_columns() where comment is null and table_name in "
    "(select view_name from duckdb_views() where not internal)"
).fetchall()[0][0]
print(json.dumps({"counts": counts, "uncommented_view_columns": missing}))
"""


@pytest.mark.slow
def test_readme_sql_runs_on_the_oldest_promised_duckdb(built, oldest_duckdb):
    import json

    promised = re.search(r"any `duckdb` ≥ ([\d.]+)\)", README).group(1)
    assert promised == OLDEST_DUCKDB
    env = {**os.environ, "PYTHONPATH": str(oldest_duckdb)}
    result = subprocess.run(
        [sys.executable, "-c", OLDEST_SCRIPT, str(built / "review.duckdb"), OLDEST_DUCKDB],
        input=json.dumps(SQL_BLOCKS),
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    out = json.loads(result.stdout)
    con = duckdb.connect(str(built / "review.duckdb"), read_only=True)
    assert out["counts"] == [len(con.execute(sql).fetchall()) for sql in SQL_BLOCKS]
    assert all(out["counts"])
    assert out["uncommented_view_columns"] == 0


# The DuckDB CLI of the README's `pip install duckdb-cli`, when none is on PATH.
DUCKDB_CLI = "duckdb-cli==1.5.6"


@pytest.fixture(scope="session")
def duckdb_cli(tmp_path_factory) -> tuple[list[str], dict[str, str]]:
    """The command and environment running a DuckDB CLI: on PATH, or installed for the test."""
    if shutil.which("duckdb"):
        return ["duckdb"], dict(os.environ)
    target = tmp_path_factory.mktemp("duckdb-cli")
    result = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target", str(target)]
        + ["--disable-pip-version-check", DUCKDB_CLI],
        capture_output=True,
        text=True,
        timeout=120,
    )
    if result.returncode != 0 or not (target / "bin" / "duckdb").exists():
        pytest.skip(f"cannot install {DUCKDB_CLI}: {result.stderr.strip()[-300:]}")
    return [sys.executable, str(target / "bin" / "duckdb")], {
        **os.environ,
        "PYTHONPATH": str(target),
    }


@pytest.mark.slow
def test_readme_sql_runs_in_the_duckdb_cli(built, duckdb_cli):
    command, env = duckdb_cli
    for sql in SQL_BLOCKS:
        result = subprocess.run(
            [*command, "-readonly", str(built / "review.duckdb"), "-csv", "-c", sql],
            capture_output=True,
            text=True,
            timeout=60,
            env=env,
        )
        assert result.returncode == 0 and result.stdout.count("\n") > 1, result.stderr


@pytest.fixture(scope="module")
def repo_like(built) -> Path:
    """The built workdir with `raw/` beside `outputs/`, as in a clone after bin/pipeline."""
    work = built.parent
    if not (work / "raw").exists():
        (work / "raw").symlink_to(ROOT / "raw", target_is_directory=True)
    return work


@pytest.mark.slow
@pytest.mark.parametrize(
    "code", PYTHON_BLOCKS, ids=[f"python{i}" for i in range(len(PYTHON_BLOCKS))]
)
def test_readme_python_runs_as_written(repo_like, code):
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=repo_like, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr[-3000:]


@pytest.mark.slow
def test_readme_dtype_claims_hold(built):
    """What the README says about pandas' types, with and without the pyarrow backend."""
    import pandas as pd

    path = built / "parquet" / "adc_trials.parquet"
    plain = pd.read_parquet(path)
    arrow = pd.read_parquet(path, dtype_backend="pyarrow")
    assert str(plain.dtypes["cells_from_row_index"]) == "float64"
    assert str(plain.dtypes["dar_approx"]) == "object"
    assert str(arrow.dtypes["cells_from_row_index"]) == "int32[pyarrow]"
    assert str(arrow.dtypes["dar_approx"]) == "bool[pyarrow]"
    assert str(arrow.dtypes["ref_ids"]) == "list<element: int32>[pyarrow]"


@pytest.mark.slow
def test_frictionless_validate_as_written(repo_like):
    frictionless = Path(sys.executable).with_name("frictionless")
    if not frictionless.exists():
        pytest.skip("frictionless is not installed next to this Python")
    result = subprocess.run(
        [str(frictionless), "validate", "outputs/datapackage.json"],
        cwd=repo_like,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "COLUMNS": "200"},
    )
    out = result.stdout + result.stderr
    assert result.returncode == 0, out[-3000:]
    statuses = re.findall(r"│ (VALID|INVALID) +│", out)
    assert statuses.count("VALID") == len(TABLES) and "INVALID" not in statuses, out[-3000:]


@pytest.mark.slow
def test_readme_row_counts_match_the_database(built):
    counts = dict(re.findall(r"^\| `(\w+)` \| (\d+) \|", README, flags=re.M))
    assert set(counts) == set(TABLES), "README's table of row counts lists every table"
    con = duckdb.connect(str(built / "review.duckdb"), read_only=True)
    for table, n in counts.items():
        assert con.execute(f'select count(*) from "{table}"').fetchone()[0] == int(n), table


@pytest.mark.slow
def test_readme_lists_every_view(built):
    con = duckdb.connect(str(built / "review.duckdb"), read_only=True)
    views = {
        r[0]
        for r in con.execute("select view_name from duckdb_views() where not internal").fetchall()
    }
    documented = set(re.findall(r"^\| `(\w+)` \| (?:agent|trial|section|the)", README, flags=re.M))
    assert views == documented
