"""Collecting quality flags inside a stage."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from .source import Source


@dataclass
class Flags:
    """Flags raised by one stage on one document; `frame()` gives the table rows."""

    source: Source
    stage: str
    rows: list[dict] = field(default_factory=list)

    def add(
        self,
        check: str,
        severity: str,
        subject: str,
        detail: str,
        start: int | None = None,
        end: int | None = None,
        table_name: str | None = None,
    ) -> None:
        self.rows.append(
            {
                "check": check,
                "severity": severity,
                "subject": subject,
                "detail": detail,
                "table_name": table_name,
                "start": start,
                "end": end,
                "line": self.source.line_of(start) if start is not None else None,
            }
        )

    def frame(self) -> pd.DataFrame:
        """Return the flags in source order, with ids <stage>-0001, ..."""
        rows = sorted(
            self.rows, key=lambda r: (r["start"] is None, r["start"] or 0, r["check"], r["subject"])
        )
        out = [
            {
                "doc_id": self.source.doc_id,
                "flag_id": f"{self.stage}-{i:04d}",
                "stage": self.stage,
                **r,
            }
            for i, r in enumerate(rows, start=1)
        ]
        columns = [
            "doc_id",
            "flag_id",
            "stage",
            "check",
            "severity",
            "subject",
            "detail",
            "table_name",
            "start",
            "end",
            "line",
        ]
        return pd.DataFrame(out, columns=columns)
