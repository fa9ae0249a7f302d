"""What each body sentence names and is about (its SentenceContext): the agents, classes
and trials it names, its subject agents, what "it" or "this" points back to, and the
trials of the sentence before; with the curated vocabularies the annotations read
(`load_vocabularies`) and the helpers every annotation table shares (clauses, negation,
row offsets).

Which agents a sentence is about ("subject agents"): the first run of agent names in the
sentence joined only by connectors ("tucatinib in combination with trastuzumab and
capecitabine"); names further on ("... previously treated with trastuzumab") are not
subjects, nor is a name used as a modifier ("trastuzumab-resistant models", "to overcome
trastuzumab resistance"). A sentence that opens with "This", "It", "These"... is about the
paragraph's label agent ("Poziotinib." opening a paragraph), else the previous sentence's
subject (its "referent"); so is a sentence naming no agent that points back with a noun
phrase ("The BsAb exerted ...", "..., this BsAb outperformed ...", "The JAVELIN solid
tumor trial is a phase 1b trial ..." in a paragraph about avelumab). Any other sentence
naming no agent is about its paragraph's label agent, unless it names a class of agents
("Adverse events of ADCs ...").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from tidyreview.schemas.annotation_vocabularies import (
    AdverseEventTerms,
    AgentClasses,
    Measures,
    RegulatoryBodies,
)
from tidyreview.schemas.annotations import REGULATORY_KINDS

from .ctcae import Ctcae, load_ctcae
from .evidence import TrialRef
from .lexicon import (
    AGENTS_FILE,
    NAMED_STUDIES_FILE,
    LexiconError,
    Matcher,
    alias_key,
    load_lexicon,
    load_named_studies,
    read_vocabulary,
)
from .patterns import TRIAL_ID
from .regulatory_kinds import REGULATORY_CUES_FILE, RegulatoryCueFinder, load_regulatory_cues
from .sentences import Sentence
from .table_facts import TABLE_FACTS_FILE, FactLayout, load_table_facts

AE_FILE = "adverse_event_terms.csv"
CLASSES_FILE = "agent_classes.csv"
BODIES_FILE = "regulatory_bodies.csv"
MEASURES_FILE = "measures.csv"


# Text allowed between two agent names of one group: "X and Y", "X plus Y", "X/Y",
# "X in combination with Y", "X, Y, and Z", "X (a BsAb) with Y" is not.
CONNECTOR = re.compile(
    r"(?:\s|,|/|\+|\b(?:and|or|plus|with|in combination with|and/or)\b"
    r"|\b(?:(?:is|was|were|are)\s+)?(?:also\s+)?(?:combined|administered|given)\s+with\b)*",
    re.IGNORECASE,
)
# A sentence or clause that talks about something named before: "This ADC ...", "It ...".
ANAPHOR = re.compile(r"^(?:This|These|It|Its|They|Their|Such)\b")
PRONOUN = re.compile(r"\b(?:it|this|they|these)\b", re.IGNORECASE)
# A noun phrase pointing back at what was named before, in a sentence that names no agent
# itself: "The BsAb exerted ...", "..., this BsAb outperformed ...", "these CAR-T cells"
# (a head written with capitals after "The"/"this"/"these"), or a trial ("The JAVELIN solid
# tumor trial is a phase 1b trial ..."). "The ADCs as a whole ..." names a class instead.
REFERRING_NP = re.compile(
    r"(?:^(?P<the>The)|\b(?:[Tt]his|[Tt]hese))\s+(?:(?:novel|new|above-mentioned)\s+)?"
    r"(?P<head>(?=[\w-]*[A-Z])[\w-]+)"
    r"|^The\s+(?:[\w.-]+\s+){0,4}?(?:trial|study)\b"
)
# An agent name inside a compound modifier, or naming resistance to it, is not what the
# sentence is about: "In trastuzumab-resistant preclinical models, ...", "a
# trastuzumab-derived HER2-specific CAR-T", "to overcome trastuzumab resistance"
# ("CAR147-infused mice" still is).
MODIFIER = re.compile(
    r"^(?:-(?:resistant|sensitive|refractory|naive|pretreated|based|like|derived|binding)"
    r"|\s+resistance)\b",
    re.IGNORECASE,
)


# A negation just before a term: "showed no dose-limiting toxicity", "do not induce GVHD",
# "have no neurotoxicity or CRS events" (up to two words in between).
NEGATION_BEFORE = re.compile(
    r"\b(?:no|not(?!\s+until\b)|without|never)\b(?:\s+[\w-]+){0,2}\s*$", re.IGNORECASE
)
# ... or right after it: "diarrhea has not been reported".
NEGATION_AFTER = re.compile(
    r"^\s+(?:has|have|had|was|were|is|are)\s+not\s+(?:been\s+)?(?:reported|observed|seen|found)",
    re.IGNORECASE,
)


# A clause boundary inside a sentence: "...[115], and it has been approved ...".
CLAUSE_BREAK = re.compile(r";\s|,\s+(?:and|but|whereas|while)\s")
LABEL_MAX_WORDS = 8


# --- The curated vocabularies ---------------------------------------------------------------


@dataclass(frozen=True)
class Vocabularies:
    """The curated vocabularies, as matchers over normalised sentence text."""

    agents: Matcher | None
    ctcae: Ctcae
    cues: RegulatoryCueFinder
    table_facts: list[FactLayout]
    named_studies: Matcher | None
    adverse_events: Matcher
    classes: Matcher
    bodies: Matcher
    measures: Matcher
    units: dict[str, str]
    body_types: dict[str, str]
    short_forms: dict[str, Matcher] = field(default_factory=dict)


def _read_vocabulary(path: Path, model: type[pa.DataFrameModel]) -> pd.DataFrame:
    """Return a validated vocabulary CSV (see `read_vocabulary`) whose writings (variants
    or cues) each name one entry, or raise LexiconError."""
    df = read_vocabulary(path, model)
    seen: dict[str, tuple[str, int]] = {}
    first = df.columns[0]
    column = "cues" if "cues" in df.columns else "variants"
    for index, row in enumerate(df.to_dict("records")):
        for variant in row[column].split("|"):
            key = alias_key(variant)
            if key in seen and seen[key][0] != row[first]:
                raise LexiconError(
                    f"{path}: line {index + 2}: {variant!r} is already listed for "
                    f"{seen[key][0]!r} (line {seen[key][1]}); a writing must name one entry"
                )
            seen[key] = (row[first], index + 2)
    return df


def _variants(df: pd.DataFrame, key: str, column: str = "variants") -> list[tuple[str, str]]:
    return [(row[key], v) for row in df.to_dict("records") for v in row[column].split("|")]


def _with_short_forms(
    names: list[tuple[str, str]], abbr: pd.DataFrame
) -> tuple[Matcher, Matcher | None]:
    """Return a matcher of `names`, and a case-sensitive one of the short forms the text
    defines for any of them ("cytokine release syndrome (CRS)" adds "CRS")."""
    by_key = {alias_key(v): entity for entity, v in names}
    shorts = []
    for r in abbr.itertuples():
        entity = by_key.get(alias_key(r.long))
        if entity is not None and alias_key(r.short) not in by_key:
            shorts.append((entity, r.short))
    shorts = sorted(set(shorts))
    return Matcher(names), (Matcher(shorts, case_sensitive=True) if shorts else None)


def load_vocabularies(
    folder: str | Path, abbr: pd.DataFrame, agents_found: pd.DataFrame | None = None
) -> Vocabularies:
    """Return the annotation vocabularies in `folder`, or raise LexiconError. The agents
    are those the entities stage found in the document (`agents_found`, its agents table:
    every writing of each), else the curated lexicon's."""
    folder = Path(folder)
    agents = None
    if agents_found is not None and len(agents_found):
        agents = Matcher(
            (a, alias)
            for a, aliases in zip(agents_found["agent_id"], agents_found["aliases"], strict=True)
            for alias in aliases
        )
    elif (folder / AGENTS_FILE).exists():
        agents = load_lexicon(folder / AGENTS_FILE).matcher()
    studies = [(t, n) for n, t in load_named_studies(folder / NAMED_STUDIES_FILE) if t]
    ae = _read_vocabulary(folder / AE_FILE, AdverseEventTerms)
    classes = _read_vocabulary(folder / CLASSES_FILE, AgentClasses)
    bodies = _read_vocabulary(folder / BODIES_FILE, RegulatoryBodies)
    measures = _read_vocabulary(folder / MEASURES_FILE, Measures)
    ae_matcher, ae_shorts = _with_short_forms(_variants(ae, "term_normalized"), abbr)
    measure_matcher, measure_shorts = _with_short_forms(
        _variants(measures, "measure", "cues"), abbr
    )
    shorts = {}
    if ae_shorts:
        shorts["adverse_events"] = ae_shorts
    if measure_shorts:
        shorts["measures"] = measure_shorts
    return Vocabularies(
        agents=agents,
        ctcae=load_ctcae(folder),
        cues=load_regulatory_cues(folder / REGULATORY_CUES_FILE),
        table_facts=load_table_facts(folder / TABLE_FACTS_FILE, tuple(REGULATORY_KINDS)),
        named_studies=Matcher(studies) if studies else None,
        adverse_events=ae_matcher,
        classes=Matcher(_variants(classes, "agent_class")),
        bodies=Matcher(_variants(bodies, "body")),
        measures=measure_matcher,
        units=dict(zip(measures["measure"], measures["unit"], strict=True)),
        body_types=dict(zip(bodies["body"], bodies["body_type"], strict=True)),
        short_forms=shorts,
    )


