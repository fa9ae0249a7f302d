"""Adverse events normalised to CTCAE v5.0 (NCI, public domain).

`Ctcae.normalise("hand-foot syndrome")` returns the CTCAE term, its MedDRA code and system
organ class ("Palmar-plantar erythrodysesthesia syndrome", "10033553", "Skin and
subcutaneous tissue disorders"), or None for a writing CTCAE does not grade as one term
("cardiotoxicity": heart failure, ejection fraction decreased, ... the text must say which).
A writing is the CTCAE term itself or a curated synonym (raw/vocabularies/ctcae_synonyms.csv:
"interstitial lung disease" -> Pneumonitis), compared word by word ignoring case, hyphens
and spaces, British spellings ("diarrhoea", "anaemia", "oedema", "leucopenia", "tumour")
and plurals ("infusion-related reactions", "neuropathies").

`Ctcae.find(text)` finds every CTCAE term or synonym in prose, so a review of ADC toxicity
yields the terms nobody listed; it skips the "<SOC> - Other, specify" entries and the
generic terms of raw/vocabularies/ctcae_excluded.csv ("Pain", "Fall", "Death NOS").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pandas as pd

from tidyreview.schemas.annotation_vocabularies import CtcaeExcluded, CtcaeSynonyms, CtcaeTerms

from .lexicon import LexiconError, read_vocabulary
from .phrases import TOKEN, PhraseMatcher

CTCAE_FILE = "ctcae/ctcae_v5.0_terms.csv"
CTCAE_SYNONYMS_FILE = "ctcae_synonyms.csv"
CTCAE_EXCLUDED_FILE = "ctcae_excluded.csv"
OTHER_SPECIFY = re.compile(r"\s-\s*Other, specify$")
# An abbreviation (ILD, CRS, LVEF decrease): matched case-sensitively in prose.
_ABBREVIATION = re.compile(r"\b[A-Z]{2,}[a-z]?\b")


def token_key(token: str) -> str:
    """Return the comparison key of one word: case-folded, British spellings made
    American (ae/oe -> e, leuc -> leuk, -our -> -or) and a plural made singular
    (-ies -> -y, -s dropped but not from -ss, -is, -us)."""
    t = token.casefold().replace("ae", "e").replace("oe", "e").replace("leuc", "leuk")
    if len(t) > 4:
        if t.endswith("ies"):
            t = t[:-3] + "y"
        elif t.endswith("s") and not t.endswith(("ss", "is", "us")):
            t = t[:-1]
    if t.endswith("our") and len(t) > 5:
        t = t[:-3] + "or"
    return t


def phrase_key(text: str) -> tuple[str, ...]:
    return tuple(token_key(t) for t in TOKEN.findall(text))


@dataclass(frozen=True)
class CtcaeTerm:
    ctcae_term: str
    meddra_code: str
    meddra_soc: str


@dataclass(frozen=True)
class AdverseEventFind:
    start: int
    end: int
    surface: str
    term: CtcaeTerm


class Ctcae:
    """CTCAE v5.0 terms, curated synonyms and the prose finder."""

    def __init__(
        self,
        terms: list[CtcaeTerm],
        synonyms: list[tuple[str, str]],
        excluded: set[str],
    ):
        self.terms = {t.ctcae_term: t for t in terms if not OTHER_SPECIFY.search(t.ctcae_term)}
        self.index: dict[tuple[str, ...], str] = {}
        for t in self.terms:
            self.index.setdefault(phrase_key(t), t)
        for writing, term in synonyms:
            self.index[phrase_key(writing)] = term  # a synonym is the curators' decision
        phrases = [(t, t, False) for t in self.terms if t not in excluded]
        phrases += [
            (term, writing, bool(_ABBREVIATION.search(writing)))
            for writing, term in synonyms
            if term not in excluded or phrase_key(writing) != phrase_key(term)
        ]
        self.finder = PhraseMatcher(phrases, key=token_key)

    def normalise(self, written: str) -> CtcaeTerm | None:
        """Return the CTCAE term a writing grades as, or None."""
        term = self.index.get(phrase_key(written))
        return self.terms[term] if term else None

    def find(self, text: str, start: int = 0, end: int | None = None) -> list[AdverseEventFind]:
        """Return the adverse-event terms in text[start:end], longest first, in text order."""
        return [
            AdverseEventFind(m.start, m.end, m.surface, self.terms[m.entity])
            for m in self.finder.find(text, start, end)
        ]

    def columns(self, written: pd.Series) -> pd.DataFrame:
        """Return ctcae_term, meddra_code and meddra_soc for a column of writings (NULL
        where CTCAE has no term for it): the columns an adverse-events table gains."""
        found = [self.normalise(w) if isinstance(w, str) else None for w in written]
        columns = {
            "ctcae_term": [f.ctcae_term if f else None for f in found],
            "meddra_code": [f.meddra_code if f else None for f in found],
            "meddra_soc": [f.meddra_soc if f else None for f in found],
        }
        return pd.DataFrame(
            {k: pd.Series(v, index=written.index, dtype=object) for k, v in columns.items()}
        )


@lru_cache(maxsize=4)
def _cached(folder: str, stamp: tuple) -> Ctcae:
    folder_path = Path(folder)
    df = read_vocabulary(folder_path / CTCAE_FILE, CtcaeTerms)
    terms = [
        CtcaeTerm(t, c, s)
        for c, s, t in zip(df["MedDRA Code"], df["MedDRA SOC"], df["CTCAE Term"], strict=True)
    ]
    known = {t.ctcae_term for t in terms}
    problems = []
    syn_path = folder_path / CTCAE_SYNONYMS_FILE
    syn = read_vocabulary(syn_path, CtcaeSynonyms)
    seen: dict[tuple[str, ...], int] = {}
    for i, row in enumerate(syn.to_dict("records")):
        line = i + 2
        if row["ctcae_term"] not in known:
            problems.append(
                f"{syn_path}: line {line} (writing {row['writing']!r}): "
                f"{row['ctcae_term']!r} is not a CTCAE v5.0 term"
            )
        key = phrase_key(row["writing"])
        if key in seen:
            problems.append(
                f"{syn_path}: line {line}: {row['writing']!r} repeats line {seen[key]} "
                "(case, hyphens, British spellings and plurals are ignored)"
            )
        seen[key] = line
    ex_path = folder_path / CTCAE_EXCLUDED_FILE
    ex = read_vocabulary(ex_path, CtcaeExcluded)
    for i, term in enumerate(ex["ctcae_term"]):
        if term not in known:
            problems.append(f"{ex_path}: line {i + 2}: {term!r} is not a CTCAE v5.0 term")
    if problems:
        raise LexiconError("; ".join(problems))
    return Ctcae(
        terms,
        list(zip(syn["writing"], syn["ctcae_term"], strict=True)),
        set(ex["ctcae_term"]),
    )


def load_ctcae(folder: str | Path) -> Ctcae:
    """Return CTCAE v5.0 with the curated synonyms and exclusions in `folder`, or raise
    LexiconError naming the file and line of a missing or malformed one."""
    folder = Path(folder)
    stamp = tuple(
        (p.stat().st_mtime_ns, p.stat().st_size) if p.is_file() else None
        for p in (folder / CTCAE_FILE, folder / CTCAE_SYNONYMS_FILE, folder / CTCAE_EXCLUDED_FILE)
    )
    return _cached(str(folder), stamp)
