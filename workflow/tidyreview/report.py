"""outputs/report.html: a self-contained page to look at the published dataset.

Row counts, validation results, quality flags by severity and figures of the landscape
(matplotlib, embedded as inline SVG). Sections whose tables are not published yet say so.
"""

from __future__ import annotations

import html
import io
import json
from pathlib import Path

import duckdb
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from .files import write_text_atomically  # noqa: E402

# Deterministic SVG: fixed ids, no creation date.
plt.rcParams["svg.hashsalt"] = "tidyreview"
plt.rcParams["svg.fonttype"] = "none"  # text stays text: smaller, faster, searchable
plt.rcParams["font.size"] = 9

CSS = """
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#222}
h1{font-size:1.6em}h2{border-bottom:1px solid #ddd;padding-bottom:.2em;margin-top:2em}
table{border-collapse:collapse;font-size:.9em;margin:.5em 0}
th,td{border:1px solid #ddd;padding:.25em .5em;text-align:left;vertical-align:top}
th{background:#f4f4f4}td.num{text-align:right}
.sev-error{color:#b00020;font-weight:bold}.sev-warning{color:#b36b00}.sev-info{color:#555}
figure{margin:1em 0}figcaption{font-size:.85em;color:#555}
"""


def _svg(fig) -> str:
    buf = io.StringIO()
    # Margins are fixed in inches (see _axes): no tight layout, which measures every label.
    fig.savefig(buf, format="svg", metadata={"Date": None})
    plt.close(fig)
    svg = buf.getvalue()
    return svg[svg.index("<svg") :]


def _table(headers: list[str], rows: list[tuple], numeric: set[int] = frozenset()) -> str:
    head = "".join(f"<th>{html.escape(h)}</th>" for h in headers)
    body = []
    for row in rows:
        cells = []
        for i, value in enumerate(row):
            cls = ' class="num"' if i in numeric else ""
            text = "" if value is None else str(value)
            cells.append(f"<td{cls}>{html.escape(text)}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def _axes(
    width: float, height: float, left: float, bottom: float, top: float = 0.4, right: float = 0.2
):
    """Return (figure, axes) with margins given in inches, room for labels included."""
    fig = plt.figure(figsize=(width + left + right, height + bottom + top))
    w, h = fig.get_size_inches()
    ax = fig.add_axes((left / w, bottom / h, width / w, height / h))
    return fig, ax


def _bar(labels, values, title, xlabel, color="#4a7ab5"):
    fig, ax = _axes(5.0, max(1.2, 0.22 * len(labels)), left=3.0, bottom=0.5)
    ax.barh(list(reversed(labels)), list(reversed(values)), color=color)
    ax.set_title(title)
    ax.set_xlabel(xlabel)
    for spine in ("top", "right"):
        ax.spines[spine].set_visible(False)
    return _svg(fig)


def _figure(fig_id: str, svg: str, caption: str) -> str:
    return f'<figure id="{fig_id}">{svg}<figcaption>{html.escape(caption)}</figcaption></figure>'


def _resources(datapackage_path: str | Path) -> list[dict]:
    """Return the data package's resources: every table, parents first, with its schema."""
    return json.loads(Path(datapackage_path).read_text(encoding="utf-8"))["resources"]


def section_counts(con, resources: list[dict]) -> str:
    rows = []
    for r in resources:
        n = con.execute(f'select count(*) from "{r["name"]}"').fetchone()[0]
        rows.append((r["name"], n, r["description"]))
    return '<h2 id="row-counts">Row counts</h2>' + _table(
        ["table", "rows", "one row per"], rows, {1}
    )


def section_validation(resources: list[dict]) -> str:
    rows = []
    for r in resources:
        schema = r["schema"]
        rows.append(
            (
                r["name"],
                len(schema["fields"]),
                ", ".join(schema.get("primaryKey", [])),
                len(schema.get("foreignKeys", [])),
                "passed",
            )
        )
    intro = (
        "<p>Every published table passed its pandera schema (types, nullability, value "
        "checks, keys) and the offset checks (spans inside the file, "
        "<code>raw[start:end] == surface</code>); DuckDB enforced the primary and foreign "
        "keys when the database was built.</p>"
    )
    return (
        '<h2 id="validation">Validation</h2>'
        + intro
        + _table(["table", "columns", "primary key", "foreign keys", "schema"], rows, {1, 3})
    )


def section_flags(con) -> str:
    out = ['<h2 id="quality-flags">Quality flags</h2>']
    rows = con.execute(
        """select severity, "check", subject, detail, line from quality_flags
           order by case severity when 'error' then 0 when 'warning' then 1 else 2 end,
                    "check", line nulls last, subject"""
    ).fetchall()
    summary = con.execute(
        "select severity, count(*) from quality_flags group by severity order by severity"
    ).fetchall()
    out.append(
        "<p>" + ", ".join(f"{n} {s}" for s, n in summary) + "</p>"
        if summary
        else "<p>No flags.</p>"
    )
    body = []
    for severity, check, subject, detail, line in rows:
        body.append(
            f'<tr><td class="sev-{html.escape(severity)}">{html.escape(severity)}</td>'
            f"<td>{html.escape(check)}</td><td>{html.escape(subject)}</td>"
            f'<td>{html.escape(detail)}</td><td class="num">{"" if line is None else line}</td></tr>'
        )
    out.append(
        "<table><thead><tr><th>severity</th><th>check</th><th>subject</th><th>detail</th>"
        f"<th>line</th></tr></thead><tbody>{''.join(body)}</tbody></table>"
    )
    return "".join(out)


