"""The real MDPI review PDF (Lucas et al., Antibodies 2021): values checked by hand on the pages."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pandas as pd
import pytest

from tidyreview import references, structure
from tidyreview.abbreviations import abbreviations
from tidyreview.layout import read_layout
from tidyreview.source import discover_reviews, load_source

ROOT = Path(__file__).resolve().parents[1]
PDF = ROOT / "raw" / "reviews" / "lucas-2021-antibodies-10-30.pdf"
SHA256 = "8ddc2c2a808ba433652ca3593b933d947a38e849472f463640a27bdacf6cc17e"


@pytest.fixture(scope="module")
def pdf_source():
    return load_source(PDF)


@pytest.fixture(scope="module")
def tables(pdf_source):
    return structure.extract(pdf_source)


@pytest.fixture(scope="module")
def refs(pdf_source):
    return references.extract(pdf_source)["references"].set_index("ref_id")


def test_pdf_is_vendored_with_its_citation():
    assert hashlib.sha256(PDF.read_bytes()).hexdigest() == SHA256
    note = PDF.with_name(PDF.name.replace(".pdf", ".CITATION.md")).read_text(encoding="utf-8")
    assert "CC BY 4.0" in note and "10.3390/antib10030030" in note and SHA256 in note


def test_pdf_source_identity(pdf_source):
    assert pdf_source.doc_id == "lucas2021"
    assert pdf_source.source_format == "pdf"
    assert pdf_source.n_pages == 36
    assert pdf_source.sha256 == SHA256  # of the PDF, not of the derived text
    assert discover_reviews(PDF.parent)["lucas2021"] == str(PDF)


def test_front_matter(tables):
    doc = tables["documents"].iloc[0]
    assert doc.title == (
        "Importance and Considerations of Antibody Engineering in Antibody-Drug Conjugates "
        "Development from a Clinical Pharmacologist’s Perspective"
    )
    assert (doc.journal, doc.year, doc.volume, doc.article_number) == (
        "Antibodies",
        2021,
        "10",
        "30",
    )
    assert doc.doi == "10.3390/antib10030030"
    assert str(doc.received) == "2021-04-27"
    assert doc.revised is None
    assert str(doc.accepted) == "2021-07-16"
    assert str(doc.published) == "2021-07-26"
    assert list(doc.academic_editors) == ["Sophia Karagiannis", "Silvia Crescioli", "Ann White"]
    assert list(doc.keywords) == [
        "antibody-drug conjugates",
        "pharmacology",
        "pharmacokinetics",
        "mononuclear phagocyte system",  # "phago-" / "cyte" mended across the line
    ]
    assert doc.license == "CC-BY-4.0"
    assert doc.abstract.startswith(
        "Antibody-drug conjugates (ADCs) appear to be in a developmental"
    )
    assert doc.abstract.endswith("creation of the next generation of ADCs.")
    assert doc.conflicts_of_interest.startswith("W.C.Z. holds equity in Glolytics, LLC")
    assert doc.funding.startswith("This research received no external funding.")


def test_authors(tables):
    authors = tables["authors"]
    assert authors.name.tolist() == [
        "Andrew T. Lucas",
        "Amber Moody",
        "Allison N. Schorzman",
        "William C. Zamboni",
    ]
    assert authors.is_corresponding.tolist() == [False, False, False, True]
    assert authors.email.iloc[3] == "zamboni@email.unc.edu"


def test_headings_with_levels(tables):
    sections = tables["sections"].set_index("section_id")
    assert len(sections) == 32  # 7 chapters, 20 sections, 5 subsections
    assert sections.loc["1", ["title", "level"]].tolist() == ["Introduction", 1]
    assert sections.loc["2.1", ["title", "level"]].tolist() == ["Antibody Selection", 2]
    assert sections.loc["2.4", "title"] == "Drug-Antibody Ratio (DAR)"
    assert sections.loc["3", "title"] == (
        "Biological Interactions Affecting ADC Pharmacologic Disposition"
    )
    assert sections.loc["5.2", "title"] == "Optimizing the Delivery of ADCs—Tumor Penetration"
    assert sections.loc["6.6", "title"] == (  # a heading wrapped over two lines
        "Optimized Dosing Based on Biomarkers and Precision Medicine Methods for "
        "Individual Patients or Selected Patient Groups"
    )
    assert sections.loc["6.6", "parent_section_id"] == "6"
    # a level-3 heading set in roman type, told from the paragraph by the indent after it
    assert sections.loc["6.1.1", ["title", "level"]].tolist() == ["Novel Target Antigens", 3]
    assert sections.loc["6.2.2", "title"] == "Conditional Activation"
    assert sections.index[-1] == "7"


def test_paragraphs_and_captions(tables, pdf_source):
    paragraphs = tables["paragraphs"]
    assert len(paragraphs) >= 60
    text = pdf_source.text
    for p in paragraphs.itertuples():
        assert text[p.start : p.end] == p.text  # one line per paragraph in the derived text
    # a paragraph continued over a page break (page 2 to 3): "comple-" / "mentary CDR."
    assert paragraphs.text.str.contains("determining complementary CDR. Another option").any()
    captions = tables["captions"]
    assert captions.caption_id.tolist() == ["T1", "F1", "F2", "F3", "F4", "F5", "F6"]
    assert captions.set_index("caption_id").loc["T1", "text"] == (
        "Table 1. Antibody-drug conjugates approved by the FDA."
    )


def test_all_272_references_numbered_in_order(refs):
    assert refs.index.tolist() == list(range(1, 273))


@pytest.mark.parametrize(
    "ref_id, surname, year, journal, title_start",
    [
        (1, "Lucas", 2019, "Antibodies", "Pharmacologic Considerations in the Disposition"),
        (2, "Khongorzul", 2020, "Mol. Cancer Res.", "Antibody–Drug Conjugates: A Comprehensive"),
        (3, "Maleki", 2013, "Hum. Antib.", "Future prospects of monoclonal antibodies"),
        (4, "Gordon", 2015, "Bioconjug. Chem.", "Field Guide to Challenges and Opportunities"),
        (16, "Yoo", 2003, "J. Immunol.", "Human IgG2 Can Form Covalent Dimers"),
        (86, "Solal-Céligny", 2006, "Leuk. Res.", "Safety of rituximab maintenance therapy"),
        (255, "Chen", 2013, "OncoTargets Ther.", "Targeted therapy for Hodgkin lymphoma"),
        (262, "Mould", 2015, "Dig. Dis.", "The Pharmacokinetics of Biologics: A Primer"),
        (263, "Lefevre", 2019, "BioDrugs", "Factors Influencing Drug Disposition"),
        (211, "Jovčevska", 2020, "BioDrugs", "The Therapeutic Potential of Nanobodies"),
        (272, "Ordás", None, None, "Therapeutic drug monitoring of tumor necrosis factor"),
    ],
)
def test_reference_fields(refs, ref_id, surname, year, journal, title_start):
    ref = refs.loc[ref_id]
    assert ref.first_author_surname == surname
    if year is not None:
        assert ref.year == year
    if journal is not None:
        assert ref.journal == journal
    assert ref.title.startswith(title_start)
    assert "[CrossRef]" not in ref.raw and "[PubMed]" not in ref.raw


def test_book_chapter_and_web_page_references(refs):
    chapter = refs.loc[42]  # In *Methods in Molecular Biology*; ...; Volume 1045, pp. 51–70.
    assert (chapter.pub_type, chapter.journal, chapter.year) == (
        "book_chapter",
        "Methods in Molecular Biology",
        2013,
    )
    assert (chapter.volume, chapter.pages) == ("1045", "51–70")
    web = refs.loc[81]  # a printed link (as printed: "trialevaluating-rovat")
    assert web.pub_type == "web_page"
    assert web.title == "Phase III Trial Evaluating Rova-T in Small Cell Lung Cancer Put on Hold"
    assert (web.publisher, web.year) == ("Targeted Oncology", 2018)  # the site, then the year
    assert web.url == (
        "https://www.targetedonc.com/news/phase-iii-trialevaluating-rovat-in-small-cell-lung-"
        "cancer-put-on-hold"
    )
    assert str(web.accessed) == "2021-01-10"


def test_conference_and_wrapped_italic_hyphen(refs, pdf_source):
    meeting = refs.loc[143]  # "... In Proceedings of the 30th EORTC-NCI-AACR Symposium, ..."
    assert (meeting.pub_type, meeting.year, meeting.publisher_place) == (
        "conference_paper",
        2018,
        "Dublin, Ireland",
    )
    assert meeting.journal == "Proceedings of the 30th EORTC-NCI-AACR Symposium"
    # the italic book title wrapped after "Antibody-": the hyphen joins, no space
    assert refs.loc[208, "journal"] == "Innovations for Next-Generation Antibody-Drug Conjugates"
    flags = references.extract(pdf_source)["quality_flags"]
    assert "reference_unparsed" not in set(flags.check)
    # "Hickok, J.R.; Thomas, D.D. Nitric oxide and ...": Thomas is the surname ("oxide ..."
    # cannot open a title), not a given name split from "Nitric"
    assert "reference_author_split" not in set(flags.check)
    assert list(refs.loc[219, "authors_normalized"]) == ["Hickok, J.R.", "Thomas, D.D."]
    # "BioAtla LLC. *Title*; ...": a company as author, not a Vancouver "BioAtla, L.L.C."
    assert list(refs.loc[248, "authors_normalized"]) == ["BioAtla LLC"]
    assert "reference_author_format" not in set(flags.check)


def test_reference_volume_and_pages(refs):
    assert (refs.loc[4, "volume"], refs.loc[4, "pages"]) == ("26", "2198–2215")
    # the DOI a [CrossRef] marker links to, written <https://doi.org/...> as in the text
    assert refs.loc[4, "doi"] == "10.1021/acs.bioconjchem.5b00399"
    assert refs.loc[16, "doi"] == "10.4049/jimmunol.170.6.3134"
    assert refs.doi.notna().sum() == 248  # every entry with a [CrossRef] marker
    assert pd.isna(refs.loc[42, "doi"])  # no marker, no DOI
    assert (refs.loc[16, "volume"], refs.loc[16, "pages"]) == ("170", "3134–3138")


def test_table_rows_and_cells(pdf_source):
    layout = read_layout(pdf_source)
    (table,) = layout.tables
    rows = [line.text.split("\t") for line in table.lines]
    assert rows[0][4] == "ADC Characteristics"  # the group header over the last four columns
    assert rows[1] == [
        "Generic Name",
        "Brand Name (Manufacturer)",
        "Indication",
        "Approval Year",
        "Antibody Isotype",
        "Target Antigen",
        "Linker",
        "Payload",
    ]
    body = rows[2:]
    assert len(body) == 10
    assert body[0] == [
        "Brentuximab vedotin",
        "Adcetris (Seattle Genetics)",
        "HL, ALCL",
        "2011",
        "IgG1",
        "CD30",
        "Cleavable (protease)",
        "MMAE",
    ]
    assert body[1][:2] == ["Ado-trastuzumab emtasine", "Kadcyla (Genentech)"]
    assert body[1][6] == "Non-cleavable"  # a real hyphen at a line end, kept
    assert body[4][0] == "Moxetumomab pasudotox-tdfk"
    assert body[4][7] == "Pseudomonas exotoxin"
    assert body[9][:3] == [
        "Belantamab mafodotin-blmf",
        "Blenrep (GlaxoSmithKline)",
        "Multiple myeloma",
    ]


def test_layout_traps_are_handled(pdf_source):
    text = pdf_source.text
    assert "of 36" not in text  # running headers
    assert "FOR PEER REVIEW" not in text  # clipped text of an embedded page
    assert "https://www.mdpi.com/journal" not in text  # first-page footer
    assert not re.search("[\ufb00-\ufb06]", text)  # ligatures expanded
    assert "[CrossRef]" not in text and "[PubMed]" not in text
    assert "immunogenicity of the compound" in text  # "immuno-" / "genicity" mended
    assert "traditional small molecules" in text  # "tra-" / "ditional" mended
    assert "non-conjugated" in text  # a real hyphen, kept
    assert "T-DM1" in text


def test_span_map_covers_the_text_with_pages_and_boxes(pdf_source):
    spans = pdf_source.spans
    assert spans and all(0 <= s < e <= len(pdf_source.text) for s, e, *_ in spans)
    assert [s for s, *_ in spans] == sorted(s for s, *_ in spans)
    assert {page for _, _, page, *_ in spans} == set(range(1, 37))
    for _, _, _, x0, top, x1, bottom in spans:
        assert 0 <= x0 <= x1 <= 595.3 and 0 <= top <= bottom <= 841.9
    introduction = pdf_source.text.index("1. Introduction")
    (span,) = [s for s in spans if s[0] == introduction]
    assert span[2] == 1  # first page


def test_mentions_index_the_derived_text(pdf_source):
    citations = references.extract(pdf_source)["citations"]
    assert len(citations) > 300
    for c in citations.itertuples():
        assert pdf_source.text[c.start : c.end] == c.marker


def test_abbreviations_found_in_the_derived_text(pdf_source):
    found = abbreviations(read_layout(pdf_source))
    pairs = set(zip(found.short, found.long, strict=True))
    assert ("ADCs", "Antibody-drug conjugates") in pairs or ("ADCs", "drug conjugates") in pairs
    assert ("TI", "therapeutic index") in pairs
    assert ("DAR", "drug-antibody ratio") in pairs


def test_provenance_tables(tables, pdf_source, source):
    doc = tables["documents"].iloc[0]
    assert (doc.source_format, doc.n_pages, doc.source_sha256) == ("pdf", 36, SHA256)
    (row,) = tables["document_texts"].to_dict("records")
    assert row["text"] == pdf_source.text and row["source_format"] == "pdf"
    spans = tables["text_spans"]
    assert len(spans) == len(pdf_source.spans) and spans.start.is_unique
    assert (spans.end > spans.start).all() and spans.page.between(1, 36).all()
    text_doc = structure.extract(source)  # the text review: no pages, no span map
    assert text_doc["documents"].iloc[0][["source_format", "n_pages"]].tolist() == ["text", None]
    assert text_doc["text_spans"].empty
    assert text_doc["document_texts"].iloc[0].text == source.text


def test_derived_text_is_written_once_and_read_back_unchanged(pdf_source, tmp_path):
    from tidyreview.source import save_derived

    path = tmp_path / "lucas2021.derived.json"
    save_derived(pdf_source, path)
    again = load_source(path)
    assert (again.doc_id, again.path, again.sha256) == (
        pdf_source.doc_id,
        pdf_source.path,
        pdf_source.sha256,
    )
    assert again.text == pdf_source.text and again.spans == pdf_source.spans
    assert (again.source_format, again.n_pages) == ("pdf", 36)
    first = path.read_bytes()
    save_derived(again, path)
    assert path.read_bytes() == first  # deterministic


def test_unknown_table_goes_to_table_cells_losslessly(pdf_source):
    from tidyreview.review_tables import extract as review_tables

    frames = review_tables(pdf_source, ROOT / "raw" / "vocabularies")
    cells = frames["table_cells"]
    assert len(cells) == 12 * 8  # group header, header and 10 rows of 8 columns
    assert set(cells.table_id) == {"T1"}
    for cell in cells.itertuples():
        assert pdf_source.text[cell.start : cell.end] == cell.value
    row = cells[cells.row_index == cells.row_index.max()].sort_values("column_index")
    assert row.value.tolist()[:2] == ["Belantamab mafodotin-blmf", "Blenrep (GlaxoSmithKline)"]
