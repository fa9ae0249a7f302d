"""Abbreviation definitions: ours against scispaCy's AbbreviationDetector (Schwartz & Hearst).

Both read the same prose units (Simple Summary, Abstract, headings, body paragraphs as
normalised text) and are scored against the hand-checked list in
tests/fixtures/abbreviations_gold.csv. A definition counts as right when its short form,
its long form (as written) and its place (section id, or front-matter part) all match.
"""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

from tidyreview.abbreviations import definitions_in
from tidyreview.layout import read_layout
from tidyreview.sentences import prose_units, sentences
from tidyreview.source import load_source

ROOT = Path(__file__).resolve().parents[3]
GOLD = ROOT / "tests" / "fixtures" / "abbreviations_gold.csv"

Key = tuple[str, str, str]  # (short, long, where)


def load_gold(path: Path = GOLD) -> list[Key]:
    """Return the hand-checked definitions as (short, long, where) keys."""
    with open(path, newline="", encoding="utf-8") as f:
        return [(r["short"], r["long"], r["where"]) for r in csv.DictReader(f)]


def _where(unit) -> str:
    return unit.section_id if unit.section_id is not None else unit.kind


def ours(source_path: str) -> list[Key]:
    """Return our definitions as keys."""
    units = prose_units(read_layout(load_source(source_path)))
    return [(d.short, d.long, _where(s.unit)) for s, d in definitions_in(sentences(units))]


def peer(source_path: str) -> list[Key]:
    """Return scispaCy's definitions as keys (one spaCy doc per prose unit).

    The detector's own steps are replayed (candidate parentheses, Schwartz & Hearst match,
    one definition per short and long form per doc) to get definitions rather than every
    later occurrence it also reports.
    """
    import spacy
    from scispacy.abbreviation import AbbreviationDetector, filter_matches, find_abbreviation

    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    detector = AbbreviationDetector(nlp)
    units = prose_units(read_layout(load_source(source_path)))
    found = []
    for unit in units:
        doc = nlp(unit.text)
        matches = [(m, start + 1, end - 1) for m, start, end in detector.matcher(doc)]
        seen_short, seen_long = set(), set()
        for long_candidate, short_candidate in filter_matches(matches, doc):
            short, long = find_abbreviation(long_candidate, short_candidate)
            if long is None or long.text in seen_long or short.text in seen_short:
                continue
            seen_long.add(long.text)
            seen_short.add(short.text)
            found.append((short.text, long.text, _where(unit)))
    return found


def score(found: list[Key], gold: list[Key]) -> tuple[int, int, int, float, float]:
    """Return (true positives, false positives, false negatives, precision, recall)."""
    hits = Counter(found) & Counter(gold)
    tp = sum(hits.values())
    fp, fn = len(found) - tp, len(gold) - tp
    precision = tp / len(found) if found else 0.0
    recall = tp / len(gold) if gold else 0.0
    return tp, fp, fn, precision, recall


def run(source_path: str) -> list[str]:
    """Return report lines: precision and recall of ours and of scispaCy on the review."""
    gold = load_gold()
    lines = [f"hand-checked definitions: {len(gold)} ({GOLD.relative_to(ROOT)})"]
    systems = [("tidyreview", ours)]
    try:
        import scispacy  # noqa: F401

        systems.append(("scispaCy AbbreviationDetector", peer))
    except ImportError as exc:
        lines.append(f"peer skipped: {exc} (pip install scispacy==0.6.2)")
    for name, system in systems:
        found = system(source_path)
        tp, fp, fn, p, r = score(found, gold)
        lines.append(
            f"{name:31s} precision {p:.3f}  recall {r:.3f}  (found {len(found)}, right {tp}, "
            f"wrong {fp}, missed {fn}; target P >= 0.97, R >= 0.95)"
        )
        gold_counts, found_counts = Counter(gold), Counter(found)
        for key in sorted((found_counts - gold_counts).elements()):
            lines.append(f"    wrong:  {key[0]!r} = {key[1]!r} ({key[2]})")
        for key in sorted((gold_counts - found_counts).elements()):
            lines.append(f"    missed: {key[0]!r} = {key[1]!r} ({key[2]})")
    return lines


if __name__ == "__main__":  # pragma: no cover
    import sys

    print(
        "\n".join(
            run(
                sys.argv[1]
                if len(sys.argv) > 1
                else str(sorted((ROOT / "raw" / "reviews").glob("*.txt"))[0])
            )
        )
    )
