"""Agents from three sources: the curated lexicon, DrugBank's open vocabulary and rules.

- curated (raw/vocabularies/agents.csv, `lexicon`): the overrides. Its aliases,
  misspellings, modality and targets win; a curated agent gets the DrugBank id of the
  DrugBank entry that has its name (or one of its aliases) as common name or synonym, and
  that entry's other writings become more of its names.
- drugbank (raw/vocabularies/drugbank/drugbank_vocabulary.csv, CC0, `drugbank`): common
  names and synonyms, minus the writings unsafe in prose (see `drugbank.writing_problem`)
  and those of raw/vocabularies/drugbank_exclusions.csv. Codes and names with inner capitals match
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

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from .agent_rules import INN_STEMS_FILE, NameRules, RuleName, load_name_rules, stated_targets
from .drugbank import (
    DRUGBANK_EXCLUSIONS_FILE,
    DRUGBANK_FILE,
    DrugBank,
    cache_key,
    is_code,
    link_curated,
    load_drugbank,
    read_cache,
    slug,
    write_cache,
)
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
)
from .phrases import PhraseMatcher, resolve

SOURCES = ("curated", "drugbank", "rule")


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
    key = cache_key(files, curated_lexicon)
    cached = read_cache(key)
    if cached is not None:
        drugbank, built = cached
        return AgentVocabulary(lexicon, drugbank, rules, not_agents, built=built)
    drugbank = load_drugbank(folder / DRUGBANK_FILE, folder / DRUGBANK_EXCLUSIONS_FILE)
    vocab = AgentVocabulary(lexicon, drugbank, rules, not_agents)
    write_cache(key, (drugbank, (vocab.curated_ids, vocab.drug_ids, vocab.phrases)))
    return vocab


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
