"""Agents from three sources: the curated lexicon, DrugBank's open vocabulary and rules.

- curated (raw/vocabularies/agents.csv, `lexicon`): the overrides. Its aliases,
  misspellings, modality and targets win; a curated agent gets the DrugBank id of the
  DrugBank entry that has its name (or one of its aliases) as common name or synonym, and
  that entry's other writings become more of its names.
- drugbank (raw/vocabularies/drugbank/drugbank_vocabulary.csv, CC0): common names and
  synonyms, minus the writings unsafe in prose (see `writing_problem`) and those of
  raw/vocabularies/drugbank_exclusions.csv. Codes and names with inner capitals match
  case-sensitively ("T-DM1"), INN-like names ignoring case ("Osimertinib"). The matcher is
  a `phrases.PhraseMatcher`: one pass over the text, one dictionary look-up per token.
- rule (`agent_rules`): INN stems, ADC names, development codes and brands in no
  vocabulary.

Overlaps resolve longest first, then curated before DrugBank before rules. A name that
not_agents.csv decides is not an agent (CD137, IL-2, NCT...) is never an agent, whatever
its source. Non-curated agents get stable ids: the slug of the DrugBank name
("osimertinib", "trastuzumab_deruxtecan"; the DrugBank id "db09330" when two entries or a
curated agent share the slug), or `agent_rules.rule_agent_id` of the name.

The curated lexicon can be switched off (`load_agent_vocabulary(..., curated_lexicon=False)`,
config key `curated_lexicon`) to see what the field's vocabularies alone find.
"""

from __future__ import annotations

import csv
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import pandas as pd

from tidyreview.schemas.vocabularies import DrugBankExclusions

from .agent_rules import INN_STEMS_FILE, NameRules, RuleName, load_name_rules, stated_targets
from .lexicon import (
    AGENTS_FILE,
    NOT_AGENTS_FILE,
    Lexicon,
    LexiconError,
    NameMatch,
    NotAgents,
    alias_key,
    load_lexicon,
    load_not_agents,
    problems_message,
    read_vocabulary,
)
from .phrases import PhraseMatcher, resolve, tokens

DRUGBANK_FILE = "drugbank/drugbank_vocabulary.csv"
DRUGBANK_EXCLUSIONS_FILE = "drugbank_exclusions.csv"
SOURCES = ("curated", "drugbank", "rule")

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


@dataclass
class AgentInfo:
    """One row of the agents table."""

    agent_id: str
    name: str
    aliases: list[str]
    modality: str
    targets: list[str]
    her2_directed: bool
    component_of: list[str]
    notes: str | None
    source: str
    drugbank_id: str | None


def _display_name(name: str) -> str:
    """DrugBank capitalises INN-like names ("Trastuzumab deruxtecan"); the agents table
    writes them in lower case as the lexicon does; codes keep their capitals."""
    return name if is_code(name) else name.casefold()


def _her2(targets: Iterable[str]) -> bool:
    return any(alias_key(t) in {"her2", "erbb2", "her2neu"} for t in targets)


