"""Text-derived annotations (stage "annotations"): abbreviations, adverse events,
regulatory events, agents' development stages and quantitative findings, each row tied
to its sentence, its raw offsets and the agents and trials it concerns.

Rules read the structure of sentences (clauses, connectors, a drug paragraph's label such
as "Poziotinib." that the following sentences talk about; see `sentence_subjects`); every
term they look for is curated data in raw/vocabularies/ (agents.csv,
adverse_event_terms.csv, agent_classes.csv, regulatory_bodies.csv, measures.csv),
validated when loaded. What the review's tables say (a table row's drug, its trial and
phase, the agents of a trial) and which trials the prose names come from the
review_tables and entities stages' interim tables (see `evidence`). One module per table:
`adverse_events`, `regulatory_events`, `development_stages`, `findings`; this one runs
them and keeps the abbreviations.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from .abbreviations import abbreviations, count_uses
from .adverse_events import adverse_events
from .development_stages import development_stages
from .evidence import entity_evidence
from .findings import findings
from .layout import Layout, read_layout
from .quality import Flags
from .regulatory_events import regulatory_events
from .sentence_subjects import (
    Vocabularies,
    find_mentions,
    load_vocabularies,
    sentence_contexts,
    unique,
)
from .sentences import document_sentences
from .source import Source
from .table_facts import fact_rows

STAGE = "annotations"


# --- Abbreviations: quality flags and agents ------------------------------------------------


def link_abbreviations(table: pd.DataFrame, vocab: Vocabularies) -> pd.DataFrame:
    """Add agent_ids (agents whose name is the short or the long form) and trial_ids."""
    agent_ids = []
    for r in table.itertuples():
        ids = []
        for form in (r.long, r.short):
            ids += [
                m.entity for m in find_mentions(vocab.agents, form) if m.end - m.begin == len(form)
            ]
        agent_ids.append(unique(ids))
    out = table.copy()
    out["agent_ids"] = agent_ids
    out["trial_ids"] = [[] for _ in range(len(out))]
    return out


def abbreviation_flags(table: pd.DataFrame, layout: Layout, flags: Flags) -> None:
    """Flag short forms defined twice, used before their definition, or never used."""
    raw = layout.source.text
    for short, rows in table.groupby("short", sort=False):
        first = rows.iloc[0]
        # The front matter (Abstract) and the body each define their abbreviations (the
        # journal's rule): a redefinition is a second definition within either.
        in_body = rows["section_id"].notna()
        longs = sorted({long.lower() for long in rows["long"]})
        if in_body.sum() > 1 or (~in_body).sum() > 1 or len(longs) > 1:
            again = rows[in_body].iloc[1] if in_body.sum() > 1 else rows.iloc[1]
            if (~in_body).sum() > 1 and in_body.sum() <= 1:
                again = rows[~in_body].iloc[1]
            flags.add(
                "abbreviation_redefined",
                "info",
                short,
                f"{short} is defined {len(rows)} times"
                + (f" with different long forms: {longs}" if len(longs) > 1 else ""),
                int(again["short_start"]),
                int(again["short_end"]),
                "abbreviations",
            )
        before = count_uses(raw, short, layout.body_start, int(first["start"]))
        if first["section_id"] is not None and not pd.isna(first["section_id"]) and before:
            flags.add(
                "abbreviation_used_before_definition",
                "info",
                short,
                f"{short} is used {before} time(s) in the body before it is defined",
                int(first["short_start"]),
                int(first["short_end"]),
                "abbreviations",
            )
        if int(rows["n_later_uses"].sum()) == 0:
            flags.add(
                "abbreviation_never_used",
                "info",
                short,
                f"{short} is defined but never used afterwards",
                int(first["short_start"]),
                int(first["short_end"]),
                "abbreviations",
            )


def extract(
    source: Source, vocabularies: str | Path, inputs: Mapping[str, pd.DataFrame]
) -> dict[str, pd.DataFrame]:
    """Return the annotation tables of `source` and the quality flags raised on the way,
    reading the tidy tables and the entities stage's trial_mentions and table_links from
    `inputs` (see tidyreview.stages)."""
    folder = Path(vocabularies)
    layout = read_layout(source)
    sentences = document_sentences(layout)
    flags = Flags(source, STAGE)
    abbr = abbreviations(layout, sentences)
    abbreviation_flags(abbr, layout, flags)
    vocab = load_vocabularies(folder, abbr, inputs.get("agents"))
    refs, tables = entity_evidence(source, folder, inputs)
    contexts = sentence_contexts(sentences, vocab, refs)
    facts = fact_rows(inputs.get("table_cells"), inputs.get("agent_mentions"), vocab.table_facts)
    captions = {t.table_id: (t.caption.section_id, t.caption.text) for t in layout.tables}
    sections = {t: c[0] for t, c in captions.items()}
    events = regulatory_events(contexts, vocab, source, flags, facts, captions)
    return {
        "abbreviations": link_abbreviations(abbr, vocab),
        "findings": findings(contexts, vocab, source, tables),
        "adverse_events": adverse_events(contexts, vocab, abbr, source, flags, facts, sections),
        "regulatory_events": events,
        "agent_development_stages": development_stages(contexts, events, source, tables.stages),
        "quality_flags": flags.frame(),
    }


def default_vocabularies() -> Path:
    """The repository's raw/vocabularies/ folder."""
    return Path(__file__).resolve().parents[2] / "raw" / "vocabularies"
