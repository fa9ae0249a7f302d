"""Trials and named studies: the registry identifiers and study names the document uses,
which trial each study mention refers to (trial_mentions), the trials with the phase,
status and enrollment the tables state, those only the prose states (trials.text_phase,
text_status), and the named studies (named_studies).

Everything known about particular studies comes from the curated named_studies.csv and
from the tables' acronyms and labels; the rules below only know the shape of names,
identifiers and sentences.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field

import pandas as pd

from .abbreviations import definitions_in
from .agent_mentions import Mention, Scan, TableView, cell_text, find_names, overlaps
from .errors import SourceFormatError
from .layout import collapse
from .lexicon import NAMED_STUDIES_FILE, Lexicon, Matcher, NotAgents, alias_key
from .patterns import (
    CITATION,
    CITATION_ITEM_PARTS,
    CITATION_MARKER,
    REGISTRY_ID,
    TRIAL_ID,
    registry_of,
)
from .quality import Flags
from .references import split_entries
from .sentences import Sentence

PROSE_PARTS = ("simple_summary", "abstract", "heading", "paragraph")
# Columns of the tidy tables naming a row's study.
STUDY_COLUMNS = ("acronym", "trial_label")

# --- study names -------------------------------------------------------------------------
# One word of a study name with at least two capitals: "KATE", "NeoALTTO", "exteNET",
# "DESTINY-Breast03", "IND.229" (never "the" or "In").
_STUDY_WORD = r"(?=[\w.-]*?[A-Z][\w.-]*?[A-Z])[A-Za-z][A-Za-z0-9]*(?:[-.][A-Za-z0-9]+)*"
# A study name: such words, possibly followed by more of them or a number ("TBCRC 022").
_STUDY_NAME = rf"{_STUDY_WORD}(?: (?:{_STUDY_WORD}|\d{{2,}}))*"
STUDY_NAME = re.compile(rf"(?<![\w-]){_STUDY_NAME}")
_CITE = rf"(?: ?{CITATION})?"
# "EMILIA [91] and KAMILLA [92]", "NEfERT-T, NALA, and TBCRC 022", "X and the Y"
_NAME_LIST = rf"{_STUDY_NAME}{_CITE}(?:(?: ?, (?:and )?| and )(?:the )?{_STUDY_NAME}{_CITE})*"
# What follows a name: "clinical trial", "phase 3 trial", "trials", "study", "protocol".
_TRIAL_WORDS = (
    r"(?:(?:phase \d[a-z]?(?:/\d[a-z]?)?|clinical|randomi[sz]ed|pivotal|open-label|single-arm) )*"
    r"(?:trials?|stud(?:y|ies)|protocol)\b"
)
_ID = rf"(?:{REGISTRY_ID})"
# "the MARGOT clinical trial (NCT04425018)", "EGF105084 [149], LANDSCAPE [150], and CEREBEL
# [151] clinical trials", "the phase 3 HER2CLIMB [175] trial"
NAMES_BEFORE_TRIAL_WORD = re.compile(
    rf"(?<![\w-])(?P<names>{_NAME_LIST}) {_TRIAL_WORDS}(?: ?\((?P<id>{_ID})\))?"
)
# "the DESTINY-Breast01 [82] and the DESTINY-Breast03 (NCT03529110)"
NAMES_BEFORE_ID = re.compile(rf"(?<![\w-])(?P<names>{_NAME_LIST}) ?\((?P<id>{_ID})\)")
# "(HER2CLIMB and NCT02614794)"
NAME_AND_ID = re.compile(rf"\((?P<name>{_STUDY_NAME}) and (?P<id>{_ID})\)")
# "NCT01042379 (I-SPY)"
ID_THEN_NAME = re.compile(rf"(?P<id>{_ID}) ?\((?P<name>{_STUDY_NAME})\)")
# "Another trial called AVIATOR"
CALLED = re.compile(rf"\b(?:trial|study) (?:called|named) (?P<name>{_STUDY_NAME})")
# Trailing words of a table acronym that are not part of the name ("I- SPY trial").
TRAILING_TRIAL_WORDS = re.compile(r"\s+(?:clinical\s+)?(?:trial|study)$", re.I)

# --- facts stated in the text ------------------------------------------------------------
# "phase 1", "phase 1/2", "phase 1b/2", "phase 1a/b", "Phase 3"
PHASE_TEXT = re.compile(r"\bphase\s+(?P<phase>\d[a-z]?(?:\s*/\s*(?:\d[a-z]?|[a-z]))?)\b", re.I)
# A recruitment status in the prose, as ClinicalTrials.gov writes it: "is currently
# recruiting", "open and recruiting", "recruitment has yet to begin", "have been completed".
STATUS_TEXT = (
    (
        re.compile(r"\brecruitment\s+has\s+yet\s+to\s+begin\b|\bnot\s+yet\s+recruiting\b", re.I),
        "NOT_YET_RECRUITING",
    ),
    (
        re.compile(r"\bactive,?\s+not\s+recruiting\b|\bno\s+longer\s+recruiting\b", re.I),
        "ACTIVE_NOT_RECRUITING",
    ),
    (
        re.compile(
            r"\b(?:is|are)\s+(?:currently\s+|still\s+|now\s+)?recruiting\b"
            r"|\b(?:actively|currently)\s+recruiting\b|\b(?:open|active)\s+and\s+recruiting\b",
            re.I,
        ),
        "RECRUITING",
    ),
    (
        re.compile(r"\b(?:has|have|had)\s+been\s+completed\b|\b(?:was|were)\s+completed\b", re.I),
        "COMPLETED",
    ),
    (re.compile(r"\b(?:was|were|has\s+been|have\s+been)\s+terminated\b", re.I), "TERMINATED"),
    (re.compile(r"\b(?:was|were|has\s+been|have\s+been)\s+withdrawn\b", re.I), "WITHDRAWN"),
    (re.compile(r"\b(?:was|were|has\s+been|have\s+been)\s+suspended\b", re.I), "SUSPENDED"),
)
# "recruited 18 patients", "expects to recruit 38 participants", "the enrolment of 33
# patients", "recruited 6 patients for phase 1 and 54 for phase 2"
ENROLLMENT_TEXT = re.compile(
    r"\b(?:recruit(?:s|ed|ing)?|enrol(?:l)?(?:s|ed|ing)?|enrol(?:l)?ment\s+of)\s+"
    r"(?P<n>\d[\d,]*)\s+(?:[a-z-]+\s+){0,3}?(?:patients|participants|subjects|women)"
    r"(?:\s+for\s+phase\s+\w+\s+and\s+(?P<n2>\d[\d,]*)\s+for\s+phase\s+\w+)?",
    re.I,
)
# A sentence about the trial named just before: "This was a single-arm phase 1b study".
ANAPHORA = re.compile(r"^(?:This|The (?:trial|study))\b")
TRIAL_WORD = re.compile(r"\b(?:trials?|stud(?:y|ies))\b", re.I)


# --- named studies ------------------------------------------------------------------------------


@dataclass
class StudyFind:
    """One place a rule (or a table, or the vocabulary) names a study."""

    name: str
    start: int
    trial_id: str | None
    found_by: str


@dataclass
class Study:
    key: str
    finds: list[StudyFind] = field(default_factory=list)
    mentions: list[Mention] = field(default_factory=list)

    @property
    def trial_ids(self) -> list[str]:
        seen: list[str] = []
        for f in sorted(self.finds, key=lambda f: f.start):
            if f.trial_id and f.trial_id not in seen:
                seen.append(f.trial_id)
        return seen

    @property
    def name(self) -> str:
        forms = Counter(collapse(m.surface) for m in self.mentions)
        first = {}
        for m in self.mentions:
            first.setdefault(collapse(m.surface), m.start)
        return min(forms, key=lambda f: (-forms[f], first[f]))


class StudyRules:
    """Finds study names in the prose by the shape of what surrounds them."""

    def __init__(
        self,
        lexicon: Lexicon,
        not_agents: NotAgents,
        agent_spans: list[tuple[int, int]],
        abbreviations: set[str],
    ):
        self.agent_spans = agent_spans
        self.not_agents = not_agents
        self.abbreviations = abbreviations
        self.targets = {alias_key(t) for a in lexicon.agents.values() for t in a.targets}

    def acceptable(self, name: str, start: int, end: int) -> bool:
        """A name is a study unless it is an agent, a target, an identifier, an abbreviation
        the document defines ("triple-negative breast cancer (TNBC)") or decided."""
        if TRIAL_ID.fullmatch(name) or name.lower().startswith("anti-"):
            return False
        if name in self.abbreviations:
            return False
        if alias_key(name) in self.targets or self.not_agents.decided(name):
            return False
        return not overlaps(start, end, self.agent_spans)

    def find(self, sentence: Sentence) -> list[StudyFind]:
        text = sentence.text
        finds: list[StudyFind] = []

        def add(name: str, begin: int, trial_id: str | None) -> None:
            start, end = sentence.raw_span(begin, begin + len(name))
            if self.acceptable(name, start, end):
                finds.append(StudyFind(name, start, trial_id, "text_rule"))

        for pattern in (NAMES_BEFORE_TRIAL_WORD, NAMES_BEFORE_ID):
            for m in pattern.finditer(text):
                names = list(STUDY_NAME.finditer(m["names"]))
                for i, n in enumerate(names):
                    tie = m["id"] if i == len(names) - 1 else None
                    add(n.group(), m.start("names") + n.start(), tie)
        for pattern in (NAME_AND_ID, ID_THEN_NAME, CALLED):
            for m in pattern.finditer(text):
                tie = m.groupdict().get("id")
                add(m["name"], m.start("name"), tie)
        return finds


def table_study_finds(view: TableView) -> list[StudyFind]:
    """Return the study names the tidy tables give with a row's identifier."""
    finds = []
    for df in view.tidy.values():
        for column in STUDY_COLUMNS:
            if column not in df.columns:
                continue
            for row in df.itertuples(index=False):
                label = cell_text(getattr(row, column))
                if not label:
                    continue
                label = TRAILING_TRIAL_WORDS.sub("", collapse(label))
                finds.append(StudyFind(label, int(row.start), row.trial_id, "table"))
    return finds