@dataclass
class AgentVocabulary:
    """Curated, DrugBank and rule agents, and the matcher that finds them in text."""

    lexicon: Lexicon | None
    drugbank: DrugBank | None
    rules: NameRules | None
    not_agents: NotAgents | None
    curated_ids: dict[str, str] = field(default_factory=dict)  # agent_id -> drugbank_id
    drug_ids: dict[str, str] = field(default_factory=dict)  # drugbank_id -> agent_id
    rule_agents: dict[str, AgentInfo] = field(default_factory=dict)
    rule_of: dict[str, str] = field(default_factory=dict)  # rule agent_id -> rule
    # what __post_init__ builds, read back from the cache (see `load_agent_vocabulary`)
    built: tuple | None = field(default=None, repr=False)

    def __post_init__(self):
        if self.built is not None:
            self.curated_ids, self.drug_ids, self.phrases = self.built
            self.built = None
        else:
            self._build()
        self.curated_matcher = self.lexicon.matcher() if self.lexicon else None
        self._by_agent = {agent_id: db_id for db_id, agent_id in self.drug_ids.items()}

    def _build(self):
        curated = self.lexicon.agents if self.lexicon else {}
        curated_keys = {alias_key(a) for agent in curated.values() for a in agent.aliases}
        curated_keys |= {alias_key(agent.name) for agent in curated.values()}
        drugs = self.drugbank.drugs if self.drugbank else {}
        self.curated_ids = link_curated(self.lexicon, self.drugbank)
        self.drug_ids = {db_id: agent_id for agent_id, db_id in self.curated_ids.items()}
        slugs: dict[str, list[str]] = defaultdict(list)
        for d in drugs.values():
            if d.drugbank_id not in self.drug_ids:
                slugs[slug(d.name)].append(d.drugbank_id)
        for s, ids in slugs.items():
            for db_id in ids:
                unique = len(ids) == 1 and s and s not in curated and s[0].isalnum()
                self.drug_ids[db_id] = s if unique else db_id.lower()
        self.phrases = PhraseMatcher(
            (self.drug_ids[d.drugbank_id], w, is_code(w))
            for d in drugs.values()
            for w, k in zip(d.writings, d.keys, strict=True)
            if k not in curated_keys
        )

    # --- matching ---------------------------------------------------------------------

    def _decided(self, surface: str) -> bool:
        return (
            self.not_agents is not None
            and self.not_agents.decided(" ".join(surface.split())) is not None
        )

    def find(self, text: str, start: int = 0, end: int | None = None) -> list[NameMatch]:
        """Return non-overlapping agent names in text[start:end], in text order (the
        same interface as `lexicon.Matcher.find`)."""
        curated = self.curated_matcher.find(text, start, end) if self.curated_matcher else []
        drugbank = [
            m for m in self.phrases.candidates(text, start, end) if not self._decided(m.surface)
        ]
        ruled: list[NameMatch] = []
        by_match: dict[int, RuleName] = {}
        if self.rules is not None:
            for r in self.rules.find(text, start, end, self.not_agents):
                m = NameMatch(r.start, r.end, r.surface, r.agent_id, r.name)
                ruled.append(m)
                by_match[id(m)] = r
        found = resolve([curated, drugbank, ruled])
        found = [self._rule_agent(m, by_match[id(m)]) if id(m) in by_match else m for m in found]
        return self._brands_in_apposition(text, found)

    def _rule_agent(self, m: NameMatch, r: RuleName) -> NameMatch:
        """Register the agent of a rule match that won its span. A name whose id is a
        curated or DrugBank agent's is that agent (the same name but for case, hyphens or
        spaces: "Disitamab vedotin" found by the ADC rule is disitamab_vedotin)."""
        known = r.agent_id in self._by_agent or (
            self.lexicon is not None and r.agent_id in self.lexicon.agents
        )
        if not known and r.agent_id not in self.rule_agents:
            self.rule_agents[r.agent_id] = AgentInfo(
                r.agent_id,
                r.name,
                [],
                r.modality,
                [],
                False,
                [],
                f"found by rule: {r.rule}",
                "rule",
                None,
            )
            self.rule_of[r.agent_id] = r.rule
        return m

    def _brands_in_apposition(self, text: str, found: list[NameMatch]) -> list[NameMatch]:
        """A brand right after a name in brackets ("trastuzumab deruxtecan (Enhertu®)")
        is a name of that agent."""
        out = list(found)
        for i, m in enumerate(out):
            if i == 0 or self.rule_of.get(m.entity) != "brand":
                continue
            prev = out[i - 1]
            if re.fullmatch(r"\s*\(\s*", text[prev.end : m.start]):
                out[i] = NameMatch(m.start, m.end, m.surface, prev.entity, m.alias)
        return out

    # --- the agents table -----------------------------------------------------------------

    def source_of(self, agent_id: str) -> str:
        if self.lexicon and agent_id in self.lexicon.agents:
            return "curated"
        if agent_id in self._by_agent:
            return "drugbank"
        return "rule"

    def drugbank_id(self, agent_id: str) -> str | None:
        return self.curated_ids.get(agent_id) or self._by_agent.get(agent_id)

    def frame(self, matches: Iterable[NameMatch] = (), text: str | None = None) -> pd.DataFrame:
        """Return the agents table: every curated agent, and the DrugBank and rule agents
        among `matches` (with the writings matched as aliases and, given `text`, the
        targets it states next to them)."""
        rows: dict[str, AgentInfo] = {}
        if self.lexicon:
            for a in self.lexicon.agents.values():
                rows[a.agent_id] = AgentInfo(
                    a.agent_id,
                    a.name,
                    list(a.aliases),
                    a.modality,
                    list(a.targets),
                    a.her2_directed,
                    list(a.component_of),
                    a.notes,
                    "curated",
                    self.curated_ids.get(a.agent_id),
                )
        drugs = self.drugbank.drugs if self.drugbank else {}
        for m in sorted(matches, key=lambda m: m.start):
            if m.entity in rows and rows[m.entity].source == "curated":
                continue
            if m.entity not in rows:
                db_id = self._by_agent.get(m.entity)
                if db_id is not None:
                    name = _display_name(drugs[db_id].name)
                    modality = (self.rules.modality_of(name) if self.rules else None) or "other"
                    rows[m.entity] = AgentInfo(
                        m.entity, name, [], modality, [], False, [], None, "drugbank", db_id
                    )
                else:
                    base = self.rule_agents[m.entity]
                    rows[m.entity] = AgentInfo(**{**base.__dict__, "aliases": [], "targets": []})
            row = rows[m.entity]
            written = " ".join(m.surface.split())
            if alias_key(written) not in {alias_key(a) for a in row.aliases}:
                row.aliases.append(written)
            if text is not None:
                for t in stated_targets(text, m.start, m.end):
                    if t not in row.targets:
                        row.targets.append(t)
            row.her2_directed = _her2(row.targets)
        frame = pd.DataFrame([r.__dict__ for r in rows.values()], columns=AGENT_COLUMNS)
        frame["component_of"] = [c or None for c in frame["component_of"]]
        return frame


