"""The reference list as a table: one row per numbered entry, parsed into fields.

`split_entries` groups the reference-list lines into entries (a page break may cut an entry
in two); `reference_fields.parse_entry` turns one entry's text into fields by rule, from
the text's shape, never from what a particular review cites. Whatever a rule keeps but
doubts is reported as a quality flag with the entry's offsets.

`extract(source)` is the "references" stage: references, citations and quality flags.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd

from . import citations as citations_module
from .errors import SourceFormatError
from .inputs import check_reference_numbers
from .layout import Line, collapse, join_across_break, read_layout
from .quality import Flags
from .reference_fields import AUTHOR, Parsed, parse_entry
from .source import Source

# The number that opens an entry, leading spaces allowed: " 86. von Minckwitz, G.; ..."
ENTRY_LABEL = re.compile(r"^(?P<indent>\s*)(?P<number>\d{1,4})\.\s+(?=\S)")
# A page-break continuation line opens with a dash: "- Cancer: A Phase 1 Dose-Escalation ..."
CONTINUATION_MARK = re.compile(r"^\s*-\s+")


# --- Entries -------------------------------------------------------------------------


@dataclass(frozen=True)
class Entry:
    """One numbered entry of the reference list, as it lies in the source."""

    number: int
    lines: tuple[Line, ...]
    start: int  # offset of the entry's number
    end: int  # end of its last line (trailing spaces excluded)
    text: str  # the entry after its number: page-break artifacts joined, whitespace collapsed
    indented: bool  # the first line opens with spaces
    continued: bool  # a page break split the entry


def split_entries(lines: list[Line], path: str = "<memory>") -> list[Entry]:
    """Return the entries of a reference list, continuation lines joined to their entry."""
    groups: list[list[Line]] = []
    for line in lines:
        if not line.text.strip():
            continue
        if ENTRY_LABEL.match(line.text):
            groups.append([line])
        elif groups:
            groups[-1].append(line)
        else:
            raise SourceFormatError(
                path,
                "the reference list does not open with a numbered entry ('1. Surname, I. ...')",
                line=line.number,
            )
    return [_entry(group) for group in groups]


def _entry(lines: list[Line]) -> Entry:
    first = lines[0]
    m = ENTRY_LABEL.match(first.text)
    text = collapse(first.text[m.end() :])
    for line in lines[1:]:
        piece = CONTINUATION_MARK.sub("", line.text, count=1)
        text = join_across_break(text, collapse(piece))
    last = lines[-1]
    return Entry(
        number=int(m["number"]),
        lines=tuple(lines),
        start=first.start + len(m["indent"]),
        end=last.start + len(last.text.rstrip()),
        text=text,
        indented=bool(m["indent"]),
        continued=len(lines) > 1,
    )


# --- The table -----------------------------------------------------------------------


def references_frame(entries: list[Entry], doc_id: str, flags: Flags) -> pd.DataFrame:
    """Return one row per entry, in list order, flagging numbering and parsing doubts."""
    rows = []
    expected = 1
    for entry in entries:
        parsed = parse_entry(entry.text)
        _entry_flags(entry, parsed, expected, flags)
        expected = entry.number + 1
        rows.append(_reference_row(entry, parsed, doc_id))
    _flag_indented_runs(entries, flags)
    _flag_duplicates(rows, entries, flags)
    return pd.DataFrame(rows)


def _entry_flags(entry: Entry, parsed: Parsed, expected: int, flags: Flags) -> None:
    """Flag an entry numbered out of order, what its parsing doubts, a page break in it."""
    if entry.number != expected:
        flags.add(
            "reference_numbering",
            "error",
            str(entry.number),
            f"entry numbered {entry.number} where {expected} was expected",
            entry.start,
            entry.start + len(str(entry.number)),
            "references",
        )
    for d in parsed.doubts:
        flags.add(
            d.check,
            d.severity,
            str(entry.number),
            d.detail,
            entry.start,
            entry.end,
            "references",
        )
    if entry.continued:
        flags.add(
            "reference_page_break",
            "info",
            str(entry.number),
            f"entry split by a page break over lines {entry.lines[0].number}–"
            f"{entry.lines[-1].number}; re-joined (continuation dash dropped)",
            entry.start,
            entry.end,
            "references",
        )


def _reference_row(entry: Entry, parsed: Parsed, doc_id: str) -> dict:
    """The references row of one entry and its parsed fields."""
    surname = None
    if parsed.authors_normalized:
        first = AUTHOR.fullmatch(parsed.authors_normalized[0])
        surname = first["surname"] if first else None
    return {
        "doc_id": doc_id,
        "ref_id": entry.number,
        "authors": parsed.authors or None,
        "authors_normalized": parsed.authors_normalized or None,
        "n_authors": len(parsed.authors),
        "et_al": parsed.et_al,
        "first_author_surname": surname,
        "title": parsed.title,
        "journal": parsed.journal,
        "year": parsed.year,
        "volume": parsed.volume,
        "issue": parsed.issue,
        "pages": parsed.pages,
        "doi": parsed.doi,
        "doi_url": f"https://doi.org/{parsed.doi}" if parsed.doi else None,
        "url": parsed.url,
        "accessed": parsed.accessed,
        "trial_id": parsed.trial_id,
        "publisher": parsed.publisher,
        "publisher_place": parsed.publisher_place,
        "note": parsed.note,
        "pub_type": parsed.pub_type,
        "raw": entry.text,
        "line": entry.lines[0].number,
        "start": entry.start,
        "end": entry.end,
        "part_starts": [line.start for line in entry.lines],
        "part_ends": [line.end for line in entry.lines],
    }


def _flag_indented_runs(entries: list[Entry], flags: Flags) -> None:
    """One flag per run of consecutive entries whose line opens with spaces."""
    run: list[Entry] = []
    for entry in [*entries, None]:
        if entry is not None and entry.indented:
            run.append(entry)
            continue
        if run:
            label = f"{run[0].number}–{run[-1].number}" if len(run) > 1 else str(run[0].number)
            flags.add(
                "reference_leading_space",
                "info",
                label,
                f"{len(run)} entries whose line opens with spaces; the number is read regardless",
                run[0].start,
                run[-1].end,
                "references",
            )
            run = []


def _flag_duplicates(rows: list[dict], entries: list[Entry], flags: Flags) -> None:
    """Flag entries sharing a DOI with an earlier entry."""
    seen: dict[str, int] = {}
    for row, entry in zip(rows, entries, strict=True):
        doi = (row["doi"] or "").lower()
        if doi and doi in seen:
            flags.add(
                "reference_duplicate_doi",
                "warning",
                str(row["ref_id"]),
                f"same DOI as entry {seen[doi]} ({row['doi']})",
                entry.start,
                entry.end,
                "references",
            )
        elif doi:
            seen[doi] = row["ref_id"]


def extract(source: Source) -> dict[str, pd.DataFrame]:
    """Return the references, citations and quality flags of one document."""
    layout = read_layout(source)
    flags = Flags(source, "references")
    entries = split_entries(layout.reference_lines, source.path)
    if not entries:
        flags.add(
            "reference_list_missing",
            "warning",
            "References",
            "no numbered reference list found after a 'References' heading",
        )
    check_reference_numbers(source, entries, citations_module.find_markers(layout))
    refs = references_frame(entries, source.doc_id, flags)
    known = {e.number: e for e in entries}
    cites = citations_module.citations_frame(layout, known.keys(), flags)
    counts = cites.groupby("ref_id").size() if len(cites) else {}
    if len(refs):
        refs.insert(
            refs.columns.get_loc("raw"),
            "n_citing_markers",
            [int(counts.get(r, 0)) for r in refs["ref_id"]],
        )
    for number, entry in known.items():
        if number not in counts:
            flags.add(
                "reference_uncited",
                "info",
                str(number),
                f"reference {number} is never cited in the body, captions or tables",
                entry.start,
                entry.end,
                "references",
            )
    return {"references": refs, "citations": cites, "quality_flags": flags.frame()}
