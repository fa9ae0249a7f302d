"""Schemas of the entity tables: agents and trials, their mentions and their links."""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from tidyreview.stages import CORPUS_STAGE

from .base import (
    AGENT_FK,
    AGENT_ID_PATTERN,
    CAPTION_FK,
    CELL_FK,
    DOCUMENT_FK,
    PARAGRAPH_FK,
    SECTION_FK,
    TRIAL_FK,
    TRIAL_IDS_FK,
    Bool,
    Int32,
    Str,
    StrList,
    TidyModel,
    agent_id_field,
    caption_id_field,
    doc_id_field,
    end_field,
    foreign_key,
    line_field,
    paragraph_id_field,
    phase_field,
    section_id_field,
    spans_ordered,
    start_field,
    status_field,
    table_id_field,
    trial_id_field,
)
from .vocabularies import MODALITIES

# Where in the document a mention lies.
PARTS = ["simple_summary", "abstract", "heading", "paragraph", "caption", "table"]
AGENT_SOURCES = ["curated", "drugbank", "rule"]
ROLES = ["investigational", "combination", "comparator", "co_mentioned"]
LINK_RULES = [
    "table_row",
    "same_clause",
    "trial_anaphora",
    "ordinal_reference",
    "paragraph_topic",
    "single_study_paragraph",
    "previous_sentence",
]


def _place_fields():
    """section/paragraph/caption/table/cell columns shared by the mention tables."""
    return {
        "part": pa.Field(
            isin=PARTS,
            description="Where the mention lies: simple_summary, abstract, heading, paragraph, caption or table.",
        ),
        "section_id": section_id_field(
            "Section holding the mention (a table's: the section of its caption); NULL in the front matter.",
            nullable=True,
        ),
        "paragraph_id": paragraph_id_field(
            "Paragraph holding the mention; NULL outside paragraphs.", nullable=True
        ),
        "caption_id": caption_id_field(
            "Caption holding the mention; NULL outside captions.", nullable=True
        ),
        "table_id": table_id_field(
            "Table whose cell holds the mention; NULL outside tables.", nullable=True
        ),
        "row_index": pa.Field(
            nullable=True,
            ge=0,
            description="table_cells.row_index of the cell; NULL outside tables.",
        ),
        "column_index": pa.Field(
            nullable=True,
            ge=0,
            description="table_cells.column_index of the cell; NULL outside tables.",
        ),
        "line": line_field("where the mention starts"),
    }


_PLACE = _place_fields()


class _MentionModel(TidyModel):
    """Checks shared by agent_mentions and trial_mentions (each lists its own columns:
    their order is part of the table)."""

    _check_span = pa.dataframe_check(spans_ordered)

    @pa.dataframe_check(description="paragraph/caption/table ids set exactly for their part")
    def place_consistent(cls, df: pd.DataFrame) -> pd.Series:
        """paragraph_id, caption_id, table_id (with its cell) set exactly for their part."""
        return (
            (df["paragraph_id"].notna() == (df["part"] == "paragraph"))
            & (df["caption_id"].notna() == (df["part"] == "caption"))
            & (df["table_id"].notna() == (df["part"] == "table"))
            & (df["row_index"].notna() == df["table_id"].notna())
            & (df["column_index"].notna() == df["table_id"].notna())
        )


class Agents(TidyModel):
    agent_id: Series[Str] = pa.Field(
        str_matches=AGENT_ID_PATTERN,
        description="Stable agent id: the curated lexicon's; for a DrugBank agent the slug of DrugBank's name (its DrugBank id in lower case when the slug is taken); for a rule agent the name's words, case-folded, hyphens dropped, joined by '_'.",
    )
    name: Series[Str] = pa.Field(description="Canonical name (INN when there is one).")
    aliases: Series[StrList] = pa.Field(
        description="Every writing the review uses (codes, abbreviations, misspellings); matching also accepts case and hyphen/space variants."
    )
    modality: Series[Str] = pa.Field(
        isin=MODALITIES, description="Kind of agent (fixed vocabulary)."
    )
    targets: Series[StrList] = pa.Field(
        description="Molecular targets as the review states them; empty when it states none."
    )
    her2_directed: Series[Bool] = pa.Field(description="Whether the agent is directed at HER2.")
    component_of: Series[StrList] = pa.Field(
        nullable=True,
        description="Agents this one is a part of (an ADC's payload or antibody); NULL for products.",
    )
    notes: Series[Str] = pa.Field(nullable=True, description="Curator's notes.")
    source: Series[Str] = pa.Field(
        isin=AGENT_SOURCES,
        description="Where the agent comes from: curated (the lexicon raw/vocabularies/agents.csv), drugbank (a DrugBank open-vocabulary name or synonym) or rule (an INN stem, ADC name, development code or brand in no vocabulary).",
    )
    drugbank_id: Series[Str] = pa.Field(
        nullable=True,
        str_matches=r"^DB\d{5}$",
        description="DrugBank id (DB14962) of the DrugBank entry with the agent's name or one of its aliases; NULL when DrugBank has none.",
    )

    class Config:
        name = "agents"
        description = "One row per therapeutic agent or product the review discusses, from the curated lexicon raw/vocabularies/agents.csv (document-independent)."
        unique = ["agent_id"]
        metadata = {
            "stage": "entities",
            "foreign_keys": [],
            "list_foreign_keys": [foreign_key(["component_of"], "agents", ["agent_id"])],
        }


