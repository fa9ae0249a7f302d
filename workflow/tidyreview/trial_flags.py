"""Quality flags of the entities stage about trials: trials listed in a table but never
in the prose (or the other way round), facts that differ between places, "(Table N)"
pointing at the wrong table, counts of trials the listed identifiers do not add up to,
and one status stated for a group of trials.
"""

from __future__ import annotations

import csv
import re
from collections import defaultdict
from pathlib import Path

import pandas as pd

from .agent_mentions import Scan
from .lexicon import alias_key
from .quality import Flags
from .sentences import Sentence
from .trials import STATUS_TEXT, Fact, TrialNames, normalise_phase

# "(Table 1)"
TABLE_REFERENCE = re.compile(r"\(Table\s+(?P<number>\d+)\)")
# Cancer sites (raw/vocabularies/cancer_sites.csv): what a table's caption limits it to
# ("... in HER2+ breast cancer") and what the prose says a trial is of ("gastric (NCT...)").
CANCER_SITES_FILE = "cancer_sites.csv"


def load_cancer_sites(path: str | Path) -> dict[str, str]:
    """term -> site ("stomach" -> "gastric")."""
    with open(path, encoding="utf-8", newline="") as f:
        return {r["term"].strip().lower(): r["site"].strip() for r in csv.DictReader(f)}


class CancerSites:
    """Finds the cancer sites a stretch of text names."""

    def __init__(self, terms: dict[str, str]):
        self.terms = terms
        alternatives = "|".join(re.escape(t) for t in sorted(terms, key=len, reverse=True))
        self.pattern = re.compile(rf"(?<![\w-])(?:{alternatives})(?![\w-])", re.IGNORECASE)

    def named(self, text: str) -> set[str]:
        return {self.terms[m.group().lower()] for m in self.pattern.finditer(text)}

    def scopes(self, scan: Scan) -> dict[str, set[str]]:
        """Table id -> the sites its caption limits it to (empty: no stated limit)."""
        return {t.table_id: self.named(t.caption.text) for t in scan.layout.tables}

    def of_trial(self, scan: Scan, start: int, end: int) -> set[str]:
        """The sites the sentence gives the trial written at start..end: those named
        between the previous parenthesis and the one holding the identifier ("such as
        gastric (NCT1 and NCT2), lung (NCT3)"), else those after it up to the next
        parenthesis ("a phase 2 study (NCT4) in patients with ... gastric cancer")."""
        sentence = next((s for s in scan.sentences if s.start <= start < s.stop), None)
        if sentence is None:
            return set()
        before = scan.raw[sentence.start : start]
        opening = before.rfind("(")
        inside = opening > before.rfind(")")
        if inside:
            before = before[:opening]
        sites = self.named(before[before.rfind(")") + 1 :])
        if sites:
            return sites
        after = scan.raw[end : sentence.stop]
        if inside and ")" in after:
            after = after[after.index(")") + 1 :]
        stop = after.find("(")
        return self.named(after if stop < 0 else after[:stop])


def coverage_flags(
    scan: Scan,
    names: TrialNames,
    links: tuple[list[dict], list[dict]],
    trials: pd.DataFrame,
    flags: Flags,
    sites: CancerSites | None = None,
) -> None:
    """Trials in a table never named in the prose; prose trials of a table's drug
    missing from that table, unless the prose gives the trial a cancer site outside the
    scope the table's caption states (a gastric cancer trial is not expected in a table
    of trials in breast cancer)."""
    table_links, text_links = links
    for t in trials.itertuples(index=False):
        if len(t.table_ids) and not t.in_prose:
            flags.add(
                "table_trial_not_in_prose",
                "info",
                t.trial_id,
                f"listed in {', '.join(t.table_ids)} but the prose never names it "
                + _unnamed_trial_detail(scan, names, table_links, t),
                int(t.first_start),
                int(t.first_start) + len(t.trial_id),
                table_name="trials",
            )
    table_trials = {t.trial_id: set(t.table_ids) for t in trials.itertuples(index=False)}
    drug_tables: dict[str, set[str]] = defaultdict(set)
    for link in table_links:
        if link["role"] == "investigational":
            drug_tables[link["agent_id"]].add(link["table_id"])
    scopes = sites.scopes(scan) if sites else {}
    reported = set()
    for link in text_links:
        if link["role"] != "investigational":
            continue
        missing = drug_tables.get(link["agent_id"], set()) - table_trials.get(
            link["trial_id"], set()
        )
        key = (link["trial_id"], link["agent_id"])
        if missing and key not in reported:
            ref = next(
                m
                for t, m in names.refs
                if t == link["trial_id"] and link["start"] <= m.start < link["end"]
            )
            if sites:
                of_trial = sites.of_trial(scan, ref.start, ref.end)
                missing = {
                    t
                    for t in missing
                    if not (scopes.get(t) and of_trial and not of_trial & scopes[t])
                }
                if not missing:
                    continue
            reported.add(key)
            name = scan.lexicon.agents[link["agent_id"]].name
            flags.add(
                "prose_trial_not_in_table",
                "info",
                link["trial_id"],
                f"the prose names this trial of {name}, which {', '.join(sorted(missing))} "
                "lists, but that table does not include it",
                ref.start,
                ref.end,
                table_name="trials",
            )


