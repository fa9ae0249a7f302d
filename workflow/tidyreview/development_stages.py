"""Agents' development stages (agent_development_stages): per agent, the most advanced stage
the review states. In short, an agent the text says is tested in a clinical trial or in
patients, or that a registry identifier in its sentence ties to, or that a table row
lists as a trial's drug, has reached at least the clinical stage: phase_1 (the lowest)
when no phase is stated; a trial only proposed or not started, or a negated one, states
nothing (see `development_stages`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from itertools import chain

import pandas as pd

from .evidence import TableStage
from .sentence_subjects import (
    TRIAL_REFERENCE,
    SentenceContext,
    agent_group,
    clause_span,
    negated,
    row_base,
    unique,
)
from .source import Source

# A trial phase as written, then the trial it qualifies: "phase 3 trial", "Phase 1b study",
# "phase 1/2 clinical trial", "phase 1b/2 trial", "phase 1a/b clinical trial", "phase 1 CCTG
# IND.229 clinical trial" (not "the development of a phase 2": a trial still to come).
PHASE = re.compile(
    r"\b[Pp]hase\s*(?P<first>[1-4])[ab]?(?:\s*/\s*(?:(?P<second>[1-4])[ab]?|[ab]))?\b"
    r"(?=(?:\s+[\w.-]+){0,2}?\s+(?:clinical\s+)?(?:trials?|stud(?:y|ies))\b)"
)
# A first-in-human trial is a phase 1 trial.
FIRST_IN_HUMAN = re.compile(r"\bfirst-in-human\b", re.IGNORECASE)
# Evidence of preclinical work: cells, animals, preclinical models.
PRECLINICAL = re.compile(
    r"\bpreclinical\b|\bin vitro and in vivo\b|\bin vivo\b|\bin vitro\b|\bxenografts?\b"
    r"|\bPDX\b|\b(?:mouse|animal) models?\b|\bmice\b|\bmouse\b|\bmurine\b|\banimals\b"
    r"|\bcell lines?\b|\b[\w+-]+(?:-expressing|-resistant)\s+models\b",
    re.IGNORECASE,
)
# Evidence of clinical study that states no phase: a trial ("the HERMIONE clinical trial",
# "three clinical trials in ... patients exploring the MRG002 effect") or testing in
# patients ("is currently being tested in patients with ..."). The agent has reached at
# least the lowest clinical stage, phase_1; so has one a registry identifier in its
# sentence ties to, and one of a trial named in the sentence before ("The first one
# analyzes ...", "In this trial, ...", see TRIAL_REFERENCE).
CLINICAL = re.compile(
    r"\b(?:clinical\s+)?trials?\b|\bclinical\s+stud(?:y|ies)\b"
    r"|\b(?:tested|evaluated|studied|investigated|administered|given)\s+(?:in|to)\s+"
    r"(?:[\w+/-]+\s+){0,6}?(?:patients|subjects|participants)\b",
    re.IGNORECASE,
)


# A trial only proposed or not started states no stage ("A phase 1 clinical trial has been
# proposed in 2021, but recruitment has yet to begin"); for evidence without a phase a
# modal verb in the clause also says it has not happened ("a prospective clinical trial
# should be designed", "may be tested in HER2-low subjects"). A phase trial with a modal
# ("A phase 2 study, in which subjects will receive ..., is being conducted") has started.
NOT_STARTED = re.compile(r"\b(?:proposed|planned|yet\s+to|not\s+yet)\b", re.IGNORECASE)
MODAL = re.compile(r"\b(?:should|would|could|may|might|will)\b", re.IGNORECASE)
# The agent a trial studies, named after a verb of study: "to study the safety of
# IMM2902", "that studied the anti-B7-H4 antibody FPA150", "to explore PRS-343" (not
# "tested in combination with trastuzumab": a partner).
STUDY_OBJECT = re.compile(
    r"\b(?:stud(?:y|ies|ied|ying)|test(?:s|ed|ing)?|evaluat(?:e|es|ed|ing)"
    r"|explor(?:e|es|ed|ing)|investigat(?:e|es|ed|ing))"
    r"(?:\s+(?!(?:in|into|with|to|for|than|after|by|plus|and|or)\b)[\w-]+){0,4}?\s+$",
    re.IGNORECASE,
)


# An agent stated to be the standard of care is in clinical use, i.e. approved:
# "Trastuzumab ... has become the standard of care treatment" (the sentence's subject) or
# "the standard of care treatment is trastuzumab", "the standard of care (trastuzumab plus
# pertuzumab ...)" (the agents right after it). "could not compete with the standard of
# care" or "progressing after standard of care therapy" state nothing about an agent.
STANDARD_OF_CARE_SUBJECT = re.compile(
    r"\b(?:is|are|has become|have become|became)\s+the\s+(?:current\s+)?standard of care\b"
)
STANDARD_OF_CARE_OBJECT = re.compile(r"\bstandard of care(?:\s+treatment)?(?=\s+is\b|\s*\()")
STAGE_RANK = {"approved": 5, "phase_3": 4, "phase_2": 3, "phase_1": 2, "preclinical": 1}


def _stage_agents(ctx: SentenceContext) -> list[str]:
    """The agent a sentence's stage cues are about: the one a verb of study names ("to
    study the safety of IMM2902"), else the first subject agent (the one under study, not
    its partners: "DZD1516 in combination with trastuzumab and capecitabine"), with any
    name in apposition to it ("the HER2-CAR-M CT-0508": both)."""
    studied = [m for m in ctx.agents if STUDY_OBJECT.search(ctx.text[: m.begin])]
    if studied:
        first = studied[0]
    elif not ctx.subject:
        return []
    else:
        named = [m for m in ctx.agents if m.entity == ctx.subject[0]]
        if not named:  # "This ADC ...": named in an earlier sentence
            return [ctx.subject[0]]
        first = named[0]
    out, last = [first.entity], first
    for m in ctx.agents[ctx.agents.index(first) + 1 :]:
        if not ctx.text[last.end : m.begin].isspace():
            break
        out.append(m.entity)
        last = m
    return unique(out)


def _has_happened(text: str, begin: int, end: int, phase_stated: bool) -> bool:
    """False if the words text[begin:end] speak of a trial or test that is negated ("there
    is no trial", "has not been tested in ... patients") or has not started (NOT_STARTED,
    and MODAL for evidence that states no phase)."""
    if negated(text, begin, end):
        return False
    clause = text[slice(*clause_span(text, begin))]
    return not (NOT_STARTED.search(clause) or (not phase_stated and MODAL.search(clause)))


def _text_cues(ctx: SentenceContext) -> list[tuple[str, int, int]]:
    """(stage, begin, end) of every stage cue of a sentence (see `development_stages`)."""
    text = ctx.text
    cues = []
    for m in PHASE.finditer(text):
        if _has_happened(text, m.start(), m.end(), phase_stated=True):
            number = max(int(m["first"]), int(m["second"] or 0))
            cues.append((f"phase_{min(number, 3)}", m.start(), m.end()))
    cues += [("phase_1", m.start(), m.end()) for m in FIRST_IN_HUMAN.finditer(text)]
    cues += [("preclinical", m.start(), m.end()) for m in PRECLINICAL.finditer(text)]
    cues += [("approved", m.start(), m.end()) for m in STANDARD_OF_CARE_SUBJECT.finditer(text)]
    clinical = [(m.start(), m.end()) for m in CLINICAL.finditer(text)]
    clinical += [(t.begin, t.end) for t in ctx.trials]  # registry ids, tied study names
    if ctx.referent_trials and (m := TRIAL_REFERENCE.match(text)):
        clinical.append((m.start(), m.end()))
    for begin, end in sorted(clinical):
        if _has_happened(text, begin, end, phase_stated=False):
            cues.append(("phase_1", begin, end))
    return cues


def development_stages(
    contexts: list[SentenceContext],
    events: pd.DataFrame,
    source: Source,
    table_rows: list[TableStage] | None = None,
) -> pd.DataFrame:
    """Return, per agent, the most advanced development stage the review states.

    From the prose: approved: a regulatory approval of the agent that is not negated, or
    the agent named as the standard of care; phase_N: "phase N trial" in a sentence about
    the agent (the higher number of "phase 1/2"); phase_1 also for a first-in-human trial
    and for clinical evidence that states no phase (CLINICAL: a trial, testing in
    patients, a registry identifier in the sentence, a trial named in the sentence before);
    preclinical: preclinical, in vitro, in vivo, xenograft, mouse, animal or cell-line
    work. A sentence's cues go to the agent a verb of study names, else to its first
    subject agent (see `_stage_agents`); negated trials and trials not started count for
    nothing. From the tables: an agent a table row lists as the drug of a trial is in
    clinical study, at the phase the row states (Table 4), else phase_1. The evidence is
    the first place stating the best stage, the prose before the tables.
    """
    best: dict[str, dict] = {}
    offers = chain(
        _approval_offers(events),
        _text_offers(contexts, source),
        _table_offers(table_rows or [], source),
    )
    for agent, stage, row in offers:
        if agent not in best or STAGE_RANK[stage] > STAGE_RANK[best[agent]["stage"]]:
            best[agent] = {
                "doc_id": source.doc_id,
                "agent_id": agent,
                "stage": stage,
                "source": "text",
                "table_id": None,
                "row_index": None,
                **row,
            }
    rows = sorted(best.values(), key=lambda r: r["agent_id"])
    return pd.DataFrame(rows, columns=STAGE_COLUMNS).astype({"row_index": "Int64"})


Offer = tuple[str, str, dict]  # agent_id, stage, evidence columns


# The kinds of regulatory event that make an agent approved. A withdrawal, a clinical
# hold or a designation (breakthrough therapy, fast track) states no stage by itself: a
# withdrawn drug was approved once, but the review may say it of an application, and an
# agent on hold or designated is in trials whose phase the text states elsewhere.
APPROVAL_KINDS = {"approval", "accelerated_approval", "conditional_approval", "reapproval"}


def _approval_offers(events: pd.DataFrame) -> Iterator[Offer]:
    """Approved: each agent of a regulatory approval that is not negated, stated in a
    sentence or in a table row (an approval-year column: see `table_facts`)."""
    for e in events.itertuples():
        if e.negated or e.kind not in APPROVAL_KINDS:
            continue
        table_id = getattr(e, "table_id", None)
        from_table = table_id is not None and not pd.isna(table_id)
        for agent in e.agent_ids:
            evidence = {
                "surface": e.surface,
                "sentence": None if from_table else e.sentence,
                "section_id": e.section_id,
                "paragraph_id": None if from_table else e.paragraph_id,
                "start": e.start,
                "end": e.end,
            }
            if from_table:
                evidence |= {"source": "table", "table_id": table_id, "row_index": e.row_index}
            yield agent, "approved", evidence


def _text_offers(contexts: list[SentenceContext], source: Source) -> Iterator[Offer]:
    """The standard of care (approved), then each sentence's stage cues for its agents."""

    def text_row(ctx: SentenceContext, begin: int, end: int) -> dict:
        base = row_base(ctx, source.doc_id, begin, end)
        base.pop("doc_id")
        return {**base, "surface": source.text[base["start"] : base["end"]]}

    for ctx in contexts:
        for m in STANDARD_OF_CARE_OBJECT.finditer(ctx.text):
            named = [a for a in ctx.agents if a.begin >= m.end()]
            for agent in agent_group(ctx.text, named):
                yield agent.entity, "approved", text_row(ctx, m.start(), m.end())
        agents = _stage_agents(ctx)
        if not agents:
            continue
        for stage, begin, end in _text_cues(ctx):
            for agent in agents:
                yield agent, stage, text_row(ctx, begin, end)


def _table_offers(table_rows: list[TableStage], source: Source) -> Iterator[Offer]:
    """The drug of a table row: at the phase the row states, else phase_1."""
    for t in table_rows:
        evidence = {
            "source": "table",
            "table_id": t.table_id,
            "row_index": t.row_index,
            "surface": source.text[t.start : t.end],
            "sentence": None,
            "section_id": t.section_id,
            "paragraph_id": None,
            "start": t.start,
            "end": t.end,
        }
        yield t.agent_id, t.stage, evidence


STAGE_COLUMNS = [
    "doc_id",
    "agent_id",
    "stage",
    "source",
    "surface",
    "sentence",
    "section_id",
    "paragraph_id",
    "table_id",
    "row_index",
    "start",
    "end",
]
