"""Agents and trials as entities linked across the text and the tables (stage "entities").

Tables: agents (the curated lexicon), agent_mentions, trials, named_studies,
trial_mentions, trial_agents and the stage's quality_flags.

Where names are looked for: the Simple Summary and Abstract, section headings, body
paragraphs (page breaks included), captions and table cells; never the reference list
(read only to check that the text spells the study names it cites as the references do).

Which agents a trial tests (trial_agents): its table rows, then the clause of a sentence
naming it, the sentence right after it ("In this trial, ...", "The second one ..."), and,
for a trial nothing else links, its paragraph (see `EntityExtraction.text_links`). The
phase and status a table states go to trials.phase/status; those only the prose states
go to trials.text_phase/text_status.

Everything the code knows about particular drugs and studies comes from the curated
vocabularies in raw/vocabularies/ (agents.csv, not_agents.csv, named_studies.csv) and from
the tables stage (acronyms, labels, phases); the rules below only know the shape of names,
identifiers and sentences.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import pandas as pd

from . import review_tables
from .abbreviations import definitions_in
from .agent_vocabulary import curated_agents_frame
from .errors import SourceFormatError
from .layout import LABELLED, Layout, collapse, read_layout
from .lexicon import (
    AGENTS_FILE,
    NAMED_STUDIES_FILE,
    NOT_AGENTS_FILE,
    Lexicon,
    Matcher,
    NotAgents,
    alias_key,
    load_lexicon,
    load_named_studies,
    load_not_agents,
)
from .quality import Flags
from .references import split_entries
from .sentences import PROSE_LABELS, Sentence, document_sentences
from .source import Source

STAGE = "entities"
PROSE_PARTS = ("simple_summary", "abstract", "heading", "paragraph")

# A registry identifier, "NCT03529110" (ClinicalTrials.gov) or "2013-003894-87" (EudraCT),
# and an NCT number with the wrong number of digits ("NCT0452159"), found as the tables
# stage finds them.
REGISTRY_ID = review_tables.TRIAL_ID
MALFORMED_NCT = review_tables.MALFORMED_NCT

# --- recall safety net: drug-like names ------------------------------------------------
# International Nonproprietary Name stems of the agent classes the review covers:
# "margetuximab", "poziotinib", "palbociclib", "niraparib", "capivasertib", ...
INN_STEM_NAME = re.compile(
    r"(?<![\w-])[A-Za-z][a-z]{2,}(?:mab|tinib|ciclib|parib|sertib|lisib|rafenib|zomib|"
    r"platin|taxel|rubicin|strant|trozole|citabine|leucel|tecan|vedotin)(?![\w])"
)
# A development code: capitals, an optional hyphen, at least two digits, an optional
# letter and an optional hyphenated number ("MM-302", "KN026", "SSGJ-609A", "CCT303-406").
DEVELOPMENT_CODE = re.compile(r"(?<![\w-])[A-Z]{1,5}-?\d{2,}[A-Z]?(?:-\d+)?(?!\w)")

# --- study names -------------------------------------------------------------------------
# One word of a study name with at least two capitals: "KATE", "NeoALTTO", "exteNET",
# "DESTINY-Breast03", "IND.229" (never "the" or "In").
_STUDY_WORD = r"(?=[\w.-]*?[A-Z][\w.-]*?[A-Z])[A-Za-z][A-Za-z0-9]*(?:[-.][A-Za-z0-9]+)*"
# A study name: such words, possibly followed by more of them or a number ("TBCRC 022").
_STUDY_NAME = rf"{_STUDY_WORD}(?: (?:{_STUDY_WORD}|\d{{2,}}))*"
STUDY_NAME = re.compile(rf"(?<![\w-]){_STUDY_NAME}")
_CITE = r"(?: ?\[[\d,\s–-]+\])?"
# "EMILIA [91] and KAMILLA [92]", "NEfERT-T, NALA, and TBCRC 022", "X and the Y"
_NAME_LIST = rf"{_STUDY_NAME}{_CITE}(?:(?: ?, (?:and )?| and )(?:the )?{_STUDY_NAME}{_CITE})*"
# What follows a name: "clinical trial", "phase 3 trial", "trials", "study", "protocol".
_TRIAL_WORDS = (
    r"(?:(?:phase \d[a-z]?(?:/\d[a-z]?)?|clinical|randomi[sz]ed|pivotal|open-label|single-arm) )*"
    r"(?:trials?|stud(?:y|ies)|protocol)\b"
)
_ID = r"(?:NCT\d{8}|\d{4}-\d{6}-\d{2})"
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
# "(Table 1)"
TABLE_REFERENCE = re.compile(r"\(Table\s+(?P<number>\d+)\)")

# --- which trial an agent belongs to ---------------------------------------------------------
# A clause that brings in a trial other than the one just named: "..., and in another phase 1
# clinical trial ...", "a second study", "other trials".
NEW_TRIAL_CUE = re.compile(
    r"\b(?:another|other|a\s+(?:second|third|further|different))(?:\s+[\w+/-]+){0,4}?\s+"
    r"(?:trials?|stud(?:y|ies))\b",
    re.I,
)
# A sentence about the one trial of the sentence before: "In this trial, the aim is ...".
TRIAL_ANAPHORA = re.compile(
    r"^(?:(?:In|For|During)\s+)?(?:this|that|the)\s+(?:trial|study)\b", re.I
)
# A sentence about one trial of a list named before: "The first one analyzes ...",
# "The second one studies ...", "The latter ...".
ORDINAL_REFERENCE = re.compile(
    r"^(?:(?:In|For)\s+)?the\s+(?:(?P<nth>first|second|third|fourth)\s+(?:one|trial|study)"
    r"|(?P<end>former|latter))\b",
    re.I,
)
ORDINALS = {"first": 0, "second": 1, "third": 2, "fourth": 3, "former": 0, "latter": -1}
# An unnamed study brought in with an indefinite article: "a study carried out in ...".
INDEFINITE_TRIAL = re.compile(r"\ban?\s+(?:[\w-]+\s+){0,3}?(?:trial|study)\b", re.I)
# Text that may separate the names of a run-in title ("Trastuzumab-duocarmycine/SYD985.").
TITLE_FILLER = re.compile(r"[\s/,;:().-]*")

# --- roles in a sentence -------------------------------------------------------------------
COMPARATOR_CUE = re.compile(r"\b(?:compared\s+(?:to|with)|versus|vs\.?|than)\s+(?:\S+\s+){0,3}$")
COMBINATION_CUE = re.compile(r"\b(?:combination|combined|plus|with|and)\b|\+")
# Text between two identifiers of one list: ", ", " and ", ", and ", "), (" ...
LIST_CONNECTOR = re.compile(r"^[\s,;()]*(?:and|or)?[\s,;()]*$")
CITATION = re.compile(r"\[[\d,\s–-]+\]")

# Columns of the tidy tables (see DATA_CONTRACT.md) naming a row's agents.
DRUG_COLUMNS = ("drug", "agent_group")
COMBINATION_COLUMNS = ("combination", "treatment")
# Columns of the tidy tables naming a row's study.
STUDY_COLUMNS = ("acronym", "trial_label")
ROLE_RANK = {"investigational": 0, "combination": 1, "comparator": 2, "co_mentioned": 3}


# --- where things are ----------------------------------------------------------------------


@dataclass(frozen=True)
class Region:
    """A searchable span of the document and where it lies."""

    start: int
    end: int
    part: str
    section_id: str | None
    paragraph_id: str | None = None
    caption_id: str | None = None
    table_id: str | None = None


@dataclass(frozen=True)
class Mention:
    start: int
    end: int
    surface: str
    entity: str
    alias: str
    region: Region


def text_regions(layout: Layout) -> list[Region]:
    """Return the spans names are looked for in, in document order."""
    raw = layout.source.text
    regions: list[Region] = []
    for block in layout.front:
        m = LABELLED.match(block.lines[0].text)
        if m and m["value"] is not None and m["label"].lower() in PROSE_LABELS:
            kind = PROSE_LABELS[m["label"].lower()]
            regions.append(Region(block.start + m.start("value"), block.end, kind, None))
    for h in layout.headings:
        regions.append(Region(h.block.start, h.block.end, "heading", h.section_id))
    for p in layout.paragraphs:
        # parts separated only by blank lines are searched as one span, so that a name
        # split by a page break ("HER2-" / "CAR-T") is found
        start = p.parts[0].start
        for a, b in zip(p.parts, p.parts[1:], strict=False):
            if raw[a.end : b.start].strip():
                regions.append(Region(start, a.end, "paragraph", p.section_id, p.paragraph_id))
                start = b.start
        regions.append(Region(start, p.end, "paragraph", p.section_id, p.paragraph_id))
    for c in layout.captions:
        regions.append(
            Region(c.block.start, c.block.end, "caption", c.section_id, None, c.caption_id)
        )
    for t in layout.tables:
        for line in t.lines:
            regions.append(
                Region(line.start, line.end, "table", t.caption.section_id, table_id=t.table_id)
            )
    return sorted(regions, key=lambda r: r.start)


class Places:
    """Locates offsets: region, table cell, line."""

    def __init__(self, source: Source, regions: list[Region], cells: pd.DataFrame | None):
        self.source = source
        self.regions = regions
        self.cells: dict[str, list[tuple[int, int, int, int]]] = defaultdict(list)
        if cells is not None:
            for c in cells.itertuples(index=False):
                self.cells[c.table_id].append(
                    (int(c.start), int(c.end), int(c.row_index), int(c.column_index))
                )

    def cell(self, region: Region, start: int) -> tuple[int | None, int | None]:
        """Return (row_index, column_index) of the table cell holding `start`."""
        if region.table_id is None:
            return None, None
        for s, e, row, col in self.cells.get(region.table_id, []):
            if s <= start < e or s == start == e:
                return row, col
        # a cell not in table_cells (e.g. a tab-less continuation): its line's first cell
        line = self.source.line_of(start)
        for s, _e, row, col in self.cells.get(region.table_id, []):
            if self.source.line_of(s) == line:
                return row, col
        return None, None

    def row(self, m: Mention) -> dict:
        """Return the place columns of a mention row."""
        r = m.region
        row_index, column_index = self.cell(r, m.start)
        return {
            "part": r.part,
            "section_id": r.section_id,
            "paragraph_id": r.paragraph_id,
            "caption_id": r.caption_id,
            "table_id": r.table_id,
            "row_index": row_index if r.table_id else None,
            "column_index": column_index if r.table_id else None,
            "line": self.source.line_of(m.start),
            "start": m.start,
            "end": m.end,
        }


def find_names(matcher: Matcher, text: str, regions: list[Region]) -> list[Mention]:
    """Return every match of `matcher` in the regions, in document order."""
    return [
        Mention(m.start, m.end, m.surface, m.entity, m.alias, r)
        for r in regions
        for m in matcher.find(text, r.start, r.end)
    ]


def find_registry_ids(text: str, regions: list[Region]) -> list[Mention]:
    return [
        Mention(m.start(), m.end(), m.group(), m.group(), m.group(), r)
        for r in regions
        for m in REGISTRY_ID.finditer(text, r.start, r.end)
    ]


def _overlaps(start: int, end: int, spans: list[tuple[int, int]]) -> bool:
    return any(start < e and s < end for s, e in spans)


# --- the tables stage's view of the review's tables ------------------------------------------


@dataclass
class TableView:
    """The tidy tables and table_cells of the tables stage, with their flags."""

    cells: pd.DataFrame | None
    tidy: dict[str, pd.DataFrame]
    flags: pd.DataFrame | None

    @classmethod
    def read(cls, source: Source, vocabularies: Path) -> TableView:
        out = review_tables.extract(source, vocabularies, check_counts=False)
        tidy = {
            name: df
            for name, df in out.items()
            if name not in ("table_cells", "quality_flags") and "trial_id" in df.columns
        }
        return cls(out.get("table_cells"), tidy, out.get("quality_flags"))


def _value(v) -> str | None:
    if v is None or (not isinstance(v, (list, tuple)) and pd.isna(v)):
        return None
    return str(v)


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
        if REGISTRY_ID.fullmatch(name) or name.lower().startswith("anti-"):
            return False
        if name in self.abbreviations:
            return False
        if alias_key(name) in self.targets or self.not_agents.decided(name):
            return False
        return not _overlaps(start, end, self.agent_spans)

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


def table_study_finds(view: TableView, places: Places) -> list[StudyFind]:
    """Return the study names the tidy tables give with a row's identifier."""
    finds = []
    for df in view.tidy.values():
        for column in STUDY_COLUMNS:
            if column not in df.columns:
                continue
            for row in df.itertuples(index=False):
                label = _value(getattr(row, column))
                if not label:
                    continue
                label = TRAILING_TRIAL_WORDS.sub("", collapse(label))
                finds.append(StudyFind(label, int(row.start), row.trial_id, "table"))
    return finds