# --- phases and facts ------------------------------------------------------------------------------


def normalise_phase(wording: str) -> str | None:
    """Return the ClinicalTrials.gov phase of 'phase 1b/2' -> PHASE1/PHASE2, or None."""
    numbers = sorted({int(d) for d in re.findall(r"\d", wording)})
    if not numbers or any(n > 4 for n in numbers) or len(numbers) > 2:
        return None
    return "/".join(f"PHASE{n}" for n in numbers)


@dataclass(frozen=True)
class Fact:
    key: str  # trial_id, or "study:<name>" for a study without identifier
    field: str  # phase or enrollment
    value: str
    wording: str
    start: int
    end: int
    where: str  # "table T4" or "text"
    via: str = ""


# --- the trials the document names -----------------------------------------------------------


@dataclass
class TrialNames:
    """The studies the document names and which trial each mention refers to."""

    studies: dict[str, Study]
    study_mentions: list[Mention]
    ties: dict[int, str | None]  # study mention start -> the trial_id it refers to, or None
    refs: list[tuple[str, Mention]]  # (trial_id, mention): identifiers and tied study names


def name_trials(scan: Scan, curated: list[tuple[str, str | None]], flags: Flags) -> TrialNames:
    """Find the named studies and tie their mentions to trials (see `TrialNames`)."""
    studies = find_studies(scan, curated, flags)
    study_mentions = [m for s in studies.values() for m in s.mentions]
    ties = mention_ties(scan, studies)
    return TrialNames(studies, study_mentions, ties, trial_refs(scan, study_mentions, ties))


