"""The stages' wiring: what each reads from earlier stages exists there, interim-only
tables are not published, and a stage job does not import what it does not run."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tidyreview.schemas import TABLES, stage_tables
from tidyreview.stages import STAGE_SPECS, interim_only_tables, stage_reads


def written(stage: str) -> set[str]:
    return set(stage_tables(stage)) | set(interim_only_tables(stage))


@pytest.mark.parametrize("stage", list(STAGE_SPECS))
def test_a_stage_reads_only_what_an_earlier_stage_writes(stage):
    order = list(STAGE_SPECS)
    for table, earlier in stage_reads(stage).items():
        assert order.index(earlier) < order.index(stage)
        assert table in written(earlier), f"{earlier} writes no {table}"


def test_interim_only_tables_are_not_published():
    for stage in STAGE_SPECS:
        assert not set(interim_only_tables(stage)) & set(TABLES)


def test_every_published_table_comes_from_a_stage():
    # trials is made from every review's trial_statements when they are validated.
    per_document = {t for s in STAGE_SPECS for t in stage_tables(s)}
    assert set(TABLES) == per_document | {"trials"}
    assert stage_tables("corpus") == ["trials", "quality_flags"]


def test_the_stage_list_imports_neither_pandas_nor_the_entities():
    code = (
        "import sys, tidyreview.stages; "
        "print(sorted(m for m in ('pandas', 'pandera', 'tidyreview.entities') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


@pytest.mark.parametrize(
    "module, not_loaded",
    [
        ("tidyreview.entities", "tidyreview.review_tables"),
        ("tidyreview.annotations", "tidyreview.entities"),
        ("tidyreview.annotations", "tidyreview.trial_agents"),
        ("tidyreview.annotations", "tidyreview.review_tables"),
    ],
)
def test_a_stage_reads_earlier_stages_and_does_not_rerun_them(module, not_loaded):
    code = f"import sys, {module}; print({not_loaded!r} in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
