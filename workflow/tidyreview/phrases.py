"""Fast matching of a large phrase vocabulary (tens of thousands of names) in text.

`lexicon.Matcher` compiles one regular expression per name: right for the curated
lexicon's few hundred aliases, far too slow for DrugBank's 14k drugs and 30k synonyms.
`PhraseMatcher` instead cuts text and phrases into tokens (runs of letters and digits) and
indexes the phrases by their first token, so a text is read once and each token costs one
dictionary look-up. A phrase matches a run of text tokens when

- each token equals the phrase's token: exactly for a case-sensitive phrase (codes such as
  "T-DM1"), else after the matcher's `key` (case-folding by default, so "Osimertinib" at
  the start of a sentence is "osimertinib");
- the text between two tokens is the phrase's own separator, or both are only spaces,
  line breaks and hyphens (at most three characters: "trastuzumab-\\nderuxtecan");
- no hyphenated number follows ("FPA150" is not in "FPA150-001"), as in `lexicon`.

Overlapping matches are resolved as `lexicon.Matcher` does: the longest wins, then the
earlier, then the higher-priority source (see `resolve`).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import NamedTuple

from .lexicon import SEPARATOR_CHARS, NameMatch

TOKEN = re.compile(r"[^\W_]+")
_TOKEN_SPLIT = re.compile(r"([^\W_]+)")
_SEPARATORS = frozenset(SEPARATOR_CHARS)
MAX_GAP = 3


def tokens(text: str) -> list[str]:
    """Return the tokens of a phrase: its runs of letters and digits."""
    return TOKEN.findall(text)


def gaps(text: str) -> tuple[str, ...]:
    """Return what separates the tokens of a phrase ("T-DM1" -> ("-",))."""
    spans = [m.span() for m in TOKEN.finditer(text)]
    return tuple(text[a[1] : b[0]] for a, b in zip(spans, spans[1:], strict=False))


def _is_separator(gap: str) -> bool:
    return 0 < len(gap) <= MAX_GAP and all(ch in _SEPARATORS for ch in gap)


class Phrase(NamedTuple):
    entity: str
    writing: str
    keys: tuple[str, ...]
    gaps: tuple[str, ...]
    case_sensitive: bool


class PhraseMatcher:
    """Finds phrases in text by their tokens (see the module docstring)."""

    def __init__(
        self,
        phrases: Iterable[tuple[str, str, bool]],
        key: Callable[[str], str] = str.casefold,
    ):
        """`phrases` are (entity, writing, case_sensitive); `key` normalises a token of a
        case-insensitive phrase and of the text alike."""
        self.key = key
        self.exact: dict[str, list[Phrase]] = defaultdict(list)
        self.folded: dict[str, list[Phrase]] = defaultdict(list)
        self.size = 0
        for entity, writing, case_sensitive in phrases:
            parts = _TOKEN_SPLIT.split(writing)  # ["", token, gap, token, ""]
            toks = parts[1::2]
            if not toks:
                continue
            keys = tuple(toks) if case_sensitive else tuple(map(key, toks))
            phrase = Phrase(entity, writing, keys, tuple(parts[2:-1:2]), case_sensitive)
            (self.exact if case_sensitive else self.folded)[keys[0]].append(phrase)
            self.size += 1
        # the memoised key of each text token: a review repeats its words
        self._keys: dict[str, str] = {}

    def _key(self, token: str) -> str:
        k = self._keys.get(token)
        if k is None:
            k = self._keys[token] = self.key(token)
        return k

    def candidates(self, text: str, start: int = 0, end: int | None = None) -> list[NameMatch]:
        """Return every match in text[start:end], overlapping ones included."""
        end = len(text) if end is None else end
        toks = [(m.start(), m.end(), m.group()) for m in TOKEN.finditer(text, start, end)]
        keys = [self._key(t[2]) for t in toks]
        found = []
        for i, (s, _e, tok) in enumerate(toks):
            for phrase in self.exact.get(tok, []) + self.folded.get(keys[i], []):
                n = len(phrase.keys)
                if i + n > len(toks):
                    continue
                ok = True
                for j in range(1, n):
                    t = toks[i + j]
                    if (t[2] if phrase.case_sensitive else keys[i + j]) != phrase.keys[j]:
                        ok = False
                        break
                    gap = text[toks[i + j - 1][1] : t[0]]
                    if gap != phrase.gaps[j - 1] and not (
                        _is_separator(gap) and _is_separator(phrase.gaps[j - 1])
                    ):
                        ok = False
                        break
                if not ok:
                    continue
                stop = toks[i + n - 1][1]
                if re.match(r"-\d", text[stop : stop + 2]):
                    continue
                found.append(NameMatch(s, stop, text[s:stop], phrase.entity, phrase.writing))
        return found

    def find(self, text: str, start: int = 0, end: int | None = None) -> list[NameMatch]:
        """Return non-overlapping matches in text order, the longest winning."""
        return resolve([self.candidates(text, start, end)])


def resolve(sources: list[list[NameMatch]]) -> list[NameMatch]:
    """Return non-overlapping matches from several sources, in text order: the longest
    wins, then the earlier, then the one from the earlier source in `sources`."""
    ranked = [(m, rank) for rank, matches in enumerate(sources) for m in matches]
    ranked.sort(key=lambda mr: (-(mr[0].end - mr[0].start), mr[0].start, mr[1], mr[0].entity))
    if not ranked:
        return []
    low = min(m.start for m, _ in ranked)
    used = bytearray(max(m.end for m, _ in ranked) - low)
    taken: list[NameMatch] = []
    for m, _rank in ranked:
        if used.find(1, m.start - low, m.end - low) < 0:
            taken.append(m)
            used[m.start - low : m.end - low] = b"\x01" * (m.end - m.start)
    return sorted(taken, key=lambda m: m.start)
