"""Text-derived annotations (stage "annotations"): abbreviations, adverse events,
regulatory events, agents' development stages and quantitative findings, each row tied
to its sentence, its raw offsets and the agents and trials it concerns.

Rules read the structure of sentences (clauses, connectors, a drug paragraph's label such
as "Poziotinib." that the following sentences talk about); every term they look for is
curated data in raw/vocabularies/ (agents.csv, adverse_event_terms.csv, agent_classes.csv,
regulatory_bodies.csv, measures.csv), validated when loaded. What the review's tables say
(a table row's drug, its trial and phase, the agents of a trial) comes from the tables and
entities stages' readings of them.

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

Development stages: see `development_stages`. In short, an agent the text says is tested
in a clinical trial or in patients, or that a registry identifier in its sentence ties
to, or that a table row lists as a trial's drug, has reached at least the clinical stage:
phase_1 (the lowest) when no phase is stated; a trial only proposed or not started, or a
negated one, states nothing.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
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

from .abbreviations import abbreviations, count_uses
from .layout import Layout, read_layout
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
from .quality import Flags
from .sentences import Sentence, document_sentences
from .source import Source
from .stages import TIDY_TABLES

STAGE = "annotations"
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
# An adverse event the sentence says is made less likely or less severe counts as not
# caused: "using ... FRP5 to reduce the chances of CRS", "a lower risk of GVHD" (a reducing
# verb right before the term, maybe with "the chances/risk/incidence of") ...
MITIGATION_BEFORE = re.compile(
    r"\b(?:reduc(?:e|es|ed|ing)|decreas(?:e|es|ed|ing)|lower(?:s|ed|ing)?|minimi[sz](?:e|es|ed|ing)"
    r"|avoid(?:s|ed|ing)?|prevent(?:s|ed|ing)?)\s+(?:the\s+)?"
    r"(?:(?:chances?|risk|incidence|rate|frequency|severity|likelihood)\s+of\s+)?$",
    re.IGNORECASE,
)
# ... or, later in its clause, a statement that it (or what causes it) went down: "the
# inflammatory cytokines ..., which are key factors in CRS, were significantly decreased".
MITIGATION_AFTER = re.compile(
    r"^[^;]*?\b(?:was|were|is|are)\s+(?:\w+ly\s+)?"
    r"(?:decreased|reduced|lowered|diminished|prevented|avoided)\b",
    re.IGNORECASE,
)
# A clause boundary inside a sentence: "...[115], and it has been approved ...".
CLAUSE_BREAK = re.compile(r";\s|,\s+(?:and|but|whereas|while)\s")
LABEL_MAX_WORDS = 8


@dataclass(frozen=True)
class Vocabularies:
    """The curated vocabularies, as matchers over normalised sentence text."""

    agents: Matcher | None
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


def load_vocabularies(folder: str | Path, abbr: pd.DataFrame) -> Vocabularies:
    """Return the annotation vocabularies in `folder`, or raise LexiconError."""
    folder = Path(folder)
    agents = None
    if (folder / AGENTS_FILE).exists():
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


def _unique(items) -> list:
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


def _find(matcher: Matcher | None, text: str) -> list[Mention]:
    if matcher is None:
        return []
    return [Mention(m.start, m.end, m.entity) for m in matcher.find(text)]


TrialRef = tuple[int, int, str]  # raw start, raw end, trial_id


@dataclass
class TableEvidence:
    """What the review's tables say about agents and trials (from the entities stage's
    reading of the tables stage's tidy tables)."""

    stages: list[TableStage]  # per row listing an agent as a trial's drug
    trial_agents: dict[str, list[str]]  # trial_id -> its rows' drug, then combination agents
    drug_trials: dict[str, list[str]]  # agent_id -> trials whose rows list it as the drug


def entity_evidence(
    source: Source, folder: Path, inputs: Mapping[str, pd.DataFrame]
) -> tuple[list[TrialRef] | None, TableEvidence]:
    """Return the trials the prose names, as the entities stage found them (its
    trial_mentions: registry identifiers and study names tied to one: "PAN-ACEA" ->
    NCT02129556), and what the tables say (its table_links and the tables stage's tidy
    tables); (None, empty) when the agent lexicon is missing (then only identifiers are
    read)."""
    if not (folder / AGENTS_FILE).exists():
        return None, TableEvidence([], {}, {})
    mentions = inputs["trial_mentions"]
    tied = mentions[mentions["trial_id"].notna()] if len(mentions) else mentions
    refs = [(int(m.start), int(m.end), m.trial_id) for m in tied.itertuples(index=False)]
    tidy = [inputs[name] for name in TIDY_TABLES if name in inputs]
    links = inputs["table_links"].to_dict("records")
    return refs, table_evidence(tidy, links, source)


def table_evidence(
    tidy: list[pd.DataFrame], table_links: list[dict], source: Source
) -> TableEvidence:
    """Stages, trial agents and drug trials of the review's table rows (see TableEvidence)."""
    phases = {}
    for df in tidy:
        if "phase" not in df.columns:
            continue
        for row in df.to_dict("records"):
            if isinstance(row.get("phase_raw"), str) and isinstance(row.get("phase"), str):
                key = (row["table_id"], int(row["row_index"]))
                phases[key] = (row["phase"], row["phase_raw"], int(row["start"]), int(row["end"]))
    stages, trial_agents, drug_trials = [], {}, {}
    links = sorted(table_links, key=lambda k: k["role"] != "investigational")
    for link in links:
        trial_agents.setdefault(link["trial_id"], [])
        if link["agent_id"] not in trial_agents[link["trial_id"]]:
            trial_agents[link["trial_id"]].append(link["agent_id"])
        if link["role"] != "investigational":
            continue
        drug_trials.setdefault(link["agent_id"], [])
        if link["trial_id"] not in drug_trials[link["agent_id"]]:
            drug_trials[link["agent_id"]].append(link["trial_id"])
        stage, start, end = "phase_1", int(link["start"]), int(link["end"])
        phase = phases.get((link["table_id"], int(link["row_index"])))
        if phase is not None:
            numbers = [int(n) for n in TABLE_PHASE.findall(phase[0])]
            at = source.text.find(phase[1], phase[2], phase[3])
            if numbers and at >= 0:
                stage = f"phase_{min(max(numbers), 3)}"
                start, end = at, at + len(phase[1])
        stages.append(
            TableStage(
                link["agent_id"],
                stage,
                link["table_id"],
                int(link["row_index"]),
                link["section_id"],
                start,
                end,
            )
        )
    stages.sort(key=lambda t: t.start)
    return TableEvidence(stages, trial_agents, drug_trials)


