"""How far the field's vocabularies get without the curated lexicon.

`recall_without_curated`: of the curated agents the review mentions, which does the
DrugBank vocabulary plus the name rules still find, at the same place (a mention of the
curated run whose exact span the uncurated run also matches)? Misses are grouped by the
shape of the curated agent's name (INN word, development code, descriptive name).

`uncurated_matches`: every name the uncurated run finds, with its source, for judging
precision by hand (tests/fixtures/agent_matches_judged.csv).
"""

from __future__ import annotations

import re
import time
from collections import Counter, defaultdict
from pathlib import Path

from ..agent_mentions import find_names, text_regions
from ..agent_vocabulary import load_agent_vocabulary
from ..layout import read_layout
from ..lexicon import AGENTS_FILE, load_lexicon
from ..source import Source


def name_shape(name: str) -> str:
    """inn_like (one or two lower-case words: "trastuzumab deruxtecan"), code (digits or
    inner capitals: "ARX788", "T-DXd") or descriptive (anything else: "HER2-CAR-T cells")."""
    if re.fullmatch(r"[a-z]+(?:[ -][a-z]+)?", name):
        return "inn_like"
    if re.fullmatch(r"[A-Za-z]{1,6}-?[A-Za-z]?\d+[A-Za-z\d-]*", name):
        return "code"
    return "descriptive"


def recall_without_curated(source: Source, vocabularies: str | Path) -> dict:
    folder = Path(vocabularies)
    regions = text_regions(read_layout(source))
    lexicon = load_lexicon(folder / AGENTS_FILE)
    curated = find_names(lexicon.matcher(), source.text, regions)
    start = time.perf_counter()
    vocab = load_agent_vocabulary(folder, curated_lexicon=False)
    loaded = time.perf_counter()
    plain = find_names(vocab, source.text, regions)
    done = time.perf_counter()
    spans = {(m.start, m.end) for m in plain}
    by_agent = defaultdict(list)
    for m in curated:
        by_agent[m.entity].append(m)
    found, missed = [], []
    for agent_id, mentions in sorted(by_agent.items()):
        (found if any((m.start, m.end) in spans for m in mentions) else missed).append(agent_id)
    shapes = Counter(name_shape(lexicon.agents[a].name) for a in missed)
    modalities = Counter(lexicon.agents[a].modality for a in missed)
    return {
        "curated_with_mentions": len(by_agent),
        "found": found,
        "missed": missed,
        "missed_by_shape": dict(sorted(shapes.items())),
        "missed_by_modality": dict(sorted(modalities.items())),
        "seconds_load": loaded - start,
        "seconds_match": done - loaded,
        "mentions": len(plain),
        "vocabulary": vocab,
        "matches": plain,
    }


def uncurated_matches(source: Source, vocabularies: str | Path) -> list[dict]:
    """Return one row per distinct (agent, name) the uncurated run finds."""
    folder = Path(vocabularies)
    regions = text_regions(read_layout(source))
    vocab = load_agent_vocabulary(folder, curated_lexicon=False)
    mentions = find_names(vocab, source.text, regions)
    rows: dict[tuple[str, str], dict] = {}
    for m in mentions:
        key = (m.entity, m.alias)
        if key not in rows:
            rows[key] = {
                "agent_id": m.entity,
                "name": m.alias,
                "source": vocab.source_of(m.entity),
                "first_line": source.line_of(m.start),
                "n": 0,
            }
        rows[key]["n"] += 1
    return sorted(rows.values(), key=lambda r: (r["first_line"], r["agent_id"]))


# --- through the real entities stage ----------------------------------------------------

ROOT = Path(__file__).resolve().parents[3]
GOLD_FILES = {"lucas2021": ROOT / "tests" / "fixtures" / "lucas_agents_gold.csv"}


def stage_tables(source: Source, vocabularies: str | Path, curated_lexicon: bool) -> dict:
    """The entities stage's tables of `source` (its earlier stages run first)."""
    from ..stages import run_with_earlier

    return run_with_earlier("entities", source, vocabularies, curated_lexicon=curated_lexicon)


def stage_recall_of_curated(source: Source, vocabularies: str | Path) -> dict:
    """Of the curated agents the stage finds in `source`, those the stage still finds at
    one of the same spans with curated_lexicon=False."""
    with_lexicon = stage_tables(source, vocabularies, True)["agent_mentions"]
    without = stage_tables(source, vocabularies, False)["agent_mentions"]
    spans = set(zip(without["start"], without["end"], strict=True))
    found, missed = [], []
    for agent_id, rows in sorted(with_lexicon.groupby("agent_id")):
        hit = any((s, e) in spans for s, e in zip(rows["start"], rows["end"], strict=True))
        (found if hit else missed).append(agent_id)
    return {"found": found, "missed": missed}


def read_gold(path: str | Path) -> list[dict]:
    """Rows of a hand-checked list of the agents a review names (name, kind, writings
    separated by |, note)."""
    import csv

    with Path(path).open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def gold_recall(mentions, gold: list[dict]) -> dict:
    """Which gold agents the mentions find: one whose surface is one of its writings
    (ignoring case, hyphens and spaces)."""
    from ..lexicon import alias_key

    surfaces = {alias_key(s) for s in mentions["surface"]}
    found, missed = [], []
    for g in gold:
        writings = {alias_key(w) for w in g["writings"].split("|")}
        (found if writings & surfaces else missed).append(g["name"])
    return {"found": found, "missed": missed, "n": len(gold)}


def run(source_path: str) -> list[str]:
    """Recall of the agent finder through the entities stage, with and without the curated
    lexicon: on the curated review's curated agents, and on each review with a
    hand-checked list (tests/fixtures/<author>_agents_gold.csv); and the stage's time."""
    from ..source import load_source

    vocab = ROOT / "raw" / "vocabularies"
    source = load_source(source_path)
    r = stage_recall_of_curated(source, vocab)
    n = len(r["found"]) + len(r["missed"])
    lines = [
        f"{source.doc_id}: curated agents found without the lexicon: {len(r['found'])}/{n} "
        f"({len(r['found']) / n:.0%})"
    ]
    for doc_id, gold_path in GOLD_FILES.items():
        path = next(iter(sorted((ROOT / "raw" / "reviews").glob(f"{doc_id[:-4]}-*.pdf"))), None)
        if path is None:
            continue
        review = load_source(path)
        gold = read_gold(gold_path)
        for curated in (True, False):
            tables = stage_tables(review, vocab, curated)
            g = gold_recall(tables["agent_mentions"], gold)
            lines.append(
                f"{doc_id} (curated_lexicon={str(curated).lower()}): "
                f"{len(g['found'])}/{g['n']} hand-listed agents found "
                f"({len(g['found']) / g['n']:.0%}); missed: {', '.join(g['missed']) or '-'}"
            )
    return lines
