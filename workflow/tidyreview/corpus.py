"""What several reviews say together: each trial once, with what every review states of it.

`trial_statements` (one row per review x trial, written by each review's entities stage)
keeps what each review says; `trials` is the document-independent identity built from them:
registry, acronyms and the reviews naming it, and a consensus value of phase, status and
enrollment where the reviews stating one agree. Reviews that disagree get a quality flag
each, naming both documents and both values; nothing is dropped or overwritten.
"""

from __future__ import annotations

import pandas as pd

STAGE = "corpus"
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


def registry_of(trial_id: str) -> str:
    return "ClinicalTrials.gov" if trial_id.startswith("NCT") else "EudraCT"


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
                "start": row.get("start"),
                "end": row.get("end"),
                "line": row.get("line"),
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


def trials_from_statements(statements: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Return (trials, flags) from every review's trial statements: one trial row per
    trial_id (consensus where the reviews agree, NULL where they disagree or say nothing)
    and one `reviews_disagree` flag per review and disagreeing field."""
    by_trial: dict[str, list[dict]] = {}
    for row in statements.sort_values(["trial_id", "doc_id"]).to_dict("records"):
        by_trial.setdefault(row["trial_id"], []).append(row)
    trials, flags = [], []
    for trial_id, rows in by_trial.items():
        trial, trial_flags = _trial_row(trial_id, rows)
        trials.append(trial)
        flags += trial_flags
    return pd.DataFrame(trials, columns=TRIAL_COLUMNS), numbered_flags(flags)


def numbered_flags(flags: list[dict]) -> pd.DataFrame:
    """Return cross-review flags as quality_flags rows, numbered per review in order."""
    columns = ["doc_id", "flag_id", "stage", "check", "severity", "subject", "detail"]
    columns += ["table_name", "start", "end", "line"]
    flags = sorted(flags, key=lambda f: (f["doc_id"], f["subject"], f["detail"]))
    counts: dict[str, int] = {}
    for f in flags:
        counts[f["doc_id"]] = counts.get(f["doc_id"], 0) + 1
        f["flag_id"] = f"{STAGE}-{counts[f['doc_id']]:04d}"
        f["stage"] = STAGE
    return pd.DataFrame(flags, columns=columns)