class Trials(TidyModel):
    trial_id: Series[Str] = trial_id_field()
    registry: Series[Str] = pa.Field(
        isin=["ClinicalTrials.gov", "EudraCT"], description="Registry the identifier belongs to."
    )
    acronyms: Series[StrList] = pa.Field(
        description="Study names any review ties to the identifier (union over reviews, sorted)."
    )
    doc_ids: Series[StrList] = pa.Field(
        description="The reviews naming the trial (trial_statements.doc_id), sorted."
    )
    n_reviews: Series[Int32] = pa.Field(ge=1, description="How many reviews name the trial.")
    phase: Series[Str] = phase_field(
        "Consensus phase (ClinicalTrials.gov vocabulary): the phase every review stating one "
        "states (each review's tables first, then its prose); NULL when none states one or "
        "when reviews disagree (then flagged: quality_flags check reviews_disagree)."
    )
    status: Series[Str] = status_field(
        "Consensus recruitment status (ClinicalTrials.gov vocabulary), by the same rule as phase."
    )
    enrollment: Series[Int32] = pa.Field(
        nullable=True,
        ge=0,
        description="Consensus number of patients as the reviews' tables state it, by the same rule.",
    )

    class Config:
        name = "trials"
        description = (
            "The document-independent identity of a registry identifier: one row per "
            "trial any review names, with the reviews naming it and the phase, status and "
            "enrollment they agree on. What each review states is in trial_statements."
        )
        unique = ["trial_id"]
        metadata = {"stage": CORPUS_STAGE}


class TrialStatements(TidyModel):
    doc_id: Series[Str] = doc_id_field()
    trial_id: Series[Str] = trial_id_field()
    registry: Series[Str] = pa.Field(
        isin=["ClinicalTrials.gov", "EudraCT"], description="Registry the identifier belongs to."
    )
    acronyms: Series[StrList] = pa.Field(
        description="Study names the tables or the text tie to the identifier (named_studies.name)."
    )
    phase: Series[Str] = phase_field(
        "Phase as a table states it (ClinicalTrials.gov vocabulary); NULL when no table does."
    )
    phase_raw: Series[Str] = pa.Field(
        nullable=True, description="The table's wording of the phase."
    )
    status: Series[Str] = status_field(
        "Recruitment status as a table states it (ClinicalTrials.gov vocabulary)."
    )
    status_raw: Series[Str] = pa.Field(
        nullable=True, description="The table's wording of the status."
    )
    text_phase: Series[Str] = phase_field(
        "Phase as the prose states it (ClinicalTrials.gov vocabulary), only where no table states one: "
        "from a sentence naming the trial ('A phase 1 clinical trial ... (NCT03842085)') or the sentence right after it "
        "('This is a phase 1 study'); NULL when the prose states none or states different ones (a trial_fact_conflict flag). "
        "coalesce(phase, text_phase) is the phase the review states."
    )
    text_phase_raw: Series[Str] = pa.Field(
        nullable=True, description="The prose's wording of text_phase ('phase 1/2')."
    )
    text_status: Series[Str] = status_field(
        "Recruitment status as the prose states it (ClinicalTrials.gov vocabulary), only where no table states one, "
        "by the same rules as text_phase ('is currently recruiting' -> RECRUITING, 'recruitment has yet to begin' -> NOT_YET_RECRUITING, "
        "'have been completed' -> COMPLETED)."
    )
    text_status_raw: Series[Str] = pa.Field(
        nullable=True, description="The prose's wording of text_status ('open and recruiting')."
    )
    enrollment: Series[Int32] = pa.Field(
        nullable=True, ge=0, description="Number of patients as a table states it."
    )
    table_ids: Series[StrList] = pa.Field(description="Tables listing the trial (T1..T4).")
    n_mentions: Series[Int32] = pa.Field(
        ge=1,
        description="Occurrences of the identifier or a tied study name (trial_mentions rows).",
    )
    in_prose: Series[Bool] = pa.Field(
        description="Mentioned in the prose (abstract, headings or paragraphs) by identifier or study name."
    )
    first_section: Series[Str] = section_id_field("Section of the first mention.")
    first_start: Series[Int32] = start_field("the first mention")
    first_end: Series[Int32] = pa.Field(
        ge=0, description="End offset (exclusive) of the first mention: the evidence span."
    )

    class Config:
        name = "trial_statements"
        description = (
            "What one review states about one trial: one row per review x registry "
            "identifier it names (text, captions, tables), with the facts its tables state "
            "(phase, status, enrollment) and, where no table states them, the phase and "
            "status its prose states (text_phase, text_status); first_start/first_end is "
            "the first mention. Reviews that disagree are flagged (quality_flags check "
            "reviews_disagree); trials holds each trial once."
        )
        unique = ["doc_id", "trial_id"]
        metadata = {
            "stage": "entities",
            "foreign_keys": [DOCUMENT_FK, TRIAL_FK],
            "list_foreign_keys": [
                foreign_key(["doc_id", "acronyms"], "named_studies", ["doc_id", "name"]),
                foreign_key(["doc_id", "table_ids"], "captions", ["doc_id", "caption_id"]),
            ],
        }