def _trial_mentions(s: Sentence, refs: list[TrialRef] | None, vocab: Vocabularies) -> list[Mention]:
    if refs is None:
        found = [Mention(m.start(), m.end(), m.group()) for m in TRIAL_ID.finditer(s.text)]
        return found + _find(vocab.named_studies, s.text)
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
        mentions = _find(vocab.agents, text)
        trial_mentions = _trial_mentions(s, trial_refs, vocab)
        trials = [m.entity for m in trial_mentions]
        own = _unique(m.entity for m in subject_group(text, mentions))
        if first_in_paragraph and mentions and len(text.split()) <= LABEL_MAX_WORDS:
            topic = _unique(m.entity for m in mentions)  # "Trastuzumab-duocarmycine/SYD985."
        classes = _find(vocab.classes, text)
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
        trials = _unique(trials)
        out.append(
            SentenceContext(
                s, mentions, subject, trials, referent, list(previous_trials), trial_mentions
            )
        )
        previous = subject or previous
        if trials:
            previous_trials = trials
        elif own and not (ANAPHOR.match(text) or TRIAL_REFERENCE.match(text)):
            # a new subject: the old trials are left behind ("The first one analyzes X"
            # still speaks of them)
            previous_trials = []
        first_in_paragraph = False
    return out


def _clause(text: str, at: int) -> tuple[int, int]:
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


def mitigated(text: str, begin: int, end: int) -> bool:
    """True if the sentence says the event text[begin:end] was made less likely or less
    severe ("to reduce the chances of CRS", "..., key factors in CRS, were significantly
    decreased"): see MITIGATION_BEFORE and MITIGATION_AFTER."""
    _, clause_end = _clause(text, begin)
    return bool(MITIGATION_BEFORE.search(text[max(0, begin - 60) : begin])) or bool(
        MITIGATION_AFTER.match(text[end:clause_end])
    )


def _row_base(ctx: SentenceContext, doc_id: str, begin: int, end: int) -> dict:
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


# --- Adverse events -----------------------------------------------------------------------


def adverse_events(
    contexts: list[SentenceContext],
    vocab: Vocabularies,
    abbr: pd.DataFrame,
    source: Source,
    flags: Flags,
) -> pd.DataFrame:
    """Return one row per adverse-event term tied to an agent or a class of agents."""
    defined_shorts = {(int(r.short_start), int(r.short_end)) for r in abbr.itertuples()}
    raw = source.text
    rows = []
    for ctx in contexts:
        text = ctx.text
        found = _find(vocab.adverse_events, text)
        found += _find(vocab.short_forms.get("adverse_events"), text)
        classes = _unique(m.entity for m in _find(vocab.classes, text))
        for m in sorted(found, key=lambda m: m.begin):
            base = _row_base(ctx, source.doc_id, m.begin, m.end)
            if (base["start"], base["end"]) in defined_shorts:
                continue  # "(CRS)" right after "cytokine release syndrome" is the same event
            term = raw[base["start"] : base["end"]]
            if not ctx.subject and not classes:
                flags.add(
                    "adverse_event_unattributed",
                    "info",
                    term,
                    "adverse event named without an agent or class of agents in its sentence "
                    "or paragraph; left out of adverse_events",
                    base["start"],
                    base["end"],
                    "adverse_events",
                )
                continue
            rows.append(
                {
                    **base,
                    "term": term,
                    "term_normalized": m.entity,
                    "negated": negated(text, m.begin, m.end) or mitigated(text, m.begin, m.end),
                    "agent_classes": classes,
                    "agent_ids": list(ctx.subject),
                    "trial_ids": list(ctx.trial_ids),
                }
            )
    return _numbered(rows, "adverse_event_id", "ae", AE_COLUMNS)


AE_COLUMNS = [
    "doc_id",
    "adverse_event_id",
    "term",
    "term_normalized",
    "negated",
    "agent_classes",
    "agent_ids",
    "trial_ids",
    "sentence",
    "section_id",
    "paragraph_id",
    "start",
    "end",
]


def _numbered(rows: list[dict], id_column: str, prefix: str, columns: list[str]) -> pd.DataFrame:
    for i, row in enumerate(rows, start=1):
        row[id_column] = f"{prefix}-{i:04d}"
    return pd.DataFrame(rows, columns=columns)


# --- Regulatory events and development stages ----------------------------------------------

