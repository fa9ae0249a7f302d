"""Made-up MDPI-like PDFs in layouts the vendored review does not show: long titles, many
authors with equal-contribution marks, several editors, deep and unnumbered headings,
rotated pages, two-line table headers, tables over three pages, figures drawn as vector
text, footnotes. Each test exercises one general rule of the reader."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from test_pdf_layout import BODY_LEFT, FILLER, FONT_DIR, INDENT, RIGHT, Doc

from tidyreview.layout import read_layout
from tidyreview.source import load_source
from tidyreview.structure import extract as structure

needs_dejavu = pytest.mark.skipif(
    not (FONT_DIR / "DejaVuSerif-Bold.ttf").exists(), reason="needs DejaVu fonts"
)


def _byline(doc: Doc, y: float, names: list[tuple[str, str]]) -> None:
    """Write bold names, each followed by its raised affiliation/note marks."""
    x = 36
    for k, (name, marks) in enumerate(names):
        doc.text(x, y, name, size=10, style="B")
        doc.pdf.set_font("Times", "B", 10)
        x += doc.pdf.get_string_width(name) + 0.5
        doc.text(x, y - 4, marks, size=7, family="DejaVuB")
        doc.pdf.set_font("DejaVuB", "", 7)
        x += doc.pdf.get_string_width(marks) + 1
        if k < len(names) - 1:
            sep = "," if k < len(names) - 2 else " and"
            doc.text(x - (0 if sep == "," else 0), y, sep.strip(), size=10, style="B")
            doc.pdf.set_font("Times", "B", 10)
            x += doc.pdf.get_string_width(sep + " ") + (2 if sep == " and" else 0)


def _many_authors_front(doc: Doc) -> float:
    doc.pdf.add_font("DejaVu", "", str(FONT_DIR / "DejaVuSerif.ttf"))
    doc.pdf.add_font("DejaVuB", "", str(FONT_DIR / "DejaVuSerif-Bold.ttf"))
    # a title over three lines
    doc.text(36, 120, "A Made-Up Review of Many Things That", size=18, style="B")
    doc.text(36, 142, "Need a Title Long Enough to Wrap Over", size=18, style="B")
    doc.text(36, 164, "Three Lines of Type", size=18, style="B")
    _byline(
        doc,
        192,
        [
            ("Ann Author", "1,†"),
            ("Bob Writer", "2,†"),
            ("Cid Coder", "1,2,‡"),
            ("Dee Doer", "3"),
            ("Eve Editor", "1,3,*"),
        ],
    )
    y = 215
    for n, place in [
        ("1", "Department of Tests, Example University, Town 12345, Country"),
        ("2", "Institute of Examples, Sample City 67890, Country"),
        ("3", "Laboratory of Checks, Check Town 11111, Country"),
    ]:
        doc.text(BODY_LEFT, y - 3, n, size=6)
        doc.text(181, y, place, size=8)
        y += 12
    doc.text(BODY_LEFT, y, "* Correspondence: eve@example.org", size=8)
    doc.text(BODY_LEFT, y + 12, "†", size=8, family="DejaVu")
    doc.text(181, y + 12, "These authors contributed equally to this work.", size=8)
    doc.text(BODY_LEFT, y + 24, "‡", size=8, family="DejaVu")
    doc.text(181, y + 24, "Current address: Elsewhere, Country.", size=8)
    y += 44
    # no Simple Summary; the abstract and the keywords wrap
    doc.text(BODY_LEFT, y, "Abstract:", size=9, style="B")
    doc.text(207, y, "Test documents are useful. They show what a reader does with", size=9)
    doc.text(BODY_LEFT, y + 12, "a page, line by line.", size=9)
    doc.text(BODY_LEFT, y + 30, "Keywords:", size=9, style="B")
    doc.text(212, y + 30, "testing; made-up documents; layout", size=9)
    doc.text(BODY_LEFT, y + 42, "rules; readers", size=9)
    # the sidebar: its lines every 10 pt, the body's every 12 pt: some baselines meet
    y = 360
    for text, style in [
        ("Citation:", "B"),
        ("Author, A.; Writer, B. A", ""),
        ("Made-Up Review. Testing 2022,", ""),
        ("1, 1.", ""),
    ]:
        doc.text(36, y, text, size=7, style=style)
        y += 10
    doc.text(36, 410, "Academic Editors: Carl Checker", size=7)
    doc.text(36, 420, "and Dora Double", size=7)
    for k, line in enumerate(
        ["Received: 1 March 2022", "Revised: 15 March 2022", "Accepted: 2 April 2022"]
        + ["Published: 3 April 2022"]
    ):
        doc.text(36, 440 + 10 * k, line, size=7)
    doc.text(36, 490, "Copyright: (c) 2022 by the authors.", size=7)
    doc.text(36, 500, "Licensed under CC BY", size=7)
    doc.text(36, 510, "(https://creativecommons.org/", size=7)
    doc.text(36, 520, "licenses/by/4.0/).", size=7)
    doc.text(BODY_LEFT, 380, "1. Introduction", style="B")  # on a sidebar line's baseline
    return 396


@needs_dejavu
def test_long_title_many_authors_marks_and_editors(tmp_path):
    doc = Doc(1)
    doc.page(1)
    y = _many_authors_front(doc)
    doc.paragraph(y, ["The test starts here and it ends here."])
    doc.text(BODY_LEFT, y + 30, "2. Filler", style="B")
    doc.paragraph(y + 46, [FILLER] * 12)
    source = load_source(doc.save(tmp_path / "many-2022-authors.pdf"))
    tables = structure(source)
    row = tables["documents"].iloc[0]
    assert row.title == (
        "A Made-Up Review of Many Things That Need a Title Long Enough to Wrap Over "
        "Three Lines of Type"
    )
    assert list(row.academic_editors) == ["Carl Checker", "Dora Double"]
    assert list(row.keywords) == ["testing", "made-up documents", "layout rules", "readers"]
    assert str(row.revised) == "2022-03-15"
    assert row.simple_summary is None
    assert row.abstract.endswith("a page, line by line.")
    authors = tables["authors"]
    assert authors.name.tolist() == [
        "Ann Author",
        "Bob Writer",
        "Cid Coder",
        "Dee Doer",
        "Eve Editor",
    ]  # affiliation numbers and equal-contribution marks dropped from the names
    assert authors.is_corresponding.tolist() == [False] * 4 + [True]
    assert authors.email.tolist()[4] == "eve@example.org"
    # three affiliations; the notes on authors are their own lines, not affiliations
    affiliations = authors.affiliation.iloc[0].split("; ")
    assert len(affiliations) == 3 and affiliations[2].startswith("3 Laboratory of Checks")
    lines = source.text.split("\n\n")
    assert "* Correspondence: eve@example.org" in lines
    assert "† These authors contributed equally to this work." in lines
    assert "‡ Current address: Elsewhere, Country." in lines
    # a heading on a sidebar line's baseline is still a heading, its paragraph apart
    sections = tables["sections"]
    assert sections.section_id.tolist() == ["1", "2"]
    assert tables["paragraphs"].text.iloc[0] == "The test starts here and it ends here."


def _deep_doc(tmp_path: Path) -> Path:
    doc = Doc(3)
    doc.page(1)
    y = doc.front()
    doc.paragraph(y, ["Intro paragraph starts and runs on."] + [FILLER] * 10 + ["It ends."])
    doc.page(2)
    y = 90
    doc.text(BODY_LEFT, y, "2. Methods", style="B")
    y += 16
    for number, style in [("2.1.", "I"), ("2.1.1.", ""), ("2.1.1.1.", "I")]:
        level = number.count(".")
        doc.text(BODY_LEFT, y, f"{number} Level {level} Heading", style=style)
        y = doc.paragraph(y + 16, [f"A level {level} paragraph starts here and", "ends."]) + 4
    doc.text(BODY_LEFT, y, "Unnumbered Italic Subheading", style="I")
    y = doc.paragraph(y + 16, ["The subheading's paragraph starts and", "ends here."]) + 4
    # a figure drawn as vectors: a frame, bars and text labels; its caption below
    doc.pdf.set_line_width(0.5)
    doc.pdf.rect(200, y, 300, 120)
    doc.pdf.rect(230, y + 40, 20, 60, style="F")
    doc.text(220, y + 30, "Label one", size=8)
    doc.text(380, y + 60, "Receptor", size=10)
    doc.text(180, y + 130, "Axis 0 5 10", size=8)  # a label below the frame
    y += 150
    doc.text(200, y, "Figure 1.", size=9, style="B")
    doc.text(240, y, "A vector figure with labels.", size=9)
    doc.paragraph(y + 20, ["After the figure a paragraph starts and runs on"] + [FILLER] * 20)
    # a footnote under a short rule at the page's foot
    doc.rule(BODY_LEFT, 260, 770)
    doc.text(BODY_LEFT, 782, "1", size=6)
    doc.text(172, 785, "A footnote at the page bottom.", size=8)
    doc.page(3)
    doc.text(BODY_LEFT, 90, "over the page break and ends.")
    doc.text(BODY_LEFT, 130, "3. Conclusions", style="B")
    doc.paragraph(146, ["It works."] + [FILLER] * 5)
    return doc.save(tmp_path / "deep-2022-doc.pdf")


def test_four_heading_levels_and_an_unnumbered_subheading(tmp_path):
    layout = read_layout(load_source(_deep_doc(tmp_path)))
    assert [(h.number, h.title, h.level) for h in layout.headings] == [
        ("1", "Introduction", 1),
        ("2", "Methods", 1),
        ("2.1", "Level 2 Heading", 2),  # italic
        ("2.1.1", "Level 3 Heading", 3),  # roman, between paragraphs
        ("2.1.1.1", "Level 4 Heading", 4),  # italic
        (None, "Unnumbered Italic Subheading", 5),  # italic line before an indented one
        ("3", "Conclusions", 1),
    ]
    texts = [p.text for p in layout.paragraphs]
    assert "A level 4 paragraph starts here and ends." in texts
    assert "The subheading's paragraph starts and ends here." in texts


def test_vector_figure_labels_and_footnotes_stay_out_of_paragraphs(tmp_path):
    source = load_source(_deep_doc(tmp_path))
    text = source.text
    assert "Label one" not in text and "Receptor" not in text and "Axis" not in text
    layout = read_layout(source)
    assert [c.text for c in layout.captions] == ["Figure 1. A vector figure with labels."]
    texts = [p.text for p in layout.paragraphs]
    # the paragraph runs on over the page break; the footnote is a line of its own after it
    (long,) = [t for t in texts if t.startswith("After the figure")]
    assert long.endswith(FILLER + " over the page break and ends.")
    assert "1 A footnote at the page bottom." in texts
    assert texts.index("1 A footnote at the page bottom.") == texts.index(long) + 1


def _table_top(doc: Doc, y: float, caption: str) -> float:
    """A caption over a table whose header wraps over two lines, between rules."""
    doc.text(200, y, "Table 1.", size=9, style="B")
    doc.text(240, y, caption, size=9)
    doc.rule(36, RIGHT, y + 8, 1.0)
    doc.text(50, y + 20, "Agent", size=9, style="B")
    doc.text(250, y + 20, "Dose per", size=9, style="B")
    doc.text(250, y + 30, "Cycle (mg)", size=9, style="B")
    doc.text(400, y + 20, "Response", size=9, style="B")
    doc.rule(36, RIGHT, y + 36)
    return y + 50


def _table_row(doc: Doc, y: float, cells: tuple[str, str, str], mark: str = "") -> None:
    doc.text(50, y, cells[0], size=9)
    if mark:  # a raised footnote mark right after the word
        doc.pdf.set_font("Times", "", 9)
        doc.text(50 + doc.pdf.get_string_width(cells[0]) + 0.3, y - 3.5, mark, size=6)
    doc.text(250, y, cells[1], size=9)
    doc.text(400, y, cells[2], size=9)


def _three_page_table(tmp_path: Path) -> Path:
    doc = Doc(5)
    doc.page(1)
    y = doc.front()
    doc.paragraph(y, ["Our table lists agents (Table 1) and goes on."] + [FILLER] * 20)
    doc.page(2)
    y = _table_top(doc, doc.paragraph(90, [FILLER] * 10 + ["The table follows."]) + 20, "Agents.")
    for k in range(8):
        _table_row(doc, y, (f"Drug {k}", str(10 * k), "partial"), mark="a" if k == 1 else "")
        y += 14
    doc.rule(36, RIGHT, y, 1.0)
    for page, ks in [(3, range(8, 20)), (4, range(20, 23))]:
        doc.page(page)
        y = _table_top(doc, 90, "Cont.")  # near the top of the page, on two pages
        for k in ks:
            _table_row(doc, y, (f"Drug {k}", str(10 * k), "stable"))
            y += 14
        doc.rule(36, RIGHT, y, 1.0)
    doc.text(50, y + 14, "a", size=6)
    doc.text(54, y + 17, "Given weekly.", size=8)
    y = doc.paragraph(y + 50, ["The table ended; the text goes on."])
    doc.text(BODY_LEFT, y + 10, "2. Conclusions", style="B")
    doc.paragraph(y + 26, ["It works."])
    # a landscape page: a wide table, then text
    doc.pdf.add_page(orientation="L")
    doc.text(60, 100, "Table 2.", size=9, style="B")
    doc.text(100, 100, "A wide table on a landscape page.", size=9)
    doc.rule(60, 780, 108, 1.0)
    doc.text(70, 122, "Key", size=9, style="B")
    doc.text(500, 122, "Value", size=9, style="B")
    doc.rule(60, 780, 128)
    doc.text(70, 142, "wide one", size=9)
    doc.text(500, 142, "1", size=9)
    doc.rule(60, 780, 150, 1.0)
    doc.text(60, 180, "Text on the landscape page after the table.", size=10)
    return doc.save(tmp_path / "three-2022-pages.pdf")


def test_table_with_two_line_header_over_three_pages(tmp_path):
    source = load_source(_three_page_table(tmp_path))
    layout = read_layout(source)
    first = layout.tables[0]
    rows = [line.text.split("\t") for line in first.lines]
    assert rows[0] == ["Agent", "Dose per Cycle (mg)", "Response"]  # header over two lines
    assert [r[0] for r in rows[1:]] == [
        "Drug 0",
        "Drug 1ᵃ",  # the raised footnote mark kept apart from the word, as a superscript
        *[f"Drug {k}" for k in range(2, 23)],
    ]  # the repeated header of both "Table 1. Cont." pages dropped
    assert rows[-1] == ["Drug 22", "220", "stable"]
    assert "Cont." not in source.text
    texts = [p.text for p in layout.paragraphs]
    assert "a Given weekly." in texts
    assert "The table ended; the text goes on." in texts
    # the landscape page is read: its table and its text are kept
    second = layout.tables[1]
    assert [line.text.split("\t") for line in second.lines] == [["Key", "Value"], ["wide one", "1"]]
    assert "Text on the landscape page after the table." in source.text


@pytest.mark.parametrize("angle", [90, -90])
def test_table_set_sideways_on_a_portrait_page(tmp_path, angle):
    doc = Doc(3)
    doc.page(1)
    y = doc.front()
    doc.paragraph(y, ["Our table is wide (Table 1) and ends here."] + [FILLER] * 20)
    doc.page(2)  # its running header stays upright; the table is turned a quarter
    with doc.pdf.rotation(angle, 300, 420):
        x, y = -60, 180  # the turned frame's top-left corner

        def cell(dx, dy, text, style=""):
            doc.text(x + dx, y + dy, text, size=9, style=style)

        cell(100, 20, "Table 1.", "B")
        cell(140, 20, "A wide table turned on its side.")
        doc.rule(x, x + 720, y + 28, 1.0)
        for dx, name in [(10, "Name"), (300, "Value"), (550, "Notes")]:
            cell(dx, 42, name, "B")
        doc.rule(x, x + 720, y + 48)
        for k, row in enumerate([("alpha", "1", "first"), ("beta", "2", "second")]):
            for dx, text in zip((10, 300, 550), row, strict=True):
                cell(dx, 62 + 14 * k, text)
        doc.rule(x, x + 720, y + 96, 1.0)
    doc.page(3)
    doc.paragraph(90, ["Back to upright text after the wide table."] + [FILLER] * 5)
    doc.text(BODY_LEFT, 200, "2. Conclusions", style="B")
    doc.paragraph(216, ["It works."] + [FILLER] * 5)
    source = load_source(doc.save(tmp_path / "sideways-2022-table.pdf"))
    layout = read_layout(source)
    (table,) = layout.tables
    assert [c.text for c in layout.captions] == ["Table 1. A wide table turned on its side."]
    assert [line.text.split("\t") for line in table.lines] == [
        ["Name", "Value", "Notes"],
        ["alpha", "1", "first"],
        ["beta", "2", "second"],
    ]
    assert "Back to upright text after the wide table." in source.text


def test_group_row_centred_over_the_table(tmp_path):
    def body(doc, y):  # on the first page: right of the sidebar
        y = doc.paragraph(y, ["A grouped table follows."]) + 14
        doc.text(250, y, "Table 1.", size=9, style="B")
        doc.text(290, y, "Agents by group.", size=9)
        doc.rule(BODY_LEFT, RIGHT, y + 8, 1.0)
        for x, name in [(180, "Agent"), (330, "Target"), (460, "Phase")]:
            doc.text(x, y + 22, name, size=9, style="B")
        doc.rule(BODY_LEFT, RIGHT, y + 30)
        y += 44
        for row in [("Antibodies",), ("Drug A", "HER2", "III"), ("Drug B", "HER3", "II")] + [
            ("Small Molecules and Other Inhibitors",),
            ("Drug C", "EGFR", "I"),
        ]:
            if len(row) == 1:  # a group label centred across all the columns
                doc.text(270, y, row[0], size=9, style="I")
            else:
                for x, cell in zip((180, 330, 460), row, strict=True):
                    doc.text(x, y, cell, size=9)
            y += 14
        doc.rule(BODY_LEFT, RIGHT, y, 1.0)
        return doc.paragraph(y + 30, ["The text goes on after the table."])

    from test_pdf_layout import _simple

    layout = read_layout(load_source(_simple(tmp_path, body)))
    (table,) = layout.tables
    assert [line.text.split("\t") for line in table.lines] == [
        ["Agent", "Target", "Phase"],
        ["Antibodies", "", ""],  # the group label in the first cell, the columns kept
        ["Drug A", "HER2", "III"],
        ["Drug B", "HER3", "II"],
        ["Small Molecules and Other Inhibitors", "", ""],
        ["Drug C", "EGFR", "I"],
    ]


def test_continued_table_without_a_repeated_header(tmp_path):
    doc = Doc(3)
    doc.page(1)
    y = doc.front()
    doc.paragraph(y, ["A two-page table follows (Table 1) and ends."] + [FILLER] * 20)
    doc.page(2)
    y = doc.paragraph(90, [FILLER] * 30 + ["The table follows."]) + 20
    doc.text(200, y, "Table 1.", size=9, style="B")
    doc.text(240, y, "Top and bottom rules only.", size=9)
    doc.rule(36, RIGHT, y + 8, 1.0)
    doc.text(50, y + 22, "Key", size=9, style="B")
    doc.text(300, y + 22, "Value", size=9, style="B")
    y += 40
    for k in range(3):
        doc.text(50, y, f"key {k}", size=9)
        doc.text(300, y, str(k), size=9)
        y += 14
    doc.rule(36, RIGHT, y, 1.0)
    doc.page(3)
    doc.text(200, 100, "Table 1.", size=9, style="B")
    doc.text(240, 100, "Cont.", size=9)
    doc.rule(36, RIGHT, 108, 1.0)
    for k, yy in [(3, 122), (4, 136)]:  # no header repeated: the rows go straight on
        doc.text(50, yy, f"key {k}", size=9)
        doc.text(300, yy, str(k), size=9)
    doc.rule(36, RIGHT, 144, 1.0)
    doc.paragraph(170, ["The text goes on after the table."])
    doc.text(BODY_LEFT, 200, "2. Conclusions", style="B")
    doc.paragraph(216, ["It works."] + [FILLER] * 5)
    layout = read_layout(load_source(doc.save(tmp_path / "cont-2022-noheader.pdf")))
    (table,) = layout.tables
    assert [line.text.split("\t") for line in table.lines] == [
        ["Key", "Value"],
        *[[f"key {k}", str(k)] for k in range(5)],  # "key 3" is not taken for a header
    ]


@needs_dejavu
def test_bulleted_list_items_with_hanging_lines(tmp_path):
    def body(doc, y):
        doc.pdf.add_font("DejaVu", "", str(FONT_DIR / "DejaVuSerif.ttf"))
        y = doc.paragraph(y, ["The strategies are the following:"])
        for lines in [
            ["the first item of the list, long enough that it", "wraps under its own text;"],
            ["the second item;"],
        ]:
            doc.text(INDENT, y, "•", family="DejaVu")
            for k, line in enumerate(lines):
                doc.text(INDENT + 12, y + 12 * k, line)
            y += 12 * len(lines)
        return doc.paragraph(y, ["A new paragraph after the list."])

    from test_pdf_layout import _simple

    texts = [p.text for p in read_layout(load_source(_simple(tmp_path, body))).paragraphs]
    assert texts[:4] == [
        "The strategies are the following:",
        "• the first item of the list, long enough that it wraps under its own text;",
        "• the second item;",
        "A new paragraph after the list.",
    ]


def test_subscript_stays_in_its_line(tmp_path):
    def body(doc, y):
        doc.text(INDENT, y, "The drug has an IC")
        doc.pdf.set_font("Times", "", 10)
        width = doc.pdf.get_string_width("The drug has an IC")
        doc.text(INDENT + width + 0.2, y + 2.5, "50", size=7)  # lowered, smaller
        doc.text(INDENT + width + 10, y, "of 5 nM in the cells that were")
        doc.text(BODY_LEFT, y + 12, "studied before.")
        return y + 40

    from test_pdf_layout import _simple

    texts = [p.text for p in read_layout(load_source(_simple(tmp_path, body))).paragraphs]
    assert texts[0] == "The drug has an IC50 of 5 nM in the cells that were studied before."


def test_bold_header_over_two_lines_without_a_rule_under_it(tmp_path):
    def body(doc, y):
        y = doc.paragraph(y, ["A short table follows."]) + 14
        doc.text(250, y, "Table 1.", size=9, style="B")
        doc.text(290, y, "Two rules only.", size=9)
        doc.rule(BODY_LEFT, RIGHT, y + 8)
        doc.text(180, y + 22, "Agent", size=9, style="B")
        doc.text(380, y + 22, "Dose per", size=9, style="B")
        doc.text(380, y + 36, "Cycle (mg)", size=9, style="B")  # set apart like a row
        for k, (key, value) in enumerate([("one", "1"), ("two", "2")]):
            doc.text(180, y + 52 + 14 * k, key, size=9)
            doc.text(380, y + 52 + 14 * k, value, size=9)
        doc.rule(BODY_LEFT, RIGHT, y + 76)
        return doc.paragraph(y + 100, ["The text goes on after the table."])

    from test_pdf_layout import _simple

    (table,) = read_layout(load_source(_simple(tmp_path, body))).tables
    assert [line.text.split("\t") for line in table.lines] == [
        ["Agent", "Dose per Cycle (mg)"],
        ["one", "1"],
        ["two", "2"],
    ]


def test_reference_numbers_set_flush_right(tmp_path):
    doc = Doc(2)
    doc.page(1)
    y = doc.front()
    doc.paragraph(y, ["Some text cites the works [1,9,10,11]."] + [FILLER] * 20)
    doc.page(2)
    doc.text(BODY_LEFT, 90, "2. Conclusions", style="B")
    doc.paragraph(106, ["It works."] + [FILLER] * 5)
    doc.text(36, 200, "References", style="B")
    y = 220
    doc.pdf.set_font("Times", "", 9)
    for n in range(1, 12):
        label = f"{n}."
        # the numbers end at one edge: "9." starts right of "10."
        doc.text(50 - doc.pdf.get_string_width(label), y, label, size=9)
        doc.text(54, y, f"Author{n}, A. Paper number {n} with a title long enough to wrap", size=9)
        doc.text(54, y + 11, "onto a second line.", size=9)
        doc.text(130, y + 11, "J. Test.", size=9, style="I")
        doc.text(165, y + 11, "2020", size=9, style="B")
        doc.text(183.5, y + 11, ",", size=9)
        doc.text(189, y + 11, f"{n}", size=9, style="I")
        doc.pdf.set_font("Times", "I", 9)
        doc.text(189.1 + doc.pdf.get_string_width(f"{n}"), y + 11, ", 1-2.", size=9)
        doc.pdf.set_font("Times", "", 9)
        y += 24
    source = load_source(doc.save(tmp_path / "flush-2022-right.pdf"))
    from tidyreview.references import extract as references

    refs = references(source)["references"]
    assert refs.ref_id.tolist() == list(range(1, 12))
    assert refs.first_author_surname.tolist() == [f"Author{n}" for n in range(1, 12)]
    assert refs.year.tolist() == [2020] * 11


def test_earlier_layout_without_a_sidebar(tmp_path):
    """The layout MDPI used before 2021: no sidebar; the dates on one line under the
    affiliations; the body over the page's full width."""
    doc = Doc(1, journal="Testing 2019, 7, 12; doi:10.0000/testing7010012")
    doc.page(1)
    doc.text(72, 130, "An Older Review Layout", size=18, style="B")
    doc.text(72, 160, "Ann Author and Bob Writer *", size=10, style="B")
    doc.text(72, 180, "Department of Tests, Example University, Town 12345, Country", size=8)
    doc.text(72, 192, "* Correspondence: bob@example.org", size=8)
    doc.text(
        72, 210, "Received: 1 March 2019; Accepted: 2 April 2019; Published: 3 April 2019", size=8
    )
    doc.text(72, 235, "Abstract:", size=9, style="B")
    doc.text(112, 235, "Older documents are read as well.", size=9)
    doc.text(72, 253, "Keywords:", size=9, style="B")
    doc.text(117, 253, "layout; history", size=9)
    doc.text(72, 285, "1. Introduction", style="B")
    y = 301
    for k, line in enumerate(["The old layout starts here and it ends here."] + [FILLER] * 10):
        doc.text(94 if k in (0, 1) else 72, y, line)
        y += 12
    doc.text(72, y + 10, "2. Conclusions", style="B")
    doc.text(94, y + 26, "It works.")
    tables = structure(load_source(doc.save(tmp_path / "older-2019-layout.pdf")))
    row = tables["documents"].iloc[0]
    assert row.title == "An Older Review Layout"
    assert (str(row.received), str(row.accepted), str(row.published)) == (
        "2019-03-01",
        "2019-04-02",
        "2019-04-03",
    )
    assert row.abstract == "Older documents are read as well."
    # no citation printed: the source line of the first page's running lines gives them
    assert (row.journal, row.year, row.volume, row.article_number, row.doi) == (
        "Testing",
        2019,
        "7",
        "12",
        "10.0000/testing7010012",
    )
    assert tables["authors"].affiliation.iloc[0].startswith("Department of Tests")
    assert tables["authors"].name.tolist() == ["Ann Author", "Bob Writer"]
    assert tables["sections"].section_id.tolist() == ["1", "2"]
    assert tables["paragraphs"].text.iloc[0] == "The old layout starts here and it ends here."


