"""outputs/report.html: produced by the pipeline, valid, self-contained, complete."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

pytestmark = pytest.mark.slow

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


def test_report_is_well_formed_html(report):
    assert report.startswith("<!DOCTYPE html>")
    checker = Checker()
    checker.feed(report)
    checker.close()
    assert checker.errors == []
    assert checker.stack == []


def test_report_is_self_contained(report):
    checker = Checker()
    checker.feed(report)
    assert checker.external == []
    assert "<script" not in report  # figures are inline SVG, nothing to fetch or run


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


def test_report_lists_row_counts_and_flags(report, built):
    import duckdb

    con = duckdb.connect(str(built / "review.duckdb"), read_only=True)
    n_paragraphs = con.execute("select count(*) from paragraphs").fetchone()[0]
    assert f'<td>paragraphs</td><td class="num">{n_paragraphs}</td>' in report
    n_flags = con.execute("select count(*) from quality_flags").fetchone()[0]
    assert report.count('<td class="sev-') == n_flags
