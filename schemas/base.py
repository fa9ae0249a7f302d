"""Column types and conventions shared by every schema.

Every column is an Arrow-backed pandas dtype, so one annotation fixes the Parquet type,
the DuckDB type and the Frictionless type (see `tidyreview.metadata`).
"""

from __future__ import annotations

from typing import Annotated

import pandas as pd
import pandera.pandas as pa
import pyarrow

from tidyreview.patterns import REGISTRY_ID

Str = Annotated[pd.ArrowDtype, pyarrow.string()]
Int32 = Annotated[pd.ArrowDtype, pyarrow.int32()]
Int64 = Annotated[pd.ArrowDtype, pyarrow.int64()]
Float64 = Annotated[pd.ArrowDtype, pyarrow.float64()]
Bool = Annotated[pd.ArrowDtype, pyarrow.bool_()]
Date = Annotated[pd.ArrowDtype, pyarrow.date32()]
StrList = Annotated[pd.ArrowDtype, pyarrow.list_(pyarrow.string())]
Int32List = Annotated[pd.ArrowDtype, pyarrow.list_(pyarrow.int32())]

DOC_ID_PATTERN = r"^[a-z]+\d{4}$"
# "2", "2.1.3", or an unnumbered subheading "2.1.2.a"
SECTION_ID_PATTERN = r"^\d+(\.\d+)*(\.[a-z]+)?$"
DOI_PATTERN = r"^10\.\d{4,9}/\S+$"
TRIAL_ID_PATTERN = rf"^({REGISTRY_ID})$"  # "NCT04538742" or "2013-003894-87"
PARAGRAPH_ID_PATTERN = r"^p\d{3,}$"
# T1..Tn for tables, F1..Fn for figures
CAPTION_ID_PATTERN = r"^[TF]\d+$"
TABLE_ID_PATTERN = r"^T\d+$"
AGENT_ID_PATTERN = r"^[a-z0-9][a-z0-9_]*$"
SNAKE_CASE = r"^[a-z][a-z0-9_]*$"

# ClinicalTrials.gov API v2 vocabularies (as AACT uses them), kept in a module without
# heavy imports so that extraction code can use them too.
from tidyreview.ctgov import PHASES, STATUSES  # noqa: E402,F401


def doc_id_field() -> pa.Field:
    return pa.Field(
        description="Source document id: first author's surname and year.",
        str_matches=DOC_ID_PATTERN,
    )


def start_field(what: str = "the span") -> pa.Field:
    return pa.Field(
        ge=0, description=f"0-based character offset where {what} starts in the raw source text."
    )


def end_field(what: str = "the span") -> pa.Field:
    return pa.Field(
        ge=0,
        description=f"0-based, exclusive character offset where {what} ends in the raw source text.",
    )


def line_field(where: str, nullable: bool = False) -> pa.Field:
    return pa.Field(nullable=nullable, ge=1, description=f"1-based source line {where}.")


# Columns naming a row of another table. The description says what the row is to this
# table ("Section holding the marker"); the id's format is the same everywhere.


def section_id_field(description: str, nullable: bool = False) -> pa.Field:
    return pa.Field(nullable=nullable, str_matches=SECTION_ID_PATTERN, description=description)


def paragraph_id_field(description: str, nullable: bool = False) -> pa.Field:
    return pa.Field(nullable=nullable, str_matches=PARAGRAPH_ID_PATTERN, description=description)


def caption_id_field(description: str, nullable: bool = False) -> pa.Field:
    return pa.Field(nullable=nullable, str_matches=CAPTION_ID_PATTERN, description=description)


def table_id_field(description: str, nullable: bool = False) -> pa.Field:
    return pa.Field(nullable=nullable, str_matches=TABLE_ID_PATTERN, description=description)


def agent_id_field(what: str = "The agent") -> pa.Field:
    return pa.Field(str_matches=AGENT_ID_PATTERN, description=f"{what} (agents.agent_id).")


def trial_id_field(
    what: str = "Registry identifier", nullable: bool = False, note: str = ""
) -> pa.Field:
    description = f"{what}: ClinicalTrials.gov (NCT + 8 digits) or EudraCT (2013-003894-87)."
    return pa.Field(
        nullable=nullable,
        str_matches=TRIAL_ID_PATTERN,
        description=f"{description} {note}" if note else description,
    )


def phase_field(description: str) -> pa.Field:
    return pa.Field(nullable=True, isin=PHASES, description=description)


def status_field(description: str) -> pa.Field:
    return pa.Field(nullable=True, isin=STATUSES, description=description)


# --- foreign keys (Config.metadata["foreign_keys"] / ["list_foreign_keys"]) -----------


def foreign_key(fields: list[str], resource: str, reference: list[str] | None = None) -> dict:
    """Return a foreign key: `fields` reference `reference` (default: the same names) of
    `resource`. In "list_foreign_keys" the last field is a list column whose every element
    must resolve."""
    return {
        "fields": list(fields),
        "reference": {"resource": resource, "fields": list(reference or fields)},
    }


DOCUMENT_FK = foreign_key(["doc_id"], "documents")
SECTION_FK = foreign_key(["doc_id", "section_id"], "sections")
PARAGRAPH_FK = foreign_key(["doc_id", "paragraph_id"], "paragraphs")
CAPTION_FK = foreign_key(["doc_id", "caption_id"], "captions")
# A table's caption: tables are identified by their caption (T1..Tn).
TABLE_CAPTION_FK = foreign_key(["doc_id", "table_id"], "captions", ["doc_id", "caption_id"])
CELL_FK = foreign_key(["doc_id", "table_id", "row_index", "column_index"], "table_cells")
AGENT_FK = foreign_key(["agent_id"], "agents")
# trials is keyed by trial_id alone (the data contract): a registry identifier names the
# same trial in every review.
TRIAL_FK = foreign_key(["trial_id"], "trials")
# List foreign keys: every element of agent_ids / trial_ids names an agent / a trial.
AGENT_IDS_FK = foreign_key(["agent_ids"], "agents", ["agent_id"])
TRIAL_IDS_FK = foreign_key(["trial_ids"], "trials", ["trial_id"])


class TidyModel(pa.DataFrameModel):
    """Base of every published table: strict columns, coerced Arrow types."""

    class Config:
        strict = True
        coerce = True
        ordered = True


def spans_ordered(cls, df: pd.DataFrame) -> pd.Series:
    """start <= end on every row that has both."""
    return (df["start"] <= df["end"]).fillna(True)