# The words that state an approval or a recommendation, with what may qualify them:
# "approved", "FDA-approved", "accelerated FDA approval", "conditional approval",
# "recommended in the ASCO guidelines".
TRIGGER = re.compile(
    r"(?:(?P<modifier>accelerated|conditional)\s+(?:[A-Z]{2,}\s+)?)?"
    r"(?:[A-Z]{2,}-)?(?P<word>approv(?:ed|al)|recommended)\b"
)
KIND_OF_MODIFIER = {"accelerated": "accelerated_approval", "conditional": "conditional_approval"}
GUIDELINE = re.compile(r"\bguidelines?\b", re.IGNORECASE)
# "approved the use of margetuximab", "approval of RC48", "approved the CD19 CAR therapy":
# the agent follows the trigger.
OBJECT_GAP = re.compile(r"\s+(?:the\s+use\s+of\s+|of\s+|the\s+)?")
# "it was not until 2017 that the FDA approved ...": an "it" that points at nothing.
EXPLETIVE_IT = re.compile(r"\bit\s+(?:was|is|has\s+been)\s+(?:not\s+)?(?:until|only)\b", re.I)
# The indication follows "for" or "to treat" and runs to the end of the clause.
INDICATION_START = re.compile(r"\b(?:for|to treat)\s+")
INDICATION_STOP = re.compile(
    r"\s*(?:\[|\(NCT|;|,\s+(?:and|but|which|in which|whereas)\b|\s+based on\b|\s+since\b|\.$)"
)
YEAR = re.compile(r"\b(?:19|20)\d{2}\b")
# A trial phase as written, then the trial it qualifies: "phase 3 trial", "Phase 1b study",
# "phase 1/2 clinical trial", "phase 1b/2 trial", "phase 1a/b clinical trial", "phase 1 CCTG
# IND.229 clinical trial" (not "the development of a phase 2": a trial still to come).
PHASE = re.compile(
    r"\b[Pp]hase\s*(?P<first>[1-4])[ab]?(?:\s*/\s*(?:(?P<second>[1-4])[ab]?|[ab]))?\b"
    r"(?=(?:\s+[\w.-]+){0,2}?\s+(?:clinical\s+)?(?:trials?|stud(?:y|ies))\b)"
)
# A first-in-human trial is a phase 1 trial.
FIRST_IN_HUMAN = re.compile(r"\bfirst-in-human\b", re.IGNORECASE)
# Evidence of preclinical work: cells, animals, preclinical models.
PRECLINICAL = re.compile(
    r"\bpreclinical\b|\bin vitro and in vivo\b|\bin vivo\b|\bin vitro\b|\bxenografts?\b"
    r"|\bPDX\b|\b(?:mouse|animal) models?\b|\bmice\b|\bmouse\b|\bmurine\b|\banimals\b"
    r"|\bcell lines?\b|\b[\w+-]+(?:-expressing|-resistant)\s+models\b",
    re.IGNORECASE,
)
# Evidence of clinical study that states no phase: a trial ("the HERMIONE clinical trial",
# "three clinical trials in ... patients exploring the MRG002 effect") or testing in
# patients ("is currently being tested in patients with ..."). The agent has reached at
# least the lowest clinical stage, phase_1; so has one a registry identifier in its
# sentence ties to, and one of a trial named in the sentence before ("The first one
# analyzes ...", "In this trial, ...", see TRIAL_REFERENCE).
CLINICAL = re.compile(
    r"\b(?:clinical\s+)?trials?\b|\bclinical\s+stud(?:y|ies)\b"
    r"|\b(?:tested|evaluated|studied|investigated|administered|given)\s+(?:in|to)\s+"
    r"(?:[\w+/-]+\s+){0,6}?(?:patients|subjects|participants)\b",
    re.IGNORECASE,
)
TRIAL_REFERENCE = re.compile(
    r"^(?:In\s+)?(?:[Tt]his|[Tt]he|[Tt]hat)\s+(?:(?:first|second|third|last|other)\s+)?"
    r"(?:one|trial|study)\b"
)
# A trial only proposed or not started states no stage ("A phase 1 clinical trial has been
# proposed in 2021, but recruitment has yet to begin"); for evidence without a phase a
# modal verb in the clause also says it has not happened ("a prospective clinical trial
# should be designed", "may be tested in HER2-low subjects"). A phase trial with a modal
# ("A phase 2 study, in which subjects will receive ..., is being conducted") has started.
NOT_STARTED = re.compile(r"\b(?:proposed|planned|yet\s+to|not\s+yet)\b", re.IGNORECASE)
MODAL = re.compile(r"\b(?:should|would|could|may|might|will)\b", re.IGNORECASE)
# The agent a trial studies, named after a verb of study: "to study the safety of
# IMM2902", "that studied the anti-B7-H4 antibody FPA150", "to explore PRS-343" (not
# "tested in combination with trastuzumab": a partner).
STUDY_OBJECT = re.compile(
    r"\b(?:stud(?:y|ies|ied|ying)|test(?:s|ed|ing)?|evaluat(?:e|es|ed|ing)"
    r"|explor(?:e|es|ed|ing)|investigat(?:e|es|ed|ing))"
    r"(?:\s+(?!(?:in|into|with|to|for|than|after|by|plus|and|or)\b)[\w-]+){0,4}?\s+$",
    re.IGNORECASE,
)
# A phase as the review's tables write it (immunotherapy_trials.phase): PHASE1/PHASE2.
TABLE_PHASE = re.compile(r"PHASE(?P<n>[1-4])")
# An agent stated to be the standard of care is in clinical use, i.e. approved:
# "Trastuzumab ... has become the standard of care treatment" (the sentence's subject) or
# "the standard of care treatment is trastuzumab", "the standard of care (trastuzumab plus
# pertuzumab ...)" (the agents right after it). "could not compete with the standard of
# care" or "progressing after standard of care therapy" state nothing about an agent.
STANDARD_OF_CARE_SUBJECT = re.compile(
    r"\b(?:is|are|has become|have become|became)\s+the\s+(?:current\s+)?standard of care\b"
)
STANDARD_OF_CARE_OBJECT = re.compile(r"\bstandard of care(?:\s+treatment)?(?=\s+is\b|\s*\()")
STAGE_RANK = {"approved": 5, "phase_3": 4, "phase_2": 3, "phase_1": 2, "preclinical": 1}


def _years_outside_brackets(text: str, begin: int, end: int) -> list[re.Match]:
    out = []
    for m in YEAR.finditer(text, begin, end):
        before = text[: m.start()]
        if before.count("[") > before.count("]") or before.count("(") > before.count(")"):
            continue  # a citation or an identifier, not a date
        out.append(m)
    return out


def _regulatory_agents(
    ctx: SentenceContext, clause: tuple[int, int], trigger: re.Match
) -> list[str]:
    """Agents an approval is about: named before it in the clause ("tucatinib was approved"),
    right after it ("approved the use of margetuximab"), or referred to by a pronoun ("This
    was the first TKI approved", "and it has been approved"): the paragraph's label agent,
    else the previous sentence's subject."""
    begin, _ = clause
    before = [m for m in ctx.agents if begin <= m.begin and m.end <= trigger.start()]
    if before:
        first = ctx.agents.index(before[-1])
        while first > 0 and ctx.agents[first - 1] in before:
            gap = ctx.text[ctx.agents[first - 1].end : ctx.agents[first].begin]
            if not CONNECTOR.fullmatch(gap):
                break
            first -= 1
        return _unique(m.entity for m in agent_group(ctx.text, ctx.agents, first))
    after = [m for m in ctx.agents if m.begin >= trigger.end()]
    if after and OBJECT_GAP.fullmatch(ctx.text[trigger.end() : after[0].begin]):
        return [after[0].entity]
    before = EXPLETIVE_IT.sub("", ctx.text[begin : trigger.start()])
    if PRONOUN.search(before):
        return list(ctx.referent)
    return []


def _indication(text: str, at: int, clause_end: int) -> tuple[int, int] | None:
    m = INDICATION_START.search(text, at, clause_end)
    if m is None or not re.fullmatch(r"[\w\s,-]*", text[at : m.start()]):
        return None  # "for" must follow the trigger's own phrase ("by the FDA in 2020")
    stop = INDICATION_STOP.search(text, m.end(), len(text))
    end = min(stop.start() if stop else clause_end, clause_end)
    if end <= m.end():
        return None
    return m.end(), end


