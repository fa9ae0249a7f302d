"""Made-up MDPI-like PDFs (written with fpdf2) exercising each layout rule of the reader."""

from __future__ import annotations

from pathlib import Path

import pytest
from fpdf import FPDF

from tidyreview.layout import read_layout
from tidyreview.pdf_text import join_lines, read_pdf
from tidyreview.source import load_source
from tidyreview.structure import extract as structure

WIDTH, HEIGHT = 595.28, 841.89
BODY_LEFT, RIGHT, INDENT = 167, 559, 189
FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")


class Doc:
    """An A4 document written line by line at explicit positions (points, top-left origin)."""

    def __init__(self, n_pages: int, journal: str = "Testing 2022, 1, 1") -> None:
        self.pdf = FPDF(unit="pt", format="A4")
        self.pdf.set_auto_page_break(False)
        self.n_pages = n_pages
        self.journal = journal

    def page(self, number: int) -> None:
        self.pdf.add_page()
        self.text(36, 60, f"{self.journal}", size=8, style="I")
        self.text(520, 60, f"{number} of {self.n_pages}", size=8)
        self.rule(36, RIGHT, 67)
        if number == 1:
            self.rule(36, RIGHT, 808)
            self.text(36, 821, f"{self.journal}. https://doi.org/10.0000/test", size=8, style="I")

    def text(self, x, y, s, size=10, style="", family="Times", color=(0, 0, 0)) -> None:
        self.pdf.set_font(family, style, size)
        self.pdf.set_text_color(*color)
        self.pdf.text(x, y, s)

    def rule(self, x0, x1, y, width=0.5) -> None:
        self.pdf.set_line_width(width)
        self.pdf.line(x0, y, x1, y)

    def paragraph(self, y, lines, size=10) -> float:
        for k, line in enumerate(lines):
            self.text(INDENT if k == 0 else BODY_LEFT, y, line, size=size)
            y += 12
        return y

    def front(self) -> float:
        self.text(36, 130, "A Made-Up Review of Test", size=18, style="B")
        self.text(36, 152, "Documents for Readers", size=18, style="B")
        self.text(36, 180, "Ann Author", size=10, style="B")
        self.text(88, 176, "1", size=7, style="B")
        self.text(94, 180, "and Bob Writer", size=10, style="B")
        self.text(163, 176, "1,*", size=7, style="B")
        self.text(BODY_LEFT, 205, "1", size=6)
        self.text(181, 208, "Department of Tests, Example University, Town 12345, Country", size=8)
        self.text(BODY_LEFT, 222, "* Correspondence: bob@example.org", size=8)
        self.text(BODY_LEFT, 245, "Abstract:", size=9, style="B")
        self.text(207, 245, "Test documents are useful. They show what a reader does with", size=9)
        self.text(BODY_LEFT, 257, "a page, line by line.", size=9)
        self.text(BODY_LEFT, 275, "Keywords:", size=9, style="B")
        self.text(212, 275, "testing; documents", size=9)
        y = 330
        for line in [
            ("Citation:", "B"),
            ("Author, A.; Writer, B. A", ""),
            ("Made-Up Review. Testing 2022,", ""),
            ("1, 1.", ""),
        ]:
            self.text(36, y, line[0], size=7, style=line[1])
            y += 10
        self.text(36, 380, "Academic Editor: Carl Checker", size=7)
        self.text(36, 400, "Received: 1 March 2022", size=7)
        self.text(36, 410, "Accepted: 2 April 2022", size=7)
        self.text(36, 420, "Published: 3 April 2022", size=7)
        self.text(36, 450, "Copyright: (c) 2022 by the authors.", size=7)
        self.text(36, 460, "Licensed under CC BY", size=7)
        self.text(36, 470, "(https://creativecommons.org/", size=7)
        self.text(36, 480, "licenses/by/4.0/).", size=7)
        self.text(BODY_LEFT, 320, "1. Introduction", style="B")
        return 336

    def save(self, path: Path) -> Path:
        self.pdf.output(str(path))
        return path


def _simple(tmp_path: Path, body, name="test-2022-simple.pdf", pages=1) -> Path:
    doc = Doc(pages)
    doc.page(1)
    y = doc.front()
    y = body(doc, y) or y + 250
    # the body type is the type most of the text is set in: give the page a body
    doc.text(BODY_LEFT, y, "2. Filler", style="B")
    doc.paragraph(y + 16, [FILLER] * 12)
    return doc.save(tmp_path / name)


FILLER = "Filler words that make the body the most common type on this page"


