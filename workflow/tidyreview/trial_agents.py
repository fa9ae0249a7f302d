"""Which agents each trial tests (trial_agents): from its table rows (the row's drug and
the agents of its combination or treatment cell), then from the prose: the clause of a
sentence naming the trial, the sentence right after it ("In this trial, ...", "The
second one ..."), and, for a trial nothing else links, its paragraph (see
`TextLinks.links`).
"""

from __future__ import annotations

import re

import pandas as pd

from .agent_mentions import Mention, Scan, cell_text
from .layout import collapse
from .patterns import CITATION_MARKER
from .sentences import Sentence
from .trials import TRIAL_WORD, TrialNames

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
# A name made a modifier of what a product consists of: "trastuzumab-based", "-derived".
COMPONENT_MODIFIER = re.compile(r"-(?:based|derived|armed|conjugated)\b")
# "studied the addition of X to Y": Y is what X is added to.
ADDITION_OF = re.compile(r"\baddition\s+of\s+$")
ADDED_TO = re.compile(r"\s+to\s+")
COMBINATION_CUE = re.compile(r"\b(?:combination|combined|plus|with|and)\b|\+")
# Text between two identifiers of one list: ", ", " and ", ", and ", "), (" ...
LIST_CONNECTOR = re.compile(r"^[\s,;()]*(?:and|or)?[\s,;()]*$")

# Columns of the tidy tables (see DATA_CONTRACT.md) naming a row's agents.
DRUG_COLUMNS = ("drug", "agent_group")
COMBINATION_COLUMNS = ("combination", "treatment")
ROLE_RANK = {"investigational": 0, "combination": 1, "comparator": 2, "co_mentioned": 3}
# Columns of a trial-agent link (trial_agents without doc_id; table_links, interim only).
LINK_COLUMNS = [
    "trial_id",
    "agent_id",
    "source",
    "role",
    "link_rule",
    "evidence",
    "section_id",
    "paragraph_id",
    "table_id",
    "row_index",
    "start",
    "end",
]


# --- links from the tables ------------------------------------------------------------------------


def _cells(scan: Scan, table_id: str) -> list[tuple[int, int, int, str]]:
    """Return (row_index, start, end, comparable text) of a table's non-empty cells."""
    if scan.view.cells is None:
        return []
    cells = scan.view.cells[scan.view.cells["table_id"] == table_id]
    return [
        (int(c.row_index), int(c.start), int(c.end), _comparable(c.value))
        for c in cells.itertuples(index=False)
        if isinstance(c.value, str) and c.value.strip()
    ]


def _evidence_cells(
    cells: list[tuple[int, int, int, str]], value: str, rows: range | None, r: int
) -> list[tuple[int, int, int, str]]:
    """Return the cells printing `value`: for a drug (rows None) the nearest cell at or
    above row r whose text is the value (filled down, or a group header); for a row
    value, the cells of `rows` whose text is the value or a piece of it (a cell continued
    after a page break)."""
    value = _comparable(value)
    if rows is None:
        above = [c for c in cells if c[0] <= r and c[3] == value]
        return [max(above, key=lambda c: c[0])] if above else []
    return [c for c in cells if c[0] in rows and (c[3] in value or value in c[3])]


def _section_of_table(scan: Scan, table_id: str) -> str | None:
    return next((r.section_id for r in scan.regions if r.table_id == table_id), None)


def table_links(scan: Scan) -> list[dict]:
    """Links from the tidy tables: the row's drug and the agents of its combination
    or treatment cell, each with the cell printing it as evidence."""
    matcher = scan.lexicon.matcher()
    links = []
    table_cells = (
        {t: _cells(scan, t) for t in scan.view.cells["table_id"].unique()}
        if scan.view.cells is not None
        else {}
    )
    for df in scan.view.tidy.values():
        data_rows = sorted({int(r) for r in df["row_index"]})
        for row in df.to_dict("records"):
            r = int(row["row_index"])
            later = [x for x in data_rows if x > r]
            first = row.get("cells_from_row_index")
            first = r if first is None or pd.isna(first) else int(first)
            rows = range(first, later[0] if later else r + 10**6)
            cells = table_cells.get(row["table_id"], [])
            links += _row_links(scan, matcher, row, rows, cells)
    return one_role_per_table(links)


def one_role_per_table(links: list[dict]) -> list[dict]:
    """A trial a table lists in several rows (under two group headings: AVIATOR under
    avelumab and under utomilumab) gives each of its agents one role in that table, the
    strongest of its rows."""
    best: dict[tuple, str] = {}
    for link in links:
        key = (link["table_id"], link["trial_id"], link["agent_id"])
        if key not in best or ROLE_RANK[link["role"]] < ROLE_RANK[best[key]]:
            best[key] = link["role"]
    return [
        {**link, "role": best[(link["table_id"], link["trial_id"], link["agent_id"])]}
        for link in links
    ]


