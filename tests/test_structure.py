"""Document structure: hand-checked against the review, and rules on made-up text."""

import datetime as dt

import pytest

from conftest import records
from tidyreview import structure
from tidyreview.layout import join_across_break, read_layout
from tidyreview.source import source_from_text

# Numbered headings as printed in the review (lines 33 ... 395), checked by hand.
NUMBERED = [
    ("1", "Introduction"),
    ("2", "HER2-Targeted Therapies"),
    ("2.1", "Antibodies"),
    ("2.1.1", "Monoclonal Antibodies"),
    ("2.1.2", "Bispecific Antibodies"),
    ("2.1.3", "Antibody-Drug Conjugates (ADCs)"),
    ("2.2", "TKIs"),
    ("3", "HER2-Targeted Therapies in the Era of Immunotherapy"),
    ("3.1", "PD-1/PD-L1 Antibodies"),
    ("3.2", "Immunotherapy-Enhancing ADCC and ADCP"),
    ("3.3", "Immunotherapy Enhancing Adaptive Immune Response"),
    ("4", "Cell Therapies"),
    ("4.1", "CAR-T Cells"),
    ("4.2", "CAR-NK"),
    ("4.3", "CAR-M"),
    ("5", "Anti-Cancer Vaccines"),
    ("6", "Exosomes"),
    ("7", "Conclusions"),
]
# Unnumbered subheadings (lines 68, 78, 102, 110, 291) with the ids we give them.
UNNUMBERED = [
    ("2.1.2.a", "HER2/HER2 BsAb", "2.1.2", 4),
    ("2.1.2.b", "HER2/HER3 BsAb", "2.1.2", 4),
    ("2.1.2.c", "HER2 and CD3 BsAb", "2.1.2", 4),
    ("2.1.2.d", "HER2 and CD16 BsAb", "2.1.2", 4),
    (
        "3.3.a",
        "Significance of tumor mutation burden, tumor-infiltrating lymphocytes, and PD-L1 "
        "expression in immunotherapy for HER2+ breast cancer",
        "3.3",
        3,
    ),
]
# Paragraphs per section, counted by hand (a paragraph split by a page break counts once).
PARAGRAPHS_PER_SECTION = {
    "1": 3,
    "2.1.1": 5,
    "2.1.2": 1,
    "2.1.2.a": 3,
    "2.1.2.b": 2,
    "2.1.2.c": 3,
    "2.1.2.d": 2,
    "2.1.3": 14,
    "2.2": 8,
    "3": 1,
    "3.1": 6,
    "3.2": 4,
    "3.3": 3,
    "3.3.a": 4,
    "4": 2,
    "4.1": 7,
    "4.2": 5,
    "4.3": 6,
    "5": 7,
    "6": 4,
    "7": 1,
}


@pytest.fixture(scope="module")
def tables(source):
    return structure.extract(source)


def test_documents_row(tables):
    (doc,) = records(tables["documents"], "documents")
    assert doc["doc_id"] == "mercogliano2023"
    assert doc["title"] == "Emerging Targeted Therapies for HER2-Positive Breast Cancer"
    assert (doc["journal"], doc["year"], doc["volume"], doc["article_number"]) == (
        "Cancers",
        2023,
        "15",
        "1987",
    )
    assert doc["doi"] == "10.3390/cancers15071987"
    assert doc["received"] == dt.date(2023, 2, 21)
    assert doc["revised"] == dt.date(2023, 3, 23)
    assert doc["accepted"] == dt.date(2023, 3, 24)
    assert doc["published"] == dt.date(2023, 3, 26)
    assert doc["keywords"] == [
        "HER2-positive breast cancer",
        "monoclonal antibodies",
        "tyrosine kinase inhibitors",
        "immunotherapy",
        "CAR-T cells",
        "CAR-NK cells",
        "CAR-M cells",
        "cancer vaccines",
    ]
    assert doc["license"] == "CC-BY-4.0"
    assert doc["license_url"] == "https://creativecommons.org/licenses/by/4.0/"
    assert doc["academic_editors"] == [
        "Mireia Margeli Vila",
        "Eudald Felip Falgas",
        "Bergamino Sirven Milana Arantza",
    ]
    assert doc["simple_summary"].startswith(
        "HER2-positive breast cancer (BC), which accounts for ~20% of BC"
    )
    assert doc["abstract"].startswith("Breast cancer is the most common cancer in women")
    assert doc["acknowledgments"] == "Figures were created with BioRender."
    assert doc["conflicts_of_interest"].startswith("R.S. has a research grant from INmune Bio.")


