"""Adverse events (adverse_events): each term of the curated adverse-event vocabulary (or a
short form the text defines for one) in a body sentence, with the agents or class the
sentence is about, negated and mitigated mentions marked.
"""

from __future__ import annotations

import re

import pandas as pd

from .quality import Flags
from .sentence_subjects import (
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
) -> pd.DataFrame:
    """Return one row per adverse-event term tied to an agent or a class of agents."""
    defined_shorts = {(int(r.short_start), int(r.short_end)) for r in abbr.itertuples()}
    raw = source.text
    rows = []
    for ctx in contexts:
        text = ctx.text
        found = find_mentions(vocab.adverse_events, text)
        found += find_mentions(vocab.short_forms.get("adverse_events"), text)
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
                }
            )
    return numbered(rows, "adverse_event_id", "ae", AE_COLUMNS)


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
    "start",
    "end",
]