def _row_links(scan: Scan, matcher, row: dict, rows: range, cells: list) -> list[dict]:
    """The links of one tidy row: its drug (investigational), then the agents of its
    combination or treatment cell that are not its drug; `rows` are the source rows
    whose cells the row reads."""
    r = int(row["row_index"])
    links = []
    drugs: set[str] = set()
    for column in DRUG_COLUMNS + COMBINATION_COLUMNS:
        value = cell_text(row.get(column))
        if not value:
            continue
        is_drug = column in DRUG_COLUMNS
        agents = scan.products([m.entity for m in matcher.find(value)])
        if is_drug:
            drugs.update(agents)
        else:  # the row's own drug named again in its treatment
            agents = [a for a in agents if a not in drugs]
        printing = _evidence_cells(cells, value, None if is_drug else rows, r)
        for agent_id in agents:
            holding = [
                c
                for c in printing
                if any(m.entity == agent_id and c[1] <= m.start < c[2] for m in scan.agent_mentions)
            ]
            cell = (holding or printing or [None])[0]
            start, end = (cell[1], cell[2]) if cell else (row["start"], row["end"])
            links.append(
                {
                    "trial_id": row["trial_id"],
                    "agent_id": agent_id,
                    "source": "table",
                    "role": "investigational" if is_drug else "combination",
                    "link_rule": "table_row",
                    "evidence": collapse(scan.raw[start:end]),
                    "section_id": _section_of_table(scan, row["table_id"]),
                    "paragraph_id": None,
                    "table_id": row["table_id"],
                    "row_index": r,
                    "start": int(start),
                    "end": int(end),
                }
            )
    return links


# --- links from the prose -------------------------------------------------------------------------


