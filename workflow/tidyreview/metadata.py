"""Everything generated from the pandera schemas: Arrow schemas, DuckDB DDL with comments,
the Frictionless data package and the data dictionary.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import pandas as pd
import pyarrow as pa

from tidyreview.schemas import TABLES, table_stages


@dataclass(frozen=True)
class Column:
    name: str
    arrow_type: pa.DataType
    nullable: bool
    description: str
    unique: bool


@dataclass(frozen=True)
class TableMeta:
    name: str
    description: str
    columns: list[Column]
    primary_key: list[str]
    foreign_keys: list[dict]
    list_foreign_keys: list[dict]  # the last field is a list column; each element must resolve
    stages: list[str]


def table_meta(name: str) -> TableMeta:
    """Return the published description of table `name`, read from its pandera model."""
    model = TABLES[name]
    schema = model.to_schema()
    columns = []
    for col_name, col in schema.columns.items():
        dtype = col.dtype.type
        arrow_type = (
            dtype.pyarrow_dtype if isinstance(dtype, pd.ArrowDtype) else pa.from_numpy_dtype(dtype)
        )
        columns.append(
            Column(
                col_name, arrow_type, bool(col.nullable), col.description or "", bool(col.unique)
            )
        )
    meta = getattr(model.Config, "metadata", None) or {}
    return TableMeta(
        name=name,
        description=model.Config.description,
        columns=columns,
        primary_key=list(model.Config.unique or []),
        foreign_keys=list(meta.get("foreign_keys", [])),
        list_foreign_keys=list(meta.get("list_foreign_keys", [])),
        stages=table_stages(name),
    )


def all_tables() -> list[TableMeta]:
    """Return every published table's description, parents before children."""
    return [table_meta(name) for name in TABLES]


def arrow_schema(name: str) -> pa.Schema:
    meta = table_meta(name)
    return pa.schema([pa.field(c.name, c.arrow_type, nullable=c.nullable) for c in meta.columns])


# --- DuckDB ---------------------------------------------------------------------------

_DUCKDB_TYPES = {
    pa.string(): "VARCHAR",
    pa.large_string(): "VARCHAR",
    pa.int32(): "INTEGER",
    pa.int64(): "BIGINT",
    pa.float64(): "DOUBLE",
    pa.bool_(): "BOOLEAN",
    pa.date32(): "DATE",
}


def duckdb_type(arrow_type: pa.DataType) -> str:
    if pa.types.is_list(arrow_type):
        return duckdb_type(arrow_type.value_type) + "[]"
    return _DUCKDB_TYPES[arrow_type]


def _quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def create_table_sql(meta: TableMeta, declare_foreign_keys: bool = True) -> str:
    """Return CREATE TABLE with NOT NULL, PRIMARY KEY, UNIQUE and FOREIGN KEY clauses."""
    lines = []
    for c in meta.columns:
        not_null = "" if c.nullable else " NOT NULL"
        unique = " UNIQUE" if c.unique and [c.name] != meta.primary_key else ""
        lines.append(f"    {_quote(c.name)} {duckdb_type(c.arrow_type)}{not_null}{unique}")
    if meta.primary_key:
        lines.append(f"    PRIMARY KEY ({', '.join(_quote(k) for k in meta.primary_key)})")
    if declare_foreign_keys:
        for fk in meta.foreign_keys:
            ref = fk["reference"]
            lines.append(
                f"    FOREIGN KEY ({', '.join(_quote(f) for f in fk['fields'])}) "
                f"REFERENCES {_quote(ref['resource'])} ({', '.join(_quote(f) for f in ref['fields'])})"
            )
    return f"CREATE TABLE {_quote(meta.name)} (\n" + ",\n".join(lines) + "\n);"


def comment_sql(meta: TableMeta) -> list[str]:
    stmts = [f"COMMENT ON TABLE {_quote(meta.name)} IS {_literal(meta.description)};"]
    for c in meta.columns:
        stmts.append(
            f"COMMENT ON COLUMN {_quote(meta.name)}.{_quote(c.name)} IS {_literal(c.description)};"
        )
    return stmts


def ddl() -> str:
    """Return the whole database's DDL (tables, keys, comments), parents first."""
    parts = []
    for meta in all_tables():
        parts.append(create_table_sql(meta))
        parts.extend(comment_sql(meta))
    return "\n".join(parts) + "\n"


# --- Frictionless data package ------------------------------------------------------


def frictionless_type(arrow_type: pa.DataType) -> str:
    if pa.types.is_list(arrow_type):
        # The reference validator reads Parquet lists through pandas as arrays it cannot
        # check against "array"; "any" is the type it accepts for them.
        return "any"
    if pa.types.is_integer(arrow_type):
        return "integer"
    if pa.types.is_floating(arrow_type):
        return "number"
    if pa.types.is_boolean(arrow_type):
        return "boolean"
    if pa.types.is_date(arrow_type):
        return "date"
    return "string"


