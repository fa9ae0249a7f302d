"""DrugBank's open vocabulary as names of agents: reading and checking
raw/vocabularies/drugbank/drugbank_vocabulary.csv (CC0), dropping the writings unsafe in
prose (see `writing_problem`) and those of raw/vocabularies/drugbank_exclusions.csv,
linking curated agents to their DrugBank entries, and caching the built matcher of
`agent_vocabulary` between processes.
"""

from __future__ import annotations

import csv
import re
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pandas as pd

from tidyreview.schemas.vocabularies import DrugBankExclusions

from .lexicon import Lexicon, LexiconError, alias_key, problems_message, read_vocabulary
from .phrases import tokens

DRUGBANK_FILE = "drugbank/drugbank_vocabulary.csv"
DRUGBANK_EXCLUSIONS_FILE = "drugbank_exclusions.csv"


# A writing usable in prose: words of letters and digits joined by single spaces, hyphens,
# dots or apostrophes ("Trastuzumab deruxtecan", "T-DM1", "Nelipepimut-S"); anything else
# (commas, brackets, slashes, plus signs) is a chemical or descriptive name.
_PLAIN = re.compile(r"[^\W_]+(?:[ .'-][^\W_]+)*")
MAX_TOKENS = 5
MAX_LENGTH = 40


def writing_problem(writing: str, common_name: str | None = None) -> str | None:
    """Return why a DrugBank writing is unsafe to match in prose, or None.

    Too short (3 characters or fewer, separators not counted: "AS", "Gu", "VST"), not a
    plain name (commas, brackets: chemical names), too long (more than 5 words or 40
    characters), or, for a synonym, one all-lower-case word other than the common name
    ("agua": an ordinary word)."""
    return _problem(
        writing, alias_key(writing), None if common_name is None else alias_key(common_name)
    )


def _problem(writing: str, key: str, name_key: str | None) -> str | None:
    if len(key) <= 3:
        return "short"
    if len(writing) > MAX_LENGTH:
        return "long"
    if not _PLAIN.fullmatch(writing):
        return "not a plain name"
    if len(tokens(writing)) > MAX_TOKENS:
        return "long"
    if name_key is not None and key != name_key and writing.isalpha() and writing.islower():
        return "lower-case word"
    return None


_CODE = re.compile(r"\d|\B[A-Z]")


def is_code(writing: str) -> bool:
    """A code or a name with capitals inside a word ("T-DM1", "RHUMAB HER2", "SAMe") is
    matched case-sensitively; an INN-like name ("Osimertinib") ignoring case."""
    return _CODE.search(writing) is not None


def slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", name.casefold()).strip("_")


@dataclass(frozen=True)
class Drug:
    drugbank_id: str
    name: str
    writings: tuple[str, ...]  # usable writings, the common name first when usable
    keys: tuple[str, ...]  # their alias_key


@dataclass(frozen=True)
class DrugBank:
    drugs: dict[str, Drug]  # by DrugBank id, in file order
    dropped: dict[str, int]  # reason -> writings dropped
    path: str


DRUGBANK_COLUMNS = ["DrugBank ID", "Common name", "CAS", "UNII", "Synonyms"]
_DRUGBANK_ID = re.compile(r"DB\d{5}")


