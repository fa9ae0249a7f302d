"""Schemas of the text-derived annotation tables (stage "annotations").

Every row points at the sentence it comes from: `sentence` (whitespace collapsed, page
breaks re-joined), `section_id`, `paragraph_id` and `start`/`end` offsets into the raw
source. A span's text column equals raw_text[start:end], except where the span crosses a
page break: there the column holds the re-joined words (hyphenated word mended).
"""

from __future__ import annotations

import pandera.pandas as pa
from pandera.typing import Series

from .base import (
    AGENT_FK,
    AGENT_IDS_FK,
    PARAGRAPH_FK,
    SECTION_FK,
    SNAKE_CASE,
    TABLE_CAPTION_FK,
    TRIAL_IDS_FK,
    Bool,
    Float64,
    Int32,
    Str,
    StrList,
    TidyModel,
    agent_id_field,
    doc_id_field,
    end_field,
    paragraph_id_field,
    section_id_field,
    spans_ordered,
    start_field,
    table_id_field,
)

ABBREVIATION_PATTERNS = ["long (short)", "short (long)", "(long short)"]
ABBREVIATION_METHODS = ["letters", "compound", "partial"]
REGIONS = ["simple_summary", "abstract", "heading", "paragraph"]
REGULATORY_KINDS = [
    "approval",
    "accelerated_approval",
    "conditional_approval",
    "guideline_recommendation",
    "withdrawal",
    "reapproval",
    "breakthrough_therapy_designation",
    "fast_track_designation",
    "clinical_hold",
]
DEVELOPMENT_STAGES = ["approved", "phase_3", "phase_2", "phase_1", "preclinical"]


def _sentence_field() -> pa.Field:
    return pa.Field(
        description="The sentence as written, whitespace collapsed, page breaks re-joined."
    )


def _table_row_sentence_field() -> pa.Field:
    return pa.Field(
        nullable=True,
        description="The sentence as written, whitespace collapsed, page breaks re-joined; NULL for a table row.",
    )


def _section_field(nullable: bool = False) -> pa.Field:
    extra = " NULL in the front matter (Simple Summary, Abstract)." if nullable else ""
    return section_id_field("Innermost section holding the sentence." + extra, nullable=nullable)


def _paragraph_field(nullable: bool = False) -> pa.Field:
    extra = " NULL for headings and the front matter." if nullable else ""
    return paragraph_id_field("Paragraph holding the sentence." + extra, nullable=nullable)


def _agent_ids_field() -> pa.Field:
    return pa.Field(
        description="Agents (agents.agent_id) the row is about: the sentence's subject agents (the first run of names joined by 'and', 'plus', 'in combination with'...), or the agent its paragraph is about when the sentence refers back ('This ADC ...'); empty when none."
    )


def _trial_ids_field() -> pa.Field:
    return pa.Field(
        description="Trials (trials.trial_id) the sentence names by registry id or by a curated study name; empty when none."
    )


def _metadata(*foreign_keys: dict, lists: bool = True) -> dict:
    meta = {"stage": "annotations", "foreign_keys": [SECTION_FK, PARAGRAPH_FK, *foreign_keys]}
    if lists:
        # Every element of agent_ids / trial_ids resolves to agents / trials (checked on
        # validation).
        meta["list_foreign_keys"] = [AGENT_IDS_FK, TRIAL_IDS_FK]
    return meta


