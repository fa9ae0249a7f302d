"""Quality flags of the review_tables stage: odd characters in cells, a table spelling a
word unlike the prose, and patient counts that differ between a table and the prose.
"""

from __future__ import annotations

import re
from collections import Counter

import pandas as pd

from .layout import Layout
from .patterns import TRIAL_ID
from .quality import Flags
from .sentences import Sentence, document_sentences
from .table_cells import TableRow
from .table_layouts import ColumnSpec, TableSpec

# Characters that do not belong in a table value: markup escapes and emphasis, the
# replacement character, control characters: "HER2 A \amplified".
STRAY_CHARACTER = re.compile(r"[\\*_`\ufffd\x00-\x08\x0b-\x1f\x7f\u200b-\u200d]")
# A space after a hyphen inside a name, left by a line break: "T- DM1", "I- SPY", "PD- L1+".
HYPHEN_SPACE = re.compile(r"(?<![\w-])[A-Z][A-Za-z0-9]*- [A-Z0-9][\w+]*")
# A word to compare between tables and prose: "Pozotinib", "wpxpressing".
WORD = re.compile(r"(?<![\w-])[A-Za-z][a-z]{4,}(?![\w-])")
# A number of people in prose: "58 patients", "(228 patients)", "168 metastatic breast
# cancer patients", "38 participants", "20 metastatic breast cancers".
# Not a count: a phase number ("phase 1 clinical trial for patients"), or words that end
# the noun phrase ("6 out of 40 patients", "2 trial with patients").
PATIENT_COUNT = re.compile(
    r"(?<![\w.,])(?<!phase )(?P<n>\d{1,3}(?:,\d{3})+|\d+)\s+"
    r"(?:(?!\d|(?:trials?|stud(?:y|ies)|for|with|in|of|to|that|who|which|and|or|from|at|on|by)\b)"
    r"[\w+/-]+\s+){0,4}?(?:patients|participants|subjects|women|men|cases|cancers)\b",
    re.I,
)


# --- Quality checks by rule ----------------------------------------------------------


def cell_flags(flags: Flags, rows: list[TableRow], table_name: str | None) -> None:
    """Flag odd characters kept as written: markup escapes, spaces after hyphens."""
    for row in rows[1:]:
        for cell in row.cells:
            for m in STRAY_CHARACTER.finditer(cell.value):
                a = cell.value.rfind(" ", 0, max(m.start() - 1, 0)) + 1
                b = cell.value.find(" ", m.end())
                b = len(cell.value) if b < 0 else b
                flags.add(
                    "stray_character",
                    "warning",
                    cell.value[a:b],
                    f"character '{m.group(0)}' (U+{ord(m.group(0)):04X}) inside a table cell, "
                    "probably a conversion artefact; kept as written",
                    cell.start + m.start(),
                    cell.start + m.end(),
                    table_name=table_name,
                )
            for m in HYPHEN_SPACE.finditer(cell.value):
                flags.add(
                    "space_after_hyphen",
                    "info",
                    m.group(0),
                    "a space follows a hyphen inside a name (probably a line break in the "
                    f"original layout; {m.group(0).replace('- ', '-')!r} intended?); kept as "
                    "written",
                    cell.start + m.start(),
                    cell.start + m.end(),
                    table_name=table_name,
                )