def regulatory_events(
    contexts: list[SentenceContext], vocab: Vocabularies, source: Source, flags: Flags
) -> pd.DataFrame:
    """Return one row per approval or guideline recommendation of named agents."""
    rows = []
    for ctx in contexts:
        text = ctx.text
        bodies = [(m, text[m.begin : m.end]) for m in _find(vocab.bodies, text)]
        for trigger in TRIGGER.finditer(text):
            clause = _clause(text, trigger.start())
            in_clause = [(m, t) for m, t in bodies if clause[0] <= m.begin < clause[1]]
            word = trigger["word"]
            if word == "recommended":
                guideline = [(m, t) for m, t in in_clause if _is_guideline(m.entity, vocab)]
                if not guideline and not GUIDELINE.search(text, *clause):
                    continue  # "the recommended dose of utomilumab"
                kind = "guideline_recommendation"
                in_clause = guideline or in_clause
            else:
                kind = KIND_OF_MODIFIER.get(trigger["modifier"] or "", "approval")
            agents = _regulatory_agents(ctx, clause, trigger)
            base = _row_base(ctx, source.doc_id, trigger.start(), trigger.end())
            if not agents:
                # a class ("14 FDA-approved ADCs", "the FDA has not approved any vaccines")
                # or an unnamed product: flagged, not published (agent_ids would be empty)
                classes = _unique(m.entity for m in _find(vocab.classes, text[slice(*clause)]))
                said = "; ".join(
                    [f"classes named: {', '.join(classes)}"] * bool(classes)
                    + ["negated"] * negated(text, trigger.start(), trigger.end())
                )
                flags.add(
                    "regulatory_event_without_agent",
                    "info",
                    trigger.group(),
                    "approval or recommendation of no named agent (a class, or unnamed); "
                    "left out of regulatory_events" + (f" ({said})" if said else ""),
                    base["start"],
                    base["end"],
                    "regulatory_events",
                )
                continue
            body = min(in_clause, key=lambda b: abs(b[0].begin - trigger.start()), default=None)
            years = _years_outside_brackets(text, *clause)
            year = min(years, key=lambda y: abs(y.start() - trigger.start()), default=None)
            indication = _indication(text, trigger.end(), clause[1])
            rows.append(
                {
                    **base,
                    "body": body[0].entity if body else None,
                    "body_text": body[1] if body else None,
                    "kind": kind,
                    "year": int(year.group()) if year else None,
                    "negated": negated(text, trigger.start(), trigger.end()),
                    "surface": source.text[base["start"] : base["end"]],
                    "indication": text[slice(*indication)] if indication else None,
                    "agent_ids": agents,
                    "trial_ids": list(ctx.trial_ids),
                }
            )
    return _numbered(rows, "event_id", "regulatory", REGULATORY_COLUMNS).astype({"year": "Int64"})


def _is_guideline(body: str, vocab: Vocabularies) -> bool:
    return vocab.body_types.get(body) == "guideline_body"


REGULATORY_COLUMNS = [
    "doc_id",
    "event_id",
    "body",
    "body_text",
    "kind",
    "year",
    "negated",
    "surface",
    "indication",
    "agent_ids",
    "trial_ids",
    "sentence",
    "section_id",
    "paragraph_id",
    "start",
    "end",
]


def _stage_agents(ctx: SentenceContext) -> list[str]:
    """The agent a sentence's stage cues are about: the one a verb of study names ("to
    study the safety of IMM2902"), else the first subject agent (the one under study, not
    its partners: "DZD1516 in combination with trastuzumab and capecitabine"), with any
    name in apposition to it ("the HER2-CAR-M CT-0508": both)."""
    studied = [m for m in ctx.agents if STUDY_OBJECT.search(ctx.text[: m.begin])]
    if studied:
        first = studied[0]
    elif not ctx.subject:
        return []
    else:
        named = [m for m in ctx.agents if m.entity == ctx.subject[0]]
        if not named:  # "This ADC ...": named in an earlier sentence
            return [ctx.subject[0]]
        first = named[0]
    out, last = [first.entity], first
    for m in ctx.agents[ctx.agents.index(first) + 1 :]:
        if not ctx.text[last.end : m.begin].isspace():
            break
        out.append(m.entity)
        last = m
    return _unique(out)


def _has_happened(text: str, begin: int, end: int, phase_stated: bool) -> bool:
    """False if the words text[begin:end] speak of a trial or test that is negated ("there
    is no trial", "has not been tested in ... patients") or has not started (NOT_STARTED,
    and MODAL for evidence that states no phase)."""
    if negated(text, begin, end):
        return False
    clause = text[slice(*_clause(text, begin))]
    return not (NOT_STARTED.search(clause) or (not phase_stated and MODAL.search(clause)))


def _text_cues(ctx: SentenceContext) -> list[tuple[str, int, int]]:
    """(stage, begin, end) of every stage cue of a sentence (see `development_stages`)."""
    text = ctx.text
    cues = []
    for m in PHASE.finditer(text):
        if _has_happened(text, m.start(), m.end(), phase_stated=True):
            number = max(int(m["first"]), int(m["second"] or 0))
            cues.append((f"phase_{min(number, 3)}", m.start(), m.end()))
    cues += [("phase_1", m.start(), m.end()) for m in FIRST_IN_HUMAN.finditer(text)]
    cues += [("preclinical", m.start(), m.end()) for m in PRECLINICAL.finditer(text)]
    cues += [("approved", m.start(), m.end()) for m in STANDARD_OF_CARE_SUBJECT.finditer(text)]
    clinical = [(m.start(), m.end()) for m in CLINICAL.finditer(text)]
    clinical += [(t.begin, t.end) for t in ctx.trials]  # registry ids, tied study names
    if ctx.referent_trials and (m := TRIAL_REFERENCE.match(text)):
        clinical.append((m.start(), m.end()))
    for begin, end in sorted(clinical):
        if _has_happened(text, begin, end, phase_stated=False):
            cues.append(("phase_1", begin, end))
    return cues


@dataclass(frozen=True)
class TableStage:
    """A row of the review's tables listing an agent as the drug of a trial."""

    agent_id: str
    stage: str
    table_id: str
    row_index: int
    section_id: str | None
    start: int  # the phase as the row writes it ("Phase 1b/2"), else the drug cell
    end: int