def test_authors(tables, raw):
    rows = records(tables["authors"], "authors")
    assert [(r["position"], r["name"], r["is_corresponding"], r["email"]) for r in rows] == [
        (1, "María Florencia Mercogliano", True, "fmercogliano@dna.uba.ar"),
        (2, "Sofía Bruni", False, None),
        (3, "Florencia Luciana Mauro", False, None),
        (4, "Roxana Schillaci", True, "rschillaci@ibyme.conicet.gov.ar"),
    ]
    assert [r["initials"] for r in rows] == ["M.F.M.", "S.B.", "F.L.M.", "R.S."]
    assert {r["affiliation"] for r in rows} == {
        "Instituto de Biología y Medicina Experimental (IByME-CONICET), Buenos Aires C1428ADN, Argentina"
    }
    assert all(raw[r["start"] : r["end"]] == r["name"] for r in rows)


def test_eighteen_numbered_sections_with_exact_titles(tables):
    s = tables["sections"]
    numbered = s[s.is_numbered]
    assert list(zip(numbered.section_id, numbered.title, strict=True)) == NUMBERED
    assert list(numbered.level) == [n.count(".") + 1 for n, _ in NUMBERED]
    parents = {r["section_id"]: r["parent_section_id"] for r in records(s, "sections")}
    assert parents["2.1.3"] == "2.1" and parents["2.1"] == "2" and parents["7"] is None


def test_unnumbered_subheadings_are_children_with_stable_ids(tables):
    s = tables["sections"]
    sub = s[~s.is_numbered]
    assert (
        list(zip(sub.section_id, sub.title, sub.parent_section_id, sub.level, strict=True))
        == UNNUMBERED
    )
    assert sub.number.isna().all()


def test_section_spans(tables, source, raw):
    s = tables["sections"].set_index("section_id")
    assert source.line_of(s.loc["1", "start"]) == 33
    assert raw[s.loc["2.1.3", "start"] :].startswith("2.1.3. Antibody-Drug Conjugates (ADCs)")
    # 2.1.3 ends with the last line of Table 2 (line 183); 7 ends with its only paragraph.
    assert source.line_of(s.loc["2.1.3", "end"]) == 183
    assert raw[: s.loc["7", "end"]].endswith("offer them the best treatment option.")
    # A parent's span covers its children.
    assert (
        s.loc["2", "start"] < s.loc["2.1.3", "start"] and s.loc["2", "end"] == s.loc["2.2", "end"]
    )
    for row in s.itertuples():
        assert raw[row.heading_start : row.heading_end].endswith(row.title)


def test_paragraph_counts_per_section(tables):
    p = tables["paragraphs"]
    assert len(p) == 91
    assert p.groupby("section_id").size().to_dict() == PARAGRAPHS_PER_SECTION
    assert list(p.paragraph_id[:3]) == ["p001", "p002", "p003"]


def test_paragraphs_split_by_page_breaks_are_rejoined(tables, raw):
    p = tables["paragraphs"]
    first = p.iloc[0]
    assert first.n_parts == 2
    assert "the different family members can homo- or heterodimerize, resulting in" in first.text
    assert raw[first.start : first.end].startswith("Breast cancer is the most frequent tumor")
    joined = p[p.n_parts > 1]
    assert len(joined) == 15  # page breaks inside paragraphs, found by reading the text
    text = " ".join(p.text)
    assert "Chimeric antigen receptor (CAR)-T cells overcome" in text
    assert "structure was a CD3 ζ -based CAR with a scFV" in text
    assert "robust antitumor effect when HER2-CAR-T cells were delivered" in text
    assert "There are currently 9 trials for HER2+ solid tumors." in text
    for row in p.itertuples():
        for start, end in zip(row.part_starts, row.part_ends, strict=True):
            assert raw[start:end].strip() and "\n" not in raw[start:end]
        assert "  " not in row.text and "\t" not in row.text