AGENT_COLUMNS = [
    "agent_id",
    "name",
    "aliases",
    "modality",
    "targets",
    "her2_directed",
    "component_of",
    "notes",
    "source",
    "drugbank_id",
]


def curated_lexicon_setting(config: dict) -> bool:
    """Return the `curated_lexicon` key of the workflow config (default true), or raise
    LexiconError for a value that is not true or false."""
    value = config.get("curated_lexicon", True)
    if not isinstance(value, bool):
        raise LexiconError(
            f"config key curated_lexicon: {value!r} is not true or false (config/config.yaml)"
        )
    return value


def load_agent_vocabulary(folder: str | Path, curated_lexicon: bool = True) -> AgentVocabulary:
    """Return the agents of the vocabularies in `folder` (see the module docstring), or
    raise LexiconError naming the file and line of a missing or malformed vocabulary.
    With `curated_lexicon=False` agents.csv is not read: DrugBank and the rules only."""
    folder = Path(folder)
    lexicon = load_lexicon(folder / AGENTS_FILE) if curated_lexicon else None
    not_agents = load_not_agents(folder / NOT_AGENTS_FILE)
    rules = load_name_rules(folder / INN_STEMS_FILE)
    files = [folder / DRUGBANK_FILE, folder / DRUGBANK_EXCLUSIONS_FILE]
    if curated_lexicon:
        files.append(folder / AGENTS_FILE)
    key = _cache_key(files, curated_lexicon)
    cached = _read_cache(key)
    if cached is not None:
        drugbank, built = cached
        return AgentVocabulary(lexicon, drugbank, rules, not_agents, built=built)
    drugbank = load_drugbank(folder / DRUGBANK_FILE, folder / DRUGBANK_EXCLUSIONS_FILE)
    vocab = AgentVocabulary(lexicon, drugbank, rules, not_agents)
    _write_cache(key, (drugbank, (vocab.curated_ids, vocab.drug_ids, vocab.phrases)))
    return vocab


