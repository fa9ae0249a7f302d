"""The README's promises: its commands exist and its SQL runs against the built database."""

from __future__ import annotations

import re

import duckdb
import pytest

from conftest import ROOT

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
