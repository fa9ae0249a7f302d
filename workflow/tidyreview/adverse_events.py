"""Adverse events (adverse_events): each term of the curated adverse-event vocabulary (or a
short form the text defines for one), and each CTCAE v5.0 term or curated synonym nobody
listed (`ctcae.Ctcae.find`), in a body sentence, with the agents or class the sentence is
about, negated and mitigated mentions marked; and each term a table lists in an
adverse-events column for the agent of its row (`table_facts`). Every row is normalised
to CTCAE v5.0 (ctcae_term, meddra_code, meddra_soc; NULL where no term fits).
"""

from __future__ import annotations

import re

import pandas as pd

from .ctcae import Ctcae
from .quality import Flags
from .sentence_subjects import (
    Mention,
    SentenceContext,
    Vocabularies,
    clause_span,
    find_mentions,
    negated,
    numbered,
    row_base,
    unique,
)
from .source import Source
from .table_facts import FactRow

# An adverse event the sentence says is made less likely or less severe counts as not
# caused: "using ... FRP5 to reduce the chances of CRS", "a lower risk of GVHD" (a reducing
# verb right before the term, maybe with "the chances/risk/incidence of") ...
MITIGATION_BEFORE = re.compile(
    r"\b(?:reduc(?:e|es|ed|ing)|decreas(?:e|es|ed|ing)|lower(?:s|ed|ing)?|minimi[sz](?:e|es|ed|ing)"
    r"|avoid(?:s|ed|ing)?|prevent(?:s|ed|ing)?)\s+(?:the\s+)?"
    r"(?:(?:chances?|risk|incidence|rate|frequency|severity|likelihood)\s+of\s+)?$",
    re.IGNORECASE,
)
# ... or, later in its clause, a statement that it (or what causes it) went down: "the
# inflammatory cytokines ..., which are key factors in CRS, were significantly decreased".
MITIGATION_AFTER = re.compile(
    r"^[^;]*?\b(?:was|were|is|are)\s+(?:\w+ly\s+)?"
    r"(?:decreased|reduced|lowered|diminished|prevented|avoided)\b",
    re.IGNORECASE,
)


def mitigated(text: str, begin: int, end: int) -> bool:
    """True if the sentence says the event text[begin:end] was made less likely or less
    severe ("to reduce the chances of CRS", "..., key factors in CRS, were significantly
    decreased"): see MITIGATION_BEFORE and MITIGATION_AFTER."""
    _, clause_end = clause_span(text, begin)
    return bool(MITIGATION_BEFORE.search(text[max(0, begin - 60) : begin])) or bool(
        MITIGATION_AFTER.match(text[end:clause_end])
    )


# --- Adverse events -----------------------------------------------------------------------


def adverse_events(
    contexts: list[SentenceContext],
    vocab: Vocabularies,
    abbr: pd.DataFrame,
    source: Source,
    flags: Flags,
    fact_rows: list[FactRow] | None = None,
    table_sections: dict[str, str | None] | None = None,
) -> pd.DataFrame:
    """Return one row per adverse-event term tied to an agent or a class of agents (from
    the prose, and from the tables' adverse-events columns: `fact_rows`)."""
    defined_shorts = {(int(r.short_start), int(r.short_end)) for r in abbr.itertuples()}
    raw = source.text
    rows = []
    for ctx in contexts:
        text = ctx.text
        found = find_mentions(vocab.adverse_events, text)
        found += find_mentions(vocab.short_forms.get("adverse_events"), text)
        found += _unlisted_ctcae_terms(vocab.ctcae, text, found)
        classes = unique(m.entity for m in find_mentions(vocab.classes, text))
        for m in sorted(found, key=lambda m: m.begin):
            base = row_base(ctx, source.doc_id, m.begin, m.end)
            if (base["start"], base["end"]) in defined_shorts:
                continue  # "(CRS)" right after "cytokine release syndrome" is the same event
            term = raw[base["start"] : base["end"]]
            if not ctx.subject and not classes:
                flags.add(
                    "adverse_event_unattributed",
                    "info",
                    term,
                    "adverse event named without an agent or class of agents in its sentence "
                    "or paragraph; left out of adverse_events",
                    base["start"],
                    base["end"],
                    "adverse_events",
                )
                continue
            rows.append(
                {
                    **base,
                    "term": term,
                    "term_normalized": m.entity,
                    "negated": negated(text, m.begin, m.end) or mitigated(text, m.begin, m.end),
                    "agent_classes": classes,
                    "agent_ids": list(ctx.subject),
                    "trial_ids": list(ctx.trial_ids),
                    "table_id": None,
                    "row_index": None,
                }
            )
    rows += _table_rows(fact_rows or [], vocab, source, table_sections or {})
    rows.sort(key=lambda r: (r["start"], r["end"], r["agent_ids"]))
    table = numbered(rows, "adverse_event_id", "ae", AE_COLUMNS)
    return _with_ctcae(table, vocab.ctcae).astype({"row_index": "Int64"})


