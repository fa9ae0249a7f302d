"""Schemas of the review's tables: the lossless cell copy and the four tidy tables.

Keys. A tidy row is one source row x one registry identifier, so every tidy table's
primary key is (doc_id, table_id, row_index, trial_id). The natural key - what makes two
rows different trials-in-context - is checked too, with NULL equal to NULL: (drug,
trial_id, combination) in the drug tables (the same trial appears twice for one drug with
two combinations in Table 2) and (agent_group, trial_id) in Table 4 (one trial is listed
under two agents). It cannot be the declared PRIMARY KEY because `combination` may be
NULL, which DuckDB forbids in keys.
"""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from .base import (
    TABLE_CAPTION_FK,
    TRIAL_FK,
    Bool,
    Float64,
    Int32,
    Int32List,
    Str,
    TidyModel,
    doc_id_field,
    end_field,
    foreign_key,
    line_field,
    phase_field,
    spans_ordered,
    start_field,
    status_field,
    table_id_field,
    trial_id_field,
)

ROW_KINDS = ["header", "group", "data", "merged", "continuation", "empty", "row"]


def _table_id() -> pa.Field:
    return table_id_field("Source table: T1..T4 as in captions.caption_id.")


def _row_index() -> pa.Field:
    return pa.Field(
        ge=1,
        description="Position of the row's (first) line in its table, header = 0; joins "
        "table_cells (doc_id, table_id, row_index).",
    )


def _trial_id() -> pa.Field:
    return trial_id_field(note="A cell listing several gives one row each.")


def _text(what: str) -> pa.Field:
    return pa.Field(
        nullable=True,
        description=f"{what} as printed (whitespace runs collapsed); NULL where the cell is "
        "empty - empty cells are never filled down.",
    )


def _ref_ids() -> pa.Field:
    return pa.Field(
        nullable=True,
        description="Numbers of the references cited in the row ([49,50] -> [49, 50], "
        "[123–125] -> [123, 124, 125]), in source order; each is a ref_id of references. "
        "NULL when the row cites none.",
    )


def _cells_from() -> pa.Field:
    return pa.Field(
        nullable=True,
        ge=1,
        description="For a row printing only an identifier under a row of the same drug: "
        "the row_index whose merged cells (combination, population, references) it shares; "
        "NULL otherwise.",
    )


def _line() -> pa.Field:
    return line_field("of the row's first line")


def _row_start() -> pa.Field:
    return start_field("the row's first source line")


def _row_end() -> pa.Field:
    return end_field("the row's last source line (a continuation line after a page break included)")


def natural_key_unique(df: pd.DataFrame, columns: list[str]) -> pd.Series:
    """True for rows whose natural key (NULL equal to NULL) no other row has."""
    key = df[columns].astype(object).where(df[columns].notna(), "\x00NULL")
    return ~key.duplicated(keep=False)


def ref_ids_positive(cls, df: pd.DataFrame) -> pd.Series:
    """True where every cited reference number is >= 1 (NULL lists pass)."""
    return (
        df["ref_ids"]
        .map(lambda ids: ids is None or ids is pd.NA or all(int(i) >= 1 for i in ids))
        .astype(bool)
    )


def _drug_table_metadata() -> dict:
    return {
        "stage": "review_tables",
        "foreign_keys": [TABLE_CAPTION_FK, TRIAL_FK],
        # Each number in ref_ids must be a reference of the same document.
        "list_foreign_keys": [
            foreign_key(["doc_id", "ref_ids"], "references", ["doc_id", "ref_id"])
        ],
    }


class TableCells(TidyModel):
    doc_id: Series[Str] = doc_id_field()
    table_id: Series[Str] = _table_id()
    row_index: Series[Int32] = pa.Field(
        ge=0,
        description="Position of the line in its table: 0 is the header row, then every "
        "source line of the table in order (group headers, continuation lines included).",
    )
    column_index: Series[Int32] = pa.Field(
        ge=0, description="0-based position of the cell in its line (tab-separated)."
    )
    column_name: Series[Str] = pa.Field(
        description="The header row's text for this column (whitespace collapsed)."
    )
    value: Series[Str] = pa.Field(
        description="The cell exactly as in the source, spaces included; the empty string "
        "for an empty cell. This is the one column of the dataset where '' is allowed: "
        "joining a line's values with tabs rebuilds the source line byte for byte."
    )
    row_kind: Series[Str] = pa.Field(
        isin=ROW_KINDS,
        description="How the tidy tables read the line: header; group (only the first cell "
        "filled: names the group of the rows below); data; merged (only the identifier: "
        "shares the merged cells of the row above); continuation (after a page break, the "
        "tail of the previous row's last cell, joined back to it); empty; row (a table no "
        "layout describes).",
    )
    line: Series[Int32] = line_field("of the cell")
    start: Series[Int32] = start_field("the cell")
    end: Series[Int32] = end_field("the cell")

    _check_span = pa.dataframe_check(spans_ordered)

    @pa.dataframe_check(description="end - start == length of value")
    def value_fills_span(cls, df: pd.DataFrame) -> pd.Series:
        return (df["end"] - df["start"]) == df["value"].str.len()

    class Config:
        name = "table_cells"
        description = (
            "Every cell of every line of the review's tables, exactly as in the source with "
            "its offsets (empty cells included): the lossless copy the tidy tables are read from."
        )
        unique = ["doc_id", "table_id", "row_index", "column_index"]
        metadata = {"stage": "review_tables", "foreign_keys": [TABLE_CAPTION_FK]}


