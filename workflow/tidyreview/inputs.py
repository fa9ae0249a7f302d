"""Checks of the inputs beside the review itself, run before a stage uses them: a damaged
input must stop the run with one line naming the file, line and value, never publish
tables that silently lost their rows."""

from __future__ import annotations

import csv
from collections.abc import Iterable
from pathlib import Path

from .errors import InputError

# Vocabularies that may hold a header and no row: lists of exceptions and additions to
# what the text itself gives. Every other vocabulary must have rows.
MAY_HAVE_NO_ROWS = frozenset({"named_studies.csv", "not_agents.csv"})


def check_vocabulary(path: str | Path) -> None:
    """Raise InputError unless `path` exists and holds at least one entry (a CSV: a header
    and a row, or only a header for the files in MAY_HAVE_NO_ROWS; a YAML file: a
    non-empty mapping)."""
    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path}: vocabulary file not found (it is required; restore it)")
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        line = path.read_bytes().count(b"\n", 0, exc.start) + 1
        raise InputError(f"{path} line {line}: not valid UTF-8; save the file as UTF-8") from None
    if not text.strip():
        what = "a header and rows" if path.suffix == ".csv" else "entries"
        raise InputError(f"{path}: vocabulary file is empty (expected {what})")
    if path.suffix == ".csv":
        rows = [r for r in csv.reader(text.splitlines()) if any(c.strip() for c in r)]
        if len(rows) < 2 and path.name not in MAY_HAVE_NO_ROWS:
            raise InputError(
                f"{path} line 1: vocabulary has a header but no rows ({','.join(rows[0])})"
            )
    elif path.suffix in (".yaml", ".yml"):
        import yaml

        try:
            data = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            raise InputError(f"{path}: not valid YAML: {exc}".replace("\n", " ")) from None
        if not data:
            raise InputError(f"{path}: holds no entry")


def check_vocabularies(paths: Iterable[str | Path]) -> None:
    for path in paths:
        check_vocabulary(path)


def near_miss(header: tuple[str, ...], known: Iterable[tuple[str, ...]]) -> tuple | None:
    """Return the layout key `header` differs from by one column renamed, added or dropped,
    or None: such a table was meant to have that layout (a typo on one side)."""
    for key in known:
        if len(key) == len(header):
            if sum(a != b for a, b in zip(header, key, strict=True)) == 1:
                return key
        elif abs(len(key) - len(header)) == 1:
            longer, shorter = (key, header) if len(key) > len(header) else (header, key)
            if any(longer[:i] + longer[i + 1 :] == shorter for i in range(len(longer))):
                return key
    return None


def _numbers(values: list[int], limit: int = 12) -> str:
    """'230' / '230, 231' / '411–456' / '3, 7, ... (20 numbers)' for error messages."""
    if not values:
        return ""
    if values == list(range(values[0], values[-1] + 1)) and len(values) > 2:
        return f"{values[0]}–{values[-1]}"
    shown = ", ".join(map(str, values[:limit]))
    return shown + (f", ... ({len(values)} numbers)" if len(values) > limit else "")


def check_reference_numbers(source, entries, markers) -> None:
    """Raise SourceFormatError when the reference list has gaps, ends before the highest
    cited number, or a citation marker cites a number that is not in the list.

    `entries` are the reference-list entries (.number, .start), `markers` the citation
    markers (.text, .start, .numbers) of the body, captions and tables."""
    from .errors import SourceFormatError

    numbers = sorted({e.number for e in entries})
    cited = sorted({n for m in markers for n, _ in m.numbers})
    if not numbers:
        if markers:
            first = markers[0]
            raise SourceFormatError(
                source.path,
                f"citation {first.text} but no numbered reference list after a "
                f"'References' heading ({len(markers)} citation markers; is the file cut short?)",
                line=source.line_of(first.start),
            )
        return
    last = max(numbers)
    missing = sorted(set(range(1, last + 1)) - set(numbers))
    if missing:
        after = next(e for e in entries if e.number > missing[0])
        raise SourceFormatError(
            source.path,
            f"reference list skips {_numbers(missing)}: entry {after.number} follows "
            f"{missing[0] - 1} (reference {missing[0]} is missing)",
            line=source.line_of(after.start),
        )
    beyond = [n for n in cited if n > last]
    if beyond:
        # The list cut short: every number after its end; a stray citation: that number.
        dense = max(beyond) - last <= 2 * len(beyond)
        missing = list(range(last + 1, max(beyond) + 1)) if dense else beyond
        first = next(m for m in markers if any(n > last for n, _ in m.numbers))
        last_entry = next(e for e in entries if e.number == last)
        raise SourceFormatError(
            source.path,
            f"citation {first.text} cites reference {beyond[0]}, but the reference list ends "
            f"at {last} (line {source.line_of(last_entry.start)}); missing: {_numbers(missing)}",
            line=source.line_of(first.start),
        )