def development_stages(
    contexts: list[SentenceContext],
    events: pd.DataFrame,
    source: Source,
    table_rows: list[TableStage] | None = None,
) -> pd.DataFrame:
    """Return, per agent, the most advanced development stage the review states.

    From the prose: approved: a regulatory approval of the agent that is not negated, or
    the agent named as the standard of care; phase_N: "phase N trial" in a sentence about
    the agent (the higher number of "phase 1/2"); phase_1 also for a first-in-human trial
    and for clinical evidence that states no phase (CLINICAL: a trial, testing in
    patients, a registry identifier in the sentence, a trial named in the sentence before);
    preclinical: preclinical, in vitro, in vivo, xenograft, mouse, animal or cell-line
    work. A sentence's cues go to the agent a verb of study names, else to its first
    subject agent (see `_stage_agents`); negated trials and trials not started count for
    nothing. From the tables: an agent a table row lists as the drug of a trial is in
    clinical study, at the phase the row states (Table 4), else phase_1. The evidence is
    the first place stating the best stage, the prose before the tables.
    """
    best: dict[str, dict] = {}

    def offer(agent: str, stage: str, row: dict) -> None:
        if agent not in best or STAGE_RANK[stage] > STAGE_RANK[best[agent]["stage"]]:
            best[agent] = {
                "doc_id": source.doc_id,
                "agent_id": agent,
                "stage": stage,
                "source": "text",
                "table_id": None,
                "row_index": None,
                **row,
            }

    def text_row(ctx: SentenceContext, begin: int, end: int) -> dict:
        base = _row_base(ctx, source.doc_id, begin, end)
        base.pop("doc_id")
        return {**base, "surface": source.text[base["start"] : base["end"]]}

    for e in events.itertuples():
        if e.negated or e.kind == "guideline_recommendation":
            continue
        for agent in e.agent_ids:
            offer(
                agent,
                "approved",
                {
                    "surface": e.surface,
                    "sentence": e.sentence,
                    "section_id": e.section_id,
                    "paragraph_id": e.paragraph_id,
                    "start": e.start,
                    "end": e.end,
                },
            )
    for ctx in contexts:
        for m in STANDARD_OF_CARE_OBJECT.finditer(ctx.text):
            named = [a for a in ctx.agents if a.begin >= m.end()]
            for agent in agent_group(ctx.text, named):
                offer(agent.entity, "approved", text_row(ctx, m.start(), m.end()))
        agents = _stage_agents(ctx)
        if not agents:
            continue
        for stage, begin, end in _text_cues(ctx):
            for agent in agents:
                offer(agent, stage, text_row(ctx, begin, end))
    for t in table_rows or []:
        offer(
            t.agent_id,
            t.stage,
            {
                "source": "table",
                "table_id": t.table_id,
                "row_index": t.row_index,
                "surface": source.text[t.start : t.end],
                "sentence": None,
                "section_id": t.section_id,
                "paragraph_id": None,
                "start": t.start,
                "end": t.end,
            },
        )
    rows = sorted(best.values(), key=lambda r: r["agent_id"])
    return pd.DataFrame(rows, columns=STAGE_COLUMNS).astype({"row_index": "Int64"})


STAGE_COLUMNS = [
    "doc_id",
    "agent_id",
    "stage",
    "source",
    "surface",
    "sentence",
    "section_id",
    "paragraph_id",
    "table_id",
    "row_index",
    "start",
    "end",
]


# --- Findings ------------------------------------------------------------------------------

# A number as a quantity: "24.8%", "10–15%", "~3.8", "≥ 5%", "133". Not part of a name or
# an identifier ("CD80", "T-DM1", "IND.229", "4-1BB", "HER2 3+", "1×10^8").
NUMBER = re.compile(
    r"(?<![\w.\-/+×^,])(?P<bound>~|≥|≤|>|<)?\s?(?P<value>\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)"
    r"(?:\s?[–-]\s?(?P<high>\d+(?:\.\d+)?))?(?P<percent>\s?%)?(?![\w./+×^-])"
)
# A count written as a word ("nine clinical trials", "eight molecules"): kept only when a
# unit follows it (see `_classify`). The empty groups mirror NUMBER's.
NUMBER_WORDS = {
    w: i
    for i, w in enumerate(
        "one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
        "fifteen sixteen seventeen eighteen nineteen twenty".split(),
        start=1,
    )
}
NUMBER_WORD = re.compile(
    r"(?<![\w-])(?P<bound>[^\s\S])?(?P<value>" + "|".join(NUMBER_WORDS) + r")"
    r"(?P<high>[^\s\S])?(?P<percent>[^\s\S])?(?![\w-])",
    re.IGNORECASE,
)
# Numbers that are not quantities, by what precedes them: "phase 1", "Table 4", "grades 3",
# a word with capitals inside or a capitalised word within the sentence.
NOT_A_QUANTITY_BEFORE = re.compile(
    r"(?:\b(?:[Pp]hase|Table|Figure|[Gg]rades?|[Aa]rm|[Cc]ohort|generation)\s+"
    r"|\b(?:[Gg]rades?)\s+\d+\s+(?:and|or)\s+|\b[A-Z][\w-]*[A-Z][\w-]*\s+"
    r"|(?:(?<=\S)\s+|\()[A-Z][a-z]+\s+)$"  # "TBCRC 022", "(Amberstatin 269": a name
)
PATIENT_NOUN = re.compile(
    r"^(?P<between>(?:\s+(?!(?:of|in|with|were|was|and|or|for|to|who|that)\b)[\w+-]+){0,5}?)"
    r"\s+(?:patients|participants|subjects|women|men)\b"
)
ENROLMENT_VERB = re.compile(r"\b(?:included|recruited|enrolled|treated)\s+$")
CANCERS_NOUN = re.compile(r"^(?:\s+[\w+-]+){0,4}?\s+(?:breast\s+)?cancers\b")
# "48 trials", "nine clinical trials", "two phase 1 clinical trials", "four other clinical
# trials", "30 CAR-NK cell clinical trials", "one clinical trial" (up to three words in
# between, none a preposition or "patients").
TRIAL_NOUN = re.compile(
    r"^(?:\s+(?!(?:of|in|with|for|and|or|to|on|patients|that|which)\b)[\w+-]+){0,3}?"
    r"\s+(?P<noun>trials|studies|trial)\b"
)
# "ongoing clinical trials using immunotherapy ... are about 24": the count after the noun.
TRIALS_BEFORE = re.compile(
    r"\b(?:trials|studies)\b(?:(?!\b\d)[^.;:\[\]()]){0,120}?\b(?:are|were)\s+$"
)
# "3.6 molecules of emtansine", "eight molecules of a topoisomerase I inhibitor"; a number
# right before an agent's name ("carries ~3.8 MMAE") counts molecules too (see _classify).
MOLECULES_NOUN = re.compile(r"^\s+molecules\b")
# "14 FDA-approved ADCs": a count of agents of a class (the class name follows).
APPROVED_BEFORE_CLASS = re.compile(r"^\s+(?:[\w.]+-)?approved\s+")
MONTHS_NOUN = re.compile(r"^\s+months\b")
OUT_OF = re.compile(r"^\s+out\s+of\s+(?P<total>\d+)")
# "... 6 patients for phase 1 and 54 for phase 2", "133 patients with X and 69 with Y": a
# bare number continuing a count of patients in the same clause.
ELLIPTIC_GAP = re.compile(r"^\s+patients\b[^;\[\]]{0,60}\band\s+$")
COMPARISON = re.compile(r"\s(?:vs\.?|versus|compared\s+(?:to|with))\s")
RESPECTIVELY = re.compile(r"^,?\s+respectively\b")
COORDINATED_SETTINGS = re.compile(
    r"\bin\s+the\s+(?P<a>[\w+-]+)\s+and\s+(?P<b>[\w+-]+)\s+(?:settings|arms|groups|cohorts)\b"
)
# Arm or subgroup of a value, as written.
ARM_AFTER = re.compile(
    r"^(?:\s+[\w-]+){0,3}?\s+in\s+the\s+(?P<arm>[\w+-]+(?:\s+[\w+-]+)?\s+(?:group|arm|cohort))\b"
)
ARM_WITH = re.compile(r"^\s+with\s+(?P<arm>.+?)(?=\s+and\s+\d|[,;.\[]|$)")
FOR_PHASE = re.compile(r"^\s+for\s+(?P<arm>phase\s+\d[ab]?)\b")
OF_WHOM = re.compile(r"\bof\s+whom\s+$")
WERE_WHAT = re.compile(r"^\s+were\s+(?P<what>[\w+-]+)")
WHOSE = re.compile(r"^\s+whose\s+\w+\s+(?:were|was)\s+(?P<what>[\w+-]+)")
SUBGROUP = re.compile(
    r"\b(?:the\s+)?(?P<sub>[\w+-]*(?:positive|negative|\+|-low|-high)|[\w+-]+\s+(?:positive|negative))"
    r"\s+patients\b"
)
BOUNDS = {"~": "approximately", "≥": "at_least", "≤": "at_most", ">": "more_than", "<": "less_than"}
WORD_BOUNDS = re.compile(r"\b(?P<b>about|approximately|more than|less than|at least|up to)\s+$")
WORD_BOUND_NAMES = {
    "about": "approximately",
    "approximately": "approximately",
    "more than": "more_than",
    "less than": "less_than",
    "at least": "at_least",
    "up to": "at_most",
}


