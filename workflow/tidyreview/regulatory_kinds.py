"""The words that state a regulatory event, and its kind (raw/vocabularies/regulatory_cues.csv).

Kinds: approval, accelerated_approval, conditional_approval, guideline_recommendation,
withdrawal, reapproval, breakthrough_therapy_designation, fast_track_designation and
clinical_hold (schemas.annotations.REGULATORY_KINDS). A cue's words may be separated by
spaces or hyphens, an agency acronym may stand between two of them ("accelerated FDA
approval", "FDA breakthrough therapy designation" needs none) or before a hyphen
("FDA-approved"); words match ignoring case, the acronym only in capitals. Where cues
overlap the longest wins ("re-approved" is a reapproval, not an approval; "accelerated
approval" not an approval). A cue with `requires` words counts only in a sentence holding
one of them ("withdrawn from the market", not "patients withdrew from the trial").

`find_cues` gives candidates; whether an agent is approved, withdrawn, ... is for the
caller to decide from the clause (annotations.regulatory_events: an agent in the clause,
negation, body, year).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from tidyreview.schemas.annotation_vocabularies import RegulatoryCues

from .lexicon import NameMatch, read_vocabulary
from .phrases import resolve

REGULATORY_CUES_FILE = "regulatory_cues.csv"

_ACRONYM = r"(?-i:[A-Z]{2,})"
_WORD_GAP = rf"[\s\u2010\u2011-]+(?:{_ACRONYM}[\s\u2010\u2011-]+)?"


def cue_pattern(cue: str) -> str:
    """Return the regular expression of a cue (see the module docstring)."""
    words = [w for w in re.split(r"[\s-]+", cue.strip()) if w]
    body = _WORD_GAP.join(re.escape(w) for w in words)
    return rf"(?<![\w-])(?:{_ACRONYM}-)?{body}(?![\w-])"


@dataclass(frozen=True)
class RegulatoryCue:
    kind: str
    start: int
    end: int
    surface: str


class RegulatoryCueFinder:
    def __init__(self, cues: list[tuple[str, str, tuple[str, ...]]]):
        """`cues` are (kind, cue, requires)."""
        self.cues = [
            (kind, re.compile(cue_pattern(cue), re.IGNORECASE), _requires(requires))
            for kind, cue, requires in cues
        ]

    def find(self, text: str, start: int = 0, end: int | None = None) -> list[RegulatoryCue]:
        """Return the cues in text[start:end] (a sentence), longest first, in text order."""
        end = len(text) if end is None else end
        found = []
        for kind, pattern, requires in self.cues:
            if requires is not None and not requires.search(text, start, end):
                continue
            for m in pattern.finditer(text, start, end):
                found.append(NameMatch(m.start(), m.end(), m.group(), kind, pattern.pattern))
        return [RegulatoryCue(m.entity, m.start, m.end, m.surface) for m in resolve([found])]

    def kind_of(self, words: str) -> str | None:
        """Return the kind a phrase states when it is one cue ("accelerated FDA approval"
        -> accelerated_approval), else None."""
        found = self.find(words.strip())
        if len(found) == 1 and found[0].end - found[0].start == len(words.strip()):
            return found[0].kind
        return None


def _requires(words: tuple[str, ...]) -> re.Pattern | None:
    if not words:
        return None
    return re.compile(r"\b(?:" + "|".join(re.escape(w) for w in words) + r")\b", re.IGNORECASE)


def load_regulatory_cues(path: str | Path) -> RegulatoryCueFinder:
    """Return the cue finder of regulatory_cues.csv, or raise LexiconError naming the
    file and line of a malformed row."""
    df = read_vocabulary(Path(path), RegulatoryCues)
    cues = []
    for row in df.to_dict("records"):
        requires = tuple(row["requires"].split("|")) if row["requires"] else ()
        for cue in row["cues"].split("|"):
            cues.append((row["kind"], cue, requires))
    return RegulatoryCueFinder(cues)