def read_drugbank_rows(path: Path) -> list[tuple[str, str, str]]:
    """Return (DrugBank ID, Common name, Synonyms) of each row, or raise LexiconError
    naming the file, the line and the value. Read with the csv module, not pandas and
    pandera: 14k rows are checked in a few milliseconds (ids DBnnnnn and unique, names
    not empty, five columns as DrugBank names them)."""
    if not path.is_file():
        raise LexiconError(f"{path}: vocabulary file not found")
    try:
        with path.open(encoding="utf-8", newline="") as f:
            lines = list(csv.reader(f))
    except (UnicodeDecodeError, csv.Error) as exc:
        raise LexiconError(f"{path}: not a readable UTF-8 CSV file ({exc})") from None
    if not lines or lines[0] != DRUGBANK_COLUMNS:
        found = lines[0] if lines else []
        raise LexiconError(f"{path}: line 1: columns {found} are not {DRUGBANK_COLUMNS}")
    rows, seen, problems = [], {}, []
    for number, cells in enumerate(lines[1:], start=2):
        if len(cells) != len(DRUGBANK_COLUMNS):
            problems.append(f"line {number}: {len(cells)} values, expected {len(DRUGBANK_COLUMNS)}")
            continue
        db_id, name, _cas, _unii, synonyms = (c.strip() for c in cells)
        if not _DRUGBANK_ID.fullmatch(db_id):
            problems.append(f"line {number}, column DrugBank ID: value {db_id!r} is not DBnnnnn")
        elif db_id in seen:
            problems.append(f"line {number}: DrugBank ID {db_id!r} repeats line {seen[db_id]}")
        if not name:
            problems.append(f"line {number} (DrugBank ID {db_id!r}): empty Common name")
        seen[db_id] = number
        rows.append((db_id, name, synonyms))
    if problems:
        raise LexiconError(problems_message(path, problems))
    return rows


def _read_drugbank(path: Path, exclusions: Path | None) -> DrugBank:
    rows = read_drugbank_rows(path)
    excluded: set[str] = set()
    if exclusions is not None:
        ex = read_vocabulary(exclusions, DrugBankExclusions)
        excluded = {alias_key(n) for n in ex["name"]}
    dropped: dict[str, int] = defaultdict(int)
    candidates: list[tuple[str, str, list[tuple[str, str]]]] = []
    owners: dict[str, set[str]] = defaultdict(set)
    for db_id, name, synonyms in rows:
        name_key = alias_key(name)
        if name_key in excluded:
            dropped["excluded entry"] += 1
            continue
        writings = [name] + [s.strip() for s in (synonyms or "").split(" | ") if s.strip()]
        usable: dict[str, str] = {}  # key -> writing
        for w in writings:
            key = alias_key(w)
            problem = _problem(w, key, name_key)
            if problem is None and key in excluded:
                problem = "excluded writing"
            if problem:
                dropped[problem] += 1
            elif key not in usable:
                usable[key] = w
                owners[key].add(db_id)
        candidates.append((db_id, name, list(usable.items())))
    drugs = {}
    for db_id, name, usable in candidates:
        # a writing several entries share names none of them for sure
        kept = [(k, w) for k, w in usable if len(owners[k]) == 1]
        dropped["shared by several entries"] += len(usable) - len(kept)
        drugs[db_id] = Drug(db_id, name, tuple(w for _, w in kept), tuple(k for k, _ in kept))
    return DrugBank(drugs, dict(sorted(dropped.items())), str(path))


@lru_cache(maxsize=4)
def _cached_drugbank(path: str, exclusions: str | None, stamp: tuple) -> DrugBank:
    return _read_drugbank(Path(path), Path(exclusions) if exclusions else None)


def _stamp(path: Path | None) -> tuple:
    if path is None or not path.is_file():
        return (str(path),)
    st = path.stat()
    return (str(path), st.st_mtime_ns, st.st_size)


def load_drugbank(path: str | Path, exclusions: str | Path | None = None) -> DrugBank:
    """Return the usable DrugBank names, or raise LexiconError naming file and line.
    Read once per process (cached while the files are unchanged)."""
    path = Path(path)
    ex = Path(exclusions) if exclusions is not None else None
    return _cached_drugbank(str(path), str(ex) if ex else None, (_stamp(path), _stamp(ex)))