class NamedStudies(TidyModel):
    doc_id: Series[Str] = doc_id_field()
    name: Series[Str] = pa.Field(
        description="Study name as first written (KATHERINE, HER2CLIMB, I-SPY, CCTG IND.229)."
    )
    trial_id: Series[Str] = trial_id_field(
        "Identifier the document ties to the name (the first, if several)", nullable=True
    )
    trial_ids: Series[StrList] = pa.Field(
        description="Every identifier the document ties to the name; more than one is flagged."
    )
    variants: Series[StrList] = pa.Field(
        description="Writings of the name in the document (whitespace collapsed)."
    )
    found_by: Series[StrList] = pa.Field(
        description="How the name was found: table (a table's acronym or label), text_rule (a rule on the prose), vocabulary (raw/vocabularies/named_studies.csv)."
    )
    n_mentions: Series[Int32] = pa.Field(ge=1, description="Occurrences (trial_mentions rows).")
    first_section: Series[Str] = section_id_field("Section of the first mention.")
    first_start: Series[Int32] = start_field("the first mention")

    class Config:
        name = "named_studies"
        description = "One row per named trial or study (with or without an identifier) the document mentions."
        unique = ["doc_id", "name"]
        metadata = {
            "stage": "entities",
            "foreign_keys": [DOCUMENT_FK, TRIAL_FK],
            "list_foreign_keys": [TRIAL_IDS_FK],
        }


class AgentMentions(_MentionModel):
    doc_id: Series[Str] = doc_id_field()
    agent_id: Series[Str] = agent_id_field()
    surface: Series[Str] = pa.Field(
        description="The text as printed; raw_text[start:end] == surface (line breaks included)."
    )
    alias: Series[Str] = pa.Field(description="The lexicon alias that matched.")
    part: Series[Str] = _PLACE["part"]
    section_id: Series[Str] = _PLACE["section_id"]
    paragraph_id: Series[Str] = _PLACE["paragraph_id"]
    caption_id: Series[Str] = _PLACE["caption_id"]
    table_id: Series[Str] = _PLACE["table_id"]
    row_index: Series[Int32] = _PLACE["row_index"]
    column_index: Series[Int32] = _PLACE["column_index"]
    line: Series[Int32] = _PLACE["line"]
    start: Series[Int32] = start_field("the mention")
    end: Series[Int32] = end_field("the mention")

    class Config:
        name = "agent_mentions"
        description = "One row per occurrence of an agent's name in the front matter prose, headings, paragraphs, captions and table cells."
        unique = ["doc_id", "start"]
        metadata = {
            "stage": "entities",
            "foreign_keys": [DOCUMENT_FK, AGENT_FK, SECTION_FK, PARAGRAPH_FK, CAPTION_FK, CELL_FK],
        }