# A sentence describing a trial: "a phase 1 clinical study", "Epertinib was tested in a
# phase 1 clinical study".
_TRIAL_WORD = re.compile(r"\b(?:trials?|stud(?:y|ies))\b", re.I)
_PHASE_WORDS = re.compile(r"\bphase\s+(\d[a-z]?(?:\s*/\s*\d[a-z]?)?)", re.I)


def _unnamed_trial_detail(scan: Scan, names: TrialNames, table_links: list[dict], t) -> str:
    """What the prose does say of a table trial it never names: its study name tied to
    other identifiers ("I-SPY" written for NCT01042379), or a sentence describing a trial
    of the one agent the tables list in this trial alone, with no identifier and no other
    phase ("A phase 1 clinical study is currently recruiting 137 patients to study the
    safety of IMM2902")."""
    for acronym in t.acronyms:
        st = names.studies.get(alias_key(acronym))
        if st is None:
            continue
        prose = [m for m in st.mentions if m.region.table_id is None]
        others = [i for i in st.trial_ids if i != t.trial_id]
        if prose and others:
            return (
                f"by identifier; it writes the study name {acronym!r} (line "
                f"{scan.source.line_of(prose[0].start)}) only for {', '.join(others)}"
            )
    trials_of: dict[str, set[str]] = defaultdict(set)
    for link in table_links:
        if link["role"] == "investigational":
            trials_of[link["agent_id"]].add(link["trial_id"])
    own = [a for a, ts in trials_of.items() if ts == {t.trial_id}]
    table_phase = str(t.phase) if isinstance(t.phase, str) else None
    for sentence in scan.sentences:
        if sentence.paragraph_id is None or not _TRIAL_WORD.search(sentence.text):
            continue
        if any(sentence.start <= m.start < sentence.stop for m in scan.id_mentions):
            continue
        agents = {m.entity for m in scan.sentence_mentions(sentence, scan.agent_mentions)}
        described = sorted(agents & set(own))
        if not described:
            continue
        phases = {normalise_phase(p) for p in _PHASE_WORDS.findall(sentence.text)}
        if table_phase and phases and table_phase not in phases:
            continue
        name = scan.lexicon.agents[described[0]].name
        return (
            "by identifier or study name; it describes a trial of "
            f"{name} (line {scan.source.line_of(sentence.start)}), the only trial of "
            f"{name} the tables list: probably this one"
        )
    return "(by identifier or study name)"


def fact_flags(scan: Scan, facts: list[Fact], flags: Flags) -> None:
    """The same trial with different phases or statuses (anywhere) or enrollments
    (text vs text, table vs table; the tables stage compares table counts with the
    prose)."""
    facts = list(facts)
    for df in scan.view.tidy.values():
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
            f"{f.value} ({f.where} line {scan.source.line_of(f.start)}: {f.wording!r}"
            + (f", via {f.via}" if f.via else "")
            + ")"
            for f in group
        )
        subject = key.removeprefix("study:")
        conflicting = next(f for f in group if f.value != group[0].value)
        flags.add(
            "trial_fact_conflict",
            "warning",
            subject,
            f"{field_name} of {subject} differs between places: {shown}",
            conflicting.start,
            conflicting.end,
            table_name="trials",
        )


