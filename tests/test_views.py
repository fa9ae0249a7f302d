"""The ready-made views (workflow/sql/views.sql): documented column by column, and
trial_overview states the phase and status the review gives, tables first, then prose."""

from __future__ import annotations

import duckdb
import pytest

from conftest import ROOT
from tidyreview.database import VIEW_ALIASES, inherit_column_comments
from tidyreview.metadata import ddl

slow = pytest.mark.slow

VIEWS_QUERY = "select view_name from duckdb_views() where not internal"


def test_views_sql_comments_every_column_of_every_view():
    """Fast: the views over empty tables made from the schemas' DDL."""
    con = duckdb.connect()
    con.execute(ddl())
    con.execute((ROOT / "workflow" / "sql" / "views.sql").read_text(encoding="utf-8"))
    inherit_column_comments(con, VIEW_ALIASES)
    missing = con.execute(
        f"select table_name, column_name from duckdb_columns() "
        f"where comment is null and table_name in ({VIEWS_QUERY})"
    ).fetchall()
    assert missing == []


@pytest.fixture(scope="module")
def con(built):
    con = duckdb.connect(str(built / "review.duckdb"), read_only=True)
    yield con
    con.close()


@slow
def test_every_view_and_view_column_has_a_comment(con):
    views = con.execute(
        "select view_name, comment from duckdb_views() where not internal"
    ).fetchall()
    assert len(views) == 5
    assert [v for v, comment in views if not comment] == []
    columns = con.execute(
        f"select table_name, column_name, comment from duckdb_columns() "
        f"where table_name in ({VIEWS_QUERY})"
    ).fetchall()
    assert len(columns) > 60
    assert [(v, c) for v, c, comment in columns if not comment] == []


@slow
def test_reference_list_columns_share_the_tables_comments(con):
    rows = con.execute(
        """select v.column_name, v.comment, t.comment from duckdb_columns() v
           join duckdb_columns() t on t.table_name = 'references' and t.column_name = v.column_name
           where v.table_name = 'reference_list'"""
    ).fetchall()
    assert rows and all(view == table for _, view, table in rows)


@slow
def test_trial_overview_takes_phase_and_status_from_tables_then_prose(con):
    # One review names each trial in this build: its statement gives the phase and status.
    assert con.execute("select max(n_reviews) from trials").fetchone()[0] == 1
    rows = con.execute(
        """select o.phase, o.phase_source, t.phase, t.text_phase,
                  o.status, o.status_source, t.status, t.text_status
           from trial_overview o join trial_statements t using (trial_id)"""
    ).fetchall()
    for phase, source, table, text, status, s_source, s_table, s_text in rows:
        assert phase == (table if table is not None else text)
        assert source == ("table" if table else "text" if text else None)
        assert status == (s_table if s_table is not None else s_text)
        assert s_source == ("table" if s_table else "text" if s_text else None)
    from_text = [r for r in rows if r[1] == "text"]
    assert from_text, "some phases are stated only in the prose"
    assert any(r[5] == "text" for r in rows), "some statuses are stated only in the prose"
