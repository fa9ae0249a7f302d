"""Validation reports, cross-table list keys and deterministic Parquet on small frames."""

from __future__ import annotations

import pandas as pd
import pytest

from conftest import records
from tidyreview import structure
from tidyreview.errors import ValidationFailed
from tidyreview.files import copy_atomically
from tidyreview.publish import list_key_failures, read_parquet, validate, write_parquet


@pytest.fixture(scope="module")
def sections(source):
    return structure.extract(source)["sections"]


def test_valid_table_passes(source, sections):
    out = validate("sections", sections, {source.doc_id: source})
    assert len(out) == len(sections)


def test_failure_names_table_column_value_and_source_line(source, sections, tmp_path):
    bad = sections.copy()
    bad.loc[bad.section_id == "2.1.3", "section_id"] = "2.1.3!"
    report = tmp_path / "sections.failures.csv"
    with pytest.raises(ValidationFailed) as err:
        validate("sections", bad, {source.doc_id: source}, report)
    message = str(err.value)
    assert "table sections failed its schema" in message
    assert "column section_id" in message and "'2.1.3!'" in message
    assert f"{source.path} line 116" in message
    assert "2.1.3!" in report.read_text(encoding="utf-8")


def test_offsets_outside_the_file_are_failures(source, sections):
    bad = sections.copy()
    bad.loc[0, "end"] = len(source.text) + 5
    with pytest.raises(ValidationFailed, match="file length"):
        validate("sections", bad, {source.doc_id: source})


def test_list_key_failures_find_unresolved_elements(source):
    refs = pd.DataFrame({"doc_id": ["d2000", "d2000"], "ref_id": [1, 2]})
    rows = pd.DataFrame({"doc_id": ["d2000", "d2000"], "ref_ids": [[1, 2], [2, 7]]})
    failures = list_key_failures("adc_trials", rows, {"references": refs}, {})
    assert failures[["column", "failure_case", "index"]].values.tolist() == [["ref_ids", 7, 1]]


def test_parquet_is_byte_identical_across_writes_and_reads_back(sections, tmp_path):
    a, b = tmp_path / "a.parquet", tmp_path / "b.parquet"
    write_parquet(sections, "sections", a)
    write_parquet(sections.sample(frac=1, random_state=1), "sections", b)  # row order differs
    assert a.read_bytes() == b.read_bytes()
    back = read_parquet(a)
    assert records(back, "sections") == sorted(
        records(sections, "sections"), key=lambda r: (r["doc_id"], r["section_id"])
    )


def test_copy_atomically_leaves_no_temporary_file(tmp_path):
    src, dst = tmp_path / "src.txt", tmp_path / "out" / "dst.txt"
    src.write_text("new", encoding="utf-8")
    copy_atomically(src, dst)
    assert dst.read_text(encoding="utf-8") == "new"
    assert [p.name for p in dst.parent.iterdir()] == ["dst.txt"]