# --- What each sentence is about --------------------------------------------------------


@dataclass(frozen=True)
class Mention:
    begin: int  # index in the sentence text
    end: int
    entity: str


@dataclass
class SentenceContext:
    sentence: Sentence
    agents: list[Mention]
    subject: list[str]  # agent ids the sentence is about (see module doc)
    trial_ids: list[str]  # trials the sentence names (identifiers, tied study names)
    referent: list[str] = field(default_factory=list)  # what "it", "this" point back to
    referent_trials: list[str] = field(default_factory=list)  # the previous sentence's trials
    trials: list[Mention] = field(default_factory=list)  # where it names them

    @property
    def text(self) -> str:
        return self.sentence.text


def unique(items) -> list:
    return list(dict.fromkeys(items))


def agent_group(text: str, mentions: list[Mention], first: int = 0) -> list[Mention]:
    """Return the run of agent names starting at mentions[first] joined by connectors."""
    if first >= len(mentions):
        return []
    group = [mentions[first]]
    for m in mentions[first + 1 :]:
        gap = text[group[-1].end : m.begin]
        if not CONNECTOR.fullmatch(gap):
            break
        group.append(m)
    return group


def subject_group(text: str, mentions: list[Mention]) -> list[Mention]:
    """The sentence's subject agents: the first run of names joined by connectors (see
    `agent_group`), starting at the first name that is not part of a modifier
    ("trastuzumab-resistant")."""
    for i, m in enumerate(mentions):
        if not MODIFIER.match(text[m.end :]):
            return agent_group(text, mentions, i)
    return []