class TextLinks:
    """Links of the trials the prose names to the agents it names with them."""

    def __init__(self, scan: Scan, names: TrialNames, table: list[dict]):
        self.scan = scan
        self.names = names
        self.table = table  # the table links: a trial they link is not linked by paragraph

    def _products(self, s: Sentence) -> list[Mention]:
        """The products a sentence names, without names used for what a product is made
        of ("A166 is a trastuzumab-based ADC", "a trastuzumab-derived antibody"): the
        component is not an agent of the product's trial."""
        return [
            m
            for m in self.scan.sentence_products(s)
            if not COMPONENT_MODIFIER.match(self.scan.raw, m.end)
        ]

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
            self._link(
                trial_id, m, self._role(self.scan.sentence_of(m), m, subject), first, last, rule
            )
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
        agents = [m for m in self._products(s) if m.start < cut]
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
            between = self.scan.raw[previous_end : ref.start]
            if not in_segment and LIST_CONNECTOR.match(CITATION_MARKER.sub("", between)):
                in_segment = previous_agents
            chosen = ([subject] if subject else []) + [m for m in in_segment if m is not subject]
            for m in chosen:
                links.append(self._link(trial_id, m, roles[id(m)], s, s, "same_clause"))
            previous_agents = in_segment
            previous_end = max(previous_end, ref.end)
        return links

    def links(self) -> list[dict]:
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
        refs = self.names.refs
        links: list[dict] = []
        previous: Sentence | None = None
        previous_trials: list[str] = []
        listed: tuple[Sentence, list[str]] | None = None  # the last list of trials
        for s in self.scan.sentences:
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
                links += self._links_of(trials[0], self._products(s), previous, s, "trial_anaphora")
            elif listed is not None and (m := ORDINAL_REFERENCE.match(s.text)):
                index = ORDINALS[(m["nth"] or m["end"]).lower()]
                if -len(listed[1]) <= index < len(listed[1]):
                    trials = [listed[1][index]]
                    links += self._links_of(
                        trials[0], self._products(s), listed[0], s, "ordinal_reference"
                    )
            previous, previous_trials = s, trials
        linked = {link["trial_id"] for link in links + self.table}
        for trial_id, ref in refs:
            if trial_id not in linked:
                found = self._paragraph_links(trial_id, ref)
                links += found
                linked.update(link["trial_id"] for link in found)
        return links

    def _paragraph_links(self, trial_id: str, ref: Mention) -> list[dict]:
        """Links of a trial named in a sentence without agents, from its paragraph: the
        run-in title's agent, else every agent before it of a paragraph about that one
        study, else the agents of the nearest sentence before it (see `links`).

        The title and the nearest sentence are taken only for a sentence speaking of a
        trial ("the MARGOT clinical trial (NCT...)", not "patients with TNBC (NCT...)"); the
        walk back stops at a sentence speaking of any trial or study.
        """
        sentence = next(
            (s for s in self.scan.sentences if s.start <= ref.start < s.stop and s.paragraph_id),
            None,
        )
        if sentence is None:
            return []
        unit = [s for s in self.scan.sentences if s.unit is sentence.unit]
        before = unit[: unit.index(sentence)]
        about_a_trial = bool(TRIAL_WORD.search(sentence.text))
        if before and about_a_trial:
            title = before[0]
            named = self._title_agents(title)
            if named:
                return self._links_of(trial_id, named, title, sentence, "paragraph_topic")
        if self._about_one_study(unit, sentence, trial_id):
            agents = [m for s in before for m in self._products(s)]
            if agents:
                first = self.scan.sentence_of(agents[0])
                return self._links_of(trial_id, agents, first, sentence, "single_study_paragraph")
        # the nearest sentence before it naming agents, with no trial in between
        if not about_a_trial:
            return []
        for s in reversed(before):
            if self._names_a_study(s) or TRIAL_WORD.search(s.text):
                return []
            agents = self._products(s)
            if agents:
                return self._links_of(trial_id, agents, s, sentence, "previous_sentence")
        return []

    def _title_agents(self, title: Sentence) -> list[Mention]:
        """The products a run-in title names ("MBS301." opening the paragraph), when it
        names one agent and nothing else; else none."""
        rest, at = [], title.start
        for m in self.scan.sentence_mentions(title, self.scan.agent_mentions):
            rest.append(self.scan.raw[at : m.start])
            at = m.end
        named = self._products(title)
        rest.append(self.scan.raw[at : title.stop])
        if len({m.entity for m in named}) == 1 and TITLE_FILLER.fullmatch("".join(rest)):
            return named
        return []

    def _names_a_study(self, s: Sentence, other_than: str | None = None) -> bool:
        """Whether `s` names a trial or study (one tied to `other_than` aside)."""
        refs = [t for t, m in self.names.refs if s.start <= m.start < s.stop]
        ties = [self.names.ties.get(m.start) for m in self.names.study_mentions]
        ties = [
            t
            for t, m in zip(ties, self.names.study_mentions, strict=True)
            if s.start <= m.start < s.stop
        ]
        return any(t is None or t != other_than for t in refs + ties)

    def _about_one_study(self, unit: list[Sentence], sentence: Sentence, trial_id: str) -> bool:
        """Whether a paragraph is about one study: it names no other trial and speaks of no
        other study than one it brings in unnamed ("a study carried out in ...") or refers
        to ("This study is ...")."""
        introductions = 0
        about_one = any(TRIAL_WORD.search(s.text) for s in unit)
        for s in unit:
            if not about_one:
                break
            if self._names_a_study(s, trial_id):
                about_one = False
            elif s is sentence or not TRIAL_WORD.search(s.text) or TRIAL_ANAPHORA.match(s.text):
                continue
            elif INDEFINITE_TRIAL.search(s.text) and introductions == 0:
                introductions += 1
            elif not any(s.start <= m.start < s.stop for _, m in self.names.refs):
                about_one = False
        return about_one

    def _role(self, sentence: Sentence, m: Mention, subject: Mention) -> str:
        before = collapse(self.scan.raw[max(sentence.start, m.start - 60) : m.start]) + " "
        if COMPARATOR_CUE.search(before):
            return "comparator"
        if m is subject or (
            m.start >= subject.end and not self.scan.raw[subject.end : m.start].strip()
        ):
            # the subject, or a name in apposition to it ("the HER2-CAR-M CT-0508")
            return "investigational"
        if COMBINATION_CUE.search(self.scan.raw[subject.end : m.start]):
            return "combination"
        raw = self.scan.raw
        if ADDITION_OF.search(raw[sentence.start : subject.start]) and ADDED_TO.fullmatch(
            raw[subject.end : m.start]
        ):
            return "combination"  # "the addition of atezolizumab to T-DM1"
        return "co_mentioned"


def trial_agents_frame(scan: Scan, table: list[dict], text: list[dict]) -> pd.DataFrame:
    """One row per link, the strongest role kept for a trial, agent and place."""
    links = table + text
    best: dict[tuple, dict] = {}
    for link in links:
        key = (link["trial_id"], link["agent_id"], link["source"], link["start"])
        kept = best.get(key)
        if kept is None or ROLE_RANK[link["role"]] < ROLE_RANK[kept["role"]]:
            best[key] = link
    rows = [{"doc_id": scan.source.doc_id, **link} for link in best.values()]
    return pd.DataFrame(rows)


def _comparable(text: str) -> str:
    """Return cell text without citation markers, end punctuation and whitespace runs."""
    return collapse(CITATION_MARKER.sub(" ", text)).strip(" .;,")


def links_frame(links: list[dict]) -> pd.DataFrame:
    """The links as a table (table_links, interim only: what annotations reads)."""
    return pd.DataFrame(links, columns=LINK_COLUMNS)
