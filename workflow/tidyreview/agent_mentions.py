"""Agents and where the review names them: the searchable regions of the document, the
agents found there (agent_mentions) from three sources — the curated lexicon, DrugBank's
open vocabulary and the name rules (`agent_vocabulary`) — and the review_tables stage's
tables read back (see `Scan`, what the other entity modules work from).

Where names are looked for: the Simple Summary and Abstract, section headings, body
paragraphs (page breaks included), captions and table cells; never the reference list.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from tidyreview.schemas.annotation_vocabularies import AgentClasses
from tidyreview.schemas.vocabularies import MODALITIES

from .agent_vocabulary import AgentVocabulary, load_agent_vocabulary
from .layout import LABELLED, Layout, read_layout
from .lexicon import Agent, Lexicon, Matcher, NameMatch, NotAgents, read_vocabulary
from .patterns import MALFORMED_NCT, TRIAL_ID
from .sentences import PROSE_LABELS, Sentence, document_sentences
from .source import Source
from .stages import TIDY_TABLES

CLASSES_FILE = "agent_classes.csv"

# A name followed by "analogue" names a class of molecules, not the agent itself ("a
# lipid-permeable tacrolimus analogue"), and a registry identifier (even malformed) is never a
# development code; the curated lexicon is trusted as it is.
ANALOGUE_AFTER = re.compile(r"\s*(?:analogues?|analogs?|derivatives?)\b", re.IGNORECASE)

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


def find_names(
    matcher: Matcher | AgentVocabulary, text: str, regions: list[Region]
) -> list[Mention]:
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
        for m in TRIAL_ID.finditer(text, r.start, r.end)
    ]


def overlaps(start: int, end: int, spans: list[tuple[int, int]]) -> bool:
    return any(start < e and s < end for s, e in spans)


# --- the review_tables stage's view of the review's tables -----------------------------------


@dataclass
class TableView:
    """The tidy tables and table_cells of the tables stage, with their flags."""

    cells: pd.DataFrame | None
    tidy: dict[str, pd.DataFrame]
    flags: pd.DataFrame | None

    @classmethod
    def from_inputs(cls, inputs: Mapping[str, pd.DataFrame]) -> TableView:
        """The view of the tables stage's interim tables (see tidyreview.stages)."""
        tidy = {
            name: inputs[name]
            for name in TIDY_TABLES
            if name in inputs and "trial_id" in inputs[name].columns
        }
        return cls(inputs.get("table_cells"), tidy, inputs.get("quality_flags"))


def cell_text(v) -> str | None:
    if v is None or (not isinstance(v, (list, tuple)) and pd.isna(v)):
        return None
    return str(v)


# --- the document as the entity modules see it --------------------------------------------


@dataclass
class Scan:
    """One document's regions, sentences, agent and identifier mentions, and tables."""

    source: Source
    layout: Layout
    lexicon: Lexicon  # the agents found: every curated one, and the others the text names
    vocabulary: AgentVocabulary
    agents: pd.DataFrame  # the agents table (see `AgentVocabulary.frame`)
    not_agents: NotAgents
    view: TableView
    regions: list[Region]
    places: Places
    sentences: list[Sentence]  # body sentences, headings left out
    agent_mentions: list[Mention]
    id_mentions: list[Mention]  # registry identifiers

    @property
    def raw(self) -> str:
        return self.source.text

    def products(self, agent_ids: list[str]) -> list[str]:
        """Drop components (payloads, antibodies) of products named alongside them."""
        named = set(agent_ids)
        return [
            a
            for a in dict.fromkeys(agent_ids)
            if not set(self.lexicon.agents[a].component_of) & named
        ]

    def sentence_mentions(self, sentence: Sentence, mentions) -> list:
        return [m for m in mentions if sentence.start <= m.start < sentence.stop]

    def sentence_products(self, sentence: Sentence) -> list[Mention]:
        """The mentions of products (not components named with them) in a sentence."""
        agents = self.sentence_mentions(sentence, self.agent_mentions)
        products = set(self.products([m.entity for m in agents]))
        return [m for m in agents if m.entity in products]

    def sentence_of(self, m: Mention) -> Sentence:
        return next(s for s in self.sentences if s.start <= m.start < s.stop)


def scan_document(
    source: Source,
    vocabularies: Path,
    inputs: Mapping[str, pd.DataFrame],
    curated_lexicon: bool = True,
) -> Scan:
    """Find the agents and registry identifiers of `source` (see the module docstring);
    `curated_lexicon=False` leaves the curated lexicon out (DrugBank and rules only)."""
    layout = read_layout(source)
    vocab = load_agent_vocabulary(vocabularies, curated_lexicon=curated_lexicon)
    view = TableView.from_inputs(inputs)
    regions = text_regions(layout)
    ids = find_registry_ids(source.text, regions)
    id_spans = [(m.start, m.end) for m in ids] + [
        m.span() for r in regions for m in MALFORMED_NCT.finditer(source.text, r.start, r.end)
    ]
    mentions = [
        m
        for m in find_names(vocab, source.text, regions)
        if vocab.source_of(m.entity) == "curated"
        or not (ANALOGUE_AFTER.match(source.text, m.end) or overlaps(m.start, m.end, id_spans))
    ]
    agents = vocab.frame(
        [NameMatch(m.start, m.end, m.surface, m.entity, m.alias) for m in mentions], source.text
    )
    agents = with_stated_modality(agents, mentions, source.text, load_class_words(vocabularies))
    return Scan(
        source=source,
        layout=layout,
        lexicon=found_lexicon(agents, vocab, vocabularies),
        vocabulary=vocab,
        agents=agents,
        not_agents=vocab.not_agents,
        view=view,
        regions=regions,
        places=Places(source, regions, view.cells),
        sentences=[s for s in document_sentences(layout) if s.unit.kind != "heading"],
        agent_mentions=mentions,
        id_mentions=ids,
    )


