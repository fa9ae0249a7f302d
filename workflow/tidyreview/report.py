"""outputs/report.html: a self-contained page to look at the published dataset.

Row counts, validation results, quality flags per check (the flags themselves in folded
lists) and figures of the landscape (matplotlib, embedded as inline SVG). Figures are sized
to fit the page's column with text of at least 9 px and scale down with a narrower window;
labels are measured and wrapped between words, never cut.
"""

from __future__ import annotations

import html
import io
import json
import re
import textwrap
from pathlib import Path

import duckdb
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.backends.backend_agg import RendererAgg  # noqa: E402
from matplotlib.font_manager import FontProperties  # noqa: E402
from matplotlib.ticker import MaxNLocator  # noqa: E402

from .files import write_text_atomically  # noqa: E402

# Deterministic SVG: fixed ids, no creation date.
plt.rcParams["svg.hashsalt"] = "tidyreview"
plt.rcParams["svg.fonttype"] = "none"  # text stays text: smaller, faster, searchable

# Figures are drawn at most FIGURE_MAX_IN inches wide: at 96 px per inch they fit the
# page's content column (1100 px less padding) unscaled, so 9 pt text stays >= 9 px; on a
# narrower window the CSS scales them down with the page (max-width: 100%).
CONTENT_WIDTH_PX = 1100 - 2 * 16
FIGURE_MAX_IN = 10.5
FONT_PT = 9
SMALL_PT = 8
plt.rcParams["font.size"] = FONT_PT
plt.rcParams["font.family"] = "DejaVu Sans"  # ships with matplotlib: widths as estimated

CSS = """
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;max-width:1100px;margin:2em auto;padding:0 16px;color:#222;line-height:1.4}
h1{font-size:1.6em}h2{border-bottom:1px solid #ddd;padding-bottom:.2em;margin-top:2em}
table{border-collapse:collapse;font-size:.9em;margin:.5em 0}
th,td{border:1px solid #ddd;padding:.25em .5em;text-align:left;vertical-align:top;overflow-wrap:break-word}
th{background:#f4f4f4}td.num{text-align:right;white-space:nowrap}
.sev-error{color:#b00020;font-weight:bold}.sev-warning{color:#b36b00}.sev-info{color:#555}
details{margin:.6em 0}summary{cursor:pointer;font-weight:600}
figure{margin:1.5em 0}figcaption{font-size:.9em;color:#555;max-width:60em}
figure svg{display:block;max-width:100%;height:auto}
"""

# Foreign-key and natural-key sentences the data package appends to a table's description.
KEY_CLAUSE = re.compile(
    r"\s*\([^()]*\) references \w+ \([^()]*\)(?: where not NULL)?\.|\s*Natural key: \([^()]*\)\."
)


def one_row_per(description: str) -> str:
    """Return a table's description without the key clauses the data package appends."""
    return KEY_CLAUSE.sub("", description).strip()


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


_MEASURE = RendererAgg(10, 10, 72)  # 72 dpi: text widths come out in points


def _text_width(text: str, points: float = FONT_PT, bold: bool = False) -> float:
    """Return the width of `text` in inches as drawn in DejaVu Sans (one of the widest
    sans-serif fonts, so a browser's substitute fits too), with 8% to spare."""
    font = FontProperties(family="DejaVu Sans", size=points, weight="bold" if bold else "normal")
    widths = [
        _MEASURE.get_text_width_height_descent(line, font, ismath=False)[0]
        for line in text.split("\n")
    ]
    return max(widths, default=0) * 1.08 / 72


def _axes(
    width: float, height: float, left: float, bottom: float, top: float = 0.4, right: float = 0.2
):
    """Return (figure, axes) with margins given in inches, room for labels included."""
    fig = plt.figure(figsize=(width + left + right, height + bottom + top))
    w, h = fig.get_size_inches()
    if w > FIGURE_MAX_IN + 1e-9:
        raise ValueError(f"figure {w:.2f} in wide: more than {FIGURE_MAX_IN} in")
    ax = fig.add_axes((left / w, bottom / h, width / w, height / h))
    return fig, ax


