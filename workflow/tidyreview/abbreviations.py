"""Abbreviation definitions in the review's prose, and how often each short form is used.

The anchor is Schwartz & Hearst (2003): a parenthesis holds a short form, the words before
it a long form (or the reverse), and the short form's letters must appear in order in the
long form, the first one starting a word. Changes that matter on biomedical prose:

- the long form is chosen to anchor as many short-form letters as possible (a letter is
  anchored at the start of a word or word part after "-" or "/", or right after another
  anchored letter, as "MUC" in "mucin"), not just the shortest window; a content word of
  the long form may contribute no letter only if every letter is anchored
  ("T cell redirected for ... killing (TRUCK)" yes, "vector encoding a portion of HER2
  (VRP-HER2)" no: its R is a stray letter inside "vector");
- Greek letters (α, γ) and digits are letters like any other; "+", "-" and spaces in the
  short form are ignored ("HER2-positive (HER2+)", "tumor necrosis factor α (TNF α)");
- the long form stays inside its clause (no crossing ",", ";", ":" or brackets);
- "short (long)" is tried when the parenthesis holds several words
  ("PD-L1 (Programmed Cell Death Ligand 1)", "AS269 (Amberstatin 269, a ...)"), and a
  parenthesis may hold both ("(inducible MC; iMC)");
- a hyphenated compound may be abbreviated part by part when its first letters agree
  ("trastuzumab-emtansine (T-DM1)"), and one short-form letter may stand for an unwritten
  word when the long form is a single word ("metalloproteinases (MMPs)").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

import pandas as pd

from .layout import Layout
from .sentences import Sentence, document_sentences

PATTERN_LONG_SHORT = "long (short)"
PATTERN_SHORT_LONG = "short (long)"
PATTERN_INSIDE = "(long short)"

# Words a long form may contain without contributing a letter ("ductal carcinoma in situ").
STOPWORDS = frozenset(
    "a an and as at by for from in into of on or the to with via versus vs".split()
)
# Characters that end the clause a long form must stay in.
CLAUSE_BREAK = set(",;:()[]")
# A word-internal boundary after which a new word part starts ("cell-mediated", "PI3K/Akt").
PART_BREAK = set("-/")
MAX_SHORT_CHARS = 10


@dataclass(frozen=True)
class Definition:
    """A definition found in a text; all positions index that text."""

    short: str
    long: str
    short_begin: int
    short_end: int
    long_begin: int
    long_end: int
    pattern: str
    method: str  # "letters", "compound" or "partial"
    close: int  # index of the closing parenthesis

    @property
    def begin(self) -> int:
        return min(self.short_begin, self.long_begin)

    @property
    def end(self) -> int:
        """End of "long (short)" / "short (long)" after the closing parenthesis; of the
        parenthesis' content for "(long short)"."""
        return self.short_end if self.pattern == PATTERN_INSIDE else self.close + 1


def _letters(text: str) -> list[int]:
    """Indices of the characters of a short form that must be found in the long form."""
    return [i for i, ch in enumerate(text) if ch.isalnum()]


def is_short_form(text: str) -> bool:
    """Return True if `text` can be an abbreviation: 1-2 words, 2-10 letters, one capital."""
    words = text.split()
    if not 1 <= len(words) <= 2 or not text[:1].isalpha():
        return False
    if len(words) == 2 and not (len(words[1]) == 1 and not words[1].isascii()):
        return False  # a second word is only a Greek letter ("TNF α")
    letters = [text[i] for i in _letters(text)]
    if not 2 <= len(letters) <= MAX_SHORT_CHARS or len(text.replace(" ", "")) > MAX_SHORT_CHARS + 2:
        return False
    return any(ch.isupper() for ch in text) and sum(ch.isalpha() for ch in letters) >= 1


@dataclass(frozen=True)
class Alignment:
    anchored: int  # letters at a word start, or right after an anchored letter ("MUC" in mucin)
    letters: int  # letters of the short form
    unexplained: int  # content words of the long form without a matched letter

    @property
    def fully_anchored(self) -> bool:
        return self.anchored == self.letters


def _word_starts(long: str) -> tuple[set[int], list[tuple[int, int]]]:
    """Return the positions that start a word or word part, and (start, end) of each word."""
    starts, words = set(), []
    for m in re.finditer(r"\S+", long):
        words.append((m.start(), m.end()))
        starts.add(m.start())
        for i in range(m.start() + 1, m.end()):
            if long[i - 1] in PART_BREAK and long[i].isalnum():
                starts.add(i)
    return starts, words


