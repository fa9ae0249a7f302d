"""Quantitative findings (findings): each reported quantity a curated measure can be given
to (response rates, survival, patients enrolled, ...), with its bounds, comparison,
qualifier, and the agents and trials it concerns.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd

from .evidence import TableEvidence
from .sentence_subjects import (
    ANAPHOR,
    PRONOUN,
    Mention,
    SentenceContext,
    Vocabularies,
    clause_span,
    find_mentions,
    numbered,
    row_base,
    unique,
)
from .source import Source

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
# "about 500 therapies with CAR-T cells", "only six have been approved": a count of agents.
AGENT_NOUN = re.compile(r"^(?:\s+[\w-]+){0,2}?\s+(?:therapies|agents|drugs)\b")
APPROVED_AFTER = re.compile(r"^\s+(?:have|has)\s+been\s+(?:\w+\s+)?approved\b")
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
# "87 patients received neoadjuvant chemotherapy alone and 68 received ...": the arm is
# what each count received.
# "~20% of breast cancers [2], 25% of ovarian cancers": the tumours a share is of.
OF_CANCERS = re.compile(r"^\s+of\s+(?P<what>(?:[\w+-]+\s+){0,3}?cancers)\b")
RECEIVED = re.compile(r"^\s+received\s+(?P<arm>.+?)(?=\s+and\s+\d|[,;.\[]|$)")
# "in a phase 1 clinical trial that showed a 55% clinical benefit rate": the phase of the
# trial whose result the value is.
PHASE_OF_RESULT = re.compile(
    r"\bin\s+an?\s+(?P<phase>phase\s+\d[ab]?(?:/\d[ab]?)?)\s+(?:[\w-]+\s+){0,2}?"
    r"(?:trial|study)\s+(?:that|which)\s+(?:showed|reported|demonstrated|achieved)\b[^.;]*$",
    re.I,
)
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
        if (
            not m["percent"]
            and re.fullmatch(r"(?:19|20)\d{2}", m["value"])
            and not TRIAL_NOUN.match(text[m.end() :])
        ):
            continue  # a year, unless it counts trials ("more than 2000 clinical trials")
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
        elif AGENT_NOUN.match(after) or APPROVED_AFTER.match(after):
            v.unit = "agents"  # "about 500 therapies", "only six have been approved"
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
    elif v.unit == "patients" and (m := RECEIVED.match(tail)):
        arm = m["arm"]
    elif v.measure == "tumors_expressing_marker" and (m := OF_CANCERS.match(after)):
        v.qualifier = m["what"]
        return
    elif v.unit == "%" and (m := PHASE_OF_RESULT.search(text[: v.begin])):
        v.qualifier = m["phase"]
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
        id(c): unique(m.entity for m in find_mentions(vocab.agents, text[c.end : stop]))
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
    rows = [
        row
        for ctx in contexts
        for row in _sentence_findings(ctx, *_measured_values(ctx, vocab), vocab, source, tables)
    ]
    out = numbered(rows, "finding_id", "finding", FINDING_COLUMNS)
    return out.astype({"comparison_start": "Int64", "comparison_end": "Int64"})


def _measured_values(ctx: SentenceContext, vocab: Vocabularies) -> tuple[list[Value], list]:
    """The quantities of a sentence that a measure can be given to, each with its measure,
    comparison and qualifier; and the sentence's class mentions."""
    text = ctx.text
    values = _candidates(text)
    class_mentions = find_mentions(vocab.classes, text)
    _classify(text, values, ctx.agents, class_mentions)
    cues = find_mentions(vocab.measures, text) + find_mentions(
        vocab.short_forms.get("measures"), text
    )
    cues.sort(key=lambda c: c.begin)
    subgroup_m = SUBGROUP.search(text)
    subgroup = subgroup_m["sub"] if subgroup_m else None
    for v in values:
        if v.unit is None or v.consumed:
            continue
        _measure(text, v, cues, vocab.units, clause_span(text, v.begin))
    measured = [v for v in values if v.measure and not v.consumed]
    for v in measured:
        if v.unit == "%":
            later = [w for w in measured if w.begin > v.end and w.unit == v.unit]
            if later and COMPARISON.search(text[v.end : later[0].begin]) and not v.consumed:
                v.comparison = later[0]
                later[0].consumed = True

    def names_arm(arm: str) -> bool:
        first = find_mentions(vocab.agents, arm)
        return bool(first and first[0].begin == 0) or arm.lower().startswith("placebo")

    for v in measured:
        _qualify(text, v, subgroup, names_arm)
        if v.comparison is not None:
            _qualify(text, v.comparison, subgroup, names_arm)
    _respectively(text, measured)
    return measured, class_mentions