def find_studies(
    scan: Scan, curated: list[tuple[str, str | None]], flags: Flags
) -> dict[str, Study]:
    """Return the studies the document names, by key: from the tables' acronyms and
    labels, the prose's shapes (StudyRules) and the curated list, each with its mentions;
    flag a curated study the document never names."""
    agent_spans = [(m.start, m.end) for m in scan.agent_mentions]
    defined = {d.short for _, d in definitions_in(scan.sentences)}
    rules = StudyRules(scan.lexicon, scan.not_agents, agent_spans, defined)
    finds = table_study_finds(scan.view)
    for s in scan.sentences:
        finds.extend(rules.find(s))
    for name, trial_id in curated:
        finds.append(StudyFind(name, -1, trial_id, "vocabulary"))
    studies: dict[str, Study] = {}
    for f in finds:
        studies.setdefault(alias_key(f.name), Study(alias_key(f.name))).finds.append(f)
    merge_numbered_variants(scan, studies)
    names = [(key, f.name) for key, st in studies.items() for f in st.finds]
    matcher = Matcher(sorted(set(names)), case_sensitive=True)
    id_spans = [(m.start, m.end) for m in scan.id_mentions]
    for m in find_names(matcher, scan.raw, scan.regions):
        if not overlaps(m.start, m.end, id_spans):
            studies[m.entity].mentions.append(m)
    for key, st in list(studies.items()):
        if not st.mentions:  # a vocabulary entry the text never uses
            flags.add(
                "study_name_not_found",
                "warning",
                st.finds[0].name,
                f"{NAMED_STUDIES_FILE} lists this study but the document never names it",
            )
            del studies[key]
    return studies