def table_reference_flags(scan: Scan, names: TrialNames, flags: Flags) -> None:
    """'(Table N)' in a sentence whose trials or agents are all in another table."""
    contents: dict[str, dict[str, set[str]]] = defaultdict(
        lambda: {"trials": set(), "agents": set()}
    )
    for m in scan.id_mentions:
        if m.region.table_id:
            contents[m.region.table_id]["trials"].add(m.entity)
    for m in scan.agent_mentions:
        if m.region.table_id:
            contents[m.region.table_id]["agents"].add(m.entity)
    refs = names.refs
    previous: Sentence | None = None
    for s in scan.sentences:
        for m in TABLE_REFERENCE.finditer(s.text):
            table_id = f"T{m['number']}"
            if table_id not in contents:
                continue
            for candidate in (s, previous):
                if candidate is None or candidate.unit is not s.unit:
                    continue
                trials = {t for t, r in refs if candidate.start <= r.start < candidate.stop}
                agents = set(
                    scan.products(
                        [a.entity for a in scan.sentence_mentions(candidate, scan.agent_mentions)]
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
                    flags.add(
                        "table_reference_mismatch",
                        "warning",
                        m.group(),
                        f"the sentence points to {table_id}, which lists none of the "
                        f"{kind} it names: "
                        + "; ".join(
                            f"{x} in "
                            + (
                                ", ".join(t for t in elsewhere if x in contents[t][kind])
                                or "no table"
                            )
                            for x in sorted(named)
                        ),
                        start,
                        end,
                        table_name="trials" if kind == "trials" else "agent_mentions",
                    )
                break
        previous = s


_COUNT_WORDS = {
    w: i
    for i, w in enumerate(
        "one two three four five six seven eight nine ten eleven twelve".split(), start=1
    )
}
# "there are nine clinical trials registered ...", "six studies exploring ..."
TRIAL_COUNT = re.compile(
    r"(?<![Pp]hase )\b(?P<n>\d{1,3}|" + "|".join(_COUNT_WORDS) + r")\s+"
    r"(?:[\w-]+\s+){0,3}?(?:trials|studies)\b",
    re.IGNORECASE,
)


def listed_count_flags(scan: Scan, flags: Flags) -> None:
    """A count of trials that the identifiers the sentence then lists do not add up to
    ("there are nine clinical trials registered and evaluating ARX788 ... (NCT1) ...
    (NCT7)": seven)."""
    for s in scan.sentences:
        counts = list(TRIAL_COUNT.finditer(s.text))
        for i, m in enumerate(counts):
            start, end = s.raw_span(m.start("n"), m.end("n"))
            stop = (
                s.raw_span(counts[i + 1].start(), counts[i + 1].end())[0]
                if i + 1 < len(counts)
                else s.stop
            )
            listed = list(
                dict.fromkeys(x.entity for x in scan.id_mentions if end <= x.start < stop)
            )
            word = m["n"].lower()
            n = int(word) if word.isdigit() else _COUNT_WORDS[word]
            if len(listed) < 2 or len(listed) == n:
                continue
            flags.add(
                "count_in_words_differs_from_listed",
                "warning",
                m["n"],
                f"the sentence counts {m.group()!r} ({n}) but lists {len(listed)} "
                f"identifiers ({', '.join(listed)})",
                start,
                end,
                table_name="trials",
            )


def group_status_flags(scan: Scan, flags: Flags) -> None:
    """One recruitment status stated for a counted group of trials the sentence does not
    identify ("There are four other clinical trials regarding CAR-T cells ..., all active
    and recruiting"): each trial's status rests on the group statement. The trials are
    those the next sentences of the paragraph name, up to the count."""
    for i, s in enumerate(scan.sentences):
        count = TRIAL_COUNT.search(s.text)
        if not count or any(s.start <= x.start < s.stop for x in scan.id_mentions):
            continue
        word = count["n"].lower()
        n = int(word) if word.isdigit() else _COUNT_WORDS[word]
        status = next((v for p, v in STATUS_TEXT if p.search(s.text, count.end())), None)
        if n < 2 or status is None:
            continue
        named: list[str] = []
        for later in scan.sentences[i + 1 :]:
            if later.paragraph_id != s.paragraph_id or len(named) >= n:
                break
            named += [
                x.entity
                for x in scan.id_mentions
                if later.start <= x.start < later.stop and x.entity not in named
            ]
        start, end = s.raw_span(count.start(), count.end())
        flags.add(
            "one_status_for_several_trials",
            "info",
            count.group(),
            f"one status ({status}) stated for {n} trials at once"
            + (f"; the next sentences name {', '.join(named[:n])}" if named else "")
            + ": each trial's status rests on the group statement",
            start,
            end,
            table_name="trials",
        )