# --- the built DrugBank matcher, cached between processes ----------------------------------
#
# Parsing DrugBank's 14k rows and indexing 40k writings takes ~0.7 s of CPU; every job of
# the entities rule would pay it. The result is kept in a pickle under the user's cache
# folder ($TIDYREVIEW_CACHE, else $XDG_CACHE_HOME/tidyreview, else ~/.cache/tidyreview;
# TIDYREVIEW_CACHE=off disables it), named by a hash of the vocabulary files' contents, the
# setting and the code building it: a changed file or module is a new name, never a stale
# read. A cache that cannot be read or written is ignored.

_CODE_FILES = ("agent_vocabulary.py", "phrases.py", "lexicon.py")


def _cache_dir() -> Path | None:
    import os

    setting = os.environ.get("TIDYREVIEW_CACHE")
    if setting == "off":
        return None
    if setting:
        return Path(setting)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "tidyreview"


def _cache_key(files: list[Path], curated_lexicon: bool) -> str | None:
    import hashlib

    digest = hashlib.sha256(f"curated={curated_lexicon}".encode())
    here = Path(__file__).parent
    for path in [*files, *(here / name for name in _CODE_FILES)]:
        if not path.is_file():
            return None  # the loaders name the missing file
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:32]


def _read_cache(key: str | None):
    import pickle

    folder = _cache_dir()
    if key is None or folder is None:
        return None
    try:
        with (folder / f"agents-{key}.pickle").open("rb") as f:
            return pickle.load(f)
    except Exception:  # noqa: BLE001 - a missing or damaged cache is rebuilt
        return None


def _write_cache(key: str | None, value) -> None:
    import os
    import pickle
    import tempfile

    folder = _cache_dir()
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


# --- one agents table for several reviews -------------------------------------------------

SOURCE_RANK = {s: i for i, s in enumerate(SOURCES)}


def merge_agents(
    frames: list[tuple[str, pd.DataFrame]],
) -> tuple[pd.DataFrame, list[dict]]:
    """Return one agents table from the tables of several reviews [(doc_id, frame)], and
    the conflicts met (dicts with doc_id, agent_id, the modality kept and the one not).

    Rows sharing an agent_id become one, whatever the order the reviews come in: the
    attributes of the row from the best source (curated, then DrugBank, then rules; the
    first review by doc_id among equals); its aliases first as that row writes them, then
    the other rows' writings it lacks, sorted; the targets likewise. Two rule rows that
    infer different modalities keep the one other than "other" (then the first in
    alphabetical order), and the conflict is returned for a quality flag."""
    rows: dict[str, list[tuple[str, dict]]] = defaultdict(list)
    for doc_id, frame in sorted(frames, key=lambda f: f[0]):
        for r in frame.to_dict("records"):
            rows[r["agent_id"]].append((doc_id, r))
    merged, conflicts = [], []
    for agent_id, found in rows.items():
        found.sort(key=lambda x: SOURCE_RANK.get(x[1]["source"], len(SOURCES)))
        best = dict(found[0][1])
        if len(found) > 1:
            for column in ("aliases", "targets"):
                have = list(best[column])
                keys = {alias_key(a) for a in have}
                extra = sorted(
                    {a for _, r in found[1:] for a in r[column] if alias_key(a) not in keys}
                )
                best[column] = have + extra
            if best["source"] != "curated":
                best["her2_directed"] = _her2(best["targets"])
            if best["source"] == "rule":
                modalities = {r["modality"] for _, r in found}
                if len(modalities) > 1:
                    kept = sorted(modalities, key=lambda m: (m == "other", m))[0]
                    best["modality"] = kept
                    for doc_id, r in found:
                        if r["modality"] != kept:
                            conflicts.append(
                                {
                                    "doc_id": doc_id,
                                    "agent_id": agent_id,
                                    "kept": kept,
                                    "dropped": r["modality"],
                                }
                            )
        merged.append(best)
    columns = list(frames[0][1].columns) if frames else AGENT_COLUMNS
    return pd.DataFrame(merged, columns=columns), conflicts