def align(short: str, long: str) -> Alignment | None:
    """Return the best way to find `short`'s letters in order in `long`, or None.

    The first letter must be the first character of `long`; among all placements the one
    leaving fewest content words unexplained, then anchoring most letters, wins.
    """
    letters = [short[i].lower() for i in _letters(short)]
    text = long.lower()
    if not letters or not text or text[0] != letters[0]:
        return None
    starts, words = _word_starts(long)
    word_of = {i: w for w, (b, e) in enumerate(words) for i in range(b, e)}
    content = [long[b:e].lower() not in STOPWORDS for b, e in words]

    @cache
    def best(k: int, prev: int, prev_anchored: bool) -> tuple[int, int] | None:
        """Best (content words used, anchored letters) for letters[k:] after position `prev`.

        Letters are placed left to right, so a word is new exactly when it differs from the
        previous letter's word: counting used words needs no set.
        """
        if k == len(letters):
            return 0, 0
        found = None
        for i in range(prev + 1, len(text)):
            if text[i] != letters[k]:
                continue
            anchored = i in starts or (i == prev + 1 and prev_anchored)
            rest = best(k + 1, i, anchored)
            if rest is None:
                continue
            new_word = word_of[i] != word_of[prev] and content[word_of[i]]
            score = (rest[0] + new_word, rest[1] + anchored)
            if found is None or score > found:
                found = score
        return found

    rest = best(1, 0, True)
    if rest is None:
        return None
    used, anchored = rest[0] + content[0], rest[1] + 1
    return Alignment(anchored, len(letters), sum(content) - used)


def accepted(a: Alignment | None) -> bool:
    """A long form may leave a content word unexplained only if every letter is anchored."""
    if a is None:
        return False
    return a.unexplained == 0 or a.fully_anchored


@dataclass(frozen=True)
class Word:
    text: str
    begin: int
    end: int


def _words_before(text: str, stop: int) -> list[Word]:
    """Words of the clause that ends at `stop` (exclusive), nearest last."""
    begin = stop
    while begin > 0 and text[begin - 1] not in CLAUSE_BREAK:
        begin -= 1
    return [
        Word(m.group(), begin + m.start(), begin + m.end())
        for m in re.finditer(r"\S+", text[begin:stop])
    ]


def _is_plausible(short: str, long: str) -> bool:
    if short.lower() == long.lower() or len(long) <= len(short.replace(" ", "")):
        return False
    # "MUC1 (called MUC1*)": the short form written out inside its own long form.
    return not re.search(rf"(?<![\w-]){re.escape(short)}(?![\w-])", long)


def _long_before(text: str, short: str, open_at: int) -> tuple[int, int, str] | None:
    """Best long form ending right before the parenthesis at `open_at`: (begin, end, method)."""
    words = _words_before(text, open_at)
    if not words:
        return None
    n_letters = len(_letters(short))
    window = min(n_letters + 5, 2 * n_letters)
    end = words[-1].end
    best_found, best_key = None, None
    for first in range(len(words) - 1, max(len(words) - window, 0) - 1, -1):
        begin = words[first].begin
        long = text[begin:end]
        a = align(short, long)
        if not accepted(a):
            continue
        key = (-a.unexplained, a.anchored, -(end - begin))
        if best_key is None or key > best_key:
            best_found, best_key = (begin, end, "letters"), key
    if best_found is not None:
        return best_found
    last = words[-1]
    if _is_compound(short, last.text):
        return last.begin, last.end, "compound"
    if _is_partial(short, last.text):
        return last.begin, last.end, "partial"
    return None


def _is_compound(short: str, long: str) -> bool:
    """ "trastuzumab-emtansine (T-DM1)": a hyphenated name abbreviated part for part."""
    short_parts, long_parts = short.split("-"), long.split("-")
    return (
        len(short_parts) == len(long_parts) >= 2
        and all(long_parts)
        and long.replace("-", "").isalpha()
        and len(short_parts[0]) == 1
        and short_parts[0].lower() == long_parts[0][:1].lower()
        and all(any(ch.isupper() for ch in p) for p in short_parts[1:])
    )


def _is_partial(short: str, long: str) -> bool:
    """ "metalloproteinases (MMPs)": one letter stands for an unwritten word."""
    letters = _letters(short)
    if len(letters) < 3 or not long.isalpha() or not long.islower():
        return False
    for skip in letters[1:]:
        rest = short[:skip] + short[skip + 1 :]
        if accepted(align(rest, long)):
            return True
    return False


def _long_inside(short: str, content: str) -> bool:
    a = align(short, content)
    return accepted(a) and 2 * a.anchored >= a.letters


def _parentheses(text: str) -> list[tuple[int, int]]:
    """(open, close) index pairs of top-level balanced parentheses."""
    pairs, stack = [], []
    for i, ch in enumerate(text):
        if ch == "(":
            stack.append(i)
        elif ch == ")" and stack:
            open_at = stack.pop()
            if not stack:
                pairs.append((open_at, i))
    return pairs


def _first_segment(content: str) -> str:
    """Text before the first ", " or "; " (Schwartz & Hearst: "(TNF, ...)")."""
    return re.split(r"[;,]\s", content, maxsplit=1)[0].strip()


def find_definitions(text: str) -> list[Definition]:
    """Return the abbreviation definitions in one sentence `text`."""
    found = []
    for open_at, close_at in _parentheses(text):
        if open_at > 0 and not text[open_at - 1].isspace():
            continue  # "HER2(Per)-S-Fab": a name, not a definition
        content = text[open_at + 1 : close_at]
        inner = content.lstrip()
        c_begin = open_at + 1 + (len(content) - len(inner))
        segment = _first_segment(inner)
        definition = (
            _long_short(text, open_at, c_begin, segment, close_at)
            or _short_long(text, open_at, c_begin, segment, close_at)
            or _inside(text, c_begin, inner, close_at)
        )
        if definition is not None and _is_plausible(definition.short, definition.long):
            found.append(definition)
    return found