def merge_numbered_variants(scan: Scan, studies: dict[str, Study]) -> None:
    """A study the prose names without identifier is the study tied to an identifier
    whose name extends it by a number ("The KATE trial" and Table 4's "KATE2" of its NCT
    row): its finds join that study, whose mentions then show both forms (flagged
    `study_name_variant`). When several names extend it (KATE2, KATE3), the one a
    reference cited in the paragraph writes ("... Breast Cancer (KATE2): ...") decides;
    otherwise it is left alone."""
    for key, st in list(studies.items()):
        if st.trial_ids or key not in studies:
            continue
        extended = [
            k
            for k, other in studies.items()
            if k != key and other.trial_ids and re.fullmatch(rf"{re.escape(key)}\d+", k)
        ]
        if len(extended) > 1:
            written = {
                alias_key(w)
                for text in _cited_reference_texts(scan, [f.start for f in st.finds])
                for w in re.findall(r"[\w.-]+", text)
            }
            extended = [k for k in extended if k in written]
        if len(extended) == 1:
            studies[extended[0]].finds.extend(st.finds)
            del studies[key]


def _cited_reference_texts(scan: Scan, starts: list[int]) -> list[str]:
    """The reference entries cited in the paragraphs holding the offsets `starts`, from
    each offset on."""
    numbers: set[int] = set()
    for start in starts:
        sentence = next((s for s in scan.sentences if s.start <= start < s.stop), None)
        if sentence is None or sentence.paragraph_id is None:
            continue
        for s in scan.sentences:
            if s.paragraph_id == sentence.paragraph_id and s.stop > start:
                for marker in CITATION_MARKER.finditer(s.text):
                    for item in CITATION_ITEM_PARTS.finditer(marker["body"]):
                        last = int(item["last"] or item["first"])
                        numbers.update(range(int(item["first"]), last + 1))
    if not numbers:
        return []
    try:
        entries = split_entries(scan.layout.reference_lines, scan.source.path)
    except SourceFormatError:
        return []
    return [e.text for e in entries if e.number in numbers]


def mention_ties(scan: Scan, studies: dict[str, Study]) -> dict[int, str | None]:
    """Return the trial_id each study mention refers to (start -> id or None)."""
    ties: dict[int, str | None] = {}
    for st in studies.values():
        local = {f.start: f.trial_id for f in st.finds if f.trial_id}
        only = st.trial_ids[0] if len(st.trial_ids) == 1 else None
        for m in st.mentions:
            tie = next((t for s, t in local.items() if m.start <= s < m.end), None)
            if tie is None and m.region.table_id is not None:
                # a table acronym belongs to the identifier in the same cell
                tie = next(
                    (
                        i.entity
                        for i in scan.id_mentions
                        if i.region == m.region
                        and scan.places.cell(i.region, i.start)
                        == scan.places.cell(m.region, m.start)
                    ),
                    None,
                )
            ties[m.start] = tie or only
    return ties


