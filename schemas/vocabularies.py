"""Schemas of the curated vocabularies in raw/vocabularies/ (input data, not published tables).

A vocabulary is reviewed like code: each file is read as text (every column a string,
empty cells NULL) and validated here before any stage uses it; `tidyreview.lexicon` turns
a failure into one message naming the file, the CSV line and the value.
"""

from __future__ import annotations

import pandera.pandas as pa
from pandera.typing import Series

from .base import AGENT_ID_PATTERN, TRIAL_ID_PATTERN

# The fixed modality vocabulary of agents.csv.
MODALITIES = [
    "monoclonal_antibody",
    "bispecific_antibody",
    "antibody_drug_conjugate",
    "tyrosine_kinase_inhibitor",
    "immune_checkpoint_inhibitor",
    "immunostimulatory_antibody",
    "car_t",
    "car_nk",
    "car_m",
    "cell_therapy_other",
    "vaccine",
    "exosome_based",
    "chemotherapy",
    "endocrine_therapy",
    "cdk4_6_inhibitor",
    "parp_inhibitor",
    "akt_inhibitor",
    "pi3k_inhibitor",
    "kinase_inhibitor",
    "other",
]

# '|'-separated items, none empty and none padded: "HER2|CD3", "diarrhea|diarrhoea"
LIST_PATTERN = r"^[^|\s](?:[^|]*[^|\s])?(?:\|[^|\s](?:[^|]*[^|\s])?)*$"


class VocabularyModel(pa.DataFrameModel):
    """Base of every curated vocabulary: strict columns, read as text."""

    class Config:
        strict = True
        coerce = True
        ordered = True


class AgentLexicon(VocabularyModel):
    """raw/vocabularies/agents.csv: one row per therapeutic agent or product."""

    agent_id: Series[str] = pa.Field(
        unique=True,
        str_matches=AGENT_ID_PATTERN,
        description="Stable id: lower case letters, digits and underscores.",
    )
    name: Series[str] = pa.Field(str_length={"min_value": 1}, description="Canonical name.")
    aliases: Series[str] = pa.Field(
        str_matches=LIST_PATTERN,
        description="Every writing the review uses, '|'-separated (case and hyphen/space "
        "variants need not be listed: matching ignores them).",
    )
    modality: Series[str] = pa.Field(isin=MODALITIES, description="Fixed vocabulary.")
    targets: Series[str] = pa.Field(
        nullable=True,
        str_matches=LIST_PATTERN,
        description="Molecular targets as the review states them, '|'-separated.",
    )
    her2_directed: Series[str] = pa.Field(isin=["true", "false"], description="true or false.")
    component_of: Series[str] = pa.Field(
        nullable=True,
        str_matches=LIST_PATTERN,
        description="agent_ids of the products this agent is a part of (an ADC's payload "
        "or antibody), '|'-separated.",
    )
    notes: Series[str] = pa.Field(nullable=True, description="Free text for reviewers.")


class NotAgentPatterns(VocabularyModel):
    """raw/vocabularies/not_agents.csv: drug-like names decided not to be agents."""

    pattern: Series[str] = pa.Field(
        unique=True,
        str_length={"min_value": 1},
        description="Regular expression that must match the whole name (case-sensitive).",
    )
    kind: Series[str] = pa.Field(
        isin=["gene_or_protein", "cell_line", "other"],
        description="What the names are instead of agents.",
    )
    reason: Series[str] = pa.Field(
        str_length={"min_value": 1}, description="Why they are not agents (for reviewers)."
    )


class NamedStudyVocabulary(VocabularyModel):
    """raw/vocabularies/named_studies.csv: study names the detection rules cannot find."""

    name: Series[str] = pa.Field(
        unique=True, str_length={"min_value": 1}, description="Study name as the review writes it."
    )
    trial_id: Series[str] = pa.Field(
        nullable=True,
        str_matches=TRIAL_ID_PATTERN,
        description="Registry identifier, only when the review ties one to the name.",
    )
    reason: Series[str] = pa.Field(
        str_length={"min_value": 1}, description="Why the rules miss it (for reviewers)."
    )


class DrugBankExclusions(VocabularyModel):
    """raw/vocabularies/drugbank_exclusions.csv: DrugBank names never matched in prose."""

    name: Series[str] = pa.Field(
        unique=True,
        str_length={"min_value": 1},
        description="A DrugBank common name (the whole entry is left out) or synonym (only "
        "that writing is); compared ignoring case, hyphens and spaces.",
    )
    reason: Series[str] = pa.Field(str_length={"min_value": 1}, description="Why (for reviewers).")


class InnStems(VocabularyModel):
    """raw/vocabularies/inn_stems.csv: name endings that make a word an agent's name."""

    stem: Series[str] = pa.Field(
        str_matches=r"^[a-z]{3,}$", description="Lower-case ending (tinib)."
    )
    kind: Series[str] = pa.Field(
        isin=["suffix", "adc_payload"],
        description="suffix: an INN stem ending a one-word name; adc_payload: the second "
        "word of an antibody-drug conjugate's name after an antibody (-mab) INN.",
    )
    modality: Series[str] = pa.Field(isin=MODALITIES, description="Modality it implies.")
    notes: Series[str] = pa.Field(nullable=True, description="Free text for reviewers.")

    class Config:
        strict = True
        coerce = True
        ordered = True
        unique = ["stem", "kind"]
