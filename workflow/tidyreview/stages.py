"""The per-document extraction stages, what each one reads and what it writes.

A stage function takes the loaded source, the vocabularies folder (curated data in
raw/vocabularies/) and the tables earlier stages wrote ({table name: DataFrame}, read from
their interim Parquet files) and returns {table name: DataFrame}. Nothing is computed
twice: a stage that needs what an earlier one found reads that stage's interim files.
Each stage's module is imported only when that stage runs, so a Snakemake job loads what
it uses and nothing more; this module itself imports neither pandas nor pandera (the
Snakefile reads it to wire inputs to outputs).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

    from .source import Source

# The tidy tables of the review_tables stage, one per source table layout.
TIDY_TABLES = (
    "bispecific_antibody_trials",
    "adc_trials",
    "tki_trials",
    "immunotherapy_trials",
)


@dataclass(frozen=True)
class Stage:
    """A stage: its module (whose extract() runs it) and its interim inputs and outputs."""

    module: str
    takes_vocabularies: bool = False
    # (earlier stage, table) pairs it reads from interim Parquet files
    reads: tuple[tuple[str, str], ...] = ()
    # tables it writes only for later stages: interim files, never published
    interim_only: tuple[str, ...] = ()
    # settings of the workflow config it takes (keyword arguments of its extract())
    options: tuple[str, ...] = ()


# Not a per-document stage: the tables made from all documents together when they are
# validated (trials from every review's trial_statements; see tidyreview.corpus).
CORPUS_STAGE = "corpus"

STAGE_SPECS: dict[str, Stage] = {
    "structure": Stage("structure"),
    "references": Stage("references"),
    "review_tables": Stage("review_tables", takes_vocabularies=True),
    "entities": Stage(
        "entities",
        takes_vocabularies=True,
        reads=tuple(("review_tables", t) for t in ("table_cells", *TIDY_TABLES, "quality_flags")),
        interim_only=("table_links",),
        options=("curated_lexicon",),
    ),
    "annotations": Stage(
        "annotations",
        takes_vocabularies=True,
        reads=(
            *(("review_tables", t) for t in (*TIDY_TABLES, "table_cells")),
            ("entities", "agents"),
            ("entities", "agent_mentions"),
            ("entities", "trial_mentions"),
            ("entities", "table_links"),
        ),
    ),
}

StageFunction = Callable[["Source", Path, Mapping[str, "pd.DataFrame"]], dict[str, "pd.DataFrame"]]


def stage_reads(stage: str) -> dict[str, str]:
    """Return {table: the earlier stage writing it} for the tables `stage` reads."""
    return {table: earlier for earlier, table in STAGE_SPECS[stage].reads}


def interim_only_tables(stage: str) -> list[str]:
    """Return the tables `stage` writes for later stages only (not published)."""
    return list(STAGE_SPECS[stage].interim_only)


def _stage(name: str, spec: Stage) -> StageFunction:
    def run(
        source: Source,
        vocabularies: Path,
        inputs: Mapping[str, pd.DataFrame] | None = None,
        **options,
    ) -> dict[str, pd.DataFrame]:
        module = importlib.import_module(f"tidyreview.{spec.module}")
        unknown = sorted(set(options) - set(spec.options))
        if unknown:
            raise ValueError(f"stage {name} takes no option {unknown}")
        if spec.reads:
            missing = sorted(set(stage_reads(name)) - set(inputs or {}))
            if missing:
                raise ValueError(f"stage {name} needs the interim tables {missing}")
            return module.extract(source, vocabularies, dict(inputs or {}), **options)
        if spec.takes_vocabularies:
            return module.extract(source, vocabularies)
        return module.extract(source)

    run.__name__ = f"extract_{spec.module}"
    return run


# stage name -> the module it runs (imported by name, so the import graph cannot see it)
STAGE_MODULES: dict[str, str] = {name: spec.module for name, spec in STAGE_SPECS.items()}
# stage name -> function(source, vocabularies_dir, inputs) returning {table name: DataFrame}
STAGES: dict[str, StageFunction] = {name: _stage(name, spec) for name, spec in STAGE_SPECS.items()}


def stage_options(stage: str, config: Mapping) -> dict:
    """Return the settings of the workflow `config` that `stage` takes."""
    return {k: config[k] for k in STAGE_SPECS[stage].options if k in config}


def run_with_earlier(
    stage: str, source: Source, vocabularies: str | Path, **options
) -> dict[str, pd.DataFrame]:
    """Run `stage` on `source` in memory, with the stages it reads run first, their tables
    passed through Parquet as in the pipeline (for tests and one-off runs)."""
    from .interim import round_trip

    folder = Path(vocabularies)
    done: dict[str, dict[str, pd.DataFrame]] = {}

    def output(name: str) -> dict[str, pd.DataFrame]:
        if name not in done:
            inputs = {t: round_trip(output(s)[t]) for t, s in stage_reads(name).items()}
            done[name] = STAGES[name](source, folder, inputs, **stage_options(name, options))
        return done[name]

    return output(stage)
