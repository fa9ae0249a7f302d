"""Everything generated from the schemas: DDL, data package, data dictionary."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from conftest import ROOT
from tidyreview.metadata import all_tables, data_dictionary, datapackage, ddl, manifest
from tidyreview.schemas import TABLES


def test_every_column_has_a_description_and_every_table_a_key():
    for meta in all_tables():
        assert meta.description, meta.name
        assert meta.primary_key, f"{meta.name} has no key"
        for column in meta.columns:
            assert column.description.strip(), f"{meta.name}.{column.name}"


def test_foreign_keys_point_to_earlier_tables_and_existing_columns():
    seen: dict[str, set[str]] = {}
    for meta in all_tables():
        for fk in meta.foreign_keys:
            ref = fk["reference"]
            assert ref["resource"] in seen, (
                f"{meta.name} references {ref['resource']} before it exists"
            )
            assert set(ref["fields"]) <= seen[ref["resource"]]
            assert set(fk["fields"]) <= {c.name for c in meta.columns}
        seen[meta.name] = {c.name for c in meta.columns}


def test_generated_ddl_runs_in_duckdb_and_declares_keys():
    con = duckdb.connect()
    con.execute(ddl())
    tables = {r[0] for r in con.execute("select table_name from duckdb_tables()").fetchall()}
    assert tables == set(TABLES)
    pk = con.execute(
        "select constraint_column_names from duckdb_constraints() "
        "where table_name = 'sections' and constraint_type = 'PRIMARY KEY'"
    ).fetchone()[0]
    assert pk == ["doc_id", "section_id"]


def test_workflow_manifest_is_in_sync_with_the_schemas():
    committed = json.loads((ROOT / "workflow" / "tables.json").read_text(encoding="utf-8"))
    assert committed == manifest(), "run `tidyreview dictionary` and commit workflow/tables.json"
    assert list(committed["tables"]) == list(TABLES)
    assert committed["tables"]["quality_flags"] == [
        "structure",
        "review_tables",
        "references",
        "annotations",
        "entities",
        "corpus",
    ]


def test_data_dictionary_is_in_sync_with_the_schemas():
    committed = (ROOT / "docs" / "data-dictionary.md").read_text(encoding="utf-8")
    assert committed == data_dictionary(), (
        "run `tidyreview dictionary` and commit docs/data-dictionary.md"
    )
    for name in TABLES:
        assert f"## `{name}`" in committed


def test_datapackage_lists_every_table_with_its_keys():
    package = datapackage()
    names = [r["name"] for r in package["resources"]]
    assert names == list(TABLES)
    sections = next(r for r in package["resources"] if r["name"] == "sections")
    assert sections["schema"]["primaryKey"] == ["doc_id", "section_id"]


def test_datapackage_cites_every_review_under_its_citation_file_licence():
    import pandas as pd

    documents = pd.DataFrame(
        [
            {"doc_id": "mercogliano2023", "doi": "10.3390/cancers15071987",
             "cite_as": "Mercogliano, M.F.; ... *Cancers* 2023, 15, 1987.",
             "cite_as_license": "CC-BY-4.0",
             "cite_as_license_url": "https://creativecommons.org/licenses/by/4.0/"},
            {"doc_id": "lucas2021", "doi": "10.3390/antib10030030", "cite_as": None,
             "citation": "Antibodies 2021, 10, 30.", "cite_as_license": None,
             "license": "CC-BY-4.0", "license_url": "https://creativecommons.org/licenses/by/4.0/"},
        ]
    )  # fmt: skip
    package = datapackage(documents=documents)
    assert package["sources"] == [
        {"title": "Antibodies 2021, 10, 30.", "path": "https://doi.org/10.3390/antib10030030"},
        {
            "title": "Mercogliano, M.F.; ... *Cancers* 2023, 15, 1987.",
            "path": "https://doi.org/10.3390/cancers15071987",
        },
    ]
    assert package["licenses"] == [
        {
            "name": "CC-BY-4.0",
            "path": "https://creativecommons.org/licenses/by/4.0/",
            "title": "Creative Commons Attribution 4.0",
        }
    ]


@pytest.mark.slow
def test_published_datapackage_passes_the_frictionless_validator(built):
    path = Path(built) / "datapackage.json"
    frictionless = str(Path(sys.executable).with_name("frictionless"))
    result = subprocess.run(
        [frictionless, "validate", str(path)],
        capture_output=True,
        text=True,
        cwd=path.parent,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert "VALID" in result.stdout.upper()
