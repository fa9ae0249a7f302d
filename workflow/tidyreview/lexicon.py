"""The curated agent lexicon (raw/vocabularies/agents.csv) and name matching.

The lexicon is data: every agent the review discusses with every writing it uses. This
module validates it (its own pandera schema plus the checks across rows) and finds names
in text the way a reader would: ignoring case, hyphen/space variants ("trastuzumab-
deruxtecan" = "trastuzumab deruxtecan") and line-wrap artifacts ("T- DM1", "HER2-" at the
end of a page and "CAR-T" on the next), always preferring the longest name ("zanidatamab
zovodotin" is not "zanidatamab").
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from tidyreview.schemas.vocabularies import AgentLexicon, NamedStudyVocabulary, NotAgentPatterns

from .errors import TidyReviewError

AGENTS_FILE = "agents.csv"
NOT_AGENTS_FILE = "not_agents.csv"
NAMED_STUDIES_FILE = "named_studies.csv"

# Characters that may separate the parts of a name: spaces, line breaks and hyphens
# (ASCII, Unicode hyphen, non-breaking hyphen, en dash). Tabs are cell borders, never
# part of a name.
SEPARATOR_CHARS = " \u00a0\n\r-\u2010\u2011\u2013"
_SEP = "[" + re.escape(SEPARATOR_CHARS) + "]"
_SPACE = "[ \u00a0\n\r]"
_HYPHEN = "[-\u2010\u2011\u2013]"
# Between two characters the name writes together, the text may still break the word
# with a hyphen, possibly followed by a line or page break ("T- DM1", "HER2-\n\nCAR-T").
_WRAP = f"(?:{_SPACE}*{_HYPHEN}{_SPACE}*)?"
# A name starts where no word character precedes it, and ends where neither a word
# character nor a hyphenated number follows ("FPA150" is not in "FPA150-001", but "T-DM1"
# is in "T-DM1-resistant").
_DROP_SEPARATORS = str.maketrans("", "", SEPARATOR_CHARS)
_SEPARATOR = re.compile(_SEP)
_LEFT = r"(?<!\w)"
_RIGHT = r"(?!\w)(?!-\d)"


class LexiconError(TidyReviewError):
    """A curated vocabulary file is missing or invalid."""


def problems_message(path: Path | str, problems: list[str], shown: int = 5) -> str:
    """One line naming the file and its problems (each naming its line): the first
    `shown` of them, and how many more."""
    more = f"; ... {len(problems) - shown} more" if len(problems) > shown else ""
    listed = "; ".join(" ".join(p.split()) for p in problems[:shown])
    if len(problems) == 1:
        return f"{path}: {listed}"
    return f"{path}: {len(problems)} problems: {listed}{more}"


# An acronym: two to five capital letters and nothing else ("NPS", "CDK"; not "T-DM1",
# which has a digit, nor "Pozotinib"). Written in capitals by convention, it matches only
# so: "NPS" must not name the agent in "NPs" (nanoparticles) or "nps".
ACRONYM = re.compile(r"[A-Z]{2,5}")


def is_acronym(alias: str) -> bool:
    """Return whether `alias` is an all-capitals short name (matched case-sensitively)."""
    return bool(ACRONYM.fullmatch(alias.translate(_DROP_SEPARATORS)))


def alias_key(alias: str) -> str:
    """Return the matching key of a name: case-folded, separators removed."""
    return _SEPARATOR.sub("", alias.casefold())


def alias_pattern(alias: str) -> str:
    """Return the regular expression matching `alias` and its variants (see module doc)."""
    parts = [p for p in re.split(_SEP + "+", alias.strip()) if p]
    if not parts:
        raise ValueError(f"empty name {alias!r}")
    body = f"{_SEP}*".join(_WRAP.join(re.escape(ch) for ch in part) for part in parts)
    return _LEFT + body + _RIGHT


@dataclass(frozen=True)
class Agent:
    agent_id: str
    name: str
    aliases: tuple[str, ...]
    modality: str
    targets: tuple[str, ...]
    her2_directed: bool
    component_of: tuple[str, ...]
    notes: str | None


@dataclass(frozen=True)
class NameMatch:
    """One occurrence of a name: raw offsets, the text as printed, what it names."""

    start: int
    end: int
    surface: str
    entity: str  # agent_id, or the name of a study
    alias: str  # the vocabulary writing that matched


# Compiled alias patterns, shared by every Matcher (the lexicon is matched many times).
_COMPILED: dict[tuple[str, int], re.Pattern] = {}


def _compiled(alias: str, flags: int) -> re.Pattern:
    key = (alias, flags)
    if key not in _COMPILED:
        _COMPILED[key] = re.compile(alias_pattern(alias), flags)
    return _COMPILED[key]


class Matcher:
    """Finds the names of a set of entities in text, longest match first."""

    def __init__(self, names: Iterable[tuple[str, str]], case_sensitive: bool = False):
        flags = 0 if case_sensitive else re.IGNORECASE
        self.case_sensitive = case_sensitive
        # (entity, alias, key, pattern): a match's characters, separators dropped, spell
        # the key, so a window whose squeezed text lacks the key cannot match: the cheap
        # test spares most regular-expression searches.
        self.patterns = [
            (
                entity,
                alias,
                self._squeeze(alias),
                _compiled(alias, 0 if is_acronym(alias) else flags),
            )
            for entity, alias in names
        ]

    def _squeeze(self, text: str) -> str:
        text = text.translate(_DROP_SEPARATORS)
        return text if self.case_sensitive else text.casefold()

    def find(self, text: str, start: int = 0, end: int | None = None) -> list[NameMatch]:
        """Return non-overlapping matches in text[start:end], in text order.

        Overlaps are resolved longest first, so a longer name always wins over a shorter
        one inside it; offsets index `text` itself.
        """
        end = len(text) if end is None else end
        squeezed = self._squeeze(text[start:end])
        found = [
            NameMatch(m.start(), m.end(), m.group(), entity, alias)
            for entity, alias, key, pattern in self.patterns
            if key in squeezed
            for m in pattern.finditer(text, start, end)
        ]
        found.sort(key=lambda m: (-(m.end - m.start), m.start, m.entity))
        taken: list[NameMatch] = []
        for m in found:
            if all(m.end <= t.start or m.start >= t.end for t in taken):
                taken.append(m)
        return sorted(taken, key=lambda m: m.start)


@dataclass(frozen=True)
class Lexicon:
    agents: dict[str, Agent]
    path: str

    def matcher(self) -> Matcher:
        return Matcher((a.agent_id, alias) for a in self.agents.values() for alias in a.aliases)

    def frame(self) -> pd.DataFrame:
        """Return the published `agents` table (one row per agent)."""
        rows = [
            {
                "agent_id": a.agent_id,
                "name": a.name,
                "aliases": list(a.aliases),
                "modality": a.modality,
                "targets": list(a.targets),
                "her2_directed": a.her2_directed,
                "component_of": list(a.component_of) or None,
                "notes": a.notes,
            }
            for a in self.agents.values()
        ]
        return pd.DataFrame(rows)


# --- reading and validating the vocabularies ------------------------------------------


def read_vocabulary(path: Path, model: type[pa.DataFrameModel]) -> pd.DataFrame:
    """Return a vocabulary CSV as strings (empty cells None), validated against `model`,
    or raise LexiconError naming the file, the CSV line and the value."""
    if not path.is_file():
        raise LexiconError(f"{path}: vocabulary file not found")
    try:
        df = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    except (UnicodeDecodeError, pd.errors.ParserError) as exc:
        raise LexiconError(f"{path}: not a readable UTF-8 CSV file ({exc})") from None
    df = df.map(lambda v: v.strip() if isinstance(v, str) else v)
    df = df.map(lambda v: None if v == "" else v).astype(object)
    try:
        valid = model.validate(df, lazy=True)
    except pa.errors.SchemaErrors as exc:
        raise LexiconError(_schema_message(path, df, exc.failure_cases)) from None
    return valid.astype(object).where(valid.notna(), None)


def _line(index) -> int:
    """CSV line of a data row (line 1 is the header)."""
    return int(index) + 2


def _schema_message(path: Path, df: pd.DataFrame, failures: pd.DataFrame) -> str:
    lines = []
    for f in failures.itertuples(index=False):
        if f.index is None or pd.isna(f.index):
            lines.append(f"  - {f.check}: {f.failure_case}")
            continue
        first = df.columns[0]
        key = df.loc[f.index, first] if f.index in df.index else None
        lines.append(
            f"  - line {_line(f.index)} ({first} {key!r}), column {f.column}: "
            f"value {f.failure_case!r} fails {f.check}"
        )
    return problems_message(path, [line.removeprefix("  - ") for line in lines])


def _split(value: str | None) -> tuple[str, ...]:
    return tuple(v.strip() for v in value.split("|")) if value else ()


def load_lexicon(path: str | Path) -> Lexicon:
    """Return the agent lexicon at `path`, or raise LexiconError naming line and value."""
    path = Path(path)
    df = read_vocabulary(path, AgentLexicon)
    problems: list[str] = []
    owner: dict[str, tuple[str, int, str]] = {}
    ids = set(df["agent_id"])
    for index, row in enumerate(df.to_dict("records")):
        where = f"line {_line(index)} (agent_id {row['agent_id']!r})"
        for alias in _split(row["aliases"]):
            key = alias_key(alias)
            if not key:
                problems.append(f"{where}: alias {alias!r} has no letters or digits")
                continue
            if key in owner and owner[key][0] != row["agent_id"]:
                other_id, other_line, other_alias = owner[key]
                problems.append(
                    f"{where}: alias {alias!r} is already an alias of {other_id!r} "
                    f"(line {other_line}, {other_alias!r}); an alias must name one agent"
                )
            elif key in owner:
                problems.append(
                    f"{where}: alias {alias!r} repeats {owner[key][2]!r} "
                    "(matching ignores case, hyphens and spaces)"
                )
            else:
                owner[key] = (row["agent_id"], _line(index), alias)
        for parent in _split(row["component_of"]):
            if parent not in ids:
                problems.append(f"{where}: component_of {parent!r} is not an agent_id")
            elif parent == row["agent_id"]:
                problems.append(f"{where}: an agent cannot be a component of itself")
    if problems:
        raise LexiconError(problems_message(path, problems))
    agents = {
        row["agent_id"]: Agent(
            agent_id=row["agent_id"],
            name=row["name"],
            aliases=_split(row["aliases"]),
            modality=row["modality"],
            targets=_split(row["targets"]),
            her2_directed=row["her2_directed"] == "true",
            component_of=_split(row["component_of"]),
            notes=row["notes"],
        )
        for row in df.to_dict("records")
    }
    return Lexicon(agents, str(path))


@dataclass(frozen=True)
class NotAgents:
    """Drug-like names decided not to be agents (whole-name regular expressions)."""

    patterns: tuple[tuple[re.Pattern, str, str], ...]  # (pattern, kind, reason)

    def decided(self, name: str) -> tuple[str, str] | None:
        """Return (kind, reason) if `name` was decided not to be an agent."""
        for pattern, kind, reason in self.patterns:
            if pattern.fullmatch(name):
                return kind, reason
        return None


def load_not_agents(path: str | Path) -> NotAgents:
    """Return the decided non-agent patterns, or raise LexiconError for a bad pattern."""
    path = Path(path)
    df = read_vocabulary(path, NotAgentPatterns)
    compiled = []
    for index, row in enumerate(df.to_dict("records")):
        try:
            compiled.append((re.compile(row["pattern"]), row["kind"], row["reason"]))
        except re.error as exc:
            raise LexiconError(
                f"{path}: line {_line(index)}: pattern {row['pattern']!r} is not a valid "
                f"regular expression ({exc})"
            ) from None
    return NotAgents(tuple(compiled))


def load_named_studies(path: str | Path) -> list[tuple[str, str | None]]:
    """Return (name, trial_id) of the curated study names (an absent file means none)."""
    path = Path(path)
    if not path.exists():
        return []
    df = read_vocabulary(path, NamedStudyVocabulary)
    return [(row["name"], row["trial_id"]) for row in df.to_dict("records")]