def refers_back(text: str, classes: list[Mention]) -> bool:
    """True if the sentence points back with a noun phrase (see REFERRING_NP); one whose
    head is a class name speaks of the class ("The ADCs as a whole", "Many of these CAR-T
    cell therapies in clinical trials")."""
    for m in REFERRING_NP.finditer(text):
        if m["head"] and any(c.begin <= m.start("head") < c.end for c in classes):
            continue
        return True
    return False


def find_mentions(matcher: Matcher | None, text: str) -> list[Mention]:
    if matcher is None:
        return []
    return [Mention(m.start, m.end, m.entity) for m in matcher.find(text)]


# A sentence about a trial named before: "The first one analyzes ...", "In this trial, ...".
TRIAL_REFERENCE = re.compile(
    r"^(?:In\s+)?(?:[Tt]his|[Tt]he|[Tt]hat)\s+(?:(?:first|second|third|last|other)\s+)?"
    r"(?:one|trial|study)\b"
)


def _trial_mentions(s: Sentence, refs: list[TrialRef] | None, vocab: Vocabularies) -> list[Mention]:
    if refs is None:
        found = [Mention(m.start(), m.end(), m.group()) for m in TRIAL_ID.finditer(s.text)]
        return found + find_mentions(vocab.named_studies, s.text)
    at = {raw: i for i, raw in enumerate(s.unit.offsets[s.begin : s.end])}
    return [Mention(at[a], at[a] + (b - a), t) for a, b, t in refs if a in at]


