"""Agents named in no vocabulary, recognised by the shape of their names.

Four rules, each from curated data, never from drug names in code:

- INN stems (raw/vocabularies/inn_stems.csv, kind `suffix`): one word ending in an
  International Nonproprietary Name stem ("osimertinib": -tinib, a tyrosine kinase
  inhibitor; "abemaciclib": -ciclib, a CDK4/6 inhibitor; "-mab": a monoclonal antibody);
- antibody-drug conjugates (kind `adc_payload`): an antibody INN (-mab) followed by a
  payload word ("datopotamab deruxtecan", "mirvetuximab soravtansine");
- development codes: one to five capitals, an optional hyphen (or a digit and a hyphen),
  two or more digits, an optional letter and an optional hyphenated number ("SYD985",
  "DS-8201a", "ARX788", "PF-06804103", "U3-1402"), unless `not_agents.csv` decides the name is a gene, marker, cell line or
  identifier (CD137, NCT..., L755S), or a trial word follows it ("the N9831 trial");
- brands marked (R) or (TM) ("Enhertu(R)").

The modality comes from the evidence: a payload word makes an ADC, a stem its class,
anything else is "other". Targets come from the text when it states them right next to the
name ("the anti-TROP2 ADC datopotamab deruxtecan", "X, a HER2-targeted TKI").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from tidyreview.schemas.vocabularies import InnStems

from .lexicon import NotAgents, alias_key, read_vocabulary

INN_STEMS_FILE = "inn_stems.csv"

DEVELOPMENT_CODE = re.compile(
    r"(?<![\w./-])[A-Z]{1,5}(?:\d-|-)?\d{2,}[A-Za-z]?(?:-\d+)?(?!\w)(?!-\d)"
)
BRAND = re.compile(r"(?<![\w-])(?P<name>[A-Z][A-Za-z0-9-]*[A-Za-z0-9])\s?[®™]")
TRIAL_WORD_AFTER = re.compile(r"\s+(?:clinical\s+)?(?:trials?|study|studies)\b", re.IGNORECASE)
_NAME_GAP = "[ \u00a0\n\r\u2010\u2011-]{1,3}"

# A molecular target as written: "HER2", "PD-L1", "TROP2", "B7-H4", "CTLA-4".
TARGET = r"[A-Z][A-Za-z0-9]*(?:-[A-Z0-9][A-Za-z0-9]*)*"
_TARGET_BEFORE = re.compile(
    rf"(?:\banti-(?P<a>{TARGET})|\b(?P<b>{TARGET})-(?:targeted|targeting|directed|specific))"
    r"(?:\s+(?!(?:with|and|or|plus|in|to|of|for|after|before|than|versus|vs)\b)[\w-]+){0,2}?"
    r"\s+$"
)
_TARGET_AFTER = re.compile(
    rf"^(?:,\s+(?:an?|the)\s+(?:[\w-]+\s+){{0,2}}?|\s*\((?:an?\s+)?)"
    rf"(?:anti-(?P<a>{TARGET})|(?P<b>{TARGET})-(?:targeted|targeting|directed|specific))"
)


@dataclass(frozen=True)
class RuleName:
    """A name found by a rule."""

    start: int
    end: int
    surface: str
    name: str  # whitespace collapsed
    agent_id: str
    rule: str  # inn_stem, adc_name, development_code, brand
    modality: str


def rule_agent_id(name: str) -> str:
    """Return the stable id of a name found by a rule: its words' matching keys
    (case-folded, hyphens dropped, as `lexicon.alias_key`) joined by "_", other characters
    as "_": "DS-8201a" and "ds8201a" share "ds8201a"; "disitamab vedotin" is
    "disitamab_vedotin" (the id the curated lexicon gives it too)."""
    words = [alias_key(w) for w in name.split()]
    slug = re.sub(r"[^a-z0-9]+", "_", "_".join(words)).strip("_")
    return slug or "agent"


class NameRules:
    """The rules of the module docstring, built from the stems vocabulary."""

    def __init__(self, suffixes: dict[str, str], payloads: dict[str, str]):
        self.suffixes = suffixes  # stem -> modality
        self.payloads = payloads
        by_length = sorted(suffixes, key=lambda s: (-len(s), s))
        self.inn = re.compile(r"(?<![\w-])[A-Za-z][a-z]{2,}(?:" + "|".join(by_length) + r")(?!\w)")
        payload_words = "|".join(sorted(payloads, key=lambda s: (-len(s), s)))
        self.adc = re.compile(
            r"(?<![\w-])(?P<antibody>[A-Za-z][a-z]{2,}mab)"
            + _NAME_GAP
            + r"(?P<payload>[a-z]*(?:"
            + payload_words
            + r"))(?!\w)"
        )

    def modality_of(self, name: str) -> str | None:
        """Return the modality a name's shape implies, or None: an antibody INN followed
        by a payload word is an ADC; else the longest stem ending its last word."""
        words = re.findall(r"[A-Za-z]+", name.casefold())
        if not words:
            return None
        if len(words) >= 2 and words[-2].endswith("mab"):
            for stem in sorted(self.payloads, key=len, reverse=True):
                if words[-1].endswith(stem):
                    return self.payloads[stem]
        for stem in sorted(self.suffixes, key=len, reverse=True):
            if words[-1].endswith(stem) and len(words[-1]) > len(stem) + 2:
                return self.suffixes[stem]
        return None

    def find(
        self,
        text: str,
        start: int = 0,
        end: int | None = None,
        not_agents: NotAgents | None = None,
    ) -> list[RuleName]:
        """Return every rule name in text[start:end] (overlaps included: an ADC name and
        its antibody word are both returned; the caller keeps the longest)."""
        end = len(text) if end is None else end
        out: list[RuleName] = []

        def add(m: re.Match, rule: str, surface: str, s: int, e: int, modality: str | None):
            name = " ".join(surface.split())
            if not_agents is not None and not_agents.decided(name):
                return
            out.append(
                RuleName(s, e, surface, name, rule_agent_id(name), rule, modality or "other")
            )

        for m in self.adc.finditer(text, start, end):
            add(m, "adc_name", m.group(), m.start(), m.end(), self.modality_of(m.group()))
        for m in self.inn.finditer(text, start, end):
            add(m, "inn_stem", m.group(), m.start(), m.end(), self.modality_of(m.group()))
        for m in DEVELOPMENT_CODE.finditer(text, start, end):
            if TRIAL_WORD_AFTER.match(text, m.end()):
                continue  # "the N9831 trial" is a study, not an agent
            add(m, "development_code", m.group(), m.start(), m.end(), None)
        for m in BRAND.finditer(text, start, end):
            add(m, "brand", m["name"], m.start("name"), m.end("name"), None)
        return sorted(out, key=lambda r: (r.start, -r.end))


def load_name_rules(path: str | Path) -> NameRules:
    """Return the rules built from inn_stems.csv, or raise LexiconError (file and line)."""
    df = read_vocabulary(Path(path), InnStems)
    suffixes = {r["stem"]: r["modality"] for r in df.to_dict("records") if r["kind"] == "suffix"}
    payloads = {
        r["stem"]: r["modality"] for r in df.to_dict("records") if r["kind"] == "adc_payload"
    }
    return NameRules(suffixes, payloads)


def stated_targets(text: str, start: int, end: int) -> list[str]:
    """Return the targets the text states right next to a name at text[start:end]:
    "the anti-TROP2 ADC <name>", "a HER2-targeted <name>", "<name>, an anti-PD-1
    antibody", "<name> (anti-CD47)"; [] when it states none there."""
    found = []
    before = _TARGET_BEFORE.search(text[max(0, start - 80) : start])
    if before:
        found.append(before["a"] or before["b"])
    after = _TARGET_AFTER.match(text[end : end + 80])
    if after:
        found.append(after["a"] or after["b"])
    return list(dict.fromkeys(found))
