"""pandera schemas of every published table: the single source of truth for columns,
types, keys, foreign keys and descriptions.

`TABLES` lists them parents first; the DuckDB DDL, the data package and the data
dictionary are generated from it (`tidyreview.metadata`). Each model's
`Config.metadata["stage"]` names the per-document stage(s) producing it.
"""

from __future__ import annotations

from tidyreview.stages import CORPUS_STAGE

from .annotations import (
    Abbreviations,
    AdverseEvents,
    AgentDevelopmentStages,
    Findings,
    RegulatoryEvents,
)
from .entities import (
    AgentMentions,
    Agents,
    NamedStudies,
    TrialAgents,
    TrialMentions,
    Trials,
    TrialStatements,
)
from .quality import QualityFlags
from .references import Citations, References
from .review_tables import (
    AdcTrials,
    BispecificAntibodyTrials,
    ImmunotherapyTrials,
    TableCells,
    TkiTrials,
)
from .structure import (
    Authors,
    Captions,
    Documents,
    DocumentTexts,
    Paragraphs,
    Sections,
    TextSpans,
)

MODELS = [  # parents before children: DuckDB creates them in this order
    Documents,
    DocumentTexts,
    TextSpans,
    Authors,
    Sections,
    Paragraphs,
    Captions,
    References,
    Citations,
    Agents,
    Trials,
    NamedStudies,
    TrialStatements,
    TableCells,
    BispecificAntibodyTrials,
    AdcTrials,
    TkiTrials,
    ImmunotherapyTrials,
    AgentMentions,
    TrialMentions,
    TrialAgents,
    Abbreviations,
    Findings,
    RegulatoryEvents,
    AgentDevelopmentStages,
    AdverseEvents,
    QualityFlags,
]

TABLES = {m.Config.name: m for m in MODELS}

# Stages that emit quality flags (each writes its own quality_flags file per document).
QualityFlags.Config.metadata["stage"] = [
    "structure",
    "review_tables",
    "references",
    "annotations",
    "entities",
    CORPUS_STAGE,
]


def table_stages(table: str) -> list[str]:
    """Return the stages producing `table` (one, or several for shared tables)."""
    stage = TABLES[table].Config.metadata["stage"]
    return [stage] if isinstance(stage, str) else list(stage)


def stage_tables(stage: str) -> list[str]:
    """Return the names of the tables a per-document stage produces."""
    return [name for name in TABLES if stage in table_stages(name)]
