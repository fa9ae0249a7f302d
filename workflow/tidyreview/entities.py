"""Agents and trials as entities linked across the text and the tables (stage "entities").

Tables: agents (the curated lexicon, DrugBank and name rules: `agent_vocabulary`), agent_mentions, trials, named_studies,
trial_mentions, trial_agents and the stage's quality_flags.

Where names are looked for: the Simple Summary and Abstract, section headings, body
paragraphs (page breaks included), captions and table cells; never the reference list
(read only to check that the text spells the study names it cites as the references do).

Which agents a trial tests (trial_agents): its table rows, then the clause of a sentence
naming it, the sentence right after it ("In this trial, ...", "The second one ..."), and,
for a trial nothing else links, its paragraph (see `trial_agents.TextLinks.links`). The
phase and status a table states go to trials.phase/status; those only the prose states
go to trials.text_phase/text_status.

Everything the code knows about particular drugs and studies comes from the curated
vocabularies in raw/vocabularies/ (agents.csv, not_agents.csv, named_studies.csv) and from
the tables stage (acronyms, labels, phases); the rules below only know the shape of names,
identifiers and sentences.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from . import trial_agents, trials
from .agent_mentions import (
    Mention,
    Scan,
    agent_mentions_frame,
    drop_study_codes,
    scan_document,
    without_rule_agents,
)
from .lexicon import AGENTS_FILE, NAMED_STUDIES_FILE, load_named_studies
from .name_flags import (
    component_approval_flags,
    drug_cell_flags,
    malformed_id_flags,
    reference_agent_flags,
    reference_spelling_flags,
    spelling_flags,
    study_flags,
    unknown_name_flags,
)
from .quality import Flags
from .source import Source
from .trial_flags import (
    CANCER_SITES_FILE,
    CancerSites,
    coverage_flags,
    fact_flags,
    group_status_flags,
    listed_count_flags,
    load_cancer_sites,
    table_reference_flags,
)

STAGE = "entities"


def uncurated_agent_flags(scan: Scan, flags: Flags) -> None:
    """An agent the curated lexicon lacks, found by DrugBank or a name rule: worth a
    curator's look (its modality and targets are only what the name and the text next to
    it say)."""
    first: dict[str, Mention] = {}
    for m in scan.agent_mentions:
        first.setdefault(m.entity, m)
    for a in scan.agents.to_dict("records"):
        m = first.get(a["agent_id"])
        if a["source"] == "curated" or m is None:
            continue
        how = (
            f"DrugBank {a['drugbank_id']}"
            if a["source"] == "drugbank"
            else a["notes"] or "a name rule"
        )
        flags.add(
            "agent_not_curated",
            "info",
            m.surface,
            f"agent {a['agent_id']} ({a['modality']}) is not in {AGENTS_FILE}: {how}",
            m.start,
            m.end,
            table_name="agents",
        )


def extract(
    source: Source,
    vocabularies: str | Path,
    inputs: Mapping[str, pd.DataFrame],
    curated_lexicon: bool = True,
) -> dict[str, pd.DataFrame]:
    """Return the entity tables of one document (see the module docstring) from the
    review_tables stage's tables in `inputs`, and the interim-only table_links (what the
    annotations stage reads of the tables' links). `curated_lexicon=False` (config key
    `curated_lexicon`) finds agents from DrugBank and the name rules only."""
    folder = Path(vocabularies)
    flags = Flags(source, STAGE)
    scan = scan_document(source, folder, inputs, curated_lexicon)
    # studies are looked for beside the curated and DrugBank names only: a development
    # code found by rule may be a study's name ("EGF105084"), which then wins
    with without_rule_agents(scan):
        names = trials.name_trials(scan, load_named_studies(folder / NAMED_STUDIES_FILE), flags)
    drop_study_codes(scan, [(m.start, m.end) for m in names.study_mentions])
    table_links = trial_agents.table_links(scan)
    text_links = trial_agents.TextLinks(scan, names, table_links).links()
    facts = trials.text_facts(scan, names, table_links)
    trials_frame = trials.trials_frame(scan, names, facts)
    links = (table_links, text_links)
    sites = CancerSites(load_cancer_sites(folder / CANCER_SITES_FILE))
    check_all(scan, names, links, facts, trials_frame, flags, sites)
    uncurated_agent_flags(scan, flags)
    return {
        "agents": scan.agents,
        "agent_mentions": agent_mentions_frame(scan),
        "trial_statements": trials_frame,
        "named_studies": trials.named_studies_frame(scan, names),
        "trial_mentions": trials.trial_mentions_frame(scan, names),
        "trial_agents": trial_agents.trial_agents_frame(scan, table_links, text_links),
        "quality_flags": flags.frame(),
        "table_links": trial_agents.links_frame(table_links),
    }


def check_all(
    scan: Scan,
    names: trials.TrialNames,
    links: tuple[list[dict], list[dict]],
    facts: list[trials.Fact],
    trials_frame: pd.DataFrame,
    flags: Flags,
    sites: CancerSites | None = None,
) -> None:
    """Raise every check of `name_flags` and `trial_flags`, in a fixed order (the flags'
    ids follow it)."""
    unknown_name_flags(scan, names, flags)
    malformed_id_flags(scan, flags)
    drug_cell_flags(scan, flags)
    spelling_flags(scan, flags)
    study_flags(names, flags)
    coverage_flags(scan, names, links, trials_frame, flags, sites)
    fact_flags(scan, facts, flags)
    table_reference_flags(scan, names, flags)
    reference_spelling_flags(scan, names, flags)
    reference_agent_flags(scan, flags)
    listed_count_flags(scan, flags)
    group_status_flags(scan, flags)
    component_approval_flags(scan, flags)