class Abbreviations(TidyModel):
    doc_id: Series[Str] = doc_id_field()
    abbreviation_id: Series[Str] = pa.Field(
        str_matches=r"^abbr-\d{4,}$", description="Definition id, abbr-0001.. in document order."
    )
    short: Series[Str] = pa.Field(
        description="The short form as written ('ADCC', 'TNF α'); raw_text[short_start:short_end] == short."
    )
    long: Series[Str] = pa.Field(
        description="The long form as written ('antibody-dependent cell-mediated cytotoxicity'); raw_text[long_start:long_end], re-joined where a page break splits it."
    )
    pattern: Series[Str] = pa.Field(
        isin=ABBREVIATION_PATTERNS,
        description="How the text defines it: 'long (short)', 'short (long)' or both inside one parenthesis '(long short)'.",
    )
    method: Series[Str] = pa.Field(
        isin=ABBREVIATION_METHODS,
        description="letters: every short-form letter found in order in the long form (Schwartz & Hearst, improved); compound: a hyphenated name abbreviated part for part (trastuzumab-emtansine, T-DM1); partial: one letter stands for an unwritten word (metalloproteinases, MMPs).",
    )
    region: Series[Str] = pa.Field(
        isin=REGIONS,
        description="Part of the document: simple_summary, abstract, heading or paragraph.",
    )
    section_id: Series[Str] = _section_field(nullable=True)
    paragraph_id: Series[Str] = _paragraph_field(nullable=True)
    first_section_id: Series[Str] = section_id_field(
        "Section of the short form's first definition in the body; NULL if only the front matter defines it.",
        nullable=True,
    )
    agent_ids: Series[StrList] = pa.Field(
        description="Agents (agents.agent_id) whose name is the short or the long form (T-DM1 -> trastuzumab_emtansine); empty when none."
    )
    trial_ids: Series[StrList] = _trial_ids_field()
    n_later_uses: Series[Int32] = pa.Field(
        ge=0,
        description="Uses of the short form (or its plural) after this definition and before its next definition, tables and captions included, reference list excluded.",
    )
    sentence: Series[Str] = _sentence_field()
    start: Series[Int32] = start_field("the definition ('long (short)', parentheses included)")
    end: Series[Int32] = end_field("the definition")
    short_start: Series[Int32] = start_field("the short form")
    short_end: Series[Int32] = end_field("the short form")
    long_start: Series[Int32] = start_field("the long form")
    long_end: Series[Int32] = end_field("the long form")

    _check_span = pa.dataframe_check(spans_ordered)

    @pa.dataframe_check(description="short and long forms lie inside the definition span")
    def parts_inside(cls, df):
        return (
            (df["start"] <= df["short_start"])
            & (df["short_end"] <= df["end"])
            & (df["start"] <= df["long_start"])
            & (df["long_end"] <= df["end"])
        )

    class Config:
        name = "abbreviations"
        description = "One row per abbreviation definition in the review's prose (Simple Summary, Abstract, headings, body paragraphs), with the count of later uses."
        unique = ["doc_id", "abbreviation_id"]
        metadata = _metadata()


