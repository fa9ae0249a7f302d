"""outputs/report.html: produced by the pipeline, valid, self-contained, complete, and
readable: figures fit the page with legible text, labels are never cut, long tables fold."""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

import pytest

from tidyreview.report import CONTENT_WIDTH_PX, CSS, one_row_per, wrap_label

slow = pytest.mark.slow
PX_PER_PT = 96 / 72

VOID = {
    "meta",
    "br",
    "img",
    "hr",
    "input",
    "link",
    "path",
    "use",
    "rect",
    "circle",
    "line",
    "polyline",
    "polygon",
    "stop",
    "ellipse",
    "image",
}


class Checker(HTMLParser):
    """Collects tags and ids, and every mismatch between opening and closing tags."""

    def __init__(self):
        super().__init__()
        self.stack: list[str] = []
        self.errors: list[str] = []
        self.ids: set[str] = set()
        self.external: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids.add(attrs["id"])
        for key in ("src", "href"):
            value = attrs.get(key) or ""
            if value.startswith(("http://", "https://", "//")) and tag in ("script", "link", "img"):
                self.external.append(value)
        if tag not in VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids.add(attrs["id"])

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> closes {self.stack[-1] if self.stack else 'nothing'}")
            return
        self.stack.pop()


@pytest.fixture(scope="module")
def report(built):
    return (built / "report.html").read_text(encoding="utf-8")


@slow
def test_report_is_well_formed_html(report):
    assert report.startswith("<!DOCTYPE html>")
    checker = Checker()
    checker.feed(report)
    checker.close()
    assert checker.errors == []
    assert checker.stack == []


@slow
def test_report_is_self_contained(report):
    checker = Checker()
    checker.feed(report)
    assert checker.external == []
    assert "<script" not in report  # figures are inline SVG, nothing to fetch or run


@slow
def test_report_has_every_section_and_figure(report):
    checker = Checker()
    checker.feed(report)
    for section in ("row-counts", "validation", "quality-flags", "landscape"):
        assert section in checker.ids
    for figure in (
        "fig-agents-by-modality",
        "fig-trials-by-phase",
        "fig-agent-trial-matrix",
        "fig-citations-per-section",
    ):
        assert figure in checker.ids
    assert report.count("<svg") == 4


@slow
def test_report_lists_row_counts_and_flags(report, built):
    import duckdb

    con = duckdb.connect(str(built / "review.duckdb"), read_only=True)
    n_paragraphs = con.execute("select count(*) from paragraphs").fetchone()[0]
    assert f'<td>paragraphs</td><td class="num">{n_paragraphs}</td>' in report
    n_flags = con.execute("select count(*) from quality_flags").fetchone()[0]
    flag_lists = re.findall(r'<details[^>]* id="flags-\w+">(.*?)</details>', report, flags=re.S)
    assert sum(block.count('<td class="sev-') for block in flag_lists) == n_flags


def test_one_row_per_drops_the_key_clauses():
    description = (
        "Table 2 of the review, tidy: one row per conjugate. Natural key: (doc_id, drug, "
        "trial_id, combination). (doc_id, ref_ids) references references (doc_id, ref_id) "
        "where not NULL."
    )
    assert one_row_per(description) == "Table 2 of the review, tidy: one row per conjugate."


def test_wrap_label_breaks_between_words_only():
    title = "3.3.a Significance of tumor mutation burden, tumor-infiltrating lymphocytes"
    lines = wrap_label(title, 20).split("\n")
    assert len(lines) > 1 and all(len(line) <= 20 for line in lines)
    assert " ".join(lines) == title


def _figures(report: str) -> dict[str, str]:
    return dict(re.findall(r'<figure id="([\w-]+)">(.*?)</figure>', report, flags=re.S))


def _texts(svg: str) -> list[str]:
    """The text of each <text> element of an SVG, unescaped."""
    return [html.unescape(t).strip() for t in re.findall(r"<text[^>]*>(.*?)</text>", svg, re.S)]


