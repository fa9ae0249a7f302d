"""Text-derived annotations (stage "annotations"): abbreviations, findings, regulatory
events, agents' development stages and adverse events, each row tied to its sentence.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from .abbreviations import abbreviations, count_uses
from .layout import Layout, read_layout
from .quality import Flags
from .sentences import document_sentences
from .source import Source

STAGE = "annotations"


def abbreviation_flags(table: pd.DataFrame, layout: Layout, flags: Flags) -> None:
    """Flag short forms defined twice, used before their definition, or never used."""
    raw = layout.source.text
    for short, rows in table.groupby("short", sort=False):
        first = rows.iloc[0]
        if len(rows) > 1:
            longs = sorted({long.lower() for long in rows["long"]})
            flags.add(
                "abbreviation_redefined",
                "info",
                short,
                f"{short} is defined {len(rows)} times"
                + (f" with different long forms: {longs}" if len(longs) > 1 else ""),
                int(rows.iloc[1]["short_start"]),
                int(rows.iloc[1]["short_end"]),
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


def extract(source: Source, vocabularies: str | Path | None = None) -> dict[str, pd.DataFrame]:
    """Return the annotation tables of `source` and the quality flags raised on the way."""
    layout = read_layout(source)
    sentences = document_sentences(layout)
    flags = Flags(source, STAGE)
    abbr = abbreviations(layout, sentences)
    abbreviation_flags(abbr, layout, flags)
    return {"abbreviations": abbr, "quality_flags": flags.frame()}
