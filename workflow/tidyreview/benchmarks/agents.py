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
