"""What several reviews say together: each trial once, with what every review states of it.

`trial_statements` (one row per review x trial, written by each review's entities stage)
keeps what each review says; `trials` is the document-independent identity built from them:
registry, acronyms and the reviews naming it, and a consensus value of phase, status and
enrollment where the reviews stating one agree. Reviews that disagree get a quality flag
each, naming both documents and both values; nothing is dropped or overwritten.
"""

from __future__ import annotations

import pandas as pd

from .errors import InputError
from .patterns import registry_of
from .stages import CORPUS_STAGE

# field -> (the table-stated column, its wording, the prose-stated fallback, its wording)
STATED_FIELDS = {
    "phase": ("phase", "phase_raw", "text_phase", "text_phase_raw"),
    "status": ("status", "status_raw", "text_status", "text_status_raw"),
    "enrollment": ("enrollment", None, None, None),
}
TRIAL_COLUMNS = [
    "trial_id",
    "registry",
    "acronyms",
    "doc_ids",
    "n_reviews",
    "phase",
    "status",
    "enrollment",
]


def _present(value) -> bool:
    return value is not None and not (not isinstance(value, list | tuple) and pd.isna(value))


def stated(row: dict, field: str) -> tuple[object, str | None] | None:
    """Return (value, wording) a review states for `field` (its tables first, then its
    prose), or None."""
    column, raw, text_column, text_raw = STATED_FIELDS[field]
    if _present(row.get(column)):
        return row[column], (row.get(raw) if raw else None)
    if text_column and _present(row.get(text_column)):
        return row[text_column], row.get(text_raw)
    return None


def _value_text(value, wording) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return f"{value}" + (f" ('{wording}')" if wording and str(wording) != str(value) else "")


def _disagreement_flags(trial_id: str, field: str, says: list[tuple[dict, tuple]]) -> list[dict]:
    """Return one flag per review stating `field` of a trial the reviews disagree on."""
    flags = []
    for row, (value, wording) in says:
        others = "; ".join(
            f"{other['doc_id']} states {_value_text(v, w)}"
            for other, (v, w) in says
            if other["doc_id"] != row["doc_id"] and v != value
        )
        flags.append(
            {
                "doc_id": row["doc_id"],
                "check": "reviews_disagree",
                "severity": "warning",
                "subject": trial_id,
                "detail": f"{field} of {trial_id}: {row['doc_id']} states "
                f"{_value_text(value, wording)}; {others}",
                "table_name": "trial_statements",
                "start": row.get("first_start"),
                "end": row.get("first_end"),
            }
        )
    return flags


def _trial_row(trial_id: str, rows: list[dict]) -> tuple[dict, list[dict]]:
    acronyms = sorted({a for r in rows for a in (r.get("acronyms") or [])})
    trial = {
        "trial_id": trial_id,
        "registry": registry_of(trial_id),
        "acronyms": acronyms,
        "doc_ids": sorted({r["doc_id"] for r in rows}),
    }
    trial["n_reviews"] = len(trial["doc_ids"])
    flags: list[dict] = []
    for field in STATED_FIELDS:
        says = [(r, s) for r in rows if (s := stated(r, field)) is not None]
        values = {s[0] for _, s in says}
        trial[field] = next(iter(values)) if len(values) == 1 else None
        if len(values) > 1:
            flags += _disagreement_flags(trial_id, field, says)
    return trial, flags


def trials_from_statements(
    statements: pd.DataFrame, line_of=None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Return (trials, flags) from every review's trial statements: one trial row per
    trial_id (consensus where the reviews agree, NULL where they disagree or say nothing)
    and one `reviews_disagree` flag per review and disagreeing field (`line_of(doc_id,
    offset)` gives a flag's line)."""
    by_trial: dict[str, list[dict]] = {}
    for row in statements.sort_values(["trial_id", "doc_id"]).to_dict("records"):
        by_trial.setdefault(row["trial_id"], []).append(row)
    trials, flags = [], []
    for trial_id, rows in by_trial.items():
        trial, trial_flags = _trial_row(trial_id, rows)
        trials.append(trial)
        flags += trial_flags
    for f in flags:
        f["line"] = line_of(f["doc_id"], f["start"]) if line_of and f["start"] is not None else None
    return pd.DataFrame(trials, columns=TRIAL_COLUMNS), numbered_flags(flags)


def numbered_flags(flags: list[dict]) -> pd.DataFrame:
    """Return cross-review flags as quality_flags rows, numbered per review in order."""
    columns = ["doc_id", "flag_id", "stage", "check", "severity", "subject", "detail"]
    columns += ["table_name", "start", "end", "line"]
    flags = sorted(flags, key=lambda f: (f["doc_id"], f["subject"], f["detail"]))
    counts: dict[str, int] = {}
    for f in flags:
        counts[f["doc_id"]] = counts.get(f["doc_id"], 0) + 1
        f["flag_id"] = f"{CORPUS_STAGE}-{counts[f['doc_id']]:04d}"
        f["stage"] = CORPUS_STAGE
    return pd.DataFrame(flags, columns=columns)


def corpus_tables(tables: dict[str, pd.DataFrame], sources: dict) -> dict[str, pd.DataFrame]:
    """Return the tables made from all documents together: `trials` from every review's
    `trial_statements`, and `quality_flags` with the flags of reviews that disagree
    appended (`sources`: {doc_id: Source}, for the flags' lines)."""

    def line_of(doc_id: str, offset: int) -> int | None:
        source = sources.get(doc_id)
        return source.line_of(offset) if source is not None else None

    check_distinct_reviews(tables["documents"])
    trials, flags = trials_from_statements(tables["trial_statements"], line_of)
    out = {"trials": trials}
    if len(flags):
        frames = [f for f in (tables["quality_flags"], flags) if len(f)]
        out["quality_flags"] = pd.concat(frames, ignore_index=True) if len(frames) > 1 else flags
    return out


def check_distinct_reviews(documents: pd.DataFrame) -> None:
    """Refuse two documents with the same DOI or the same source bytes: the same review
    added twice (under two names) would count every fact twice."""
    rows = documents.sort_values("doc_id").to_dict("records")
    for column, what in (("source_sha256", "the same file content"), ("doi", "the same DOI")):
        seen: dict[str, dict] = {}
        for doc in rows:
            value = doc.get(column)
            if value is None or (isinstance(value, float) and pd.isna(value)):
                continue
            if value in seen:
                first = seen[value]
                raise InputError(
                    f"{doc['source_file']} (doc_id {doc['doc_id']}) has {what} as "
                    f"{first['source_file']} (doc_id {first['doc_id']}): {column} {value}; "
                    "a review may be added once: remove one of them"
                )
            seen[value] = doc