def test_front_matter_sidebar_and_byline(tmp_path):
    def body(doc, y):
        doc.paragraph(y, ["The test starts here and it ends here."])

    source = load_source(_simple(tmp_path, body))
    tables = structure(source)
    doc = tables["documents"].iloc[0]
    assert doc.title == "A Made-Up Review of Test Documents for Readers"
    assert str(doc.received) == "2022-03-01"
    assert str(doc.published) == "2022-04-03"
    assert list(doc.academic_editors) == ["Carl Checker"]
    assert doc.abstract == (
        "Test documents are useful. They show what a reader does with a page, line by line."
    )
    assert list(doc.keywords) == ["testing", "documents"]
    assert doc.license == "CC-BY-4.0"
    authors = tables["authors"]
    assert authors.name.tolist() == ["Ann Author", "Bob Writer"]  # superscripts dropped
    assert authors.is_corresponding.tolist() == [False, True]
    assert authors.email.tolist()[1] == "bob@example.org"
    assert tables["paragraphs"].text.tolist()[0] == "The test starts here and it ends here."


def test_running_header_and_footer_removed(tmp_path):
    def body(doc, y):
        doc.paragraph(y, ["A sentence long enough to be a paragraph of the body text."])

    text = read_pdf(_simple(tmp_path, body)).text
    lines = text.splitlines()
    assert not [line for line in lines if line.startswith("Testing 2022") or "1 of 1" in line]
    assert "doi.org/10.0000/test" not in text


def test_line_end_hyphen_versus_real_hyphen(tmp_path):
    def body(doc, y):
        doc.paragraph(
            y,
            [
                "The immuno-",
                "genicity of anti-tumor drugs such as T-",
                "DM1 is studied; anti-",
                "tumor effects are large.",
            ],
        )

    text = read_pdf(_simple(tmp_path, body)).text
    assert "The immunogenicity of anti-tumor drugs such as T-DM1 is studied; anti-tumor " in text


def test_join_lines_rules():
    words = {"anti-tumor"}
    assert join_lines("the immuno-", "genicity", words) == "-DROP"
    assert join_lines("an anti-", "tumor", words) == ""  # the document writes "anti-tumor"
    assert join_lines("T-", "DM1", words) == ""
    assert join_lines("HER2-", "positive", words) == ""  # letter-digit stem: a real hyphen
    assert join_lines("https://", "doi.org", words) == ""
    # a link broken at a hyphen keeps it: "...news/phase-iii-trial-" + "evaluating-rova-t"
    assert join_lines("online: https://example.org/phase-iii-trial-", "evaluating", words) == ""
    assert join_lines("one", "two", words) == " "


def test_hidden_white_and_off_page_text_dropped(tmp_path, monkeypatch):
    def body(doc, y):
        doc.paragraph(y, ["Visible words only."])
        doc.pdf.text_mode = "INVISIBLE"
        doc.text(BODY_LEFT, y + 14, "ghost invisible words")
        doc.pdf.text_mode = "FILL"
        doc.text(BODY_LEFT, y + 28, "white hidden words", color=(255, 255, 255))
        doc.text(WIDTH + 20, y + 42, "words beyond the page")

    text = read_pdf(_simple(tmp_path, body)).text
    assert "Visible words only." in text
    assert "ghost" not in text and "white" not in text and "beyond" not in text


def test_text_over_a_figure_dropped(tmp_path):
    from PIL import Image

    png = tmp_path / "figure.png"
    Image.new("RGB", (40, 20), (200, 30, 30)).save(png)

    def body(doc, y):
        doc.paragraph(y, ["Before the figure."])
        doc.pdf.image(str(png), x=BODY_LEFT, y=y + 20, w=300, h=150)
        doc.text(BODY_LEFT + 20, y + 90, "axis label inside")
        doc.text(BODY_LEFT + 60, y + 190, "Figure 1.", size=9, style="B")
        doc.text(BODY_LEFT + 100, y + 190, "A made-up figure.", size=9)
        doc.paragraph(y + 215, ["After the figure."])

    text = read_pdf(_simple(tmp_path, body)).text
    assert "axis label" not in text
    assert "Figure 1. A made-up figure.\n" in text
    assert "Before the figure.\n\n" in text and "After the figure." in text


@pytest.mark.skipif(not (FONT_DIR / "DejaVuSerif.ttf").exists(), reason="needs DejaVu fonts")
def test_ligatures_expanded(tmp_path):
    def body(doc, y):
        doc.pdf.add_font("DejaVu", "", str(FONT_DIR / "DejaVuSerif.ttf"))
        doc.text(INDENT, y, "The \ufb01rst \ufb02ow is e\ufb03cient.", family="DejaVu")

    text = read_pdf(_simple(tmp_path, body)).text
    assert "The first flow is efficient." in text