def section_figures(con) -> str:
    """Return the landscape: agents, trials, agent x trial links, citations per section."""
    agents = con.execute(
        """select modality, coalesce(highest_stage, 'not stated') as stage, count(*)
           from agent_overview group by all order by 1, 2"""
    ).fetchall()
    trials = con.execute(
        """select coalesce(phase, text_phase) as phase,
                  coalesce(status, text_status, 'not stated'), count(*)
           from trials where coalesce(phase, text_phase) is not null
           group by all order by 1, 2"""
    ).fetchall()
    unstated = con.execute(
        "select count(*) from trials where coalesce(phase, text_phase) is null"
    ).fetchone()[0]
    n_docs = con.execute("select count(*) from documents").fetchone()[0]
    label = "doc_id || ' ' || " if n_docs > 1 else ""
    sections = con.execute(
        f"""select {label}section_id || ' ' || left(title, 30), n_citations
            from citations_per_section"""
    ).fetchall()
    return "".join(
        [
            '<h2 id="landscape">The landscape</h2>',
            _figure(
                "fig-agents-by-modality",
                _stacked(agents, "Agents by modality and highest stage", "agents"),
                "Agents by modality, coloured by the most advanced development stage the "
                "review states.",
            ),
            _figure(
                "fig-trials-by-phase",
                _stacked(trials, "Trials by phase and status", "trials"),
                "Registered trials by phase, coloured by recruitment status, as the review "
                f"states them (tables first, then the text); {unstated} trials whose phase "
                "the review does not state are not shown.",
            ),
            _figure(
                "fig-agent-trial-matrix",
                _matrix(con),
                "Which agents are tested in which trials (tables and text).",
            ),
            _figure(
                "fig-citations-per-section",
                _bar(
                    [r[0] for r in sections],
                    [r[1] for r in sections],
                    "Citations per section",
                    "cited references",
                ),
                "Cited references per section (one per marker × reference number).",
            ),
        ]
    )


# Colour order of the stacked bars: most advanced first, "not stated" last.
KIND_ORDER = ["approved", "phase_3", "phase_2", "phase_1", "preclinical"]


def _stacked(rows: list[tuple], title: str, xlabel: str) -> str:
    groups = sorted({r[0] for r in rows})
    kinds = sorted(
        {r[1] for r in rows},
        key=lambda k: (k == "not stated", KIND_ORDER.index(k) if k in KIND_ORDER else 99, k),
    )
    counts = {(g, k): n for g, k, n in rows}
    fig, ax = _axes(5.0, max(1.2, 0.25 * len(groups)), left=2.2, bottom=0.5, right=2.0)
    left = [0] * len(groups)
    cmap = plt.get_cmap("tab10")
    for i, kind in enumerate(kinds):
        values = [counts.get((g, kind), 0) for g in groups]
        ax.barh(groups, values, left=left, label=kind, color=cmap(i % 10))
        left = [a + b for a, b in zip(left, values, strict=True)]
    ax.invert_yaxis()
    ax.set_title(title)
    ax.set_xlabel(xlabel)
    ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False)
    for spine in ("top", "right"):
        ax.spines[spine].set_visible(False)
    return _svg(fig)


def _matrix(con) -> str:
    rows = con.execute(
        """select a.name, ta.trial_id from trial_agents ta join agents a using (agent_id)
           group by all order by 1, 2"""
    ).fetchall()
    agents = sorted({r[0] for r in rows})
    trials = sorted({r[1] for r in rows})
    index_a = {a: i for i, a in enumerate(agents)}
    index_t = {t: i for i, t in enumerate(trials)}
    fig, ax = _axes(
        max(4.0, 0.11 * len(trials)), max(2.0, 0.13 * len(agents)), left=1.6, bottom=0.9
    )
    ax.scatter(
        [index_t[t] for _, t in rows],
        [index_a[a] for a, _ in rows],
        s=8,
        marker="s",
        color="#4a7ab5",
    )
    ax.set_yticks(range(len(agents)), agents, fontsize=6)
    ax.set_xticks(range(len(trials)), trials, rotation=90, fontsize=5)
    ax.invert_yaxis()
    ax.set_title("Agent × trial")
    return _svg(fig)


def open_staged(parquet_dir: str | Path, resources: list[dict], views_sql: str | None = None):
    """Return an in-memory DuckDB with a view per staged Parquet file (and the views)."""
    con = duckdb.connect()
    for r in resources:
        path = Path(parquet_dir) / f"{r['name']}.parquet"
        con.execute(f"CREATE VIEW \"{r['name']}\" AS SELECT * FROM read_parquet('{path}')")
    if views_sql:
        con.execute(views_sql)
    return con


def build_report(
    parquet_dir: str | Path,
    datapackage_path: str | Path,
    views_sql: str | None,
    out_path: str | Path,
) -> None:
    """Write the report for the tables in `parquet_dir` to `out_path` (atomically)."""
    resources = _resources(datapackage_path)
    con = open_staged(parquet_dir, resources, views_sql)
    try:
        title = con.execute("select title from documents order by doc_id limit 1").fetchone()
        title = title[0] if title else "tidyreview"
        parts = [
            "<!DOCTYPE html>",
            '<html lang="en"><head><meta charset="utf-8">',
            f"<title>tidyreview report: {html.escape(title)}</title>",
            f"<style>{CSS}</style></head><body>",
            f"<h1>tidyreview report</h1><p>{html.escape(title)}</p>",
            '<nav><a href="#row-counts">Row counts</a> · <a href="#validation">Validation</a> · '
            '<a href="#quality-flags">Quality flags</a> · <a href="#landscape">Landscape</a></nav>',
            section_counts(con, resources),
            section_validation(resources),
            section_flags(con),
            section_figures(con),
            "</body></html>",
        ]
    finally:
        con.close()
    write_text_atomically(out_path, "\n".join(parts) + "\n")
