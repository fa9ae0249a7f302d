"""Shared fixtures: the real review, its layout, and one real pipeline run per session."""

from __future__ import annotations

import csv
import datetime as dt
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tidyreview.cli import workflow_command
from tidyreview.layout import read_layout
from tidyreview.source import load_source

ROOT = Path(__file__).resolve().parents[1]
REVIEW = ROOT / "raw" / "reviews" / "mercogliano-2023-cancers-15-1987.txt"
VOCABULARIES = ROOT / "raw" / "vocabularies"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


def golden(name: str) -> list[tuple]:
    """Return the rows of tests/fixtures/<name>.csv as tuples, typed by the header.

    A column named "x:bool", "x:int", "x:float", "x:date", "x:list" or "x:ints" holds that type
    ("true"/"false"; an ISO date "2023-02-15"; a list of strings or of integers as "a|b", "[]"
    when empty); any other column a string. An empty cell is None. The "note" column (the source's words, for the reader) is left out;
    a data field named note is written "note:str".
    """
    with open(FIXTURES / f"{name}.csv", newline="", encoding="utf-8") as f:
        reader = csv.reader(f)
        header = next(reader)
        kinds = [(c.partition(":")[2] or "str") for c in header]
        keep = [i for i, c in enumerate(header) if c != "note"]
        return [tuple(_typed(row[i], kinds[i]) for i in keep) for row in reader]


def _typed(cell: str, kind: str):
    if cell == "":
        return None
    if kind == "bool":
        if cell not in ("true", "false"):
            raise ValueError(f"not a bool: {cell!r}")
        return cell == "true"
    if kind in ("list", "ints"):
        items = [] if cell == "[]" else cell.split("|")
        return [int(x) for x in items] if kind == "ints" else items
    if kind == "date":
        day = dt.date.fromisoformat(cell)
        if day.isoformat() != cell:  # only YYYY-MM-DD, not "20230215" or "2023-W07-3"
            raise ValueError(f"not a YYYY-MM-DD date: {cell!r}")
        return day
    return {"int": int, "float": float, "str": str}[kind](cell)


@pytest.fixture(scope="session")
def source():
    return load_source(REVIEW)


@pytest.fixture(scope="session")
def raw(source):
    return source.text


@pytest.fixture(scope="session")
def layout(source):
    return read_layout(source)


def run_workflow(
    workdir: Path, reviews_dir: Path, *extra: str, repo: Path = ROOT
) -> subprocess.CompletedProcess:
    """Run the real Snakemake workflow of `repo` with outputs under `workdir`/outputs."""
    cmd = workflow_command(workdir, reviews_dir, *extra, repo=repo)
    env = {k: v for k, v in os.environ.items() if not k.startswith("SNAKEMAKE")}
    return subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=600)


@pytest.fixture(scope="session")
def built(tmp_path_factory):
    """A finished pipeline run on the real review: returns the outputs folder."""
    workdir = tmp_path_factory.mktemp("pipeline")
    reviews = workdir / "reviews"
    reviews.mkdir()
    shutil.copy(REVIEW, reviews / REVIEW.name)
    result = run_workflow(workdir, reviews)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-6000:]
    return workdir / "outputs"


def records(df, table: str) -> list[dict]:
    """Return `df` as published (Arrow types, NULL as None) in its row order."""
    from tidyreview.publish import to_arrow

    return to_arrow(df, table).to_pylist()