def _table_doc(tmp_path: Path) -> Path:
    doc = Doc(3)
    doc.page(1)
    y = doc.front()
    doc.paragraph(
        y, ["Our table lists things (Table 1) and it goes on over a page."] + [FILLER] * 20
    )
    doc.page(2)
    y = doc.paragraph(90, [FILLER] * 10 + ["The table follows."])
    y += 20

    def table_top(y, caption):
        doc.text(200, y, caption[0], size=9, style="B")
        doc.text(200 + 5 * len(caption[0]), y, caption[1], size=9)
        doc.rule(36, RIGHT, y + 8, 1.0)
        doc.text(50, y + 22, "Name", size=9, style="B")
        doc.text(250, y + 22, "Value", size=9, style="B")
        doc.text(400, y + 22, "Notes", size=9, style="B")
        doc.rule(36, RIGHT, y + 30)
        return y + 44

    y = table_top(y, ("Table 1.", "Things measured."))
    for name, value, notes in [("alpha", "1", "first"), ("beta", "2", "second")]:
        doc.text(50, y, name, size=9)
        doc.text(250, y, value, size=9)
        doc.text(400, y, notes, size=9)
        y += 14
    doc.text(50, y, "gamma long", size=9)  # a cell wrapped over two lines
    doc.text(250, y + 5, "3", size=9)
    doc.text(400, y + 5, "third", size=9)
    doc.text(50, y + 10, "name", size=9)
    doc.rule(36, RIGHT, y + 18, 1.0)
    doc.page(3)
    y = table_top(90, ("Table 1.", "Cont."))
    doc.text(50, y, "delta", size=9)
    doc.text(250, y, "4", size=9)
    doc.text(400, y, "fourth", size=9)
    doc.rule(36, RIGHT, y + 8, 1.0)
    doc.text(50, y + 22, "Abbreviations: n/a, not applicable.", size=8)
    y = doc.paragraph(y + 50, ["The table ended; the text goes on."])
    doc.text(BODY_LEFT, y + 10, "2. Conclusions", style="B")
    doc.paragraph(y + 26, ["It works."])
    doc.text(BODY_LEFT, y + 56, "Funding:", size=9, style="B")
    doc.text(210, y + 56, "This research received no external funding.", size=9)
    y += 90
    doc.text(36, y, "References", style="B")
    y -= 130  # the entries below are placed relative to y + 146
    doc.text(36, y + 146, "1.", size=9)
    doc.text(50, y + 146, "Author, A.; Writer, B. A first paper. ", size=9)
    doc.text(205, y + 146, "J. Test.", size=9, style="I")
    doc.text(240, y + 146, "2020", size=9, style="B")
    doc.text(258.5, y + 146, ",", size=9)
    doc.text(264, y + 146, "1", size=9, style="I")
    doc.text(269, y + 146, ", 1-2. [CrossRef] [PubMed]", size=9)
    doc.text(36, y + 160, "2.", size=9)
    doc.text(50, y + 160, "Other, C. A second paper that has a title so long it wraps", size=9)
    doc.text(57, y + 172, "onto a second line.", size=9)
    doc.text(134, y + 172, "Test Lett.", size=9, style="I")
    doc.text(176, y + 172, "2021", size=9, style="B")
    doc.text(194.5, y + 172, ",", size=9)
    doc.text(200, y + 172, "2", size=9, style="I")
    doc.text(204.5, y + 172, ", 3. [CrossRef]", size=9)
    doc.text(36, y + 184, "3.", size=9)
    doc.text(50, y + 184, "Third, D. A paper with a printed DOI.", size=9)
    doc.text(210, y + 184, "Test Lett.", size=9, style="I")
    doc.text(252, y + 184, "2022", size=9, style="B")
    doc.text(270.5, y + 184, ",", size=9)
    doc.text(276, y + 184, "3", size=9, style="I")
    doc.text(280.5, y + 184, ", 4. https://doi.org/10.1000/test-", size=9)
    doc.text(57, y + 196, "3.", size=9)
    doc.text(36, y + 216, "Disclaimer/Publisher's Note:", size=9, style="B")
    doc.text(160, y + 216, "The statements are those of the authors.", size=9)
    return doc.save(tmp_path / "table-2022-doc.pdf")


def test_two_page_table_with_cont_caption(tmp_path):
    source = load_source(_table_doc(tmp_path))
    layout = read_layout(source)
    (table,) = layout.tables
    rows = [line.text.split("\t") for line in table.lines]
    assert rows == [
        ["Name", "Value", "Notes"],
        ["alpha", "1", "first"],
        ["beta", "2", "second"],
        ["gamma long name", "3", "third"],
        ["delta", "4", "fourth"],  # the repeated header of "Table 1. Cont." is dropped
    ]
    assert "Cont." not in source.text
    assert [c.caption_id for c in layout.captions] == ["T1"]
    # the note under the table stays in the body, not in the back matter
    assert [h.section_id for h in layout.headings] == ["1", "2"]
    texts = [p.text for p in layout.paragraphs]
    assert "Abbreviations: n/a, not applicable." in texts
    assert "The table ended; the text goes on." in texts


