"""Column types and conventions shared by every schema.

Every column is an Arrow-backed pandas dtype, so one annotation fixes the Parquet type,
the DuckDB type and the Frictionless type (see `tidyreview.metadata`).
"""

from __future__ import annotations

from typing import Annotated

import pandas as pd
import pandera.pandas as pa
import pyarrow

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
NCT_PATTERN = r"^NCT\d{8}$"
EUDRACT_PATTERN = r"^\d{4}-\d{6}-\d{2}$"
TRIAL_ID_PATTERN = r"^(NCT\d{8}|\d{4}-\d{6}-\d{2})$"


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


class TidyModel(pa.DataFrameModel):
    """Base of every published table: strict columns, coerced Arrow types."""

    class Config:
        strict = True
        coerce = True
        ordered = True


def spans_ordered(cls, df: pd.DataFrame) -> pd.Series:
    """start <= end on every row that has both."""
    return (df["start"] <= df["end"]).fillna(True)