class TrialMentions(_MentionModel):
    doc_id: Series[Str] = doc_id_field()
    trial_id: Series[Str] = trial_id_field(
        "Trial mentioned (for a study name: the identifier tied to it)", nullable=True
    )
    study_name: Series[Str] = pa.Field(
        nullable=True,
        description="named_studies.name for a study-name mention; NULL for an identifier.",
    )
    kind: Series[Str] = pa.Field(
        isin=["registry_id", "study_name"], description="An identifier or a study name."
    )
    surface: Series[Str] = pa.Field(
        description="The text as printed; raw_text[start:end] == surface."
    )
    part: Series[Str] = _PLACE["part"]
    section_id: Series[Str] = _PLACE["section_id"]
    paragraph_id: Series[Str] = _PLACE["paragraph_id"]
    caption_id: Series[Str] = _PLACE["caption_id"]
    table_id: Series[Str] = _PLACE["table_id"]
    row_index: Series[Int32] = _PLACE["row_index"]
    column_index: Series[Int32] = _PLACE["column_index"]
    line: Series[Int32] = _PLACE["line"]
    start: Series[Int32] = start_field("the mention")
    end: Series[Int32] = end_field("the mention")

    @pa.dataframe_check(
        description="an identifier mention has trial_id and no study_name; a study mention has study_name"
    )
    def kind_consistent(cls, df):
        is_id = df["kind"] == "registry_id"
        return (is_id & df["trial_id"].notna() & df["study_name"].isna()) | (
            ~is_id & df["study_name"].notna()
        )

    class Config:
        name = "trial_mentions"
        description = "One row per occurrence of a registry identifier or a study name (acronym) anywhere in the document's text, captions and tables."
        unique = ["doc_id", "start"]
        metadata = {
            "stage": "entities",
            "foreign_keys": [
                DOCUMENT_FK,
                TRIAL_FK,
                foreign_key(["doc_id", "study_name"], "named_studies", ["doc_id", "name"]),
                SECTION_FK,
                PARAGRAPH_FK,
                CAPTION_FK,
                CELL_FK,
            ],
        }


class TrialAgents(TidyModel):
    doc_id: Series[Str] = doc_id_field()
    trial_id: Series[Str] = trial_id_field()
    agent_id: Series[Str] = agent_id_field()
    source: Series[Str] = pa.Field(
        isin=["table", "text"],
        description="table: a row of Tables 1-4; text: the prose (a sentence naming the trial, or the sentences around it: see link_rule).",
    )
    role: Series[Str] = pa.Field(
        isin=ROLES,
        description=(
            "The agent's place in this evidence row, as the evidence words it (not a verdict on the trial's design): "
            "in a table row, investigational is the agent the table lists the trial under (Tables 1-3: the drug column; Table 4: the agent-group header, e.g. pembrolizumab) "
            "and combination every other agent of the row's combination or treatment cell, even a new product such as HER2 CAR macrophages; "
            "in the text, investigational is the subject (the first agent named) of the sentence or clause, combination an agent joined to it "
            "('in combination with', 'plus', 'with', 'and'), comparator one after 'compared to', 'versus' or 'than', co_mentioned any other. "
            "A table row and a sentence may therefore give one trial-agent pair different roles (PANACEA: the table lists it under pembrolizumab, "
            "the sentence names trastuzumab first); each row keeps its own."
        ),
    )
    link_rule: Series[Str] = pa.Field(
        isin=LINK_RULES,
        description=(
            "How the link was made: table_row (a row's drug, group header, combination or treatment cell); "
            "same_clause (a sentence naming the trial and the agent, in the trial's clause: 'in another trial' starts another); "
            "trial_anaphora ('In this trial, ...' right after the sentence naming the trial); "
            "ordinal_reference ('The second one studies X' after a sentence naming several trials); "
            "and, only for a trial that no table row and none of those links to any agent, from the paragraph of the sentence naming it: "
            "paragraph_topic (the agent of the paragraph's run-in title, 'MBS301.'), "
            "single_study_paragraph (every agent before it in a paragraph about that one study), "
            "previous_sentence (the agents of the nearest sentence before it that names any)."
        ),
    )
    evidence: Series[Str] = pa.Field(
        description="The cell, sentence or run of sentences linking them (whitespace collapsed)."
    )
    section_id: Series[Str] = section_id_field("Section of the evidence.", nullable=True)
    paragraph_id: Series[Str] = paragraph_id_field(
        "Paragraph of the evidence sentence; NULL for tables.", nullable=True
    )
    table_id: Series[Str] = table_id_field(
        "Table of the evidence cell; NULL for text.", nullable=True
    )
    row_index: Series[Int32] = pa.Field(
        nullable=True, ge=0, description="Tidy-table row (table_cells.row_index) of the link."
    )
    start: Series[Int32] = start_field("the evidence")
    end: Series[Int32] = end_field("the evidence")

    _check_span = pa.dataframe_check(spans_ordered)

    class Config:
        name = "trial_agents"
        description = "Which agents each trial tests: from the table rows (drug, combination, treatment cells) and from sentences that name the trial."
        unique = ["doc_id", "trial_id", "agent_id", "source", "start"]
        metadata = {
            "stage": "entities",
            "foreign_keys": [DOCUMENT_FK, TRIAL_FK, AGENT_FK, SECTION_FK, PARAGRAPH_FK],
        }