class Findings(TidyModel):
    doc_id: Series[Str] = doc_id_field()
    finding_id: Series[Str] = pa.Field(
        str_matches=r"^finding-\d{4,}$", description="Finding id, finding-0001.. in document order."
    )
    measure: Series[Str] = pa.Field(
        str_matches=SNAKE_CASE,
        description="What the value measures, from raw/vocabularies/measures.csv (objective_response_rate, discontinuation_rate, patients_enrolled, ...): the nearest cue of the value's unit in its clause; a count of patients is patients_enrolled unless it is a subgroup ('of whom 26') or has a denominator ('clinical benefit in 6 out of 40 patients'); a count of trials is registered_trials ('nine clinical trials', 'trials ... are about 24'); payload molecules per antibody with a conjugate cue ('loaded with', 'linker', 'ADC') are drug_to_antibody_ratio.",
    )
    value: Series[Float64] = pa.Field(
        description="The number as written (24.8 for '24.8%'; 10 for '10–15%'; 9 for 'nine': a count written as a word, one to twenty, when a unit follows it)."
    )
    value_max: Series[Float64] = pa.Field(
        nullable=True, description="Upper end of a range ('10–15%' -> 15), else NULL."
    )
    bound: Series[Str] = pa.Field(
        nullable=True,
        isin=["approximately", "at_least", "at_most", "more_than", "less_than"],
        description="When the value is written as a bound ('~3.8', 'more than 2000', 'about 24'), else NULL.",
    )
    unit: Series[Str] = pa.Field(
        isin=["%", "patients", "months", "years", "trials", "molecules", "agents"],
        description="Unit of the value: '%', 'patients', 'months', 'trials', 'molecules' (payload molecules per antibody: '3.6 molecules of emtansine', '~3.8 MMAE'), 'agents' ('14 FDA-approved ADCs').",
    )
    denominator: Series[Float64] = pa.Field(
        nullable=True,
        description="The total of 'N out of M' (40 in '6 out of 40 patients'), else NULL.",
    )
    surface: Series[Str] = pa.Field(
        description="The value as written ('54%', '10–15%', '133'); raw_text[start:end] == surface."
    )
    cue: Series[Str] = pa.Field(
        nullable=True,
        description="The words that named the measure, as written ('objective response rate', 'recruited'); NULL for a count of patients or trials no cue word introduces.",
    )
    qualifier: Series[Str] = pa.Field(
        nullable=True,
        description="Arm or subgroup as written ('PD-L1-positive, atezolizumab group', 'phase 1', 'neoadjuvant'); NULL when the sentence names none for this value.",
    )
    comparison_value: Series[Float64] = pa.Field(
        nullable=True,
        description="The value it is compared with in the same sentence ('54% ... vs. 33%' -> 33), else NULL; the compared value has no row of its own.",
    )
    comparison_qualifier: Series[Str] = pa.Field(
        nullable=True, description="Arm or subgroup of the comparison value, as written."
    )
    comparison_start: Series[Int32] = pa.Field(
        nullable=True, ge=0, description="Start offset of the comparison value."
    )
    comparison_end: Series[Int32] = pa.Field(
        nullable=True, ge=0, description="End offset (exclusive) of the comparison value."
    )
    agent_classes: Series[StrList] = pa.Field(
        description="Classes of agents the sentence names (ids from raw/vocabularies/agent_classes.csv); empty when none."
    )
    agent_ids: Series[StrList] = pa.Field(
        description=_agent_ids_field().description
        + " A value in a sentence naming a trial by its identifier but no agent takes the agents the review's tables list for that trial ('There is a phase 1/2 study, NCT03272334, ...' -> pembrolizumab, HER2 BATs); a count of trials in a sentence naming no agent and not pointing back is about no agent."
    )
    trial_ids: Series[StrList] = pa.Field(
        description=_trial_ids_field().description
        + " A count of trials takes the trials named after it (up to the next count); another value those of its clause, else of the sentence before when the sentence points back to it; a sentence about one trial it does not identify takes the only trial the tables list its agent as the drug of ('A phase 1 clinical study ... of IMM2902' -> NCT05076591)."
    )
    sentence: Series[Str] = _sentence_field()
    section_id: Series[Str] = _section_field()
    paragraph_id: Series[Str] = _paragraph_field()
    start: Series[Int32] = start_field("the value")
    end: Series[Int32] = end_field("the value")

    _check_span = pa.dataframe_check(spans_ordered)

    class Config:
        name = "findings"
        description = "One row per quantitative result the review reports in its prose (response rates, survival, patient counts, ...), with arm, comparison and the agents and trials it concerns."
        unique = ["doc_id", "finding_id"]
        metadata = _metadata()


