"""The shapes every stage (and the schemas) recognise alike: registry identifiers and
citation markers. One home for each, importable without pandas or pandera."""

from __future__ import annotations

import re

# --- registry identifiers -----------------------------------------------------------------

# A ClinicalTrials.gov number: "NCT04538742".
NCT_ID = r"NCT\d{8}"
# A EudraCT number: "2013-003894-87".
EUDRACT_ID = r"\d{4}-\d{6}-\d{2}"
# A registry identifier (trial_id), as an alternation: "NCT04538742" or "2013-003894-87".
REGISTRY_ID = rf"{NCT_ID}|{EUDRACT_ID}"
# A registry identifier standing alone in text: "NCT04538742" in "(NCT04538742)".
TRIAL_ID = re.compile(rf"(?<![\w-])(?:{REGISTRY_ID})(?![\w-])")
# Something that looks like an NCT number, maybe with the wrong length: "NCT0453874".
MALFORMED_NCT = re.compile(r"(?<![\w-])NCT\d+(?![\w-])")

# --- citation markers ----------------------------------------------------------------------

# One item of a citation marker: a number or a range, "86–88" (en dash, em dash or hyphen).
CITATION_ITEM = r"\d{1,4}(?:\s*[–—-]\s*\d{1,4})?"


def registry_of(trial_id: str) -> str:
    """Return the registry a trial identifier belongs to: NCT01234567 -> ClinicalTrials.gov,
    2013-003894-87 -> EudraCT."""
    return "ClinicalTrials.gov" if trial_id.startswith("NCT") else "EudraCT"


# The content of a citation marker, items separated by commas or semicolons: "81,86–88".
CITATION_BODY = rf"\s*{CITATION_ITEM}(?:\s*[,;]\s*{CITATION_ITEM})*\s*"
# A citation marker: "[49,50]", "[123–125]", "[81,86–88]", "[17, 18]".
CITATION = rf"\[{CITATION_BODY}\]"
# The same, compiled, its content as group "body".
CITATION_MARKER = re.compile(rf"\[(?P<body>{CITATION_BODY})\]")
# One item of a marker's body, in parts: "123–125" -> first 123, dash "–", last 125.
CITATION_ITEM_PARTS = re.compile(r"(?P<first>\d{1,4})(?:\s*(?P<dash>[–—-])\s*(?P<last>\d{1,4}))?")