@dataclass
class Value:
    match: re.Match
    unit: str | None = None
    measure: str | None = None
    cue: Mention | None = None
    denominator: float | None = None
    qualifier: str | None = None
    arm: str | None = None  # the part of the qualifier that names an arm (agents come from it)
    comparison: Value | None = None
    consumed: bool = False

    @property
    def begin(self) -> int:
        return self.match.start("value") if not self.match["bound"] else self.match.start()

    @property
    def end(self) -> int:
        return self.match.end()

    @property
    def number(self) -> float:
        value = self.match["value"]
        if value.lower() in NUMBER_WORDS:
            return float(NUMBER_WORDS[value.lower()])
        return float(value.replace(",", ""))

    @property
    def word(self) -> bool:
        """Written as a word ("nine"): a quantity only with a unit."""
        return self.match["value"].lower() in NUMBER_WORDS


def _in_brackets(text: str, at: int) -> bool:
    before = text[:at]
    return before.count("[") > before.count("]")


def _candidates(text: str) -> list[Value]:
    """Numbers of a sentence that may be reported quantities (see NUMBER, NUMBER_WORD)."""
    out = []
    matches = sorted([*NUMBER.finditer(text), *NUMBER_WORD.finditer(text)], key=lambda m: m.start())
    for m in matches:
        if _in_brackets(text, m.start()) or NOT_A_QUANTITY_BEFORE.search(text[: m.start()]):
            continue
        if not m["percent"] and re.fullmatch(r"(?:19|20)\d{2}", m["value"]):
            continue  # a year
        out.append(Value(m))
    return out


def _classify(
    text: str,
    values: list[Value],
    agents: list[Mention] | None = None,
    classes: list[Mention] | None = None,
) -> None:
    """Set each value's unit from what follows it (%, patients, trials, months, molecules,
    agents) or, for a count of trials, from what precedes it ("trials ... are about 24");
    `agents` and `classes` are the names in the sentence."""
    previous: Value | None = None
    agent_starts = {m.begin for m in agents or []}
    class_starts = {m.begin for m in classes or []}
    for v in values:
        after = text[v.end :]
        trial = TRIAL_NOUN.match(after)
        if v.match["percent"]:
            v.unit = "%"
        elif m := OUT_OF.match(after):
            rest = after[m.end() :]
            if PATIENT_NOUN.match(rest):
                v.unit, v.denominator = "patients", float(m["total"])
                for w in values:  # the total is part of this value, not a value of its own
                    if w.match.start("value") == v.end + m.start("total"):
                        w.consumed = True
        elif PATIENT_NOUN.match(after):
            v.unit = "patients"
        elif CANCERS_NOUN.match(after) and ENROLMENT_VERB.search(text[: v.begin]):
            v.unit = "patients"  # "included 20 metastatic breast cancers"
        elif trial and (trial["noun"] == "trial") == (v.number == 1):
            v.unit = "trials"
        elif MONTHS_NOUN.match(after):
            v.unit = "months"
        elif MOLECULES_NOUN.match(after) or (
            v.end + len(after) - len(after.lstrip()) in agent_starts and after[:1].isspace()
        ):
            v.unit = "molecules"  # "3.6 molecules of emtansine", "~3.8 MMAE"
        elif (m := APPROVED_BEFORE_CLASS.match(after)) and v.end + m.end() in class_starts:
            v.unit = "agents"  # "14 FDA-approved ADCs"
        elif TRIALS_BEFORE.search(WORD_BOUNDS.sub("", text[: v.begin])):
            v.unit = "trials"  # "... clinical trials using immunotherapy ... are about 24"
        elif (
            previous is not None
            and previous.unit == "patients"
            and ELLIPTIC_GAP.match(text[previous.end : v.begin])
        ):
            v.unit = "patients"  # "6 patients for phase 1 and 54 for phase 2"
        elif OF_WHOM.search(text[: v.begin]):
            v.unit = "patients"  # "168 ... patients ..., of whom 26 were HER2+"
        if v.unit is not None:
            previous = v
        elif v.word:
            v.consumed = True  # "One of these approaches", "two different antigens"


def _measure(
    text: str, v: Value, cues: list[Mention], units: dict[str, str], clause: tuple[int, int]
) -> None:
    """Give `v` the measure of the nearest cue of its unit in its clause."""
    if v.unit == "patients":
        if OF_WHOM.search(text[: v.begin]):
            v.measure = "patients_in_subgroup"
            return
        near = [c for c in cues if units[c.entity] == "patients" and c.end <= v.begin]
        near = [c for c in near if clause[0] <= c.begin]
        benefit = [c for c in near if c.entity == "patients_with_clinical_benefit"]
        v.measure = (
            "patients_with_clinical_benefit" if benefit and v.denominator else "patients_enrolled"
        )
        v.cue = near[-1] if near else None
        return
    if v.unit == "trials":
        v.measure = "registered_trials"
        return
    inside = [c for c in cues if units[c.entity] == v.unit and clause[0] <= c.begin < clause[1]]
    if not inside:
        return
    cue = min(inside, key=lambda c: min(abs(c.begin - v.end), abs(v.begin - c.end)))
    v.measure, v.cue = cue.entity, cue


