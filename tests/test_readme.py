"""The README's promises: its commands exist and its SQL runs against the built database."""

from __future__ import annotations

import re

import duckdb
import pytest

from conftest import ROOT
from tidyreview.schemas import TABLES

README = (ROOT / "README.md").read_text(encoding="utf-8")
SQL_BLOCKS = re.findall(r"```sql\n(.*?)```", README, flags=re.S)


def test_ci_runs_exactly_the_readme_test_command():
    quick_start = re.search(r"## Quick start.*?```sh\n(.*?)```", README, flags=re.S).group(1)
    commands = [line.split("#")[0].strip() for line in quick_start.splitlines() if line.strip()]
    assert commands == ["bin/pipeline", "bin/test"]
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "exec bin/test" in ci


def test_readme_has_sql_examples():
    assert len(SQL_BLOCKS) >= 2


@pytest.mark.slow
@pytest.mark.parametrize("sql", SQL_BLOCKS, ids=[f"sql{i}" for i in range(len(SQL_BLOCKS))])
def test_readme_sql_runs_and_returns_rows(built, sql):
    con = duckdb.connect(str(built / "review.duckdb"), read_only=True)
    rows = con.execute(sql).fetchall()
    assert rows, sql


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