class RegulatoryEvents(TidyModel):
    doc_id: Series[Str] = doc_id_field()
    event_id: Series[Str] = pa.Field(
        str_matches=r"^regulatory-\d{4,}$",
        description="Event id, regulatory-0001.. in document order.",
    )
    body: Series[Str] = pa.Field(
        nullable=True,
        description="Agency, country or guideline body as normalised in raw/vocabularies/regulatory_bodies.csv (FDA, China, ASCO); NULL when the clause names none ('the first TKI approved for ...').",
    )
    body_text: Series[Str] = pa.Field(
        nullable=True, description="The body as written in the sentence."
    )
    kind: Series[Str] = pa.Field(
        isin=REGULATORY_KINDS,
        description="approval, accelerated_approval, conditional_approval, guideline_recommendation, withdrawal, reapproval, breakthrough_therapy_designation, fast_track_designation or clinical_hold (cue words in raw/vocabularies/regulatory_cues.csv).",
    )
    year: Series[Int32] = pa.Field(
        nullable=True,
        in_range={"min_value": 1900, "max_value": 2100},
        description="Year of the event when the sentence states it.",
    )
    negated: Series[Bool] = pa.Field(
        description="The sentence says the event did not happen ('is not currently approved')."
    )
    surface: Series[Str] = pa.Field(
        description="The words stating the event ('approved', 'accelerated FDA approval'); raw_text[start:end] == surface."
    )
    indication: Series[Str] = pa.Field(
        nullable=True,
        description="What it is approved or recommended for, as written after 'for' or 'to treat' up to the end of the clause; NULL when not stated there.",
    )
    agent_ids: Series[StrList] = _agent_ids_field()
    trial_ids: Series[StrList] = _trial_ids_field()
    sentence: Series[Str] = _table_row_sentence_field()
    section_id: Series[Str] = _section_field()
    paragraph_id: Series[Str] = _paragraph_field(nullable=True)
    table_id: Series[Str] = table_id_field(
        "Table whose row states the event (an approval-year column, raw/vocabularies/table_facts.yaml); NULL for a sentence.",
        nullable=True,
    )
    row_index: Series[Int32] = pa.Field(
        nullable=True, ge=0, description="table_cells.row_index of that row; NULL for a sentence."
    )
    start: Series[Int32] = start_field("the words stating the event (a table's year cell)")
    end: Series[Int32] = end_field("the words stating the event")

    _check_span = pa.dataframe_check(spans_ordered)

    class Config:
        name = "regulatory_events"
        description = "One row per approval or guideline recommendation the review reports: body, kind, year, agents, indication."
        unique = ["doc_id", "event_id"]
        metadata = _metadata(TABLE_CAPTION_FK)


class AgentDevelopmentStages(TidyModel):
    doc_id: Series[Str] = doc_id_field()
    agent_id: Series[Str] = agent_id_field()
    stage: Series[Str] = pa.Field(
        isin=DEVELOPMENT_STAGES,
        description=(
            "Most advanced development stage the review states: approved (an approval that is not negated, or named the standard of care), "
            "phase_3, phase_2 or phase_1 ('phase N trial' about the agent; the higher number of 'phase 1/2'), or preclinical (preclinical, in vitro, in vivo, xenograft, mouse, animal or cell-line work). "
            "An agent the text says is in a clinical trial or tested in patients, or that a registry identifier in its sentence ties to, has reached at least the clinical stage: "
            "with no phase stated it is phase_1, the lowest clinical stage; so is an agent a table row lists as the drug of a trial, unless the row states a phase (Table 4). "
            "A trial only proposed or not yet started ('has been proposed ..., but recruitment has yet to begin') or negated ('has not been tested in ... patients') states no stage."
        ),
    )
    source: Series[Str] = pa.Field(
        isin=["text", "table"],
        description="Where the evidence is: text (a sentence) or table (a row of Tables 1-4 listing the agent as a trial's drug); the text wins over a table row stating the same stage.",
    )
    surface: Series[Str] = pa.Field(
        description="The words stating the stage ('approved', 'phase 3', 'preclinical', 'clinical trial', 'NCT04147819'; in a table the phase cell's 'Phase 1b/2' or the drug cell); raw_text[start:end] == surface."
    )
    sentence: Series[Str] = pa.Field(
        nullable=True,
        description="The sentence as written, whitespace collapsed, page breaks re-joined; NULL for a table row.",
    )
    section_id: Series[Str] = _section_field()
    paragraph_id: Series[Str] = _paragraph_field(nullable=True)
    table_id: Series[Str] = table_id_field(
        "Table of the evidence row; NULL for text.", nullable=True
    )
    row_index: Series[Int32] = pa.Field(
        nullable=True, ge=0, description="table_cells.row_index of the evidence row; NULL for text."
    )
    start: Series[Int32] = start_field("the words stating the stage")
    end: Series[Int32] = end_field("the words stating the stage")

    _check_span = pa.dataframe_check(spans_ordered)

    @pa.dataframe_check(
        description="text rows have a sentence and a paragraph, table rows a table row"
    )
    def evidence_place(cls, df):
        text = df["source"] == "text"
        return (
            (df["sentence"].notna() == text)
            & (df["paragraph_id"].notna() == text)
            & (df["table_id"].notna() == ~text)
            & (df["row_index"].notna() == ~text)
        )

    class Config:
        name = "agent_development_stages"
        description = "One row per agent the review places in development: the most advanced stage its prose or its tables state, with the evidence."
        unique = ["doc_id", "agent_id"]
        metadata = _metadata(AGENT_FK, TABLE_CAPTION_FK, lists=False)