def _qualify(text: str, v: Value, subgroup: str | None, names_arm=lambda arm: True) -> None:
    """Set the arm or subgroup a value belongs to, as written; `names_arm` tells whether
    the words after "N patients with" name a treatment ("atezolizumab plus T-DM1") rather
    than a disease ("metastatic breast cancer")."""
    after = text[v.end :]
    if v.denominator and (m := OUT_OF.match(after)):
        after = after[m.end() :]  # "6 out of 40 patients whose tumors were ..."
    patients_tail = PATIENT_NOUN.match(after)
    tail = after[patients_tail.end() :] if patients_tail else after
    arm = None
    if m := ARM_AFTER.match(after):
        arm = m["arm"]
    elif v.unit == "patients" and (m := ARM_WITH.match(tail)) and names_arm(m["arm"]):
        arm = m["arm"]
    elif v.unit == "patients" and (m := FOR_PHASE.match(tail)):
        v.qualifier = m["arm"]
        return
    elif text[: v.begin].rstrip().endswith("(") and v.unit == "patients":
        word = re.search(r"([\w+-]+)\s*\($", text[: v.begin])
        arm = word.group(1) if word else None  # "atezolizumab (228 patients)"
    if v.measure == "patients_in_subgroup" and (m := WERE_WHAT.match(after)):
        v.qualifier = m["what"]
        return
    if v.denominator and (m := WHOSE.match(tail)):
        v.qualifier = m["what"]
        return
    parts = [p for p in ((subgroup if v.unit == "%" else None), arm) if p]
    v.arm = arm
    v.qualifier = ", ".join(parts) or None


def _respectively(text: str, values: list[Value]) -> None:
    """ "65% and 31%, respectively, ... in the neoadjuvant and adjuvant settings"."""
    for a, b in zip(values, values[1:], strict=False):
        gap = text[a.end : b.begin]
        if not re.fullmatch(r"\s*and\s*", gap) or not RESPECTIVELY.match(text[b.end :]):
            continue
        m = COORDINATED_SETTINGS.search(text, b.end)
        if m:
            a.qualifier, b.qualifier = m["a"], m["b"]
            a.arm = b.arm = None


def _count_segments(text: str, values: list[Value], vocab: Vocabularies) -> dict[int, list[str]]:
    """Agents of each count of patients in a sentence with several: the names between it
    and the next count ("87 patients received chemotherapy alone and 68 received
    trastuzumab plus chemotherapy"); empty when no count names any (all take the
    sentence's agents). Keyed by id() of the value."""
    counts = [v for v in values if v.unit == "patients" and not v.consumed and v.arm is None]
    if len(counts) < 2:
        return {}
    ends = [c.begin for c in counts[1:]] + [len(text)]
    found = {
        id(c): _unique(m.entity for m in _find(vocab.agents, text[c.end : stop]))
        for c, stop in zip(counts, ends, strict=True)
    }
    return found if any(found.values()) else {}


def findings(
    contexts: list[SentenceContext],
    vocab: Vocabularies,
    source: Source,
    tables: TableEvidence | None = None,
) -> pd.DataFrame:
    """Return one row per reported quantity a measure can be given to (see module doc)."""
    rows = []
    for ctx in contexts:
        text = ctx.text
        values = _candidates(text)
        class_mentions = _find(vocab.classes, text)
        _classify(text, values, ctx.agents, class_mentions)
        cues = _find(vocab.measures, text) + _find(vocab.short_forms.get("measures"), text)
        cues.sort(key=lambda c: c.begin)
        subgroup_m = SUBGROUP.search(text)
        subgroup = subgroup_m["sub"] if subgroup_m else None
        for v in values:
            if v.unit is None or v.consumed:
                continue
            _measure(text, v, cues, vocab.units, _clause(text, v.begin))
        measured = [v for v in values if v.measure and not v.consumed]
        for v in measured:
            if v.unit == "%":
                later = [w for w in measured if w.begin > v.end and w.unit == v.unit]
                if later and COMPARISON.search(text[v.end : later[0].begin]) and not v.consumed:
                    v.comparison = later[0]
                    later[0].consumed = True

        def names_arm(arm: str) -> bool:
            first = _find(vocab.agents, arm)
            return bool(first and first[0].begin == 0) or arm.lower().startswith("placebo")

        for v in measured:
            _qualify(text, v, subgroup, names_arm)
            if v.comparison is not None:
                _qualify(text, v.comparison, subgroup, names_arm)
        _respectively(text, measured)
        classes = _unique(m.entity for m in class_mentions)
        sentence_agents = ctx.subject or ([] if classes else list(ctx.referent))
        inherit_trials = not ctx.trial_ids and (not ctx.subject or ANAPHOR.match(text))
        segments = _count_segments(text, measured, vocab)
        for v in measured:
            if v.consumed:
                continue
            clause = _clause(text, v.begin)
            if v.unit == "trials":  # the trials it counts: named after it, up to the next count
                later = [w.begin for w in measured if w.unit == "trials" and w.begin > v.begin]
                stop = later[0] if later else len(text)
                trials = _unique(m.entity for m in ctx.trials if clause[0] <= m.begin < stop)
            else:
                trials = _unique(m.entity for m in ctx.trials if clause[0] <= m.begin < clause[1])
            named_trials = bool(trials)
            if v.unit != "trials" and inherit_trials:
                trials = trials or list(ctx.referent_trials)
            if v.arm is not None:
                agents = _unique(m.entity for m in _find(vocab.agents, v.arm))
            elif id(v) in segments:
                agents = segments[id(v)]
            elif not ctx.subject and named_trials and tables and tables.trial_agents.get(trials[0]):
                # "There is a phase 1/2 study, NCT03272334, that estimates the enrolment of
                # 33 patients": the agents the tables list for the trial it names
                agents = _unique(a for t in trials for a in tables.trial_agents.get(t, []))
            elif v.unit == "trials" and not ctx.subject and not PRONOUN.search(text):
                # a count of trials in general ("ongoing clinical trials using
                # immunotherapy ... are about 24"), not of the agent named before
                agents = []
            else:
                agents = sentence_agents
            if not trials and agents and v.unit != "trials" and tables:
                trials = _only_table_trial(text, agents[0], tables)
            base = _row_base(ctx, source.doc_id, v.begin, v.end)
            c = v.comparison
            c_span = ctx.sentence.raw_span(c.begin, c.end) if c is not None else (None, None)
            bound = BOUNDS.get(v.match["bound"] or "")
            if bound is None and (wb := WORD_BOUNDS.search(text[: v.begin])):
                bound = WORD_BOUND_NAMES[wb["b"].lower()]
            rows.append(
                {
                    **base,
                    "measure": v.measure,
                    "value": v.number,
                    "value_max": float(v.match["high"]) if v.match["high"] else None,
                    "bound": bound,
                    "unit": v.unit,
                    "denominator": v.denominator,
                    "surface": source.text[base["start"] : base["end"]],
                    "cue": text[v.cue.begin : v.cue.end] if v.cue else None,
                    "qualifier": v.qualifier,
                    "comparison_value": c.number if c is not None else None,
                    "comparison_qualifier": c.qualifier if c is not None else None,
                    "comparison_start": c_span[0],
                    "comparison_end": c_span[1],
                    "agent_classes": classes,
                    "agent_ids": list(agents),
                    "trial_ids": list(trials),
                }
            )
    out = _numbered(rows, "finding_id", "finding", FINDING_COLUMNS)
    return out.astype({"comparison_start": "Int64", "comparison_end": "Int64"})


