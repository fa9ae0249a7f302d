"""Regulatory events (regulatory_events): approvals and guideline recommendations, with the
body (curated regulatory_bodies.csv), year, indication and the agents or class approved.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd

from .quality import Flags
from .sentence_subjects import (
    CONNECTOR,
    PRONOUN,
    SentenceContext,
    Vocabularies,
    agent_group,
    clause_span,
    find_mentions,
    negated,
    numbered,
    row_base,
    unique,
)
from .source import Source
from .table_facts import FactRow

# --- Triggers, bodies, years, indications ------------------------------------------------

# The words that state an event and its kind come from raw/vocabularies/regulatory_cues.csv
# (`regulatory_kinds`): "approved", "FDA-approved", "accelerated FDA approval",
# "withdrawn from the market", "breakthrough therapy designation", "clinical hold",
# "recommended in the ASCO guidelines".


@dataclass(frozen=True)
class Trigger:
    """A cue found in a sentence, read like a regular-expression match."""

    kind: str
    begin: int
    stop: int
    text: str

    def start(self) -> int:
        return self.begin

    def end(self) -> int:
        return self.stop

    def group(self) -> str:
        return self.text


GUIDELINE = re.compile(r"\bguidelines?\b", re.IGNORECASE)
# "approved the use of margetuximab", "approval of RC48", "approved the CD19 CAR therapy":
# the agent follows the trigger.
OBJECT_GAP = re.compile(r"\s+(?:the\s+use\s+of\s+|of\s+|the\s+)?")
# "it was not until 2017 that the FDA approved ...": an "it" that points at nothing.
EXPLETIVE_IT = re.compile(r"\bit\s+(?:was|is|has\s+been)\s+(?:not\s+)?(?:until|only)\b", re.I)
# The indication follows "for" or "to treat" and runs to the end of the clause.
INDICATION_START = re.compile(r"\b(?:for|to treat)\s+")
INDICATION_STOP = re.compile(
    r"\s*(?:\[|\(NCT|;|,\s+(?:and|but|which|in which|whereas)\b|\s+based on\b|\s+since\b|\.$)"
)
YEAR = re.compile(r"\b(?:19|20)\d{2}\b")


def _years_outside_brackets(text: str, begin: int, end: int) -> list[re.Match]:
    out = []
    for m in YEAR.finditer(text, begin, end):
        before = text[: m.start()]
        if before.count("[") > before.count("]") or before.count("(") > before.count(")"):
            continue  # a citation or an identifier, not a date
        out.append(m)
    return out


def _regulatory_agents(
    ctx: SentenceContext, clause: tuple[int, int], trigger: Trigger
) -> list[str]:
    """Agents an approval is about: named before it in the clause ("tucatinib was approved"),
    right after it ("approved the use of margetuximab"), or referred to by a pronoun ("This
    was the first TKI approved", "and it has been approved"): the paragraph's label agent,
    else the previous sentence's subject."""
    begin, _ = clause
    before = [m for m in ctx.agents if begin <= m.begin and m.end <= trigger.start()]
    if before:
        first = ctx.agents.index(before[-1])
        while first > 0 and ctx.agents[first - 1] in before:
            gap = ctx.text[ctx.agents[first - 1].end : ctx.agents[first].begin]
            if not CONNECTOR.fullmatch(gap):
                break
            first -= 1
        return unique(m.entity for m in agent_group(ctx.text, ctx.agents, first))
    after = [m for m in ctx.agents if m.begin >= trigger.end()]
    if after and OBJECT_GAP.fullmatch(ctx.text[trigger.end() : after[0].begin]):
        return [after[0].entity]
    before = EXPLETIVE_IT.sub("", ctx.text[begin : trigger.start()])
    if PRONOUN.search(before):
        return list(ctx.referent)
    return []


def _qualifies_class(ctx: SentenceContext, trigger: Trigger, vocab: Vocabularies) -> bool:
    """True when a class of agents follows the cue right away ("approved ADCs")."""
    after = ctx.text[trigger.end() : trigger.end() + 60]
    return any(
        m.begin > 0 and not after[: m.begin].strip() for m in find_mentions(vocab.classes, after)
    )


def _indication(text: str, at: int, clause_end: int) -> tuple[int, int] | None:
    m = INDICATION_START.search(text, at, clause_end)
    if m is None or not re.fullmatch(r"[\w\s,-]*", text[at : m.start()]):
        return None  # "for" must follow the trigger's own phrase ("by the FDA in 2020")
    stop = INDICATION_STOP.search(text, m.end(), len(text))
    end = min(stop.start() if stop else clause_end, clause_end)
    if end <= m.end():
        return None
    return m.end(), end


def regulatory_events(
    contexts: list[SentenceContext],
    vocab: Vocabularies,
    source: Source,
    flags: Flags,
    fact_rows: list[FactRow] | None = None,
    captions: dict[str, tuple[str | None, str]] | None = None,
) -> pd.DataFrame:
    """Return one row per regulatory event of named agents: from the prose, and from the
    tables' approval-year columns (`fact_rows`)."""
    rows = []
    for ctx in contexts:
        bodies = [(m, ctx.text[m.begin : m.end]) for m in find_mentions(vocab.bodies, ctx.text)]
        for cue in vocab.cues.find(ctx.text):
            trigger = Trigger(cue.kind, cue.start, cue.end, cue.surface)
            row = _event(ctx, trigger, bodies, vocab, source, flags)
            if row is not None:
                rows.append(row)
    rows += _table_events(fact_rows or [], vocab, source, captions or {})
    rows.sort(key=lambda r: (r["start"], r["end"]))
    table = numbered(rows, "event_id", "regulatory", REGULATORY_COLUMNS)
    return table.astype({"year": "Int64", "row_index": "Int64"})


def _table_events(
    fact_rows: list[FactRow], vocab: Vocabularies, source: Source, captions: dict
) -> list[dict]:
    """The event of each table row with a year in its approval-year column: of the
    layout's kind, with the row's indication cell and the body the caption names."""
    rows = []
    for fact in fact_rows:
        year = fact.year()
        if year is None:
            continue
        section_id, caption = captions.get(fact.table_id, (None, ""))
        bodies = find_mentions(vocab.bodies, caption)
        indication = fact.cells.get("indication")
        rows.append(
            {
                "doc_id": source.doc_id,
                "body": bodies[0].entity if bodies else None,
                "body_text": caption[bodies[0].begin : bodies[0].end] if bodies else None,
                "kind": fact.event_kind,
                "year": year[0],
                "negated": False,
                "surface": source.text[year[1] : year[2]],
                "indication": " ".join(indication.text.split()) if indication else None,
                "agent_ids": list(fact.agent_ids),
                "trial_ids": [],
                "sentence": None,
                "section_id": section_id,
                "paragraph_id": None,
                "table_id": fact.table_id,
                "row_index": fact.row_index,
                "start": year[1],
                "end": year[2],
            }
        )
    return rows


def _event(
    ctx: SentenceContext,
    trigger: Trigger,
    bodies: list[tuple],
    vocab: Vocabularies,
    source: Source,
    flags: Flags,
) -> dict | None:
    """The event a trigger word states, with its body, year and indication; None for a
    recommendation that is no guideline's, or (flagged) an event of no named agent."""
    text = ctx.text
    clause = clause_span(text, trigger.start())
    in_clause = [(m, t) for m, t in bodies if clause[0] <= m.begin < clause[1]]
    kind = trigger.kind
    if kind == "guideline_recommendation":
        guideline = [(m, t) for m, t in in_clause if _is_guideline(m.entity, vocab)]
        if not guideline and not GUIDELINE.search(text, *clause):
            return None  # "the recommended dose of utomilumab"
        in_clause = guideline or in_clause
    base = row_base(ctx, source.doc_id, trigger.start(), trigger.end())
    # "the clinically approved ADCs", "all of the FDA approved ADCs": the cue qualifies a
    # class of agents, whatever agents the clause names
    agents = (
        [] if _qualifies_class(ctx, trigger, vocab) else _regulatory_agents(ctx, clause, trigger)
    )
    if not agents:
        _flag_without_agent(ctx, trigger, clause, base, vocab, flags)
        return None
    body = min(in_clause, key=lambda b: abs(b[0].begin - trigger.start()), default=None)
    years = _years_outside_brackets(text, *clause)
    year = min(years, key=lambda y: abs(y.start() - trigger.start()), default=None)
    indication = _indication(text, trigger.end(), clause[1])
    return {
        **base,
        "body": body[0].entity if body else None,
        "body_text": body[1] if body else None,
        "kind": kind,
        "year": int(year.group()) if year else None,
        "negated": negated(text, trigger.start(), trigger.end()),
        "surface": source.text[base["start"] : base["end"]],
        "indication": text[slice(*indication)] if indication else None,
        "agent_ids": agents,
        "trial_ids": list(ctx.trial_ids),
        "table_id": None,
        "row_index": None,
    }


def _flag_without_agent(
    ctx: SentenceContext,
    trigger: Trigger,
    clause: tuple[int, int],
    base: dict,
    vocab: Vocabularies,
    flags: Flags,
) -> None:
    """A class ("14 FDA-approved ADCs", "the FDA has not approved any vaccines") or an
    unnamed product: flagged, not published (agent_ids would be empty)."""
    text = ctx.text
    classes = unique(m.entity for m in find_mentions(vocab.classes, text[slice(*clause)]))
    said = "; ".join(
        [f"classes named: {', '.join(classes)}"] * bool(classes)
        + ["negated"] * negated(text, trigger.start(), trigger.end())
    )
    flags.add(
        "regulatory_event_without_agent",
        "info",
        trigger.group(),
        "approval or recommendation of no named agent (a class, or unnamed); "
        "left out of regulatory_events" + (f" ({said})" if said else ""),
        base["start"],
        base["end"],
        "regulatory_events",
    )


def _is_guideline(body: str, vocab: Vocabularies) -> bool:
    return vocab.body_types.get(body) == "guideline_body"


REGULATORY_COLUMNS = [
    "doc_id",
    "event_id",
    "body",
    "body_text",
    "kind",
    "year",
    "negated",
    "surface",
    "indication",
    "agent_ids",
    "trial_ids",
    "sentence",
    "section_id",
    "paragraph_id",
    "table_id",
    "row_index",
    "start",
    "end",
]