# --- trial facts ----------------------------------------------------------------------------------


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


# --- the stage ------------------------------------------------------------------------------------


class EntityExtraction:
    """Runs the stage on one document; `tables()` returns its output."""

    def __init__(self, source: Source, vocabularies: Path):
        self.source = source
        self.raw = source.text
        self.layout = read_layout(source)
        self.lexicon = load_lexicon(vocabularies / AGENTS_FILE)
        self.not_agents = load_not_agents(vocabularies / NOT_AGENTS_FILE)
        self.curated_studies = load_named_studies(vocabularies / NAMED_STUDIES_FILE)
        self.view = TableView.read(source, vocabularies)
        self.regions = text_regions(self.layout)
        self.places = Places(source, self.regions, self.view.cells)
        self.sentences = [s for s in document_sentences(self.layout) if s.unit.kind != "heading"]
        self.flags = Flags(source, STAGE)

        self.agent_mentions = find_names(self.lexicon.matcher(), self.raw, self.regions)
        self.id_mentions = find_registry_ids(self.raw, self.regions)
        self.studies = self._find_studies()
        self.study_mentions = [m for s in self.studies.values() for m in s.mentions]
        self.mention_ties = self._mention_ties()

    # --- studies -------------------------------------------------------------------------------

    def _find_studies(self) -> dict[str, Study]:
        agent_spans = [(m.start, m.end) for m in self.agent_mentions]
        defined = {d.short for _, d in definitions_in(self.sentences)}
        rules = StudyRules(self.lexicon, self.not_agents, agent_spans, defined)
        finds = table_study_finds(self.view, self.places)
        for s in self.sentences:
            finds.extend(rules.find(s))
        for name, trial_id in self.curated_studies:
            finds.append(StudyFind(name, -1, trial_id, "vocabulary"))
        studies: dict[str, Study] = {}
        for f in finds:
            studies.setdefault(alias_key(f.name), Study(alias_key(f.name))).finds.append(f)
        names = [(key, f.name) for key, st in studies.items() for f in st.finds]
        matcher = Matcher(sorted(set(names)), case_sensitive=True)
        id_spans = [(m.start, m.end) for m in self.id_mentions]
        for m in find_names(matcher, self.raw, self.regions):
            if not _overlaps(m.start, m.end, id_spans):
                studies[m.entity].mentions.append(m)
        for key, st in list(studies.items()):
            if not st.mentions:  # a vocabulary entry the text never uses
                self.flags.add(
                    "study_name_not_found",
                    "warning",
                    st.finds[0].name,
                    f"{NAMED_STUDIES_FILE} lists this study but the document never names it",
                )
                del studies[key]
        return studies

    def _mention_ties(self) -> dict[int, str | None]:
        """Return the trial_id each study mention refers to (start -> id or None)."""
        ties: dict[int, str | None] = {}
        for st in self.studies.values():
            local = {f.start: f.trial_id for f in st.finds if f.trial_id}
            only = st.trial_ids[0] if len(st.trial_ids) == 1 else None
            for m in st.mentions:
                tie = next((t for s, t in local.items() if m.start <= s < m.end), None)
                if tie is None and m.region.table_id is not None:
                    # a table acronym belongs to the identifier in the same cell
                    tie = next(
                        (
                            i.entity
                            for i in self.id_mentions
                            if i.region == m.region
                            and self.places.cell(i.region, i.start)
                            == self.places.cell(m.region, m.start)
                        ),
                        None,
                    )
                ties[m.start] = tie or only
        return ties

    # --- output tables ----------------------------------------------------------------------------

    def agent_mentions_frame(self) -> pd.DataFrame:
        rows = [
            {
                "doc_id": self.source.doc_id,
                "agent_id": m.entity,
                "surface": m.surface,
                "alias": m.alias,
                **self.places.row(m),
            }
            for m in self.agent_mentions
        ]
        return pd.DataFrame(rows)

    def trial_mentions_frame(self) -> pd.DataFrame:
        rows = [
            {
                "doc_id": self.source.doc_id,
                "trial_id": m.entity,
                "study_name": None,
                "kind": "registry_id",
                "surface": m.surface,
                **self.places.row(m),
            }
            for m in self.id_mentions
        ]
        for st in self.studies.values():
            for m in st.mentions:
                rows.append(
                    {
                        "doc_id": self.source.doc_id,
                        "trial_id": self.mention_ties.get(m.start),
                        "study_name": st.name,
                        "kind": "study_name",
                        "surface": m.surface,
                        **self.places.row(m),
                    }
                )
        return pd.DataFrame(rows).sort_values("start", kind="stable").reset_index(drop=True)

    @cache  # noqa: B019 (one extraction object per document, short-lived)
    def trial_refs(self) -> list[tuple[str, Mention]]:
        """Return (trial_id, mention) for identifiers and tied study names, in order."""
        refs = [(m.entity, m) for m in self.id_mentions]
        refs += [
            (self.mention_ties[m.start], m)
            for m in self.study_mentions
            if self.mention_ties.get(m.start)
        ]
        return sorted(refs, key=lambda r: r[1].start)

    def trials_frame(self) -> pd.DataFrame:
        refs = self.trial_refs()
        by_trial: dict[str, list[Mention]] = defaultdict(list)
        for trial_id, m in refs:
            by_trial[trial_id].append(m)
        facts = self.table_facts()
        stated = self.prose_facts()
        acronyms: dict[str, list[str]] = defaultdict(list)
        for st in self.studies.values():
            for trial_id in st.trial_ids:
                acronyms[trial_id].append(st.name)
        rows = []
        for trial_id, mentions in by_trial.items():
            first = min(mentions, key=lambda m: m.start)
            f = facts.get(trial_id, {})
            rows.append(
                {
                    "doc_id": self.source.doc_id,
                    "trial_id": trial_id,
                    "registry": "ClinicalTrials.gov" if trial_id.startswith("NCT") else "EudraCT",
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
                }
            )
        return pd.DataFrame(rows)

    @cache  # noqa: B019 (one extraction object per document, short-lived)
    def table_facts(self) -> dict[str, dict]:
        """Return {trial_id: phase/status/enrollment} from the first table row stating them."""
        facts: dict[str, dict] = {}
        for df in self.view.tidy.values():
            for row in df.to_dict("records"):
                got = facts.setdefault(row["trial_id"], {})
                for column in ("phase", "phase_raw", "status", "status_raw", "enrollment"):
                    value = row.get(column)
                    if column not in got and value is not None and not pd.isna(value):
                        got[column] = int(value) if column == "enrollment" else value
        return facts

    def prose_facts(self) -> dict[tuple[str, str], tuple[str, str]]:
        """Return {(trial_id, phase|status): (value, wording)} the prose states for a trial
        whose tables state no such value: one value only (differing values are flagged by
        `fact_flags` and published nowhere), worded as the first sentence stating it."""
        table = self.table_facts()
        found: dict[tuple[str, str], list[Fact]] = defaultdict(list)
        for f in self.text_facts():
            if f.field in ("phase", "status") and f.field not in table.get(f.key, {}):
                found[(f.key, f.field)].append(f)
        return {
            key: (facts[0].value, facts[0].wording)
            for key, facts in found.items()
            if len({f.value for f in facts}) == 1 and not key[0].startswith("study:")
        }

    def named_studies_frame(self) -> pd.DataFrame:
        rows = []
        for st in self.studies.values():
            first = min(st.mentions, key=lambda m: m.start)
            ids = st.trial_ids
            rows.append(
                {
                    "doc_id": self.source.doc_id,
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

    # --- trial_agents ------------------------------------------------------------------------------

    def _products(self, agent_ids: list[str]) -> list[str]:
        """Drop components (payloads, antibodies) of products named alongside them."""
        named = set(agent_ids)
        return [
            a
            for a in dict.fromkeys(agent_ids)
            if not set(self.lexicon.agents[a].component_of) & named
        ]

    @cache  # noqa: B019 (one extraction object per document, short-lived)
    def _cells(self, table_id: str) -> list[tuple[int, int, int, str]]:
        """Return (row_index, start, end, comparable text) of a table's non-empty cells."""
        if self.view.cells is None:
            return []
        cells = self.view.cells[self.view.cells["table_id"] == table_id]
        return [
            (int(c.row_index), int(c.start), int(c.end), _comparable(c.value))
            for c in cells.itertuples(index=False)
            if isinstance(c.value, str) and c.value.strip()
        ]

    def _evidence_cells(self, table_id: str, value: str, rows: range | None, r: int):
        """Return the cells printing `value`: for a drug (rows None) the nearest cell at or
        above row r whose text is the value (filled down, or a group header); for a row
        value, the cells of `rows` whose text is the value or a piece of it (a cell continued
        after a page break)."""
        value = _comparable(value)
        cells = self._cells(table_id)
        if rows is None:
            above = [c for c in cells if c[0] <= r and c[3] == value]
            return [max(above, key=lambda c: c[0])] if above else []
        return [c for c in cells if c[0] in rows and (c[3] in value or value in c[3])]

    @cache  # noqa: B019 (one extraction object per document, short-lived)
    def table_links(self) -> list[dict]:
        """Links from the tidy tables: the row's drug and the agents of its combination
        or treatment cell, each with the cell printing it as evidence."""
        matcher = self.lexicon.matcher()
        links = []
        for df in self.view.tidy.values():
            data_rows = sorted({int(r) for r in df["row_index"]})
            for row in df.to_dict("records"):
                table_id, r = row["table_id"], int(row["row_index"])
                later = [x for x in data_rows if x > r]
                first = row.get("cells_from_row_index")
                first = r if first is None or pd.isna(first) else int(first)
                rows = range(first, later[0] if later else r + 10**6)
                drugs: set[str] = set()
                for column in DRUG_COLUMNS + COMBINATION_COLUMNS:
                    value = _value(row.get(column))
                    if not value:
                        continue
                    is_drug = column in DRUG_COLUMNS
                    agents = self._products([m.entity for m in matcher.find(value)])
                    if is_drug:
                        drugs.update(agents)
                    else:  # the row's own drug named again in its treatment
                        agents = [a for a in agents if a not in drugs]
                    cells = self._evidence_cells(table_id, value, None if is_drug else rows, r)
                    for agent_id in agents:
                        holding = [
                            c
                            for c in cells
                            if any(
                                m.entity == agent_id and c[1] <= m.start < c[2]
                                for m in self.agent_mentions
                            )
                        ]
                        cell = (holding or cells or [None])[0]
                        start, end = (cell[1], cell[2]) if cell else (row["start"], row["end"])
                        links.append(
                            {
                                "trial_id": row["trial_id"],
                                "agent_id": agent_id,
                                "source": "table",
                                "role": "investigational" if is_drug else "combination",
                                "link_rule": "table_row",
                                "evidence": collapse(self.raw[start:end]),
                                "section_id": self._section_of_table(table_id),
                                "paragraph_id": None,
                                "table_id": table_id,
                                "row_index": r,
                                "start": int(start),
                                "end": int(end),
                            }
                        )
        return links

    def _section_of_table(self, table_id: str) -> str | None:
        return next((r.section_id for r in self.regions if r.table_id == table_id), None)

    def sentence_mentions(self, sentence: Sentence, mentions) -> list:
        return [m for m in mentions if sentence.start <= m.start < sentence.stop]

    def _sentence_products(self, sentence: Sentence) -> list[Mention]:
        """The mentions of products (not components named with them) in a sentence."""
        agents = self.sentence_mentions(sentence, self.agent_mentions)
        products = set(self._products([m.entity for m in agents]))
        return [m for m in agents if m.entity in products]

    def _link(
        self, trial_id: str, m: Mention, role: str, first: Sentence, last: Sentence, rule: str
    ) -> dict:
        """A text link whose evidence runs from sentence `first` to `last` (one unit)."""
        return {
            "trial_id": trial_id,
            "agent_id": m.entity,
            "source": "text",
            "role": role,
            "link_rule": rule,
            "evidence": first.unit.text[first.begin : last.end],
            "section_id": last.section_id,
            "paragraph_id": last.paragraph_id,
            "table_id": None,
            "row_index": None,
            "start": first.start,
            "end": last.stop,
        }

    def _sentence_of(self, m: Mention) -> Sentence:
        return next(s for s in self.sentences if s.start <= m.start < s.stop)

    def _links_of(
        self, trial_id: str, agents: list[Mention], first: Sentence, last: Sentence, rule: str
    ) -> list[dict]:
        """Link each agent of `agents` (the first is the subject) to one trial, once."""
        if not agents:
            return []
        subject = agents[0]
        once = {}
        for m in agents:
            once.setdefault(m.entity, m)
        return [
            self._link(trial_id, m, self._role(self._sentence_of(m), m, subject), first, last, rule)
            for m in once.values()
        ]

    def _clause_links(self, s: Sentence, trial_refs: list[tuple[str, Mention]]) -> list[dict]:
        """Links of the trials a sentence names to the agents of their clauses.

        The agents between two identifiers belong to the second; those after the last
        identifier to the last; the sentence's subject (its first agent) to every one. A
        clause bringing in another trial ("..., and in another phase 1 trial, X showed
        ...") ends the clause before it: after the last identifier its agents belong to no
        identifier of the sentence; between two, it begins the second one's clause. The
        subject is the sentence's only while it comes before such a clause (one before the
        first identifier brings in the sentence's own trials: "Another two trials (...)").
        """
        cues = [s.raw_span(c.start(), c.end())[0] for c in NEW_TRIAL_CUE.finditer(s.text)]
        cut = next((c for c in cues if c >= trial_refs[-1][1].end), s.stop)
        agents = [m for m in self._sentence_products(s) if m.start < cut]
        if not agents:
            return []
        # a clause before the first identifier brings in the sentence's own trials
        # ("Another two clinical trials (NCT... and NCT...) are investigating X")
        later = [c for c in cues if c >= trial_refs[0][1].start]
        subject = agents[0] if agents[0].start < min(later, default=s.stop) else None
        roles = {id(m): self._role(s, m, agents[0]) for m in agents}
        links = []
        previous_agents: list[Mention] = []
        previous_end = s.start
        for i, (trial_id, ref) in enumerate(trial_refs):
            last = i == len(trial_refs) - 1
            begin = max([previous_end] + [c for c in cues if previous_end <= c < ref.start])
            stop = cut if last else ref.start
            spans = [(begin, stop)]
            if not last:  # its own clause after it, up to the clause of the next one
                ends = [c for c in cues if ref.end <= c < trial_refs[i + 1][1].start]
                spans += [(ref.end, ends[0])] if ends else []
            in_segment = [
                m
                for m in agents
                if any(a <= m.start < b for a, b in spans) and not ref.start <= m.start < ref.end
            ]
            between = self.raw[previous_end : ref.start]
            if not in_segment and LIST_CONNECTOR.match(CITATION.sub("", between)):
                in_segment = previous_agents
            chosen = ([subject] if subject else []) + [m for m in in_segment if m is not subject]
            for m in chosen:
                links.append(self._link(trial_id, m, roles[id(m)], s, s, "same_clause"))
            previous_agents = in_segment
            previous_end = max(previous_end, ref.end)
        return links

    @cache  # noqa: B019 (one extraction object per document, short-lived)
    def text_links(self) -> list[dict]:
        """Links from the prose (see TrialAgents.link_rule in schemas/entities.py):

        - same_clause: a sentence naming a trial and agents (see `_clause_links`);
        - trial_anaphora: "In this trial, ..." right after a sentence naming one trial;
        - ordinal_reference: "The second one studies ..." after a sentence naming several;
        and, for a trial no table row and none of these links to an agent, from the
        paragraph of the (agent-less) sentence naming it:
        - paragraph_topic: the agent of the paragraph's run-in title ("MBS301. This ...");
        - single_study_paragraph: every agent before it of a paragraph about that one study;
        - previous_sentence: the agents of the nearest sentence before it that names some.
        """
        refs = self.trial_refs()
        links: list[dict] = []
        previous: Sentence | None = None
        previous_trials: list[str] = []
        listed: tuple[Sentence, list[str]] | None = None  # the last list of trials
        for s in self.sentences:
            trial_refs = [(t, m) for t, m in refs if s.start <= m.start < s.stop]
            same_unit = previous is not None and previous.unit is s.unit
            if listed is not None and listed[0].unit is not s.unit:
                listed = None
            trials = list(dict.fromkeys(t for t, _ in trial_refs))
            if trial_refs:
                links += self._clause_links(s, trial_refs)
                listed = (s, trials) if len(trials) > 1 else None
            elif same_unit and len(previous_trials) == 1 and TRIAL_ANAPHORA.match(s.text):
                trials = previous_trials
                links += self._links_of(
                    trials[0], self._sentence_products(s), previous, s, "trial_anaphora"
                )
            elif listed is not None and (m := ORDINAL_REFERENCE.match(s.text)):
                index = ORDINALS[(m["nth"] or m["end"]).lower()]
                if -len(listed[1]) <= index < len(listed[1]):
                    trials = [listed[1][index]]
                    links += self._links_of(
                        trials[0], self._sentence_products(s), listed[0], s, "ordinal_reference"
                    )
            previous, previous_trials = s, trials
        linked = {link["trial_id"] for link in links + self.table_links()}
        for trial_id, ref in refs:
            if trial_id not in linked:
                found = self._paragraph_links(trial_id, ref)
                links += found
                linked.update(link["trial_id"] for link in found)
        return links

    def _paragraph_links(self, trial_id: str, ref: Mention) -> list[dict]:
        """Links of a trial named in a sentence without agents, from its paragraph: the
        run-in title's agent, else every agent before it of a paragraph about that one
        study, else the agents of the nearest sentence before it (see `text_links`).

        The title and the nearest sentence are taken only for a sentence speaking of a
        trial ("the MARGOT clinical trial (NCT...)", not "patients with TNBC (NCT...)"); the
        walk back stops at a sentence speaking of any trial or study.
        """
        sentence = next(
            (s for s in self.sentences if s.start <= ref.start < s.stop and s.paragraph_id),
            None,
        )
        if sentence is None:
            return []
        unit = [s for s in self.sentences if s.unit is sentence.unit]
        before = unit[: unit.index(sentence)]
        about_a_trial = bool(TRIAL_WORD.search(sentence.text))
        # the run-in title: "MBS301." opening the paragraph
        if before and about_a_trial:
            title = before[0]
            rest, at = [], title.start
            for m in self.sentence_mentions(title, self.agent_mentions):
                rest.append(self.raw[at : m.start])
                at = m.end
            named = self._sentence_products(title)
            rest.append(self.raw[at : title.stop])
            if len({m.entity for m in named}) == 1 and TITLE_FILLER.fullmatch("".join(rest)):
                return self._links_of(trial_id, named, title, sentence, "paragraph_topic")

        def names_a_study(s: Sentence, other_than: str | None = None) -> bool:
            """Whether `s` names a trial or study (one tied to `other_than` aside)."""
            refs = [t for t, m in self.trial_refs() if s.start <= m.start < s.stop]
            ties = [self.mention_ties.get(m.start) for m in self.study_mentions]
            ties = [
                t
                for t, m in zip(ties, self.study_mentions, strict=True)
                if s.start <= m.start < s.stop
            ]
            return any(t is None or t != other_than for t in refs + ties)

        # a paragraph about one study: it names no other trial and speaks of no other
        # study than one it brings in unnamed ("a study carried out in ...") or refers to
        # ("This study is ...")
        introductions = 0
        about_one = any(TRIAL_WORD.search(s.text) for s in unit)
        for s in unit:
            if not about_one:
                break
            if names_a_study(s, trial_id):
                about_one = False
            elif s is sentence or not TRIAL_WORD.search(s.text) or TRIAL_ANAPHORA.match(s.text):
                continue
            elif INDEFINITE_TRIAL.search(s.text) and introductions == 0:
                introductions += 1
            elif not any(s.start <= m.start < s.stop for _, m in self.trial_refs()):
                about_one = False
        if about_one:
            agents = [m for s in before for m in self._sentence_products(s)]
            if agents:
                first = self._sentence_of(agents[0])
                return self._links_of(trial_id, agents, first, sentence, "single_study_paragraph")
        # the nearest sentence before it naming agents, with no trial in between
        if not about_a_trial:
            return []
        for s in reversed(before):
            if names_a_study(s) or TRIAL_WORD.search(s.text):
                return []
            agents = self._sentence_products(s)
            if agents:
                return self._links_of(trial_id, agents, s, sentence, "previous_sentence")
        return []

    def _role(self, sentence: Sentence, m: Mention, subject: Mention) -> str:
        before = collapse(self.raw[max(sentence.start, m.start - 60) : m.start]) + " "
        if COMPARATOR_CUE.search(before):
            return "comparator"
        if m is subject:
            return "investigational"
        if COMBINATION_CUE.search(self.raw[subject.end : m.start]):
            return "combination"
        return "co_mentioned"

    def trial_agents_frame(self) -> pd.DataFrame:
        links = self.table_links() + self.text_links()
        best: dict[tuple, dict] = {}
        for link in links:
            key = (link["trial_id"], link["agent_id"], link["source"], link["start"])
            kept = best.get(key)
            if kept is None or ROLE_RANK[link["role"]] < ROLE_RANK[kept["role"]]:
                best[key] = link
        rows = [{"doc_id": self.source.doc_id, **link} for link in best.values()]
        return pd.DataFrame(rows)

    # --- quality checks --------------------------------------------------------------------------

    def check_all(self, trials: pd.DataFrame) -> None:
        self.unknown_name_flags()
        self.malformed_id_flags()
        self.drug_cell_flags()
        self.spelling_flags()
        self.study_flags()
        self.coverage_flags(trials)
        self.fact_flags()
        self.table_reference_flags()
        self.reference_spelling_flags()

    def unknown_name_flags(self) -> None:
        """Drug-like names the lexicon lacks and nobody has decided about."""
        known = [(m.start, m.end) for m in self.agent_mentions + self.id_mentions]
        known += [(m.start, m.end) for m in self.study_mentions]
        seen: dict[str, list[tuple[int, int]]] = defaultdict(list)
        for r in self.regions:
            for pattern in (INN_STEM_NAME, DEVELOPMENT_CODE):
                for m in pattern.finditer(self.raw, r.start, r.end):
                    if _overlaps(m.start(), m.end(), known) or self.not_agents.decided(m.group()):
                        continue
                    if MALFORMED_NCT.fullmatch(m.group()):
                        continue  # an identifier: malformed_id_flags reports it
                    seen[m.group()].append((m.start(), m.end()))
        for name, spans in seen.items():
            self.flags.add(
                "unknown_drug_like_name",
                "warning",
                name,
                f"looks like a drug name or development code but is neither in {AGENTS_FILE} "
                f"nor decided in {NOT_AGENTS_FILE} ({len(spans)} occurrence(s))",
                spans[0][0],
                spans[0][1],
                table_name="agent_mentions",
            )

    def malformed_id_flags(self) -> None:
        for r in self.regions:
            if r.table_id:
                continue  # the tables stage checks its cells
            for m in MALFORMED_NCT.finditer(self.raw, r.start, r.end):
                if not REGISTRY_ID.fullmatch(m.group()):
                    self.flags.add(
                        "malformed_trial_id",
                        "warning",
                        m.group(),
                        "NCT identifiers have 8 digits; kept out of trials",
                        m.start(),
                        m.end(),
                        table_name="trial_mentions",
                    )

    def drug_cell_flags(self) -> None:
        """Every drug cell of the tables must resolve to an agent."""
        matcher = self.lexicon.matcher()
        seen = set()
        for name, df in self.view.tidy.items():
            for column in DRUG_COLUMNS:
                if column not in df.columns:
                    continue
                for row in df.to_dict("records"):
                    value = _value(row[column])
                    if value is None or value in seen:
                        continue
                    seen.add(value)
                    if not matcher.find(value):
                        self.flags.add(
                            "table_drug_unresolved",
                            "error",
                            value,
                            f"{name}.{column} names no agent of {AGENTS_FILE}",
                            int(row["start"]),
                            int(row["end"]),
                            table_name=name,
                        )

    def spelling_flags(self) -> None:
        """An agent written two ways that differ by a letter or two (not case or hyphens)."""
        already = set()
        if self.view.flags is not None:
            already = {
                (int(f.start), int(f.end))
                for f in self.view.flags.itertuples()
                if pd.notna(f.start)
            }
        by_alias: dict[tuple[str, str], list[Mention]] = defaultdict(list)
        for m in self.agent_mentions:
            by_alias[(m.entity, m.alias)].append(m)
        for agent in self.lexicon.agents.values():
            words = [a for a in agent.aliases if alias_key(a).isalpha() and len(alias_key(a)) >= 6]
            for i, a in enumerate(words):
                for b in words[i + 1 :]:
                    ka, kb = alias_key(a), alias_key(b)
                    if edit_distance(ka, kb) > 2 or ka.rstrip("s") == kb.rstrip("s"):
                        continue  # different names, or a plural
                    ma, mb = by_alias[(agent.agent_id, a)], by_alias[(agent.agent_id, b)]
                    rare, common = sorted((ma, mb), key=len)
                    if not rare:
                        continue
                    first = rare[0]
                    if (first.start, first.end) in already:
                        continue  # the tables stage flagged this very spelling
                    self.flags.add(
                        "agent_spelling_variant",
                        "warning",
                        first.surface,
                        f"{agent.name} ({agent.agent_id}) is written {first.surface!r} "
                        f"{len(rare)} time(s) ({_where(rare)}) and {common[0].surface!r} "
                        f"{len(common)} time(s) ({_where(common)}); kept as written",
                        first.start,
                        first.end,
                        table_name="agent_mentions",
                    )

    def study_flags(self) -> None:
        for st in self.studies.values():
            if len(st.trial_ids) > 1:
                f = min(st.mentions, key=lambda m: m.start)
                self.flags.add(
                    "study_name_several_ids",
                    "warning",
                    st.name,
                    f"the document ties {st.name!r} to {len(st.trial_ids)} identifiers "
                    f"({', '.join(st.trial_ids)}); named_studies.trial_id keeps the first",
                    f.start,
                    f.end,
                    table_name="named_studies",
                )
            forms = {}
            for m in st.mentions:
                forms.setdefault(re.sub(r"\s+", "", m.surface), m)
            if len(forms) > 1:
                m = sorted(forms.values(), key=lambda m: m.start)[1]
                self.flags.add(
                    "study_name_variant",
                    "info",
                    collapse(m.surface),
                    f"study written {len(forms)} ways: "
                    + ", ".join(repr(collapse(x.surface)) for x in forms.values())
                    + "; one named_studies row",
                    m.start,
                    m.end,
                    table_name="named_studies",
                )

    def coverage_flags(self, trials: pd.DataFrame) -> None:
        """Trials in a table never named in the prose; prose trials of a table's drug
        missing from that table."""
        for t in trials.itertuples(index=False):
            if len(t.table_ids) and not t.in_prose:
                self.flags.add(
                    "table_trial_not_in_prose",
                    "info",
                    t.trial_id,
                    f"listed in {', '.join(t.table_ids)} but the prose never names it "
                    "(by identifier or study name)",
                    int(t.first_start),
                    int(t.first_start) + len(t.trial_id),
                    table_name="trials",
                )
        table_trials = {t.trial_id: set(t.table_ids) for t in trials.itertuples(index=False)}
        drug_tables: dict[str, set[str]] = defaultdict(set)
        for link in self.table_links():
            if link["role"] == "investigational":
                drug_tables[link["agent_id"]].add(link["table_id"])
        reported = set()
        for link in self.text_links():
            if link["role"] != "investigational":
                continue
            missing = drug_tables.get(link["agent_id"], set()) - table_trials.get(
                link["trial_id"], set()
            )
            key = (link["trial_id"], link["agent_id"])
            if missing and key not in reported:
                reported.add(key)
                ref = next(
                    m
                    for t, m in self.trial_refs()
                    if t == link["trial_id"] and link["start"] <= m.start < link["end"]
                )
                name = self.lexicon.agents[link["agent_id"]].name
                self.flags.add(
                    "prose_trial_not_in_table",
                    "info",
                    link["trial_id"],
                    f"the prose names this trial of {name}, which {', '.join(sorted(missing))} "
                    "lists, but that table does not include it",
                    ref.start,
                    ref.end,
                    table_name="trials",
                )

    @cache  # noqa: B019 (one extraction object per document, short-lived)
    def text_facts(self) -> list[Fact]:
        """Phases, statuses and enrollments the prose states, with the trial (or unnamed
        study) each is about: the trials the sentence names, else those of the sentence
        before for "This was a phase 1b/2 trial ...", else (only to compare with what a
        table states) the one table trial of the sentence's only agent."""
        refs = self.trial_refs()
        study_refs = [
            (f"study:{st.name}", m)
            for st in self.studies.values()
            for m in st.mentions
            if not self.mention_ties.get(m.start)
        ]
        table_trials: dict[str, set[str]] = defaultdict(set)
        for link in self.table_links():
            table_trials[link["agent_id"]].add(link["trial_id"])
        stated = {(k, f) for k, v in self.table_facts().items() for f in v}
        facts: list[Fact] = []
        previous: list[str] = []  # trials of the sentence before, for "This was a ..."
        previous_unit = None
        for s in self.sentences:
            keys = [t for t, m in refs + study_refs if s.start <= m.start < s.stop]
            keys = list(dict.fromkeys(keys))
            via, agent_fallback = "", False
            if not keys and s.unit is previous_unit and ANAPHORA.match(s.text):
                keys, via = previous, "the trial named in the sentence before"
            previous, previous_unit = keys, s.unit
            if not keys and TRIAL_WORD.search(s.text):
                named = self.sentence_mentions(s, self.agent_mentions)
                agents = self._products([m.entity for m in named])
                if len(agents) == 1 and len(table_trials.get(agents[0], ())) == 1:
                    keys = list(table_trials[agents[0]])
                    via = f"its only table trial of {self.lexicon.agents[agents[0]].name}"
                    agent_fallback = True
            if not keys:
                continue
            phases = {}
            for m in PHASE_TEXT.finditer(s.text):
                value = normalise_phase(m["phase"])
                if value:
                    phases.setdefault(value, m)
            enrollments = []
            for m in ENROLLMENT_TEXT.finditer(s.text):
                n = int(m["n"].replace(",", "")) + (int(m["n2"].replace(",", "")) if m["n2"] else 0)
                enrollments.append((str(n), m))
            statuses = {}
            for pattern, value in STATUS_TEXT:
                for m in pattern.finditer(s.text):
                    statuses.setdefault(value, m)
            found = []
            if len(phases) == 1:
                found.append(("phase", *next(iter(phases.items()))))
            if len(statuses) == 1:
                found.append(("status", *next(iter(statuses.items()))))
            if len(enrollments) == 1:
                found.append(("enrollment", *enrollments[0]))
            for key in keys:
                for field_name, value, m in found:
                    if agent_fallback and (key, field_name) not in stated:
                        continue
                    start, end = s.raw_span(m.start(), m.end())
                    facts.append(Fact(key, field_name, value, m.group(), start, end, "text", via))
        return facts

    def fact_flags(self) -> None:
        """The same trial with different phases or statuses (anywhere) or enrollments
        (text vs text, table vs table; the tables stage compares table counts with the
        prose)."""
        facts = list(self.text_facts())
        for df in self.view.tidy.values():
            for row in df.to_dict("records"):
                for field_name in ("phase", "status", "enrollment"):
                    value = row.get(field_name)
                    if value is None or pd.isna(value):
                        continue
                    wording = row.get(f"{field_name}_raw") or str(value)
                    facts.append(
                        Fact(
                            row["trial_id"],
                            field_name,
                            str(value),
                            str(wording),
                            int(row["start"]),
                            int(row["end"]),
                            f"table {row['table_id']}",
                        )
                    )
        groups: dict[tuple[str, str], list[Fact]] = defaultdict(list)
        for f in facts:
            groups[(f.key, f.field)].append(f)
        for (key, field_name), group in groups.items():
            values = {f.value for f in group}
            if len(values) < 2:
                continue
            places = {f.where for f in group}
            if field_name == "enrollment" and "text" in places and len(places) > 1:
                continue  # table vs prose counts: the tables stage's check
            group.sort(key=lambda f: f.start)
            shown = "; ".join(
                f"{f.value} ({f.where} line {self.source.line_of(f.start)}: {f.wording!r}"
                + (f", via {f.via}" if f.via else "")
                + ")"
                for f in group
            )
            subject = key.removeprefix("study:")
            conflicting = next(f for f in group if f.value != group[0].value)
            self.flags.add(
                "trial_fact_conflict",
                "warning",
                subject,
                f"{field_name} of {subject} differs between places: {shown}",
                conflicting.start,
                conflicting.end,
                table_name="trials",
            )

    def table_reference_flags(self) -> None:
        """'(Table N)' in a sentence whose trials or agents are all in another table."""
        contents: dict[str, dict[str, set[str]]] = defaultdict(
            lambda: {"trials": set(), "agents": set()}
        )
        for m in self.id_mentions:
            if m.region.table_id:
                contents[m.region.table_id]["trials"].add(m.entity)
        for m in self.agent_mentions:
            if m.region.table_id:
                contents[m.region.table_id]["agents"].add(m.entity)
        refs = self.trial_refs()
        previous: Sentence | None = None
        for s in self.sentences:
            for m in TABLE_REFERENCE.finditer(s.text):
                table_id = f"T{m['number']}"
                if table_id not in contents:
                    continue
                for candidate in (s, previous):
                    if candidate is None or candidate.unit is not s.unit:
                        continue
                    trials = {t for t, r in refs if candidate.start <= r.start < candidate.stop}
                    agents = set(
                        self._products(
                            [
                                a.entity
                                for a in self.sentence_mentions(candidate, self.agent_mentions)
                            ]
                        )
                    )
                    kind, named = ("trials", trials) if trials else ("agents", agents)
                    if not named:
                        continue
                    if named & contents[table_id][kind]:
                        break
                    elsewhere = sorted(t for t, c in contents.items() if named & c[kind])
                    if elsewhere:
                        start, end = s.raw_span(m.start(), m.end())
                        self.flags.add(
                            "table_reference_mismatch",
                            "warning",
                            m.group(),
                            f"the sentence points to {table_id}, which lists none of the "
                            f"{kind} it names ({', '.join(sorted(named))}); they are in "
                            f"{', '.join(elsewhere)}",
                            start,
                            end,
                            table_name="trials" if kind == "trials" else "agent_mentions",
                        )
                    break
            previous = s

    def reference_spelling_flags(self) -> None:
        """A study name the reference list never writes, one or two letters away from a
        name-like word it does ("SorTHER" in the text, "ShortHER" in a reference title)."""
        try:
            entries = split_entries(self.layout.reference_lines, self.source.path)
        except SourceFormatError:
            return  # the references stage reports a reference list it cannot read
        words: dict[str, tuple[str, int]] = {}
        for entry in entries:
            for m in STUDY_NAME.finditer(entry.text):
                for word in m.group().split():
                    words.setdefault(alias_key(word), (word, entry.number))
        for st in self.studies.values():
            key = alias_key(st.name)
            if key in words or len(key) < 5:
                continue
            close = [
                (word, number)
                for other, (word, number) in words.items()
                if abs(len(other) - len(key)) <= 2
                and len(other) >= 5
                and 0 < edit_distance(key, other) <= 2
                and not (other.rstrip("s") == key.rstrip("s"))
                and re.sub(r"\d", "", other) != re.sub(r"\d", "", key)  # KATE2 / KATE3
            ]
            if not close:
                continue
            first = min(st.mentions, key=lambda m: m.start)
            shown = ", ".join(f"{w!r} (reference {n})" for w, n in close)
            self.flags.add(
                "study_name_unlike_reference",
                "warning",
                st.name,
                f"the reference list never writes {st.name!r} but writes {shown}, one or two "
                "letters away: probably the same study misspelt; kept as written",
                first.start,
                first.end,
                table_name="named_studies",
            )

    def tables(self) -> dict[str, pd.DataFrame]:
        trials = self.trials_frame()
        self.check_all(trials)
        return {
            "agents": curated_agents_frame(self.lexicon),
            "agent_mentions": self.agent_mentions_frame(),
            "trials": trials,
            "named_studies": self.named_studies_frame(),
            "trial_mentions": self.trial_mentions_frame(),
            "trial_agents": self.trial_agents_frame(),
            "quality_flags": self.flags.frame(),
        }


def _comparable(text: str) -> str:
    """Return cell text without citation markers, end punctuation and whitespace runs."""
    return collapse(CITATION.sub(" ", text)).strip(" .;,")


def _where(mentions: list[Mention]) -> str:
    places = Counter(m.region.table_id or m.region.part for m in mentions)
    return ", ".join(f"{p} x{n}" if n > 1 else p for p, n in sorted(places.items()))


def edit_distance(a: str, b: str) -> int:
    """Return the Levenshtein distance between two short strings."""
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, start=1):
        current = [i]
        for j, cb in enumerate(b, start=1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]


def extract(source: Source, vocabularies: str | Path) -> dict[str, pd.DataFrame]:
    """Return the entity tables of one document (see the module docstring)."""
    return EntityExtraction(source, Path(vocabularies)).tables()