def _plain(ax) -> None:
    """Counts on the x axis: whole numbers only, no box around the plot."""
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    for spine in ("top", "right"):
        ax.spines[spine].set_visible(False)


def _bar(labels: list[str], values: list[int], title: str, xlabel: str, color="#4a7ab5") -> str:
    """Horizontal bars, one per label (labels may hold line breaks), values written at the end."""
    if not labels:
        return _nothing(title, "nothing to show")
    lines = [label.count("\n") + 1 for label in labels]
    heights = [0.12 + 0.16 * n for n in lines]
    left = 0.2 + max(_text_width(label) for label in labels)
    width = min(5.0, FIGURE_MAX_IN - left - 0.6)
    fig, ax = _axes(width, sum(heights), left=left, bottom=0.55, right=0.6)
    centres, y = [], 0.0
    for h in heights:
        centres.append(y + h / 2)
        y += h
    ax.barh(centres, values, height=[h * 0.75 for h in heights], color=color)
    ax.set_yticks(centres, labels)
    ax.set_ylim(y, 0)
    for centre, value in zip(centres, values, strict=True):
        ax.annotate(
            str(value),
            (value, centre),
            xytext=(3, 0),
            textcoords="offset points",
            va="center",
            fontsize=SMALL_PT,
        )
    ax.set_title(title, loc="left")
    ax.set_xlabel(xlabel)
    _plain(ax)
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
        rows.append((r["name"], n, one_row_per(r["description"])))
    return '<h2 id="row-counts">Row counts</h2>' + _table(
        ["table", "rows", "what a row is"], rows, {1}
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
        + f"<details><summary>Schemas of the {len(rows)} tables</summary>"
        + _table(["table", "columns", "primary key", "foreign keys", "schema"], rows, {1, 3})
        + "</details>"
    )


SEVERITY_ORDER = "case severity when 'error' then 0 when 'warning' then 1 else 2 end"


def section_flags(con) -> str:
    """Quality flags: counts per check always shown, the flags themselves per severity in
    collapsible lists (errors open)."""
    out = ['<h2 id="quality-flags">Quality flags</h2>']
    summary = con.execute(
        f"select severity, count(*) from quality_flags group by severity order by {SEVERITY_ORDER}"
    ).fetchall()
    if not summary:
        return out[0] + "<p>No flags.</p>"
    out.append(
        "<p>"
        + ", ".join(f"{n} {s}" for s, n in summary)
        + ": the source's own inconsistencies and what the pipeline kept but doubts "
        "(table <code>quality_flags</code>).</p>"
    )
    by_check = con.execute(
        """select severity, "check", count(*) as n from quality_flags
           group by severity, "check" order by n desc, "check" """
    ).fetchall()
    per_severity = [
        (
            severity,
            " · ".join(f"{check} {k}" for sev, check, k in by_check if sev == severity),
        )
        for severity, _ in summary
    ]
    out.append(
        "<details open><summary>Flags per check</summary>"
        + _severity_table(["severity", "checks (flags)"], per_severity, set())
        + "</details>"
    )
    for severity, n in summary:
        rows = con.execute(
            """select severity, "check", subject, detail, line from quality_flags
               where severity = ? order by "check", line nulls last, subject""",
            [severity],
        ).fetchall()
        opened = " open" if severity == "error" else ""
        out.append(
            f'<details{opened} id="flags-{html.escape(severity)}"><summary>The {n} '
            f"{html.escape(severity)} flags</summary>"
            + _severity_table(["severity", "check", "subject", "detail", "line"], rows, {4})
            + "</details>"
        )
    return "".join(out)


