"""Schemas of the curated vocabularies the annotations stage reads (input data, not
published tables): adverse-event terms, agent classes, regulatory bodies and measures.

Each file is read as text (every column a string, empty cells NULL) and validated here
before use; `tidyreview.lexicon.read_vocabulary` turns a failure into one message naming
the file, the CSV line and the value.
"""

from __future__ import annotations

import pandera.pandas as pa
from pandera.typing import Series

from .annotations import REGULATORY_KINDS
from .base import SNAKE_CASE
from .vocabularies import LIST_PATTERN, VocabularyModel


class AdverseEventTerms(VocabularyModel):
    """raw/vocabularies/adverse_event_terms.csv: one row per normalised adverse event."""

    term_normalized: Series[str] = pa.Field(
        unique=True, str_matches=SNAKE_CASE, description="Normalised term (snake_case)."
    )
    variants: Series[str] = pa.Field(
        str_matches=LIST_PATTERN,
        description="Writings found in text, '|'-separated; case and hyphen/space variants "
        "need not be listed. Abbreviations the text defines are added automatically.",
    )
    notes: Series[str] = pa.Field(nullable=True, description="Free text for reviewers.")


class AgentClasses(VocabularyModel):
    """raw/vocabularies/agent_classes.csv: classes of agents the prose talks about."""

    agent_class: Series[str] = pa.Field(
        unique=True,
        str_matches=SNAKE_CASE,
        description="Class id; the same id as agents.modality where one exists.",
    )
    variants: Series[str] = pa.Field(
        str_matches=LIST_PATTERN, description="Writings, '|'-separated."
    )
    notes: Series[str] = pa.Field(nullable=True, description="Free text for reviewers.")


class RegulatoryBodies(VocabularyModel):
    """raw/vocabularies/regulatory_bodies.csv: agencies, countries and guideline bodies."""

    body: Series[str] = pa.Field(
        unique=True, str_length={"min_value": 1}, description="Normalised name (FDA, China, ASCO)."
    )
    variants: Series[str] = pa.Field(
        str_matches=LIST_PATTERN, description="Writings, '|'-separated."
    )
    body_type: Series[str] = pa.Field(
        isin=["agency", "country", "guideline_body"],
        description="agency, country (the text names a country, not its agency) or guideline_body.",
    )
    notes: Series[str] = pa.Field(nullable=True, description="Free text for reviewers.")


class Measures(VocabularyModel):
    """raw/vocabularies/measures.csv: what a reported number can measure."""

    measure: Series[str] = pa.Field(
        unique=True, str_matches=SNAKE_CASE, description="Measure id (objective_response_rate)."
    )
    unit: Series[str] = pa.Field(
        isin=["%", "patients", "months", "years", "trials", "molecules", "agents"],
        description="Unit of the values of this measure.",
    )
    cues: Series[str] = pa.Field(
        str_matches=LIST_PATTERN,
        description="Words naming the measure in a sentence, '|'-separated; an abbreviation "
        "the text defines for one of them is added automatically (PFS, pCR).",
    )
    notes: Series[str] = pa.Field(nullable=True, description="Free text for reviewers.")


class CtcaeTerms(VocabularyModel):
    """raw/vocabularies/ctcae/ctcae_v5.0_terms.csv: NCI's CTCAE v5.0 (public domain),
    slimmed to the columns the pipeline uses; NCI's own column names."""

    meddra_code: Series[str] = pa.Field(
        alias="MedDRA Code", str_matches=r"^\d{8}$", description="MedDRA code (8 digits)."
    )
    meddra_soc: Series[str] = pa.Field(
        alias="MedDRA SOC", str_length={"min_value": 1}, description="System organ class."
    )
    ctcae_term: Series[str] = pa.Field(
        alias="CTCAE Term", unique=True, str_length={"min_value": 1}, description="CTCAE term."
    )
    definition: Series[str] = pa.Field(
        alias="Definition", nullable=True, description="NCI's definition."
    )


class CtcaeSynonyms(VocabularyModel):
    """raw/vocabularies/ctcae_synonyms.csv: writings of adverse events that are not CTCAE
    terms ("hand-foot syndrome"), with the CTCAE term they grade as."""

    writing: Series[str] = pa.Field(
        unique=True,
        str_length={"min_value": 1},
        description="As written; case, hyphens, British spellings and plurals need not be "
        "listed. All-capital abbreviations (ILD) are matched case-sensitively in prose.",
    )
    ctcae_term: Series[str] = pa.Field(
        str_length={"min_value": 1}, description="A CTCAE v5.0 term, exactly as NCI writes it."
    )
    notes: Series[str] = pa.Field(nullable=True, description="Free text for reviewers.")


class CtcaeExcluded(VocabularyModel):
    """raw/vocabularies/ctcae_excluded.csv: CTCAE terms too generic to look for in prose."""

    ctcae_term: Series[str] = pa.Field(
        unique=True, str_length={"min_value": 1}, description="A CTCAE v5.0 term."
    )
    reason: Series[str] = pa.Field(str_length={"min_value": 1}, description="Why (for reviewers).")


class RegulatoryCues(VocabularyModel):
    """raw/vocabularies/regulatory_cues.csv: the words stating each kind of regulatory event."""

    kind: Series[str] = pa.Field(
        unique=True, isin=REGULATORY_KINDS, description="A regulatory_events.kind value."
    )
    cues: Series[str] = pa.Field(
        str_matches=LIST_PATTERN,
        description="Writings, '|'-separated; an agency acronym may stand between two words "
        "('accelerated FDA approval') or before a hyphen ('FDA-approved'); case-insensitive.",
    )
    requires: Series[str] = pa.Field(
        nullable=True,
        str_matches=LIST_PATTERN,
        description="Words one of which the sentence must contain for a cue to count "
        "('market' for 'withdrawn'), '|'-separated; empty: none.",
    )
    notes: Series[str] = pa.Field(nullable=True, description="Free text for reviewers.")