class _TidyTrialsModel(TidyModel):
    """Checks shared by the four tidy tables (each lists its own columns: their order is
    part of the table)."""

    _check_span = pa.dataframe_check(spans_ordered)
    _check_refs = pa.dataframe_check(ref_ids_positive)


class _DrugTrialsModel(_TidyTrialsModel):
    """Checks shared by the drug tables (Tables 1-3)."""

    @pa.dataframe_check(description="natural key (drug, trial_id, combination) unique")
    def natural_key(cls, df: pd.DataFrame) -> pd.Series:
        return natural_key_unique(df, ["doc_id", "drug", "trial_id", "combination"])


class BispecificAntibodyTrials(_DrugTrialsModel):
    doc_id: Series[Str] = doc_id_field()
    table_id: Series[Str] = _table_id()
    row_index: Series[Int32] = _row_index()
    target_group: Series[Str] = pa.Field(
        description="Targets of the group the drug is listed under, from the group-header "
        "row above it (Trastuzumab/pertuzumab, HER2/HER3).",
    )
    drug: Series[Str] = pa.Field(
        description="Bispecific antibody as printed (filled down from the drug's first row)."
    )
    trial_id: Series[Str] = _trial_id()
    combination: Series[Str] = _text("Drugs given in combination")
    population: Series[Str] = _text("Patient population")
    ref_ids: Series[Int32List] = _ref_ids()
    cells_from_row_index: Series[Int32] = _cells_from()
    line: Series[Int32] = _line()
    start: Series[Int32] = _row_start()
    end: Series[Int32] = _row_end()

    class Config:
        name = "bispecific_antibody_trials"
        description = (
            "Table 1 of the review, tidy: one row per bispecific antibody x registry "
            "identifier (per source row). Natural key: (doc_id, drug, trial_id, combination)."
        )
        unique = ["doc_id", "table_id", "row_index", "trial_id"]
        metadata = _drug_table_metadata()


class AdcTrials(_DrugTrialsModel):
    doc_id: Series[Str] = doc_id_field()
    table_id: Series[Str] = _table_id()
    row_index: Series[Int32] = _row_index()
    drug: Series[Str] = pa.Field(
        description="Antibody-drug conjugate as printed (filled down from the drug's first row)."
    )
    payload: Series[Str] = pa.Field(
        nullable=True,
        description="Payload as printed; a property of the drug, the same on all its rows "
        "even where a page break moved the value to a later line of the drug.",
    )
    dar: Series[Float64] = pa.Field(
        nullable=True,
        gt=0,
        le=20,
        description="Drug-to-antibody ratio as a number (~8 -> 8); NULL when not reported.",
    )
    dar_approx: Series[Bool] = pa.Field(
        nullable=True,
        description="True when the ratio is printed as approximate (~8); NULL when not reported.",
    )
    dar_raw: Series[Str] = pa.Field(
        nullable=True, description="Drug-to-antibody ratio as printed (~8, 2.8, Not reported)."
    )
    trial_id: Series[Str] = _trial_id()
    trial_label: Series[Str] = pa.Field(
        nullable=True,
        description="Label printed in parentheses after the identifier (I-SPY for "
        "'NCT01042379 (I-SPY)').",
    )
    combination: Series[Str] = _text("Drugs given in combination")
    population: Series[Str] = _text("Patient population")
    ref_ids: Series[Int32List] = _ref_ids()
    cells_from_row_index: Series[Int32] = _cells_from()
    line: Series[Int32] = _line()
    start: Series[Int32] = _row_start()
    end: Series[Int32] = _row_end()

    @pa.dataframe_check(description="dar_approx and dar are NULL together")
    def dar_complete(cls, df: pd.DataFrame) -> pd.Series:
        return df["dar"].isna() == df["dar_approx"].isna()

    class Config:
        name = "adc_trials"
        description = (
            "Table 2 of the review, tidy: one row per antibody-drug conjugate x registry "
            "identifier (per source row), with the drug's payload and drug-to-antibody ratio. "
            "Natural key: (doc_id, drug, trial_id, combination)."
        )
        unique = ["doc_id", "table_id", "row_index", "trial_id"]
        metadata = _drug_table_metadata()


