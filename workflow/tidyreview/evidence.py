"""What the annotations reuse of earlier stages: the trials the prose names, as the
entities stage found them (its interim trial_mentions), and what the review's tables say
about agents and trials (the entities stage's interim table_links and the review_tables
stage's tidy tables): the stage a table row states, each trial's agents, each drug's
trials.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from .lexicon import AGENTS_FILE
from .source import Source
from .stages import TIDY_TABLES

# A phase as the review's tables write it (immunotherapy_trials.phase): PHASE1/PHASE2.
TABLE_PHASE = re.compile(r"PHASE(?P<n>[1-4])")


TrialRef = tuple[int, int, str]  # raw start, raw end, trial_id


@dataclass
class TableEvidence:
    """What the review's tables say about agents and trials (from the entities stage's
    reading of the tables stage's tidy tables)."""

    stages: list[TableStage]  # per row listing an agent as a trial's drug
    trial_agents: dict[str, list[str]]  # trial_id -> its rows' drug, then combination agents
    drug_trials: dict[str, list[str]]  # agent_id -> trials whose rows list it as the drug


def entity_evidence(
    source: Source, folder: Path, inputs: Mapping[str, pd.DataFrame]
) -> tuple[list[TrialRef] | None, TableEvidence]:
    """Return the trials the prose names, as the entities stage found them (its
    trial_mentions: registry identifiers and study names tied to one: "PAN-ACEA" ->
    NCT02129556), and what the tables say (its table_links and the tables stage's tidy
    tables); (None, empty) when the agent lexicon is missing (then only identifiers are
    read)."""
    if not (folder / AGENTS_FILE).exists():
        return None, TableEvidence([], {}, {})
    mentions = inputs["trial_mentions"]
    tied = mentions[mentions["trial_id"].notna()] if len(mentions) else mentions
    refs = [(int(m.start), int(m.end), m.trial_id) for m in tied.itertuples(index=False)]
    tidy = [inputs[name] for name in TIDY_TABLES if name in inputs]
    links = inputs["table_links"].to_dict("records")
    return refs, table_evidence(tidy, links, source)


def table_evidence(
    tidy: list[pd.DataFrame], table_links: list[dict], source: Source
) -> TableEvidence:
    """Stages, trial agents and drug trials of the review's table rows (see TableEvidence)."""
    phases = {}
    for df in tidy:
        if "phase" not in df.columns:
            continue
        for row in df.to_dict("records"):
            if isinstance(row.get("phase_raw"), str) and isinstance(row.get("phase"), str):
                key = (row["table_id"], int(row["row_index"]))
                phases[key] = (row["phase"], row["phase_raw"], int(row["start"]), int(row["end"]))
    stages, trial_agents, drug_trials = [], {}, {}
    links = sorted(table_links, key=lambda k: k["role"] != "investigational")
    for link in links:
        trial_agents.setdefault(link["trial_id"], [])
        if link["agent_id"] not in trial_agents[link["trial_id"]]:
            trial_agents[link["trial_id"]].append(link["agent_id"])
        if link["role"] != "investigational":
            continue
        drug_trials.setdefault(link["agent_id"], [])
        if link["trial_id"] not in drug_trials[link["agent_id"]]:
            drug_trials[link["agent_id"]].append(link["trial_id"])
        stage, start, end = "phase_1", int(link["start"]), int(link["end"])
        phase = phases.get((link["table_id"], int(link["row_index"])))
        if phase is not None:
            numbers = [int(n) for n in TABLE_PHASE.findall(phase[0])]
            at = source.text.find(phase[1], phase[2], phase[3])
            if numbers and at >= 0:
                stage = f"phase_{min(max(numbers), 3)}"
                start, end = at, at + len(phase[1])
        stages.append(
            TableStage(
                link["agent_id"],
                stage,
                link["table_id"],
                int(link["row_index"]),
                link["section_id"],
                start,
                end,
            )
        )
    stages.sort(key=lambda t: t.start)
    return TableEvidence(stages, trial_agents, drug_trials)


@dataclass(frozen=True)
class TableStage:
    """A row of the review's tables listing an agent as the drug of a trial."""

    agent_id: str
    stage: str
    table_id: str
    row_index: int
    section_id: str | None
    start: int  # the phase as the row writes it ("Phase 1b/2"), else the drug cell
    end: int
