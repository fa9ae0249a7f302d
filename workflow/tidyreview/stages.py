"""The per-document extraction stages and the tables each one produces.

A stage function takes the loaded source and the vocabularies folder (curated data in
raw/vocabularies/) and returns {table name: DataFrame}.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pandas as pd

from . import annotations, entities, references, review_tables, structure
from .source import Source

StageFunction = Callable[[Source, Path], dict[str, pd.DataFrame]]


def _structure(source: Source, vocabularies: Path) -> dict[str, pd.DataFrame]:
    return structure.extract(source)


def _references(source: Source, vocabularies: Path) -> dict[str, pd.DataFrame]:
    return references.extract(source)


def _tables(source: Source, vocabularies: Path) -> dict[str, pd.DataFrame]:
    return review_tables.extract(source, vocabularies)


def _annotations(source: Source, vocabularies: Path) -> dict[str, pd.DataFrame]:
    return annotations.extract(source, vocabularies)


def _entities(source: Source, vocabularies: Path) -> dict[str, pd.DataFrame]:
    return entities.extract(source, vocabularies)


# stage name -> function(source, vocabularies_dir) returning {table name: DataFrame}
STAGES: dict[str, StageFunction] = {
    "structure": _structure,
    "references": _references,
    "tables": _tables,
    "annotations": _annotations,
    "entities": _entities,
}