def trial_refs(
    scan: Scan, study_mentions: list[Mention], ties: dict[int, str | None]
) -> list[tuple[str, Mention]]:
    """Return (trial_id, mention) for identifiers and tied study names, in order."""
    refs = [(m.entity, m) for m in scan.id_mentions]
    refs += [(ties[m.start], m) for m in study_mentions if ties.get(m.start)]
    return sorted(refs, key=lambda r: r[1].start)


def trial_mentions_frame(scan: Scan, names: TrialNames) -> pd.DataFrame:
    rows = [
        {
            "doc_id": scan.source.doc_id,
            "trial_id": m.entity,
            "study_name": None,
            "kind": "registry_id",
            "surface": m.surface,
            **scan.places.row(m),
        }
        for m in scan.id_mentions
    ]
    for st in names.studies.values():
        for m in st.mentions:
            rows.append(
                {
                    "doc_id": scan.source.doc_id,
                    "trial_id": names.ties.get(m.start),
                    "study_name": st.name,
                    "kind": "study_name",
                    "surface": m.surface,
                    **scan.places.row(m),
                }
            )
    if not rows:  # a document naming no trial
        return pd.DataFrame(columns=["trial_id", "start", "end"])
    return pd.DataFrame(rows).sort_values("start", kind="stable").reset_index(drop=True)


def trials_frame(scan: Scan, names: TrialNames, facts: list[Fact]) -> pd.DataFrame:
    refs = names.refs
    by_trial: dict[str, list[Mention]] = defaultdict(list)
    for trial_id, m in refs:
        by_trial[trial_id].append(m)
    table = table_facts(scan)
    stated = prose_facts(scan, facts)
    acronyms: dict[str, list[str]] = defaultdict(list)
    for st in names.studies.values():
        for trial_id in st.trial_ids:
            acronyms[trial_id].append(st.name)
    rows = []
    for trial_id, mentions in by_trial.items():
        first = min(mentions, key=lambda m: m.start)
        f = table.get(trial_id, {})
        rows.append(
            {
                "doc_id": scan.source.doc_id,
                "trial_id": trial_id,
                "registry": registry_of(trial_id),
                "acronyms": sorted(acronyms.get(trial_id, [])),
                "phase": f.get("phase"),
                "phase_raw": f.get("phase_raw"),
                "status": f.get("status"),
                "status_raw": f.get("status_raw"),
                "text_phase": stated.get((trial_id, "phase"), (None, None))[0],
                "text_phase_raw": stated.get((trial_id, "phase"), (None, None))[1],
                "text_status": stated.get((trial_id, "status"), (None, None))[0],
                "text_status_raw": stated.get((trial_id, "status"), (None, None))[1],
                "enrollment": f.get("enrollment"),
                "table_ids": sorted({m.region.table_id for m in mentions if m.region.table_id}),
                "n_mentions": len(mentions),
                "in_prose": any(m.region.part in PROSE_PARTS for m in mentions),
                "first_section": first.region.section_id,
                "first_start": first.start,
                "first_end": first.end,
            }
        )
    return pd.DataFrame(rows)


def named_studies_frame(scan: Scan, names: TrialNames) -> pd.DataFrame:
    rows = []
    for st in names.studies.values():
        first = min(st.mentions, key=lambda m: m.start)
        ids = st.trial_ids
        rows.append(
            {
                "doc_id": scan.source.doc_id,
                "name": st.name,
                "trial_id": ids[0] if ids else None,
                "trial_ids": ids,
                "variants": sorted({collapse(m.surface) for m in st.mentions}),
                "found_by": sorted({f.found_by for f in st.finds}),
                "n_mentions": len(st.mentions),
                "first_section": first.region.section_id,
                "first_start": first.start,
            }
        )
    return pd.DataFrame(rows)


# --- facts about trials: phase, status, enrollment ----------------------------------------------