def sentence_contexts(
    sentences: list[Sentence], vocab: Vocabularies, trial_refs: list[TrialRef] | None = None
) -> list[SentenceContext]:
    """Return, per body sentence, the agents and trials it names and the agents it is about."""
    out: list[SentenceContext] = []
    topic: list[str] = []
    previous: list[str] = []
    previous_trials: list[str] = []
    current_paragraph = None
    first_in_paragraph = False
    for s in sentences:
        if s.paragraph_id is None:
            continue
        if s.paragraph_id != current_paragraph:
            current_paragraph, topic, previous, previous_trials = s.paragraph_id, [], [], []
            first_in_paragraph = True
        text = s.text
        mentions = find_mentions(vocab.agents, text)
        trial_mentions = _trial_mentions(s, trial_refs, vocab)
        trials = [m.entity for m in trial_mentions]
        own = unique(m.entity for m in subject_group(text, mentions))
        if first_in_paragraph and mentions and len(text.split()) <= LABEL_MAX_WORDS:
            topic = unique(m.entity for m in mentions)  # "Trastuzumab-duocarmycine/SYD985."
        classes = find_mentions(vocab.classes, text)
        if ANAPHOR.match(text):  # "This ADC consists of trastuzumab ...": about the topic
            subject = list(topic or previous) or own
        elif own:
            subject = own
        elif (topic or previous) and refers_back(text, classes):  # "The BsAb exerted ..."
            subject = list(topic or previous)
        elif classes:  # "Adverse events of ADCs ...": about a class
            subject = []
        else:  # "The main adverse events reported were ..." in a drug's paragraph
            subject = list(topic)
        referent = list(topic or previous)
        trials = unique(trials)
        out.append(
            SentenceContext(
                s, mentions, subject, trials, referent, list(previous_trials), trial_mentions
            )
        )
        if trials:
            previous_trials = trials
        elif (
            own
            and not set(own) <= set(previous)
            and not (ANAPHOR.match(text) or TRIAL_REFERENCE.match(text))
        ):
            # a new subject: the old trials are left behind ("The first one analyzes X"
            # still speaks of them, and so does a sentence about the same agents: "... 54%
            # in the atezolizumab group" after "The KATE trial studied ... atezolizumab")
            previous_trials = []
        previous = subject or previous
        first_in_paragraph = False
    return out


# --- Shared by the annotation tables -------------------------------------------------------


def clause_span(text: str, at: int) -> tuple[int, int]:
    """Return (begin, end) of the clause of `text` holding position `at`."""
    begin, end = 0, len(text)
    for m in CLAUSE_BREAK.finditer(text):
        if m.end() <= at:
            begin = m.end()
        elif m.start() >= at:
            end = m.start()
            break
    return begin, end


def negated(text: str, begin: int, end: int) -> bool:
    """True if a negation governs text[begin:end] ("no CRS", "has not been reported")."""
    return bool(NEGATION_BEFORE.search(text[max(0, begin - 60) : begin])) or bool(
        NEGATION_AFTER.match(text[end:])
    )


def row_base(ctx: SentenceContext, doc_id: str, begin: int, end: int) -> dict:
    s = ctx.sentence
    start, stop = s.raw_span(begin, end)
    return {
        "doc_id": doc_id,
        "sentence": s.text,
        "section_id": s.section_id,
        "paragraph_id": s.paragraph_id,
        "start": start,
        "end": stop,
    }


def numbered(rows: list[dict], id_column: str, prefix: str, columns: list[str]) -> pd.DataFrame:
    for i, row in enumerate(rows, start=1):
        row[id_column] = f"{prefix}-{i:04d}"
    return pd.DataFrame(rows, columns=columns)