def load_class_words(folder: Path) -> Matcher:
    """The writings of the agent classes (raw/vocabularies/agent_classes.csv) that are
    modalities, singular forms too ("ADCs" -> "ADC"), case-sensitive."""
    classes = read_vocabulary(Path(folder) / CLASSES_FILE, AgentClasses)
    names = []
    for cls, variants in zip(classes["agent_class"], classes["variants"], strict=True):
        if cls not in MODALITIES:
            continue
        for v in variants.split("|"):
            names.append((cls, v))
            if v.endswith("ies"):
                names.append((cls, v[:-3] + "y"))
            elif v.endswith("s") and len(v) > 3:
                names.append((cls, v[:-1]))
    return Matcher(sorted(set(names)), case_sensitive=True)


# "CX-2029 (CD71-MMAE ADC)", "X, a bispecific antibody", "the ADC X": a class named in
# brackets or apposition right after the name, or right before it.
_BRACKET_AFTER = re.compile(r"\s*\(([^()]{1,40})\)")
_APPOSITION_AFTER = re.compile(r",\s+(?:an?|the)\s+([^,.;()]{1,40})")
_BEFORE = re.compile(r"\b(?:[Tt]he|[Aa]n?)\s+((?:[\w-]+\s+){0,2}[\w-]+)\s+$")


def stated_modality(text: str, start: int, end: int, classes: Matcher) -> str | None:
    """The modality the text states right next to a name (see the patterns above)."""
    windows = []
    for pattern in (_BRACKET_AFTER, _APPOSITION_AFTER):
        m = pattern.match(text, end)
        if m:
            windows.append(m.group(1))
    m = _BEFORE.search(text[max(0, start - 60) : start])
    if m:
        windows.append(m.group(1))
    for w in windows:
        found = {c.entity for c in classes.find(w)}
        if len(found) == 1:
            return found.pop()
    return None


def with_stated_modality(
    agents: pd.DataFrame, mentions: list[Mention], text: str, classes: Matcher
) -> pd.DataFrame:
    """A DrugBank or rule agent whose name shows no modality ("other") takes the one the
    text states next to one of its mentions (the first such)."""
    unknown = set(
        agents.loc[(agents["source"] != "curated") & (agents["modality"] == "other"), "agent_id"]
    )
    stated: dict[str, str] = {}
    for m in mentions:
        if m.entity in unknown and m.entity not in stated:
            modality = stated_modality(text, m.start, m.end, classes)
            if modality:
                stated[m.entity] = modality
    if not stated:
        return agents
    out = agents.copy()
    out["modality"] = [
        stated.get(a, x) for a, x in zip(out["agent_id"], out["modality"], strict=True)
    ]
    return out


def found_lexicon(agents: pd.DataFrame, vocab: AgentVocabulary, folder: Path) -> Lexicon:
    """The agents table as a Lexicon (what the other entity modules look names up in):
    the curated agents with all their writings, the others with the writings found."""
    rows = {}
    for r in agents.to_dict("records"):
        rows[r["agent_id"]] = Agent(
            r["agent_id"],
            r["name"],
            tuple(r["aliases"]),
            r["modality"],
            tuple(r["targets"]),
            bool(r["her2_directed"]),
            tuple(r["component_of"] or ()),
            r["notes"],
        )
    path = vocab.lexicon.path if vocab.lexicon else str(Path(folder) / "agents.csv")
    return Lexicon(rows, path)


@contextmanager
def without_rule_agents(scan: Scan) -> Iterator[None]:
    """Hide the rule agents' mentions from `scan` for the time of the block."""
    rule = set(scan.agents.loc[scan.agents["source"] == "rule", "agent_id"])
    everything = scan.agent_mentions
    scan.agent_mentions = [m for m in everything if m.entity not in rule]
    try:
        yield
    finally:
        scan.agent_mentions = everything


def drop_study_codes(scan: Scan, study_spans: list[tuple[int, int]]) -> None:
    """Drop the rule matches that overlap a study-name mention ("EGF105084", "DB-07": a
    trial's code has a development code's shape), and rebuild the agents from the rest."""
    rule = set(scan.agents.loc[scan.agents["source"] == "rule", "agent_id"])
    kept = [
        m
        for m in scan.agent_mentions
        if m.entity not in rule or not overlaps(m.start, m.end, study_spans)
    ]
    if len(kept) == len(scan.agent_mentions):
        return
    scan.agent_mentions = kept
    modality = dict(zip(scan.agents["agent_id"], scan.agents["modality"], strict=True))
    scan.agents = scan.vocabulary.frame(
        [NameMatch(m.start, m.end, m.surface, m.entity, m.alias) for m in kept], scan.raw
    )
    scan.agents["modality"] = [
        modality.get(a, x)
        for a, x in zip(scan.agents["agent_id"], scan.agents["modality"], strict=True)
    ]
    scan.lexicon = found_lexicon(scan.agents, scan.vocabulary, Path(scan.lexicon.path).parent)


def agent_mentions_frame(scan: Scan) -> pd.DataFrame:
    rows = [
        {
            "doc_id": scan.source.doc_id,
            "agent_id": m.entity,
            "surface": m.surface,
            "alias": m.alias,
            **scan.places.row(m),
        }
        for m in scan.agent_mentions
    ]
    return pd.DataFrame(rows)
