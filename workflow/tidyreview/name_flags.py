"""Quality flags of the entities stage about names: drug-like names the lexicon lacks,
malformed identifiers, table drugs naming no agent, agents and studies spelt several ways,
study names the reference list spells otherwise, table rows citing a reference about
another agent, and components of products said to be approved.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict

import pandas as pd

from .agent_mentions import Mention, Scan, cell_text, overlaps
from .errors import SourceFormatError
from .layout import collapse
from .lexicon import AGENTS_FILE, NOT_AGENTS_FILE, alias_key
from .patterns import MALFORMED_NCT, TRIAL_ID
from .quality import Flags
from .references import split_entries
from .trial_agents import DRUG_COLUMNS
from .trials import STUDY_NAME, TrialNames

# Drug-like names (a recall safety net):
# International Nonproprietary Name stems of the agent classes the review covers:
# "margetuximab", "poziotinib", "palbociclib", "niraparib", "capivasertib", ...
INN_STEM_NAME = re.compile(
    r"(?<![\w-])[A-Za-z][a-z]{2,}(?:mab|tinib|ciclib|parib|sertib|lisib|rafenib|zomib|"
    r"platin|taxel|rubicin|strant|trozole|citabine|leucel|tecan|vedotin)(?![\w])"
)
# A development code: capitals, an optional hyphen, at least two digits, an optional
# letter and an optional hyphenated number ("MM-302", "KN026", "SSGJ-609A", "CCT303-406").
DEVELOPMENT_CODE = re.compile(r"(?<![\w-])[A-Z]{1,5}-?\d{2,}[A-Z]?(?:-\d+)?(?!\w)")


def unknown_name_flags(scan: Scan, names: TrialNames, flags: Flags) -> None:
    """Drug-like names the lexicon lacks and nobody has decided about."""
    known = [(m.start, m.end) for m in scan.agent_mentions + scan.id_mentions]
    known += [(m.start, m.end) for m in names.study_mentions]
    seen: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for r in scan.regions:
        for pattern in (INN_STEM_NAME, DEVELOPMENT_CODE):
            for m in pattern.finditer(scan.raw, r.start, r.end):
                if overlaps(m.start(), m.end(), known) or scan.not_agents.decided(m.group()):
                    continue
                if MALFORMED_NCT.fullmatch(m.group()):
                    continue  # an identifier: malformed_id_flags reports it
                seen[m.group()].append((m.start(), m.end()))
    for name, spans in seen.items():
        flags.add(
            "unknown_drug_like_name",
            "warning",
            name,
            f"looks like a drug name or development code but is neither in {AGENTS_FILE} "
            f"nor decided in {NOT_AGENTS_FILE} ({len(spans)} occurrence(s))",
            spans[0][0],
            spans[0][1],
            table_name="agent_mentions",
        )


def malformed_id_flags(scan: Scan, flags: Flags) -> None:
    """NCT numbers of the wrong length in the prose (the tables stage checks its cells)."""
    for r in scan.regions:
        if r.table_id:
            continue  # the tables stage checks its cells
        for m in MALFORMED_NCT.finditer(scan.raw, r.start, r.end):
            if not TRIAL_ID.fullmatch(m.group()):
                flags.add(
                    "malformed_trial_id",
                    "warning",
                    m.group(),
                    "NCT identifiers have 8 digits; kept out of trials",
                    m.start(),
                    m.end(),
                    table_name="trial_mentions",
                )


def drug_cell_flags(scan: Scan, flags: Flags) -> None:
    """Every drug cell of the tables must resolve to an agent."""
    matcher = scan.lexicon.matcher()
    seen = set()
    for name, df in scan.view.tidy.items():
        for column in DRUG_COLUMNS:
            if column not in df.columns:
                continue
            for row in df.to_dict("records"):
                value = cell_text(row[column])
                if value is None or value in seen:
                    continue
                seen.add(value)
                if not matcher.find(value):
                    flags.add(
                        "table_drug_unresolved",
                        "error",
                        value,
                        f"{name}.{column} names no agent of {AGENTS_FILE}",
                        int(row["start"]),
                        int(row["end"]),
                        table_name=name,
                    )


def spelling_flags(scan: Scan, flags: Flags) -> None:
    """An agent written two ways that differ by a letter or two (not case or hyphens)."""
    already = set()
    if scan.view.flags is not None:
        already = {
            (int(f.start), int(f.end)) for f in scan.view.flags.itertuples() if pd.notna(f.start)
        }
    by_alias: dict[tuple[str, str], list[Mention]] = defaultdict(list)
    for m in scan.agent_mentions:
        by_alias[(m.entity, m.alias)].append(m)
    for agent in scan.lexicon.agents.values():
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
                flags.add(
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


def study_flags(names: TrialNames, flags: Flags) -> None:
    """A study tied to several identifiers; a study written several ways."""
    for st in names.studies.values():
        if len(st.trial_ids) > 1:
            f = min(st.mentions, key=lambda m: m.start)
            flags.add(
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
            flags.add(
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


def reference_spelling_flags(scan: Scan, names: TrialNames, flags: Flags) -> None:
    """A study name the reference list never writes, one or two letters away from a
    name-like word it does ("SorTHER" in the text, "ShortHER" in a reference title)."""
    try:
        entries = split_entries(scan.layout.reference_lines, scan.source.path)
    except SourceFormatError:
        return  # the references stage reports a reference list it cannot read
    words: dict[str, tuple[str, int]] = {}
    for entry in entries:
        for m in STUDY_NAME.finditer(entry.text):
            for word in m.group().split():
                words.setdefault(alias_key(word), (word, entry.number))
    for st in names.studies.values():
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
        flags.add(
            "study_name_unlike_reference",
            "warning",
            st.name,
            f"the reference list never writes {st.name!r} but writes {shown}, one or two "
            "letters away: probably the same study misspelt; kept as written",
            first.start,
            first.end,
            table_name="named_studies",
        )


def reference_agent_flags(scan: Scan, flags: Flags) -> None:
    """A table row citing a reference whose entry names agents of the lexicon, none of
    them the row's (or one made of or into the row's): probably the wrong reference
    (an ARX788 row citing a reference about RC48)."""
    try:
        entries = {
            e.number: e for e in split_entries(scan.layout.reference_lines, scan.source.path)
        }
    except SourceFormatError:
        return
    matcher = scan.lexicon.matcher()

    def named(text: str) -> set[str]:
        return {m.entity for m in matcher.find(text)}

    def related(agent_ids: set[str]) -> set[str]:
        out = set(agent_ids)
        for a in agent_ids:
            out.update(scan.lexicon.agents[a].component_of)
        out.update(
            x.agent_id for x in scan.lexicon.agents.values() if set(x.component_of) & agent_ids
        )
        return out

    def misspelt(text: str, agent_ids: set[str]) -> bool:
        """The entry writes a row agent's name one or two letters off ("Eperitinib")."""
        words = {w.lower() for w in re.findall(r"[A-Za-z][\w-]{4,}", text)}
        names = {
            n.lower() for a in agent_ids for n in scan.lexicon.agents[a].aliases if len(n) >= 5
        }
        return any(
            abs(len(w) - len(n)) <= 2 and edit_distance(w, n) <= 2 for w in words for n in names
        )

    for df in scan.view.tidy.values():
        if "ref_ids" not in df.columns:
            continue
        for row in df.to_dict("records"):
            refs = row.get("ref_ids")
            if refs is None or not len(refs):
                continue
            cells = " ".join(
                cell_text(v) or "" for k, v in row.items() if isinstance(v, str) and k != "doc_id"
            )
            row_agents = named(cells)
            if not row_agents:
                continue
            for number in refs:
                entry = entries.get(int(number))
                if entry is None:
                    continue
                about = named(entry.text)
                if not about or about & related(row_agents) or misspelt(entry.text, row_agents):
                    continue
                flags.add(
                    "table_reference_about_other_agent",
                    "warning",
                    f"[{number}]",
                    f"the {row['table_id']} row of {', '.join(sorted(row_agents))} "
                    f"({row['trial_id']}) cites reference {number}, which names "
                    f"{', '.join(sorted(about))} and not the row's agent",
                    int(row["start"]),
                    int(row["end"]),
                    table_name="trials",
                )