def test_table_right_under_a_figure_caption_is_kept(tmp_path):
    def body(doc, y):
        y = doc.paragraph(y, ["A figure and a table follow."]) + 14
        doc.text(200, y, "Figure 1.", size=9, style="B")
        doc.text(240, y, "An image-less figure caption.", size=9)
        y += 20
        doc.text(250, y, "Table 1.", size=9, style="B")
        doc.text(290, y, "A shaded table.", size=9)
        doc.rule(BODY_LEFT, RIGHT, y + 8)
        doc.pdf.set_fill_color(220, 220, 220)  # a shaded header: a drawn shape under it
        doc.pdf.rect(BODY_LEFT, y + 10, RIGHT - BODY_LEFT, 16, style="F")
        doc.text(180, y + 22, "Key", size=9, style="B")
        doc.text(380, y + 22, "Value", size=9, style="B")
        doc.text(180, y + 40, "one", size=9)
        doc.text(380, y + 40, "1", size=9)
        doc.rule(BODY_LEFT, RIGHT, y + 50)
        return doc.paragraph(y + 80, ["The text goes on after the table."])

    from test_pdf_layout import _simple

    layout = read_layout(load_source(_simple(tmp_path, body)))
    (table,) = layout.tables
    assert [line.text.split("\t") for line in table.lines] == [["Key", "Value"], ["one", "1"]]