def _sentence_findings(
    ctx: SentenceContext,
    measured: list[Value],
    class_mentions: list,
    vocab: Vocabularies,
    source: Source,
    tables: TableEvidence | None,
) -> list[dict]:
    """The finding rows of one sentence's measured values, with their agents and trials."""
    text = ctx.text
    # a class word inside an agent's name ("HER2-CARs", "HER2-specific CAR-T cells") does
    # not name the class
    inside = [(m.begin, m.end) for m in ctx.agents]
    class_mentions = [m for m in class_mentions if not any(a <= m.begin < b for a, b in inside)]
    classes = unique(m.entity for m in class_mentions)
    sentence_agents = ctx.subject or ([] if classes else list(ctx.referent))
    # a sentence naming no trial speaks of the trials before when it names no agent,
    # points back ("This ...") or is about the same agents ("54% in the atezolizumab
    # group" after "The KATE trial studied the addition of atezolizumab ...")
    inherit_trials = not ctx.trial_ids and (
        not ctx.subject or ANAPHOR.match(text) or set(ctx.subject) <= set(ctx.referent)
    )
    segments = _count_segments(text, measured, vocab)
    rows = []
    for v in measured:
        if v.consumed:
            continue
        trials = _value_trials(ctx, v, measured)
        named_trials = bool(trials)
        if v.unit != "trials" and inherit_trials:
            trials = trials or list(ctx.referent_trials)
        if v.arm is not None:
            agents = unique(m.entity for m in find_mentions(vocab.agents, v.arm))
        elif id(v) in segments:
            agents = segments[id(v)]
        elif not ctx.subject and named_trials and tables and tables.trial_agents.get(trials[0]):
            # "There is a phase 1/2 study, NCT03272334, that estimates the enrolment of
            # 33 patients": the agents the tables list for the trial it names
            agents = unique(a for t in trials for a in tables.trial_agents.get(t, []))
        elif v.unit == "trials" and not ctx.subject and not PRONOUN.search(text):
            # a count of trials in general ("ongoing clinical trials using
            # immunotherapy ... are about 24"), not of the agent named before
            agents = []
        else:
            agents = sentence_agents
        if not trials and agents and v.unit != "trials" and tables:
            trials = _only_table_trial(text, agents[0], tables)
        rows.append(
            _finding_row(
                ctx, v, source, _counted_classes(text, v, class_mentions) or classes, agents, trials
            )
        )
    return rows


def _counted_classes(text: str, v: Value, class_mentions: list) -> list[str]:
    """The classes a count of trials counts, named between the number and its noun ("more
    than 30 CAR-NK cell clinical trials, as with CAR-T cells" counts CAR-NK trials)."""
    if v.unit != "trials" or not (noun := TRIAL_NOUN.match(text[v.end :])):
        return []
    return unique(m.entity for m in class_mentions if v.end <= m.begin < v.end + noun.end())


def _value_trials(ctx: SentenceContext, v: Value, measured: list[Value]) -> list[str]:
    """The trials the sentence names in the value's clause; for a count of trials, those
    named after it up to the next count."""
    clause = clause_span(ctx.text, v.begin)
    if v.unit == "trials":
        later = [w.begin for w in measured if w.unit == "trials" and w.begin > v.begin]
        stop = later[0] if later else len(ctx.text)
        return unique(m.entity for m in ctx.trials if clause[0] <= m.begin < stop)
    return unique(m.entity for m in ctx.trials if clause[0] <= m.begin < clause[1])


def _finding_row(
    ctx: SentenceContext,
    v: Value,
    source: Source,
    classes: list[str],
    agents: list[str],
    trials: list[str],
) -> dict:
    text = ctx.text
    base = row_base(ctx, source.doc_id, v.begin, v.end)
    c = v.comparison
    c_span = ctx.sentence.raw_span(c.begin, c.end) if c is not None else (None, None)
    bound = BOUNDS.get(v.match["bound"] or "")
    if bound is None and (wb := WORD_BOUNDS.search(text[: v.begin])):
        bound = WORD_BOUND_NAMES[wb["b"].lower()]
    return {
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
        _classify(text, values, ctx.agents, find_mentions(vocab.classes, text))
        cues = find_mentions(vocab.measures, text) + find_mentions(
            vocab.short_forms.get("measures"), text
        )
        for v in values:
            if v.consumed:
                continue
            if v.unit is not None:
                _measure(text, v, cues, vocab.units, clause_span(text, v.begin))
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