def datapackage(
    parquet_dir_relative: str = "parquet", documents: pd.DataFrame | None = None
) -> dict:
    """Return the Frictionless Data Package descriptor for the published Parquet files,
    citing each review in `documents` as a source, under the licences their CITATION.md
    files state."""
    resources = []
    for meta in all_tables():
        fields = []
        for c in meta.columns:
            field = {
                "name": c.name,
                "type": frictionless_type(c.arrow_type),
                "description": c.description,
            }
            if pa.types.is_list(c.arrow_type):
                field["description"] += f" (Arrow list of {c.arrow_type.value_type})"
            if not c.nullable:
                field["constraints"] = {"required": True}
            fields.append(field)
        # Parquet has real NULLs, which the validator reads through pandas (a missing
        # number arrives as "nan"); "" is a value (table_cells keeps empty cells as written).
        schema = {"fields": fields, "missingValues": ["nan"]}
        if meta.primary_key:
            schema["primaryKey"] = meta.primary_key
        # Frictionless treats a composite key with a NULL part as a violation (SQL skips
        # it), so a key over nullable columns is described in words, not declared.
        nullable = {c.name for c in meta.columns if c.nullable}
        declared = [fk for fk in meta.foreign_keys if not set(fk["fields"]) & nullable]
        described = [fk for fk in meta.foreign_keys if set(fk["fields"]) & nullable]
        if declared:
            schema["foreignKeys"] = [
                {
                    "fields": fk["fields"],
                    "reference": {
                        "resource": fk["reference"]["resource"],
                        "fields": fk["reference"]["fields"],
                    },
                }
                for fk in declared
            ]
        description = meta.description
        for fk in described + meta.list_foreign_keys:
            description += (
                f" ({', '.join(fk['fields'])}) references {fk['reference']['resource']}"
                f" ({', '.join(fk['reference']['fields'])}) where not NULL."
            )
        resources.append(
            {
                "name": meta.name,
                "path": f"{parquet_dir_relative}/{meta.name}.parquet",
                "format": "parquet",
                "mediatype": "application/vnd.apache.parquet",
                "description": description,
                "schema": schema,
            }
        )
    sources, licenses = package_sources(documents)
    return {
        "name": "tidyreview",
        "title": "tidyreview: biomedical reviews as linked, validated tables",
        "description": (
            "Tables extracted from review articles: structure, tables, references, "
            "citations, entities and annotations, each row pointing back to character "
            "offsets in its source."
        ),
        "licenses": licenses,
        "sources": sources,
        "resources": resources,
    }


LICENCE_TITLES = {"CC-BY-4.0": "Creative Commons Attribution 4.0"}


def package_sources(documents: pd.DataFrame | None) -> tuple[list[dict], list[dict]]:
    """Return the data package's sources (one per review: its citation and DOI link) and
    licences (those the reviews' CITATION.md files state, the review's printed licence
    where there is none), in doc_id order."""
    sources: list[dict] = []
    licenses: dict[str, dict] = {}
    rows = [] if documents is None else documents.sort_values("doc_id").to_dict("records")
    for doc in rows:
        doc = {k: v for k, v in doc.items() if isinstance(v, str) and v}  # drop NULLs
        title = doc.get("cite_as") or doc.get("citation") or doc.get("title")
        source = {"title": title}
        if doc.get("doi"):
            source["path"] = f"https://doi.org/{doc['doi']}"
        sources.append(source)
        name = doc.get("cite_as_license") or doc.get("license")
        url = doc.get("cite_as_license_url") or doc.get("license_url")
        if name and name not in licenses:
            licenses[name] = {"name": name, "path": url, "title": LICENCE_TITLES.get(name, name)}
    return sources, list(licenses.values())


def datapackage_json(documents: pd.DataFrame | None = None) -> str:
    return json.dumps(datapackage(documents=documents), indent=2, ensure_ascii=False) + "\n"


# --- Data dictionary ------------------------------------------------------------------


def data_dictionary() -> str:
    """Return the Markdown data dictionary: every table, column, type, key and meaning."""
    out = [
        "# Data dictionary",
        "",
        "Generated from the pandera schemas in `schemas/` by `tidyreview dictionary`; "
        "do not edit by hand (a test checks it is in sync).",
        "",
    ]
    for meta in all_tables():
        out += [f"## `{meta.name}`", "", meta.description, ""]
        if meta.primary_key:
            out.append(f"Primary key: ({', '.join(meta.primary_key)})")
            out.append("")
        for fk in meta.foreign_keys:
            ref = fk["reference"]
            out.append(
                f"Foreign key: ({', '.join(fk['fields'])}) → `{ref['resource']}` ({', '.join(ref['fields'])})"
            )
            out.append("")
        for fk in meta.list_foreign_keys:
            ref = fk["reference"]
            out.append(
                f"Each element of ({', '.join(fk['fields'])}) → `{ref['resource']}` "
                f"({', '.join(ref['fields'])}) (checked by the pipeline)"
            )
            out.append("")
        out += ["| column | type | null | description |", "| --- | --- | --- | --- |"]
        for c in meta.columns:
            key = " (key)" if c.name in meta.primary_key else ""
            null = "yes" if c.nullable else "no"
            desc = c.description.replace("|", "\\|")
            out.append(f"| `{c.name}`{key} | {duckdb_type(c.arrow_type)} | {null} | {desc} |")
        out.append("")
    return "\n".join(out)


# --- Workflow manifest ---------------------------------------------------------------


def manifest() -> dict:
    """Return the tables and the stages producing them, and the package files each rule
    runs (`code_graph.rule_code`), for the Snakefile.

    The Snakefile reads this generated file (workflow/tables.json) instead of importing
    the schemas, which would load pandas and pandera on every Snakemake start.
    """
    from tidyreview.code_graph import rule_code
    from tidyreview.stages import STAGE_MODULES

    return {
        "generated_by": "tidyreview dictionary (from the pandera schemas and the import "
        "graph; do not edit)",
        "tables": {meta.name: meta.stages for meta in all_tables()},
        "code": rule_code(STAGE_MODULES),
    }


def manifest_json() -> str:
    return json.dumps(manifest(), indent=2) + "\n"