def test_doi_linked_from_a_crossref_marker(tmp_path):
    doc = Doc(2)
    doc.page(1)
    y = doc.front()
    doc.paragraph(y, ["Some text cites a work [1,2]."] + [FILLER] * 20)
    doc.page(2)
    doc.text(BODY_LEFT, 90, "2. Conclusions", style="B")
    doc.paragraph(106, ["It works."] + [FILLER] * 5)
    doc.text(36, 200, "References", style="B")
    for n, y in [(1, 220), (2, 234)]:
        doc.text(36, y, f"{n}.", size=9)
        doc.text(50, y, f"Author{n}, A. A paper.", size=9)
        doc.text(140, y, "J. Test.", size=9, style="I")
        doc.text(175, y, "2020", size=9, style="B")
        doc.text(193.5, y, ",", size=9)
        doc.text(199, y, "1", size=9, style="I")
        doc.text(203.6, y, ", 1-2. [CrossRef]", size=9)
    # only the first marker links its DOI (an annotation over the printed marker)
    doc.pdf.link(228, 212, 40, 10, "http://doi.org/10.1000/linked.1")
    source = load_source(doc.save(tmp_path / "linked-2022-doi.pdf"))
    from tidyreview.references import extract as references

    refs = references(source)["references"]
    assert refs.doi.tolist()[0] == "10.1000/linked.1"
    assert pd.isna(refs.doi.tolist()[1])
    assert "[CrossRef]" not in source.text
    assert "1-2. <https://doi.org/10.1000/linked.1>\n" in source.text
