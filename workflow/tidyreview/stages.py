"""The per-document extraction stages and the tables each one produces.

A stage function takes the loaded source and the vocabularies folder (curated data in
raw/vocabularies/) and returns {table name: DataFrame}. Each stage's module is imported
only when that stage runs, so a Snakemake job loads what it uses and nothing more.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from .source import Source

StageFunction = Callable[[Source, Path], dict[str, pd.DataFrame]]

# stage name -> (module, whether its extract() takes the vocabularies folder)
_STAGE_MODULES: dict[str, tuple[str, bool]] = {
    "structure": ("structure", False),
    "references": ("references", False),
    "tables": ("review_tables", True),
    "annotations": ("annotations", True),
    "entities": ("entities", True),
}


def _stage(module_name: str, takes_vocabularies: bool) -> StageFunction:
    def run(source: Source, vocabularies: Path) -> dict[str, pd.DataFrame]:
        module = importlib.import_module(f"tidyreview.{module_name}")
        return (
            module.extract(source, vocabularies) if takes_vocabularies else module.extract(source)
        )

    run.__name__ = f"extract_{module_name}"
    return run


# stage name -> function(source, vocabularies_dir) returning {table name: DataFrame}
STAGES: dict[str, StageFunction] = {
    name: _stage(module, vocab) for name, (module, vocab) in _STAGE_MODULES.items()
}
# stage name -> the module it runs (imported by name, so the import graph cannot see it)
STAGE_MODULES: dict[str, str] = {name: module for name, (module, _) in _STAGE_MODULES.items()}