def link_curated(lexicon: Lexicon | None, drugbank: DrugBank | None) -> dict[str, str]:
    """Return {curated agent_id: DrugBank id}: the entry whose common name is the agent's
    name or one of its aliases (ignoring case, hyphens and spaces), else the one entry
    having it as a usable synonym; one curated agent per entry."""
    if lexicon is None or drugbank is None:
        return {}
    by_name: dict[str, list[str]] = defaultdict(list)
    by_writing: dict[str, list[str]] = defaultdict(list)
    for d in drugbank.drugs.values():
        by_name[alias_key(d.name)].append(d.drugbank_id)
        for k in d.keys:
            by_writing[k].append(d.drugbank_id)
    links: dict[str, str] = {}
    taken: set[str] = set()
    for agent in lexicon.agents.values():
        keys = [alias_key(agent.name)] + [alias_key(a) for a in agent.aliases]
        hit = next((by_name[k][0] for k in keys if len(by_name.get(k, [])) == 1), None)
        if hit is None:
            hit = next((by_writing[k][0] for k in keys if len(by_writing.get(k, [])) == 1), None)
        if hit is not None and hit not in taken:
            links[agent.agent_id] = hit
            taken.add(hit)
    return links


def curated_agents_frame(lexicon: Lexicon) -> pd.DataFrame:
    """Return the agents table of the curated lexicon (`Lexicon.frame`) with `source`
    ('curated') and `drugbank_id` (see `link_curated`; NULL where DrugBank has no entry,
    and for every agent when the vocabularies folder holds no DrugBank file)."""
    folder = Path(lexicon.path).parent
    links: dict[str, str] = {}
    if (folder / DRUGBANK_FILE).is_file():
        exclusions = folder / DRUGBANK_EXCLUSIONS_FILE
        drugbank = load_drugbank(
            folder / DRUGBANK_FILE, exclusions if exclusions.is_file() else None
        )
        links = link_curated(lexicon, drugbank)
    frame = lexicon.frame()
    frame["source"] = "curated"
    frame["drugbank_id"] = pd.Series(
        [links.get(a) for a in frame["agent_id"]], index=frame.index, dtype=object
    )
    return frame


# --- the built DrugBank matcher, cached between processes ----------------------------------
#
# Parsing DrugBank's 14k rows and indexing 40k writings takes ~0.7 s of CPU; every job of
# the entities rule would pay it. The result is kept in a pickle under the user's cache
# folder ($TIDYREVIEW_CACHE, else $XDG_CACHE_HOME/tidyreview, else ~/.cache/tidyreview;
# TIDYREVIEW_CACHE=off disables it), named by a hash of the vocabulary files' contents, the
# setting and the code building it: a changed file or module is a new name, never a stale
# read. A cache that cannot be read or written is ignored.

_CODE_FILES = ("agent_vocabulary.py", "drugbank.py", "phrases.py", "lexicon.py")


def cache_dir() -> Path | None:
    import os

    setting = os.environ.get("TIDYREVIEW_CACHE")
    if setting == "off":
        return None
    if setting:
        return Path(setting)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "tidyreview"


def cache_key(files: list[Path], curated_lexicon: bool) -> str | None:
    import hashlib

    digest = hashlib.sha256(f"curated={curated_lexicon}".encode())
    here = Path(__file__).parent
    for path in [*files, *(here / name for name in _CODE_FILES)]:
        if not path.is_file():
            return None  # the loaders name the missing file
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:32]


def read_cache(key: str | None):
    import pickle

    folder = cache_dir()
    if key is None or folder is None:
        return None
    try:
        with (folder / f"agents-{key}.pickle").open("rb") as f:
            return pickle.load(f)
    except Exception:  # noqa: BLE001 - a missing or damaged cache is rebuilt
        return None


def write_cache(key: str | None, value) -> None:
    import os
    import pickle
    import tempfile

    folder = cache_dir()
    if key is None or folder is None:
        return
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=".agents-", suffix=".tmp")
        with os.fdopen(fd, "wb") as f:
            pickle.dump(value, f, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, folder / f"agents-{key}.pickle")
        for old in folder.glob("agents-*.pickle"):  # keep the few newest
            if old.stat().st_mtime < (folder / f"agents-{key}.pickle").stat().st_mtime - 86400:
                old.unlink(missing_ok=True)
    except OSError:
        return