def _severity_table(headers: list[str], rows: list[tuple], numeric: set[int]) -> str:
    """A table whose first column is a severity, coloured by it."""
    head = "".join(f"<th>{html.escape(h)}</th>" for h in headers)
    body = []
    for severity, *rest in rows:
        cells = [f'<td class="sev-{html.escape(severity)}">{html.escape(severity)}</td>']
        for i, value in enumerate(rest, start=1):
            cls = ' class="num"' if i in numeric else ""
            cells.append(f"<td{cls}>{'' if value is None else html.escape(str(value))}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def section_figures(con) -> str:
    """Return the landscape: agents, trials, agent x trial links, citations per section."""
    agents = con.execute(
        """select modality, coalesce(highest_stage, 'not stated') as stage, count(*)
           from agent_overview group by all order by 1, 2"""
    ).fetchall()
    trials = con.execute(
        """select phase, coalesce(status, 'not stated'), count(*)
           from trial_overview where phase is not null
           group by all order by 1, 2"""
    ).fetchall()
    unstated = con.execute("select count(*) from trial_overview where phase is null").fetchone()[0]
    n_docs = con.execute("select count(*) from documents").fetchone()[0]
    label = "doc_id || ' ' || " if n_docs > 1 else ""
    sections = con.execute(
        f"select {label}section_id, title, n_citations from citations_per_section"
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
                _agent_trials(con),
                "Trials per agent, grouped by modality: how many registered trials each "
                "agent is linked to in each of the review's tables, in the prose, and in "
                "all (a trial counted once per column).",
            ),
            _figure(
                "fig-citations-per-section",
                _bar(
                    [wrap_label(f"{sid} {title}") for sid, title, _ in sections],
                    [n for _, _, n in sections],
                    "Citations per section",
                    "cited references",
                ),
                "Cited references per section (one per marker × reference number).",
            ),
        ]
    )


def wrap_label(text: str, width: int = 48) -> str:
    """Return `text` wrapped at word boundaries into lines of at most `width` characters."""
    return "\n".join(textwrap.wrap(text, width, break_long_words=False, break_on_hyphens=False))


# Colour order of the stacked bars: most advanced first, "not stated" last.
KIND_ORDER = ["approved", "phase_3", "phase_2", "phase_1", "preclinical"]


def _nothing(title: str, message: str) -> str:
    """A small figure saying there is nothing to draw (a review without such rows)."""
    fig, ax = _axes(5.0, 0.6, left=0.2, bottom=0.1)
    ax.set_axis_off()
    ax.set_title(title, loc="left")
    ax.text(0, 0.5, message, va="center", color="#555")
    return _svg(fig)


def _stacked(rows: list[tuple], title: str, xlabel: str) -> str:
    if not rows:
        return _nothing(title, f"no {xlabel} to show")
    groups = sorted({r[0] for r in rows})
    kinds = sorted(
        {r[1] for r in rows},
        key=lambda k: (k == "not stated", KIND_ORDER.index(k) if k in KIND_ORDER else 99, k),
    )
    counts = {(g, k): n for g, k, n in rows}
    left_margin = 0.2 + max(_text_width(g) for g in groups)
    legend = 0.5 + max(_text_width(k, SMALL_PT) for k in kinds)
    width = min(5.5, FIGURE_MAX_IN - left_margin - legend)
    fig, ax = _axes(
        width, max(1.2, 0.25 * len(groups)), left=left_margin, bottom=0.55, right=legend
    )
    left = [0] * len(groups)
    cmap = plt.get_cmap("tab10")
    for i, kind in enumerate(kinds):
        values = [counts.get((g, kind), 0) for g in groups]
        ax.barh(groups, values, left=left, label=kind, color=cmap(i % 10))
        left = [a + b for a, b in zip(left, values, strict=True)]
    ax.invert_yaxis()
    ax.set_title(title, loc="left")
    ax.set_xlabel(xlabel)
    ax.legend(fontsize=SMALL_PT, loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False)
    _plain(ax)
    return _svg(fig)


def agent_trial_counts(con) -> tuple[list[str], list[tuple[str, str, list[int]]]]:
    """Return the columns (each table, the prose, all) and, per agent linked to a trial,
    (modality, name, distinct trials per column), agents grouped by modality."""
    tables = [
        r[0]
        for r in con.execute(
            "select distinct table_id from trial_agents where table_id is not null order by 1"
        ).fetchall()
    ]
    counts = [
        f"count(distinct trial_id) filter (where ta.source = 'table' and table_id = '{t}')"
        for t in tables
    ] + [
        "count(distinct trial_id) filter (where ta.source = 'text')",
        "count(distinct trial_id)",
    ]
    rows = con.execute(
        f"""select a.modality, a.name, {", ".join(counts)}
            from trial_agents ta join agents a using (agent_id)
            group by all order by 1, {len(counts) + 2} desc, 2"""
    ).fetchall()
    columns = [t.replace("T", "Table ") for t in tables] + ["prose", "all"]
    return columns, [(r[0], r[1], list(r[2:])) for r in rows]