# A disease the agent treats is no adverse event of it: "approved ... for the treatment of
# thrombotic thrombocytopenic purpura", "to treat anemia", "patients with neutropenia".
INDICATION_BEFORE = re.compile(
    r"\b(?:treatment\s+of|to\s+treat|treating|patients\s+with|indicated\s+for)"
    r"(?:\s+[\w-]+){0,3}\s+$",
    re.IGNORECASE,
)


def _unlisted_ctcae_terms(ctcae: Ctcae, text: str, found: list[Mention]) -> list[Mention]:
    """CTCAE terms (and curated synonyms) in the sentence that no curated term covers and
    that are not what an agent treats, each normalised to its CTCAE term's snake_case
    name."""
    taken = [(m.begin, m.end) for m in found]
    return [
        Mention(f.start, f.end, snake_case(f.term.ctcae_term))
        for f in ctcae.find(text)
        if not any(f.start < e and b < f.end for b, e in taken)
        and not INDICATION_BEFORE.search(text[max(0, f.start - 80) : f.start])
    ]


def snake_case(term: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", term.casefold()).strip("_")


def _table_rows(
    fact_rows: list[FactRow], vocab: Vocabularies, source: Source, sections: dict
) -> list[dict]:
    """One row per term of a table's adverse-events cell x agent of its row."""
    rows = []
    for fact in fact_rows:
        for cell in fact.adverse_events():
            whole = [
                m
                for m in find_mentions(vocab.adverse_events, cell.text)
                if m.end - m.begin == len(cell.text)
            ]
            found = vocab.ctcae.normalise(cell.text)
            if whole:
                normalized = whole[0].entity
            elif found:
                normalized = snake_case(found.ctcae_term)
            else:
                normalized = snake_case(cell.text) or "unspecified"
            for agent in fact.agent_ids:
                rows.append(
                    {
                        "doc_id": source.doc_id,
                        "term": source.text[cell.start : cell.end],
                        "term_normalized": normalized,
                        "negated": False,
                        "agent_classes": [],
                        "agent_ids": [agent],
                        "trial_ids": [],
                        "sentence": None,
                        "section_id": sections.get(fact.table_id),
                        "paragraph_id": None,
                        "table_id": fact.table_id,
                        "row_index": fact.row_index,
                        "start": cell.start,
                        "end": cell.end,
                    }
                )
    return rows


def _with_ctcae(table: pd.DataFrame, ctcae: Ctcae) -> pd.DataFrame:
    """Add ctcae_term, meddra_code and meddra_soc: the CTCAE term the writing grades as,
    else the one its normalised term does (NULL when neither fits)."""
    written = ctcae.columns(table["term"])
    normalized = ctcae.columns(table["term_normalized"].str.replace("_", " "))
    out = table.copy()
    for column in ("ctcae_term", "meddra_code", "meddra_soc"):
        out[column] = written[column].where(written[column].notna(), normalized[column])
    return out[AE_COLUMNS + ["ctcae_term", "meddra_code", "meddra_soc"]]


AE_COLUMNS = [
    "doc_id",
    "adverse_event_id",
    "term",
    "term_normalized",
    "negated",
    "agent_classes",
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
