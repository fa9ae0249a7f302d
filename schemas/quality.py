"""Schema of the quality_flags table, which every stage may add rows to."""

from __future__ import annotations

import pandera.pandas as pa
from pandera.typing import Series

from .base import DOCUMENT_FK, SNAKE_CASE, Int32, Str, TidyModel, doc_id_field, line_field

SEVERITIES = ["info", "warning", "error"]


class QualityFlags(TidyModel):
    doc_id: Series[Str] = doc_id_field()
    flag_id: Series[Str] = pa.Field(
        str_matches=r"^[a-z_]+-\d{4,}$",
        description="Stable id: producing stage and a sequence number (tables-0001).",
    )
    stage: Series[Str] = pa.Field(
        description="Pipeline stage that raised the flag (structure, tables, references, ...)."
    )
    check: Series[Str] = pa.Field(
        str_matches=SNAKE_CASE,
        description="Name of the rule that found the issue (snake_case).",
    )
    severity: Series[Str] = pa.Field(
        isin=SEVERITIES,
        description="info: kept as written, worth knowing; warning: probably a source error; error: data could not be parsed as intended.",
    )
    subject: Series[Str] = pa.Field(
        description="What the flag is about (a value, an id, a name) as written in the source."
    )
    detail: Series[Str] = pa.Field(description="Human-readable explanation.")
    table_name: Series[Str] = pa.Field(
        nullable=True, description="Published table the flagged value belongs to, if any."
    )
    start: Series[Int32] = pa.Field(
        nullable=True,
        ge=0,
        description="Start offset of the flagged text in the raw source, when it has a place.",
    )
    end: Series[Int32] = pa.Field(
        nullable=True, ge=0, description="End offset (exclusive) of the flagged text."
    )
    line: Series[Int32] = line_field("of start", nullable=True)

    class Config:
        name = "quality_flags"
        description = "The source's own inconsistencies and anything the pipeline kept but doubts, with offsets."
        unique = ["doc_id", "flag_id"]
        metadata = {
            "stage": [],  # filled by the stages that produce flags (see __init__)
            "foreign_keys": [DOCUMENT_FK],
        }