class TkiTrials(_DrugTrialsModel):
    doc_id: Series[Str] = doc_id_field()
    table_id: Series[Str] = _table_id()
    row_index: Series[Int32] = _row_index()
    drug: Series[Str] = pa.Field(
        description="Tyrosine kinase inhibitor as printed, typos kept (filled down from the "
        "drug's first row)."
    )
    description: Series[Str] = pa.Field(
        nullable=True, description="Description of the drug as printed; the same on all its rows."
    )
    trial_id: Series[Str] = _trial_id()
    combination: Series[Str] = _text("Drugs given in combination")
    population: Series[Str] = _text("Patient population")
    ref_ids: Series[Int32List] = _ref_ids()
    cells_from_row_index: Series[Int32] = _cells_from()
    line: Series[Int32] = _line()
    start: Series[Int32] = _row_start()
    end: Series[Int32] = _row_end()

    class Config:
        name = "tki_trials"
        description = (
            "Table 3 of the review, tidy: one row per tyrosine kinase inhibitor x registry "
            "identifier (per source row). Natural key: (doc_id, drug, trial_id, combination)."
        )
        unique = ["doc_id", "table_id", "row_index", "trial_id"]
        metadata = _drug_table_metadata()


class ImmunotherapyTrials(_TidyTrialsModel):
    doc_id: Series[Str] = doc_id_field()
    table_id: Series[Str] = _table_id()
    row_index: Series[Int32] = _row_index()
    agent_group: Series[Str] = pa.Field(
        description="The immunotherapy the trial is listed under, from the group-header row "
        "above it (Pembrolizumab (anti PD-1 antibody)); a trial listed under two agents has "
        "a row under each."
    )
    trial_id: Series[Str] = _trial_id()
    acronym: Series[Str] = pa.Field(
        nullable=True,
        description="Study name printed after the identifier (PANACEA, CCTG IND.229), as printed.",
    )
    study_type_raw: Series[Str] = pa.Field(
        nullable=True, description="Type of study as printed (Phase 1/2 Single arm)."
    )
    phase: Series[Str] = phase_field(
        "ClinicalTrials.gov phase (Phase 1b -> PHASE1, Phase 1/2 -> PHASE1/PHASE2)."
    )
    phase_raw: Series[Str] = pa.Field(
        nullable=True, description="The phase's wording in the study type (Phase 1b/2)."
    )
    status: Series[Str] = status_field(
        "ClinicalTrials.gov overall status (Active, not recruiting -> ACTIVE_NOT_RECRUITING)."
    )
    status_raw: Series[Str] = pa.Field(nullable=True, description="Status as printed.")
    enrollment: Series[Int32] = pa.Field(
        nullable=True, gt=0, description="Number of patients (No. Patients) as an integer."
    )
    population: Series[Str] = _text("Patient population")
    treatment: Series[Str] = pa.Field(
        nullable=True,
        description="Treatment as printed, a citation marker ending it moved to ref_ids; "
        "rejoined where a page break split it.",
    )
    ref_ids: Series[Int32List] = _ref_ids()
    cells_from_row_index: Series[Int32] = _cells_from()
    line: Series[Int32] = _line()
    start: Series[Int32] = _row_start()
    end: Series[Int32] = _row_end()

    @pa.dataframe_check(description="natural key (agent_group, trial_id) unique")
    def natural_key(cls, df: pd.DataFrame) -> pd.Series:
        return natural_key_unique(df, ["doc_id", "agent_group", "trial_id"])

    class Config:
        name = "immunotherapy_trials"
        description = (
            "Table 4 of the review, tidy: one row per trial combining an immunotherapy with "
            "HER2-targeted therapy, under the agent it is listed for. Natural key: (doc_id, "
            "agent_group, trial_id)."
        )
        unique = ["doc_id", "table_id", "row_index", "trial_id"]
        metadata = _drug_table_metadata()


MODELS = [TableCells, BispecificAntibodyTrials, AdcTrials, TkiTrials, ImmunotherapyTrials]