def _agent_trials(con) -> str:
    """Heat map of trials per agent (rows, grouped by modality) and column, in two panels."""
    columns, rows = agent_trial_counts(con)
    if not rows:
        return _nothing("Trials per agent", "no agent is linked to a registered trial")
    # One entry per line of the map: a modality heading, then its agents.
    entries: list[tuple[str, list[int] | None]] = []
    for modality in dict.fromkeys(r[0] for r in rows):
        entries.append((modality, None))
        entries.extend((name, counts) for m, name, counts in rows if m == modality)
    # Split into two panels at the modality heading nearest the middle.
    headings = [i for i, (_, counts) in enumerate(entries) if counts is None]
    cut = min(headings, key=lambda i: abs(i - len(entries) / 2)) or len(entries)
    panels = [entries[:cut], entries[cut:]] if cut < len(entries) else [entries]
    label_ws = [
        0.15 + max(_text_width(name, bold=counts is None) for name, counts in panel)
        for panel in panels
    ]
    cell_w, cell_h, gap = 0.36, 0.19, 0.3
    n_rows = max(len(p) for p in panels)
    total_w = sum(label_ws) + len(panels) * cell_w * len(columns) + gap * (len(panels) - 1) + 0.1
    height = n_rows * cell_h
    top, bottom = 0.95, 0.1
    if total_w > FIGURE_MAX_IN + 1e-9:
        raise ValueError(f"agent x trial figure {total_w:.2f} in wide: more than {FIGURE_MAX_IN}")
    fig = plt.figure(figsize=(total_w, height + top + bottom))
    w, h = fig.get_size_inches()
    vmax = max(max(c) for _, _, c in rows)
    cmap = plt.get_cmap("Blues")
    for p, panel in enumerate(panels):
        x0 = sum(label_ws[: p + 1]) + p * (cell_w * len(columns) + gap)
        ax = fig.add_axes(
            (
                x0 / w,
                (bottom + (n_rows - len(panel)) * cell_h) / h,
                cell_w * len(columns) / w,
                len(panel) * cell_h / h,
            )
        )
        for i, (_, counts) in enumerate(panel):
            if counts is None:
                ax.axhspan(i - 0.5, i + 0.5, color="#f0f0f0", lw=0)
                continue
            for j, n in enumerate(counts):
                if n:
                    shade = 0.15 + 0.85 * n / vmax
                    ax.add_patch(plt.Rectangle((j - 0.5, i - 0.5), 1, 1, color=cmap(shade), lw=0))
                    ax.text(
                        j,
                        i,
                        str(n),
                        ha="center",
                        va="center",
                        fontsize=SMALL_PT,
                        color="white" if shade > 0.6 else "#222",
                    )
        ax.set_xlim(-0.5, len(columns) - 0.5)
        ax.set_ylim(len(panel) - 0.5, -0.5)
        ax.set_yticks(range(len(panel)), [name for name, _ in panel])
        for tick, (_, counts) in zip(ax.get_yticklabels(), panel, strict=True):
            if counts is None:
                tick.set_fontweight("bold")
        ax.set_xticks(range(len(columns)), columns, rotation=45, ha="left", fontsize=SMALL_PT)
        ax.xaxis.tick_top()
        ax.tick_params(length=0)
        for spine in ax.spines.values():
            spine.set_visible(False)
        ax.set_xticks([j + 0.5 for j in range(len(columns) - 1)], minor=True)
        ax.grid(which="minor", axis="x", color="white", lw=1.5)
    fig.suptitle("Trials per agent", x=0.02, ha="left", y=1 - 0.12 / h, fontsize=FONT_PT + 1)
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