class AdverseEvents(TidyModel):
    doc_id: Series[Str] = doc_id_field()
    adverse_event_id: Series[Str] = pa.Field(
        str_matches=r"^ae-\d{4,}$",
        description="Adverse-event mention id, ae-0001.. in document order.",
    )
    term: Series[Str] = pa.Field(
        description="The adverse event as written ('diarrhea', 'CRS'); raw_text[start:end] == term."
    )
    term_normalized: Series[Str] = pa.Field(
        str_matches=SNAKE_CASE,
        description="Normalised term from raw/vocabularies/adverse_event_terms.csv (diarrhoea, rash, cytokine_release_syndrome, ...); for a CTCAE term no curated entry covers, the CTCAE term in snake_case (alanine_aminotransferase_increased); for a table cell CTCAE does not know, the cell's words in snake_case.",
    )
    negated: Series[Bool] = pa.Field(
        description="The sentence says the event was not seen ('diarrhea has not been reported', 'no CRS') or was made less likely or less severe ('using ... FRP5 to reduce the chances of CRS', 'a lower risk of GVHD', '... key factors in CRS, were significantly decreased'): the row does not say the agent causes it."
    )
    agent_classes: Series[StrList] = pa.Field(
        description="Classes of agents the sentence names ('ADCs' -> antibody_drug_conjugate), ids from raw/vocabularies/agent_classes.csv (the same ids as agents.modality where one exists); empty when none."
    )
    agent_ids: Series[StrList] = _agent_ids_field()
    trial_ids: Series[StrList] = _trial_ids_field()
    sentence: Series[Str] = _table_row_sentence_field()
    section_id: Series[Str] = _section_field()
    paragraph_id: Series[Str] = _paragraph_field(nullable=True)
    table_id: Series[Str] = table_id_field(
        "Table whose adverse-events cell lists the term for the agent of its row (raw/vocabularies/table_facts.yaml); NULL for a sentence.",
        nullable=True,
    )
    row_index: Series[Int32] = pa.Field(
        nullable=True, ge=0, description="table_cells.row_index of that row; NULL for a sentence."
    )
    start: Series[Int32] = start_field("the term")
    end: Series[Int32] = end_field("the term")
    ctcae_term: Series[Str] = pa.Field(
        nullable=True,
        description="CTCAE v5.0 term the writing grades as (raw/vocabularies/ctcae/, with the curated synonyms of ctcae_synonyms.csv: 'hand-foot syndrome' -> Palmar-plantar erythrodysesthesia syndrome); NULL when no single term fits ('cardiotoxicity').",
    )
    meddra_code: Series[Str] = pa.Field(
        nullable=True,
        str_matches=r"^\d{8}$",
        description="MedDRA code of the CTCAE term (10033553); NULL with ctcae_term.",
    )
    meddra_soc: Series[Str] = pa.Field(
        nullable=True,
        description="MedDRA system organ class of the CTCAE term ('Skin and subcutaneous tissue disorders'); NULL with ctcae_term.",
    )

    _check_span = pa.dataframe_check(spans_ordered)

    class Config:
        name = "adverse_events"
        description = (
            "One row per adverse event the review associates with an agent or a class of agents."
        )
        unique = ["doc_id", "adverse_event_id"]
        metadata = _metadata(TABLE_CAPTION_FK)