def test_references_and_back_matter(tmp_path):
    source = load_source(_table_doc(tmp_path))
    from tidyreview.references import extract as references

    refs = references(source)["references"]
    assert refs.ref_id.tolist() == [1, 2, 3]
    assert refs.journal.tolist() == ["J. Test.", "Test Lett.", "Test Lett."]
    assert refs.year.tolist() == [2020, 2021, 2022]
    # a printed DOI, wrapped over two lines at one of its hyphens, is kept whole
    assert refs.doi.tolist()[2] == "10.1000/test-3"
    assert (
        refs.title.tolist()[1]
        == "A second paper that has a title so long it wraps onto a second line"
    )
    assert "[CrossRef]" not in source.text
    doc = structure(source)["documents"].iloc[0]
    assert doc.funding == "This research received no external funding."
    # a labelled block after the list is back matter, not part of the last entry
    assert refs.raw.tolist()[1].endswith("*2*, 3.")
    assert source.text.endswith(
        "\n\nDisclaimer/Publisher's Note: The statements are those of the authors.\n\n"
    )


def test_span_map_points_at_the_pages(tmp_path):
    derived = read_pdf(_table_doc(tmp_path))
    assert derived.n_pages == 3
    delta = derived.text.index("delta")
    (span,) = [s for s in derived.spans if s.start <= delta < s.end]
    assert span.page == 3
    assert 45 < span.x0 < 55 and span.top < span.bottom
    for s in derived.spans:
        assert derived.text[s.start : s.end].strip()


def test_benchmark_compares_words_and_order():
    from tidyreview.benchmarks.pdf import compare

    line = compare("one two three four five", "page 3 of 9 one two three four five")
    assert "peer-only 4" in line and "ours-only 0" in line and "reading order 100.0%" in line
    assert "reading order 0.0%" in compare("a b c d e", "e d c b a")


def _raw_pdf(path: Path, page_content: bytes, form_content: bytes) -> Path:
    """Write a one-page PDF by hand whose page draws a form XObject (an embedded page)."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> /XObject << /Fm1 6 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(page_content) + page_content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Times-Roman >>",
        b"<< /Type /XObject /Subtype /Form /BBox [0 0 595 842]"
        b" /Resources << /Font << /F1 5 0 R >> >> /Length %d >>\nstream\n"
        % len(form_content)
        + form_content
        + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.7\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    path.write_bytes(bytes(out))
    return path


def test_text_of_an_embedded_page_is_dropped(tmp_path):
    from tidyreview.pdf_chars import read_pages

    page = b"BT /F1 10 Tf 100 700 Td (Body words stay.) Tj ET\nq 100 300 200 100 re W n /Fm1 Do Q"
    # the embedded page: its own running header (clipped away) and a label inside the clip
    form = (
        b"BT /F1 10 Tf 50 800 Td (FOR PEER REVIEW header) Tj ET\n"
        b"BT /F1 10 Tf 150 350 Td (label in figure) Tj ET"
    )
    (only,) = read_pages(_raw_pdf(tmp_path / "embedded-2020.pdf", page, form))
    text = "".join(c.text for c in only.chars)
    assert "Bodywordsstay." in text
    assert "PEER" not in text and "label" not in text


def test_table_with_top_and_bottom_rules_only(tmp_path):
    def body(doc, y):
        y = doc.paragraph(y, ["A short table follows."]) + 14
        doc.text(250, y, "Table 1.", size=9, style="B")
        doc.text(290, y, "Two rules only.", size=9)
        doc.rule(BODY_LEFT, RIGHT, y + 8)
        doc.text(180, y + 22, "Key", size=9, style="B")
        doc.text(380, y + 22, "Value", size=9, style="B")
        for k, (key, value) in enumerate([("one", "1"), ("two", "2")]):
            doc.text(180, y + 40 + 14 * k, key, size=9)
            doc.text(380, y + 40 + 14 * k, value, size=9)
        doc.rule(BODY_LEFT, RIGHT, y + 64)
        return doc.paragraph(y + 90, ["The text goes on after the table."])

    layout = read_layout(load_source(_simple(tmp_path, body)))
    (table,) = layout.tables
    assert [line.text.split("\t") for line in table.lines] == [
        ["Key", "Value"],
        ["one", "1"],
        ["two", "2"],
    ]