def _long_short(
    text: str, open_at: int, c_begin: int, segment: str, close: int
) -> Definition | None:
    if not is_short_form(segment):
        return None
    long = _long_before(text, segment, open_at)
    if long is None:
        return None
    begin, end, method = long
    return Definition(
        segment,
        text[begin:end],
        c_begin,
        c_begin + len(segment),
        begin,
        end,
        PATTERN_LONG_SHORT,
        method,
        close,
    )


def _short_long(
    text: str, open_at: int, c_begin: int, segment: str, close: int
) -> Definition | None:
    if len(segment.split()) < 2:
        return None
    before = _words_before(text, open_at)
    if not before or not is_short_form(before[-1].text):
        return None
    short = before[-1]
    if not _long_inside(short.text, segment):
        return None
    return Definition(
        short.text,
        segment,
        short.begin,
        short.end,
        c_begin,
        c_begin + len(segment),
        PATTERN_SHORT_LONG,
        "letters",
        close,
    )


def _inside(text: str, c_begin: int, content: str, close: int) -> Definition | None:
    """ "(inducible MC; iMC)", "(Programmed cell death protein 1 PD-1)"."""
    m = re.fullmatch(r"(?P<long>.+?)(?:;\s+|\s+)(?P<short>\S+)", content)
    if not m or len(m["long"].split()) < 2 or not is_short_form(m["short"]):
        return None
    if not _long_inside(m["short"], m["long"]):
        return None
    return Definition(
        m["short"],
        m["long"],
        c_begin + m.start("short"),
        c_begin + m.end("short"),
        c_begin + m.start("long"),
        c_begin + m.end("long"),
        PATTERN_INSIDE,
        "letters",
        close,
    )


# --- The table ------------------------------------------------------------------------


def _use_pattern(short: str) -> re.Pattern:
    """A later use of `short`: the form itself (or its plural), not inside a longer word;
    a compound with a number counts ("CDK4/6" uses CDK)."""
    stem = short[:-1] if len(short) > 2 and short.endswith("s") and short[-2].isupper() else short
    tail = "" if stem[-1:] in "+-" else r"(?![A-Za-z_])" if stem[-1:].isalpha() else r"(?![\w])"
    return re.compile(rf"(?<![\w]){re.escape(stem)}s?{tail}")


def count_uses(text: str, short: str, start: int, stop: int) -> int:
    """Return how often `short` (or its plural) occurs in text[start:stop]."""
    return sum(1 for _ in _use_pattern(short).finditer(text, start, stop))


def definitions_in(sentences: list[Sentence]) -> list[tuple[Sentence, Definition]]:
    """Return every definition of every sentence, in document order."""
    return [(s, d) for s in sentences for d in find_definitions(s.text)]


def abbreviations(layout: Layout, sentences: list[Sentence] | None = None) -> pd.DataFrame:
    """Return one row per abbreviation definition in the document's prose."""
    src = layout.source
    sentences = sentences if sentences is not None else document_sentences(layout)
    found = definitions_in(sentences)
    first_section: dict[str, str | None] = {}
    for s, d in found:
        if s.section_id is not None:
            first_section.setdefault(d.short, s.section_id)
    rows = []
    for i, (s, d) in enumerate(found):
        start, end = s.raw_span(d.begin, d.end)
        short_start, short_end = s.raw_span(d.short_begin, d.short_end)
        long_start, long_end = s.raw_span(d.long_begin, d.long_end)
        later = [t.raw_span(e.begin, e.end)[0] for t, e in found[i + 1 :] if e.short == d.short]
        stop = later[0] if later else layout.body_end  # up to the next definition
        rows.append(
            {
                "doc_id": src.doc_id,
                "abbreviation_id": f"abbr-{len(rows) + 1:04d}",
                "short": d.short,
                "long": d.long,
                "pattern": d.pattern,
                "method": d.method,
                "region": s.unit.kind,
                "section_id": s.section_id,
                "paragraph_id": s.paragraph_id,
                "first_section_id": first_section.get(d.short),
                "n_later_uses": count_uses(src.text, d.short, end, stop),
                "sentence": s.text,
                "start": start,
                "end": end,
                "short_start": short_start,
                "short_end": short_end,
                "long_start": long_start,
                "long_end": long_end,
            }
        )
    return pd.DataFrame(rows, columns=ABBREVIATION_COLUMNS)


ABBREVIATION_COLUMNS = [
    "doc_id",
    "abbreviation_id",
    "short",
    "long",
    "pattern",
    "method",
    "region",
    "section_id",
    "paragraph_id",
    "first_section_id",
    "n_later_uses",
    "sentence",
    "start",
    "end",
    "short_start",
    "short_end",
    "long_start",
    "long_end",
]