def edit_distance(a: str, b: str, limit: int) -> int:
    """Return the optimal-string-alignment distance of a and b (limit + 1 if larger)."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        cur = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = a[i - 1] != b[j - 1]
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        if min(cur) > limit:
            return limit + 1
        prev2, prev = prev, cur
    return prev[-1]


def _pieces(word: str, n: int) -> list[str]:
    """Return `word` cut into n consecutive pieces of near-equal length."""
    size, extra = divmod(len(word), n)
    out, start = [], 0
    for i in range(n):
        end = start + size + (1 if i < extra else 0)
        out.append(word[start:end])
        start = end
    return out


def _spelling_limit(word: str) -> int:
    """Edits tolerated between a table word and a prose word: 1 from 6 letters, 2 from 10
    (shorter words have too many legitimate neighbours: armed/aimed)."""
    return 2 if len(word) >= 10 else 1 if len(word) >= 6 else 0


def spelling_flags(flags: Flags, layout: Layout, rows_by_table, names: dict[str, str]) -> None:
    """Flag table words missing from the prose that are one or two edits away from a prose
    word: a drug or word spelled one way in a table and another in the text."""
    text = layout.source.text
    prose = Counter(
        w.lower() for p in layout.paragraphs for w in WORD.findall(text[p.start : p.end])
    )
    # Prose words by length: a word can only be `limit` edits from words of a length
    # within `limit` of its own.
    by_length: dict[int, list[str]] = {}
    for w in prose:
        by_length.setdefault(len(w), []).append(w)
    nearest: dict[str, list[tuple[int, str]]] = {}
    for table_id, rows in rows_by_table.items():
        for row in rows[1:]:
            for cell in row.cells:
                for m in WORD.finditer(cell.value):
                    word = m.group(0).lower()
                    limit = _spelling_limit(word)
                    if word in prose or not limit:
                        continue
                    if word not in nearest:
                        # Cut into limit + 1 pieces, at least one survives `limit` edits
                        # intact: a prose word without any of them cannot be that close.
                        pieces = _pieces(word, limit + 1)
                        nearest[word] = [
                            (prose[w], w)
                            for length in range(len(word) - limit, len(word) + limit + 1)
                            for w in by_length.get(length, ())
                            if any(p in w for p in pieces)
                            and edit_distance(word, w, limit) <= limit
                        ]
                    near = nearest[word]
                    if not near:
                        continue
                    count, closest = max(near)
                    flags.add(
                        "spelling_differs_from_prose",
                        "warning",
                        m.group(0),
                        f"{m.group(0)!r} does not occur in the prose, which has {closest!r} "
                        f"({count} times); kept as written",
                        cell.start + m.start(),
                        cell.start + m.end(),
                        table_name=names.get(table_id),
                    )


# The second count of a pair stated per phase or arm: "6 patients for phase 1 and 54 for
# phase 2" (the noun is not repeated).
SECOND_PART = re.compile(
    r"\s+for\s+(?P<part>phase\s+\S+?|[\w-]+\s+arm),?\s+and\s+(?P<second>(?P<n>\d+)\s+for\s+(?:phase\s+\S+?|[\w-]+\s+arm))\b",
    re.I,
)
# Words of a count's phrase that say nothing about the population ("58 evaluable patients").
_COUNT_NOUNS = re.compile(r"patients|participants|subjects|women|men|cases|cancers?", re.I)


def _stem(word: str) -> str:
    word = word.lower()
    return word[:-1] if word.endswith("s") and len(word) > 3 else word


def same_population(phrase: str, population: object) -> bool:
    """False if the count's phrase describes people the table row's population cell does
    not ("168 metastatic breast cancer patients" against "Metastatic or locally advanced
    solid tumors": a cohort of the trial, not the trial): every word of four letters or
    more between the number and its noun must appear in the cell."""
    if not isinstance(population, str) or not population.strip():
        return True
    cell = {_stem(w) for w in re.findall(r"[A-Za-z]+", population)}
    words = re.findall(r"[A-Za-z]+", phrase)[:-1]  # the last word is the counted noun
    return all(_stem(w) in cell for w in words if len(w) >= 4)


def _paragraph_sentences(layout: Layout) -> list[list[Sentence]]:
    """Return the body paragraphs' sentences, grouped by paragraph."""
    grouped: dict[str, list[Sentence]] = {}
    for sentence in document_sentences(layout):
        if sentence.paragraph_id is not None:
            grouped.setdefault(sentence.paragraph_id, []).append(sentence)
    return list(grouped.values())


def _people_counts(sentence: Sentence, population: object = None) -> list[tuple[int, str]]:
    """Return (number, phrase) for each count of people in the sentence ("58 patients"),
    and the second of a pair stated per phase or arm ("6 patients for phase 1 and 54 for
    phase 2"); counts of another population than the table row's are left out (see
    `same_population`)."""
    out = []
    for m in PATIENT_COUNT.finditer(sentence.text):
        if not same_population(m.group(0), population):
            continue
        out.append((int(m["n"].replace(",", "")), m.group(0)))
        pair = SECOND_PART.match(sentence.text, m.end())
        if pair:
            out.append((int(pair["n"]), pair["second"]))
    return out


def _normalised(text: str) -> str:
    return re.sub(r"[^A-Z0-9]", "", text.upper())


def _mentions(sentence: str, keys: list[str]) -> str | None:
    """Return the first key the sentence mentions (acronyms match without hyphens/spaces)."""
    norm = _normalised(sentence)
    for key in keys:
        if TRIAL_ID.fullmatch(key):
            if key in sentence:
                return key
        elif len(_normalised(key)) >= 4 and (
            re.search(rf"(?<!\w){re.escape(key)}(?!\w)", sentence, re.I)
            or (not key.isalpha() or key.isupper())
            and _normalised(key) in norm
        ):
            return key
    return None


def count_flags(flags: Flags, layout: Layout, spec: TableSpec, tidy: pd.DataFrame) -> None:
    """Flag a count column (patients) that no prose sentence about the same trial repeats.

    A trial is recognised in the prose by its identifier, its acronym or label, and - when
    it is the only trial of its group or drug - by that group's or drug's name. The counts
    are the numbers of people in that sentence (or, if it has none, in the next sentence
    of the paragraph unless that one names another trial). The table agrees if it gives
    one of them or their sum."""
    count_cols = [c for c in spec.columns if c.role == "row" and c.parse == "count"]
    if not count_cols or tidy.empty:
        return
    text = layout.source.text
    paragraphs = _paragraph_sentences(layout)
    id_col = spec.columns[spec.index_of("identifier")]
    notes = [n for n in (id_col.label, id_col.acronym) if n]
    owner = spec.group_rows or (
        spec.columns[spec.index_of("drug")].name if spec.index_of("drug") is not None else None
    )
    sizes = tidy.groupby(owner, dropna=False).size() if owner else None
    for c in count_cols:
        for _, row in tidy.iterrows():
            value = row[c.name]
            if value is None or pd.isna(value):
                continue
            keys = [row[id_col.name]] + [row[n] for n in notes if pd.notna(row[n])]
            if owner and pd.notna(row[owner]) and sizes[row[owner]] == 1:
                keys.append(re.split(r"\s*\(", row[owner])[0].strip())
            counts, where = [], None
            for paragraph in paragraphs:
                for k, sentence in enumerate(paragraph):
                    key = _mentions(sentence.text, keys)
                    if key is None:
                        continue
                    population = row.get("population")
                    found = _people_counts(sentence, population)
                    following = paragraph[k + 1] if k + 1 < len(paragraph) else None
                    if not found and following and not TRIAL_ID.search(following.text):
                        found = _people_counts(following, population)
                    if found:
                        counts.append(found)
                        where = where or (key, layout.source.line_of(sentence.start))
            numbers = [[n for n, _ in f] for f in counts]
            if not counts or any(int(value) in f or int(value) == sum(f) for f in numbers):
                continue
            cell_start, cell_end = _cell_span(row, spec, c, text)
            said = "; ".join(
                ", ".join(repr(phrase) for _, phrase in f)
                + (f" (together {sum(n for n, _ in f)})" if len(f) > 1 else "")
                for f in counts
            )
            flags.add(
                "count_differs_from_prose",
                "warning",
                row[id_col.name],
                f"{c.header} is {int(value)} in the table, but the prose about "
                f"{where[0]!r} (line {where[1]}) says {said}",
                cell_start,
                cell_end,
                table_name=spec.table,
            )


def _cell_span(row: pd.Series, spec: TableSpec, c: ColumnSpec, text: str) -> tuple[int, int]:
    """Return the offsets of column `c`'s cell on the tidy row's first line."""
    line_text = text[row["start"] : text.find("\n", row["start"])]
    j = spec.columns.index(c)
    cells = line_text.split("\t")
    start = row["start"] + sum(len(x) + 1 for x in cells[:j])
    return start, start + len(cells[j])