def test_tables_headings_and_references_are_not_paragraphs(tables):
    text = " ".join(tables["paragraphs"].text)
    assert "NCT03842085\t" not in text
    assert "Table 1. Bispecific" not in text
    assert "Sung, H.; Ferlay, J." not in text
    assert "Author Contributions" not in text


def test_captions(tables, source, raw):
    c = tables["captions"]
    assert list(zip(c.caption_id, c.kind, c.section_id, strict=True)) == [
        ("F1", "figure", "1"),
        ("T1", "table", "2.1.2.b"),
        ("T2", "table", "2.1.3"),
        ("T3", "table", "2.2"),
        ("T4", "table", "3.1"),
    ]
    assert [source.line_of(s) for s in c.start] == [46, 84, 150, 207, 226]
    assert c.set_index("caption_id").loc["T4", "text"] == (
        "Table 4. Clinical trials combining immunotherapies with HER2-targeted therapies."
    )
    assert all(raw[r.start : r.end] == r.text for r in c.itertuples())


def test_unterminated_paragraph_is_flagged(tables, source):
    flags = tables["quality_flags"]
    (row,) = flags[flags.check == "paragraph_unterminated"].itertuples()
    assert row.line == 224 and row.subject.endswith("listed in Table 4")


# --- rules on made-up text ---------------------------------------------------------

MADE_UP = """Title of a Made-Up Review

Ann Author *, Bob Writer and Cy Third *

Some Institute, Some City

* Correspondence: ann@example.org (A.A.); cy@example.org (C.T.)

Keywords: one; two

Citation: Author, A. Title. *Journal X* **2020**, *7*, 12. <https://doi.org/10.1000/xyz123>

Received: 1 January 2020

Accepted: 2 February 2020

Published: 3 March 2020

1. Start

First paragraph ends mid sentence and

continues after a page break with a re-

joined word and a homo-

or heterodimer.

Group Name

A paragraph under an unnumbered subheading [1].

Table 1. A table.

A\tB
x\ty

1.1. Child

Child text.

2. Next

Last paragraph.

Funding: None.

References

1. Doe, J. A paper. *J.* **2001**, *1*, 1–2.
"""


def test_made_up_review_layout():
    src = source_from_text(MADE_UP, doc_id="author2020")
    layout = read_layout(src)
    ids = [(h.section_id, h.title, h.level, h.parent_section_id) for h in layout.headings]
    assert ids == [
        ("1", "Start", 1, None),
        ("1.a", "Group Name", 2, "1"),
        ("1.1", "Child", 2, "1"),
        ("2", "Next", 1, None),
    ]
    texts = [p.text for p in layout.paragraphs]
    assert texts[0] == (
        "First paragraph ends mid sentence and continues after a page break with a "
        "rejoined word and a homo- or heterodimer."
    )
    assert texts[1:] == [
        "A paragraph under an unnumbered subheading [1].",
        "Child text.",
        "Last paragraph.",
    ]
    assert [p.section_id for p in layout.paragraphs] == ["1", "1.a", "1.1", "2"]
    assert [line.text for line in layout.tables[0].lines] == ["A\tB", "x\ty"]
    assert [line.text for line in layout.reference_lines] == [
        "1. Doe, J. A paper. *J.* **2001**, *1*, 1–2."
    ]
    tables = structure.extract(src)
    doc = tables["documents"].iloc[0]
    assert (doc.journal, doc.year, doc.volume, doc.doi, doc.funding) == (
        "Journal X",
        2020,
        "7",
        "10.1000/xyz123",
        "None.",
    )
    authors = tables["authors"]
    assert [r["email"] for r in records(authors, "authors")] == [
        "ann@example.org",
        None,
        "cy@example.org",
    ]


@pytest.mark.parametrize(
    ("before", "after", "joined"),
    [
        ("can homo-", "or heterodimerize", "can homo- or heterodimerize"),
        ("antigen re-", "ceptor (CAR)", "antigen receptor (CAR)"),
        ("when HER2-", "CAR-T cells", "when HER2-CAR-T cells"),
        ("CD3 ζ -", "based CAR", "CD3 ζ -based CAR"),
        ("currently 9", "trials for", "currently 9 trials for"),
    ],
)
def test_join_across_page_break(before, after, joined):
    assert join_across_break(before, after) == joined