# A sentence about one trial it does not identify: "A phase 1 clinical study is currently
# recruiting 137 patients to study the safety of IMM2902".
ONE_TRIAL = re.compile(r"\b(?:trial|study)\b(?!\s+(?:of|on)\b)")


def _only_table_trial(text: str, agent: str, tables: TableEvidence) -> list[str]:
    """The trial of a finding whose sentence speaks of one trial without identifying it,
    when the review's tables list its agent as the drug of exactly one trial (IMM2902 ->
    NCT05076591); else none."""
    listed = tables.drug_trials.get(agent, [])
    if len(listed) == 1 and ONE_TRIAL.search(text):
        return list(listed)
    return []


def unattributed_values(
    contexts: list[SentenceContext], vocab: Vocabularies
) -> list[tuple[str, str]]:
    """Return (section_id, number as written) of quantities left out of findings: a
    percentage, count or duration no measure could be given to."""
    out = []
    for ctx in contexts:
        text = ctx.text
        values = _candidates(text)
        _classify(text, values, ctx.agents, _find(vocab.classes, text))
        cues = _find(vocab.measures, text) + _find(vocab.short_forms.get("measures"), text)
        for v in values:
            if v.consumed:
                continue
            if v.unit is not None:
                _measure(text, v, cues, vocab.units, _clause(text, v.begin))
            if v.measure is None:
                out.append((ctx.sentence.section_id, v.match.group().strip()))
    return out


FINDING_COLUMNS = [
    "doc_id",
    "finding_id",
    "measure",
    "value",
    "value_max",
    "bound",
    "unit",
    "denominator",
    "surface",
    "cue",
    "qualifier",
    "comparison_value",
    "comparison_qualifier",
    "comparison_start",
    "comparison_end",
    "agent_classes",
    "agent_ids",
    "trial_ids",
    "sentence",
    "section_id",
    "paragraph_id",
    "start",
    "end",
]


# --- Abbreviations: quality flags and agents ------------------------------------------------


def link_abbreviations(table: pd.DataFrame, vocab: Vocabularies) -> pd.DataFrame:
    """Add agent_ids (agents whose name is the short or the long form) and trial_ids."""
    agent_ids = []
    for r in table.itertuples():
        ids = []
        for form in (r.long, r.short):
            ids += [m.entity for m in _find(vocab.agents, form) if m.end - m.begin == len(form)]
        agent_ids.append(_unique(ids))
    out = table.copy()
    out["agent_ids"] = agent_ids
    out["trial_ids"] = [[] for _ in range(len(out))]
    return out


def abbreviation_flags(table: pd.DataFrame, layout: Layout, flags: Flags) -> None:
    """Flag short forms defined twice, used before their definition, or never used."""
    raw = layout.source.text
    for short, rows in table.groupby("short", sort=False):
        first = rows.iloc[0]
        if len(rows) > 1:
            longs = sorted({long.lower() for long in rows["long"]})
            flags.add(
                "abbreviation_redefined",
                "info",
                short,
                f"{short} is defined {len(rows)} times"
                + (f" with different long forms: {longs}" if len(longs) > 1 else ""),
                int(rows.iloc[1]["short_start"]),
                int(rows.iloc[1]["short_end"]),
                "abbreviations",
            )
        before = count_uses(raw, short, layout.body_start, int(first["start"]))
        if first["section_id"] is not None and not pd.isna(first["section_id"]) and before:
            flags.add(
                "abbreviation_used_before_definition",
                "info",
                short,
                f"{short} is used {before} time(s) in the body before it is defined",
                int(first["short_start"]),
                int(first["short_end"]),
                "abbreviations",
            )
        if int(rows["n_later_uses"].sum()) == 0:
            flags.add(
                "abbreviation_never_used",
                "info",
                short,
                f"{short} is defined but never used afterwards",
                int(first["short_start"]),
                int(first["short_end"]),
                "abbreviations",
            )


def extract(
    source: Source, vocabularies: str | Path, inputs: Mapping[str, pd.DataFrame]
) -> dict[str, pd.DataFrame]:
    """Return the annotation tables of `source` and the quality flags raised on the way,
    reading the tidy tables and the entities stage's trial_mentions and table_links from
    `inputs` (see tidyreview.stages)."""
    folder = Path(vocabularies)
    layout = read_layout(source)
    sentences = document_sentences(layout)
    flags = Flags(source, STAGE)
    abbr = abbreviations(layout, sentences)
    abbreviation_flags(abbr, layout, flags)
    vocab = load_vocabularies(folder, abbr)
    refs, tables = entity_evidence(source, folder, inputs)
    contexts = sentence_contexts(sentences, vocab, refs)
    events = regulatory_events(contexts, vocab, source, flags)
    return {
        "abbreviations": link_abbreviations(abbr, vocab),
        "findings": findings(contexts, vocab, source, tables),
        "adverse_events": adverse_events(contexts, vocab, abbr, source, flags),
        "regulatory_events": events,
        "agent_development_stages": development_stages(contexts, events, source, tables.stages),
        "quality_flags": flags.frame(),
    }


def default_vocabularies() -> Path:
    """The repository's raw/vocabularies/ folder."""
    return Path(__file__).resolve().parents[2] / "raw" / "vocabularies"