APPROVED = re.compile(r"\bapproved\b", re.I)


def component_approval_flags(scan: Scan, flags: Flags) -> None:
    """A sentence whose subject is a component of products (a payload, a linker-payload,
    an antibody: agents.csv component_of) saying it was approved, naming none of those
    products ("Vedotin has already been tested and approved by the FDA in 2011 ..."): an
    approval is of a product carrying it, not of the component."""
    for s in scan.sentences:
        mentions = scan.sentence_mentions(s, scan.agent_mentions)
        if not mentions or s.paragraph_id is None:
            continue
        first = mentions[0]
        agent = scan.lexicon.agents[first.entity]
        if not agent.component_of or scan.raw[s.start : first.start].strip():
            continue  # not a component, or not the sentence's opening subject
        if {m.entity for m in mentions} & set(agent.component_of):
            continue
        said = APPROVED.search(scan.raw, first.end, s.stop)
        if said is None:
            continue
        products = ", ".join(scan.lexicon.agents[p].name for p in agent.component_of)
        flags.add(
            "component_said_approved",
            "warning",
            collapse(first.surface),
            f"{agent.name} is a component of {products} (agents.csv component_of), but the "
            "sentence says it was approved: an approval is of a product carrying it",
            first.start,
            first.end,
            table_name="agent_mentions",
        )


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