def stated_facts(text: str) -> list[tuple[str, str, re.Match]]:
    """The phase, status and enrollment a sentence states, each only when it states one
    value: (field, value, match)."""
    phases = {}
    for m in PHASE_TEXT.finditer(text):
        value = normalise_phase(m["phase"])
        if value:
            phases.setdefault(value, m)
    enrollments = []
    for m in ENROLLMENT_TEXT.finditer(text):
        n = int(m["n"].replace(",", "")) + (int(m["n2"].replace(",", "")) if m["n2"] else 0)
        enrollments.append((str(n), m))
    statuses = {}
    for pattern, value in STATUS_TEXT:
        for m in pattern.finditer(text):
            statuses.setdefault(value, m)
    found = []
    if len(phases) == 1:
        found.append(("phase", *next(iter(phases.items()))))
    if len(statuses) == 1:
        found.append(("status", *next(iter(statuses.items()))))
    if len(enrollments) == 1:
        found.append(("enrollment", *enrollments[0]))
    return found


def table_facts(scan: Scan) -> dict[str, dict]:
    """Return {trial_id: phase/status/enrollment} from the first table row stating them."""
    facts: dict[str, dict] = {}
    for df in scan.view.tidy.values():
        for row in df.to_dict("records"):
            got = facts.setdefault(row["trial_id"], {})
            for column in ("phase", "phase_raw", "status", "status_raw", "enrollment"):
                value = row.get(column)
                if column not in got and value is not None and not pd.isna(value):
                    got[column] = int(value) if column == "enrollment" else value
    return facts


def prose_facts(scan: Scan, facts: list[Fact]) -> dict[tuple[str, str], tuple[str, str]]:
    """Return {(trial_id, phase|status): (value, wording)} the prose states for a trial
    whose tables state no such value: one value only (differing values are flagged by
    `fact_flags` and published nowhere), worded as the first sentence stating it."""
    table = table_facts(scan)
    found: dict[tuple[str, str], list[Fact]] = defaultdict(list)
    for f in facts:
        if f.field in ("phase", "status") and f.field not in table.get(f.key, {}):
            found[(f.key, f.field)].append(f)
    return {
        key: (facts[0].value, facts[0].wording)
        for key, facts in found.items()
        if len({f.value for f in facts}) == 1 and not key[0].startswith("study:")
    }


def text_facts(scan: Scan, names: TrialNames, table_links: list[dict]) -> list[Fact]:
    """Phases, statuses and enrollments the prose states, with the trial (or unnamed
    study) each is about: the trials the sentence names, else those of the sentence
    before for "This was a phase 1b/2 trial ...", else (only to compare with what a
    table states) the one table trial of the sentence's only agent."""
    refs = names.refs
    study_refs = [
        (f"study:{st.name}", m)
        for st in names.studies.values()
        for m in st.mentions
        if not names.ties.get(m.start)
    ]
    table_trials: dict[str, set[str]] = defaultdict(set)
    for link in table_links:
        table_trials[link["agent_id"]].add(link["trial_id"])
    stated = {(k, f) for k, v in table_facts(scan).items() for f in v}
    facts: list[Fact] = []
    previous: list[str] = []  # trials of the sentence before, for "This was a ..."
    previous_unit = None
    for s in scan.sentences:
        keys = [t for t, m in refs + study_refs if s.start <= m.start < s.stop]
        keys = list(dict.fromkeys(keys))
        via, agent_fallback = "", False
        if not keys and s.unit is previous_unit and ANAPHORA.match(s.text):
            keys, via = previous, "the trial named in the sentence before"
        previous, previous_unit = keys, s.unit
        if not keys and TRIAL_WORD.search(s.text):
            named = scan.sentence_mentions(s, scan.agent_mentions)
            agents = scan.products([m.entity for m in named])
            if len(agents) == 1 and len(table_trials.get(agents[0], ())) == 1:
                keys = list(table_trials[agents[0]])
                via = f"its only table trial of {scan.lexicon.agents[agents[0]].name}"
                agent_fallback = True
        if not keys:
            continue
        found = stated_facts(s.text)
        for key in keys:
            for field_name, value, m in found:
                if agent_fallback and (key, field_name) not in stated:
                    continue
                start, end = s.raw_span(m.start(), m.end())
                facts.append(Fact(key, field_name, value, m.group(), start, end, "text", via))
    return facts
