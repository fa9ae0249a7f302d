"""The per-document extraction stages and the tables each one produces."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from . import structure
from .source import Source

# stage name -> function(source) returning {table name: DataFrame}
STAGES: dict[str, Callable[[Source], dict[str, pd.DataFrame]]] = {
    "structure": structure.extract,
}