@slow
def test_figures_fit_the_page_and_scale_with_it(report):
    assert "figure svg{display:block;max-width:100%;height:auto}" in CSS and CSS in report
    assert "max-width:1100px" in CSS and "padding:0 16px" in CSS  # CONTENT_WIDTH_PX
    figures = _figures(report)
    assert len(figures) == 4
    for fig_id, figure in figures.items():
        width = float(re.search(r'<svg[^>]* width="([\d.]+)pt"', figure).group(1))
        assert "viewBox=" in figure, fig_id  # scales with max-width: 100%
        assert width * PX_PER_PT <= CONTENT_WIDTH_PX, (fig_id, width * PX_PER_PT)


@slow
def test_figure_text_is_legible_at_1100_px(report):
    """Figures are drawn at their size (they fit), so a font-size of n pt shows n * 4/3 px."""
    for fig_id, figure in _figures(report).items():
        sizes = [float(s) for s in re.findall(r"font-size: ([\d.]+)px", figure)]
        assert sizes, fig_id
        assert min(sizes) * PX_PER_PT >= 9, (fig_id, min(sizes))


@slow
def test_section_titles_are_wrapped_not_cut(report, built):
    import duckdb

    con = duckdb.connect(str(built / "review.duckdb"), read_only=True)
    sections = con.execute("select section_id, title from citations_per_section").fetchall()
    assert any(len(title) > 60 for _, title in sections)
    figure = _figures(report)["fig-citations-per-section"]
    joined = " ".join(_texts(figure))
    for section_id, title in sections:
        assert f"{section_id} {title}" in joined, title
    assert "…" not in figure and "..." not in figure


@slow
def test_agent_trial_figure_names_every_linked_agent_in_full(report, built):
    import duckdb

    con = duckdb.connect(str(built / "review.duckdb"), read_only=True)
    linked = con.execute(
        "select distinct a.name, a.modality from trial_agents join agents a using (agent_id)"
    ).fetchall()
    texts = set(_texts(_figures(report)["fig-agent-trial-matrix"]))
    assert {name for name, _ in linked} | {modality for _, modality in linked} <= texts
    most = con.execute("select max(n_trials) from agent_overview").fetchall()[0][0]
    assert str(most) in texts  # the "all" column


@slow
def test_flags_are_shown_exactly_and_long_tables_fold(report, built):
    import duckdb

    con = duckdb.connect(str(built / "review.duckdb"), read_only=True)
    for (detail,) in con.execute("select detail from quality_flags").fetchall():
        assert f"<td>{html.escape(detail)}</td>" in report, detail
    assert "\\\\" not in report  # no doubled backslashes
    assert re.search(r"<details>\s*<summary>Schemas of the \d+ tables", report)
    for (severity,) in con.execute("select distinct severity from quality_flags").fetchall():
        opened = " open" if severity == "error" else ""
        assert f'<details{opened} id="flags-{severity}">' in report


@slow
def test_row_counts_describe_rows_without_key_clauses(report):
    section = report[report.index('id="row-counts"') : report.index('id="validation"')]
    assert "where not NULL" not in section and "Natural key" not in section
    assert "The document-independent identity of a registry identifier" in section


def test_report_of_a_review_without_trials_or_phases(tmp_path):
    """Empty figures say so instead of failing: a review whose text names no trial."""
    import pyarrow.parquet as pq

    from conftest import ROOT
    from tidyreview.metadata import datapackage_json
    from tidyreview.publish import empty_frame, to_arrow
    from tidyreview.report import build_report
    from tidyreview.schemas import TABLES

    for table in TABLES:
        pq.write_table(to_arrow(empty_frame(table), table), tmp_path / f"{table}.parquet")
    package = tmp_path / "datapackage.json"
    package.write_text(datapackage_json(), encoding="utf-8")
    views = (ROOT / "workflow" / "sql" / "views.sql").read_text(encoding="utf-8")
    out = tmp_path / "report.html"
    build_report(tmp_path, package, views, out)
    text = out.read_text(encoding="utf-8")
    assert "no agent is linked to a registered trial" in text
    assert "no trials to show" in text
    assert text.count("<svg") == 4
