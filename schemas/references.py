"""Schemas of the reference list and the in-text citations."""

from __future__ import annotations

import pandera.pandas as pa
from pandera.typing import Series

from .base import (
    CAPTION_FK,
    DOCUMENT_FK,
    DOI_PATTERN,
    PARAGRAPH_FK,
    SECTION_FK,
    TABLE_CAPTION_FK,
    Bool,
    Date,
    Int32,
    Int32List,
    Str,
    StrList,
    TidyModel,
    caption_id_field,
    doc_id_field,
    end_field,
    foreign_key,
    line_field,
    paragraph_id_field,
    section_id_field,
    spans_ordered,
    start_field,
    table_id_field,
    trial_id_field,
)

PUB_TYPES = [
    "journal_article",
    "book_chapter",
    "book",
    "web_page",
    "registry_record",
    "conference_paper",
    "other",
]
# A citation marker as printed: "[17,18]", "[22–25]", "[81,86–88]"
MARKER_PATTERN = r"^\[\s*\d+(\s*[–—-]\s*\d+)?(\s*[,;]\s*\d+(\s*[–—-]\s*\d+)?)*\s*\]$"


class References(TidyModel):
    doc_id: Series[Str] = doc_id_field()
    ref_id: Series[Int32] = pa.Field(
        ge=1, description="The entry's number in the reference list (1, 2, ...)."
    )
    authors: Series[StrList] = pa.Field(
        nullable=True,
        description="Authors in printed order, each exactly as written ('van der Lee, M.M.C.', 'Baldwin, A.S., Jr.'); an organisation for web pages ('NCI'); NULL when none is printed.",
    )
    authors_normalized: Series[StrList] = pa.Field(
        nullable=True,
        description="The authors as 'Surname, I.I.': Vancouver-style names rewritten ('Teachey DT' -> 'Teachey, D.T.') and a name split into the title repaired; otherwise equal to authors.",
    )
    n_authors: Series[Int32] = pa.Field(
        ge=0, description="Number of authors printed (those hidden by 'et al.' not counted)."
    )
    et_al: Series[Bool] = pa.Field(description="The author list ends with 'et al.'.")
    first_author_surname: Series[Str] = pa.Field(
        nullable=True,
        description="Surname of the first author, particles kept ('van der Lee'), from authors_normalized.",
    )
    title: Series[Str] = pa.Field(
        nullable=True,
        description="Title as printed, markdown emphasis/escapes and LaTeX markup removed, closing period dropped.",
    )
    journal: Series[Str] = pa.Field(
        nullable=True,
        description="Journal abbreviation as printed ('CA Cancer J. Clin.'), or the book title of a book chapter.",
    )
    year: Series[Int32] = pa.Field(
        nullable=True,
        in_range={"min_value": 1800, "max_value": 2100},
        description="Publication year as printed.",
    )
    volume: Series[Str] = pa.Field(nullable=True, description="Volume as printed.")
    issue: Series[Str] = pa.Field(
        nullable=True, description="Issue as printed ('3' in '*124*(3)'), NULL when not printed."
    )
    pages: Series[Str] = pa.Field(
        nullable=True,
        description="Pages or article number as written ('209–249', 'e130', '1059–1073.e9', 'S1288').",
    )
    doi: Series[Str] = pa.Field(
        nullable=True,
        str_matches=DOI_PATTERN,
        description="DOI, bare ('10.3322/caac.21660'), markdown escapes removed.",
    )
    doi_url: Series[Str] = pa.Field(
        nullable=True,
        str_matches=r"^https://doi\.org/10\.",
        description="Resolvable link to the DOI: https://doi.org/ + doi.",
    )
    url: Series[Str] = pa.Field(
        nullable=True,
        str_matches=r"^https?://\S+$",
        description="Non-DOI link of web pages and registry records.",
    )
    accessed: Series[Date] = pa.Field(
        nullable=True, description="Access date of a web page or registry record."
    )
    trial_id: Series[Str] = trial_id_field(
        "Registry identifier in the link of a registry record", nullable=True
    )
    publisher: Series[Str] = pa.Field(
        nullable=True, description="Publisher of a book chapter ('Springer')."
    )
    publisher_place: Series[Str] = pa.Field(
        nullable=True, description="Place of publication of a book chapter ('Cham, Switzerland')."
    )
    note: Series[Str] = pa.Field(
        nullable=True,
        description="Text printed after the source, e.g. an erratum ('Erratum in Blood 2016, 128, 1441.').",
    )
    pub_type: Series[Str] = pa.Field(
        isin=PUB_TYPES,
        description="journal_article, book_chapter, book (a whole book or report, its title in italics), web_page, registry_record (a trial registry page), conference_paper (In Proceedings of a meeting: its name in journal, its place in publisher_place), patent (its number in note), thesis (its kind in note, the university in publisher) or other (not parsed).",
    )
    n_citing_markers: Series[Int32] = pa.Field(
        ge=0,
        description="Number of citation markers in the body, captions and tables citing this entry (0 = never cited).",
    )
    raw: Series[Str] = pa.Field(
        description="The entry's text after its number, markdown kept, page-break artifacts joined and whitespace collapsed."
    )
    line: Series[Int32] = line_field("where the entry starts")
    start: Series[Int32] = start_field("the entry (its number)")
    end: Series[Int32] = end_field("the entry's last line")
    part_starts: Series[Int32List] = pa.Field(
        description="Start offset of each source line of the entry (several where a page break split it)."
    )
    part_ends: Series[Int32List] = pa.Field(description="End offset of each source line.")

    _check_span = pa.dataframe_check(spans_ordered)

    @pa.dataframe_check(description="ref_id runs 1..n without gap or duplicate in each document")
    def ref_ids_contiguous(cls, df):
        ranks = df.groupby("doc_id")["ref_id"].rank(method="first")
        return df["ref_id"].astype("int64") == ranks.astype("int64")

    @pa.dataframe_check(
        description="authors are printed unless the entry is a web page or registry record"
    )
    def has_authors(cls, df):
        web = df["pub_type"].isin(["web_page", "registry_record"])
        return web | (df["n_authors"] > 0)

    class Config:
        name = "references"
        description = (
            "One row per entry of a review's numbered reference list, parsed into fields. "
            'REFERENCES is an SQL keyword: quote the name in DuckDB (SELECT * FROM "references").'
        )
        unique = ["doc_id", "ref_id"]
        metadata = {
            "stage": "references",
            "foreign_keys": [DOCUMENT_FK],
        }


class Citations(TidyModel):
    doc_id: Series[Str] = doc_id_field()
    ref_id: Series[Int32] = pa.Field(ge=1, description="Number of the cited reference.")
    marker: Series[Str] = pa.Field(
        str_matches=MARKER_PATTERN,
        description="The citation marker as printed, brackets included ('[81,86–88]'); raw_text[start:end] == marker.",
    )
    marker_index: Series[Int32] = pa.Field(
        ge=1,
        description="Position of the marker among the document's citation markers (1 = first).",
    )
    position: Series[Int32] = pa.Field(
        ge=1,
        description="Position of this reference within the marker, ranges expanded (86 in [81,86–88] is 2).",
    )
    n_refs: Series[Int32] = pa.Field(
        ge=1, description="Number of references the marker cites, ranges expanded."
    )
    from_range: Series[Bool] = pa.Field(
        description="The reference is cited through a range ('86–88'), not by its own number."
    )
    section_id: Series[Str] = section_id_field(
        "Section holding the marker (for a table or caption, the section of the caption).",
        nullable=True,
    )
    paragraph_id: Series[Str] = paragraph_id_field(
        "Paragraph holding the marker; NULL in tables and captions.", nullable=True
    )
    table_id: Series[Str] = table_id_field(
        "Table (T1..T4) whose cell holds the marker; NULL outside tables.", nullable=True
    )
    caption_id: Series[Str] = caption_id_field(
        "Caption holding the marker; NULL outside captions.", nullable=True
    )
    line: Series[Int32] = line_field("of the marker")
    start: Series[Int32] = start_field("the marker")
    end: Series[Int32] = end_field("the marker")

    _check_span = pa.dataframe_check(spans_ordered)

    @pa.dataframe_check(description="end - start equals the marker's length")
    def span_is_marker(cls, df):
        return (df["end"] - df["start"]) == df["marker"].str.len()

    @pa.dataframe_check(description="exactly one of paragraph_id, table_id, caption_id is set")
    def one_place(cls, df):
        placed = (
            df["paragraph_id"].notna().astype(int)
            + df["table_id"].notna().astype(int)
            + df["caption_id"].notna().astype(int)
        )
        return placed == 1

    class Config:
        name = "citations"
        description = "One row per cited reference per citation marker in the body, captions and tables (ranges expanded)."
        unique = ["doc_id", "start", "ref_id"]
        metadata = {
            "stage": "references",
            "foreign_keys": [
                foreign_key(["doc_id", "ref_id"], "references"),
                SECTION_FK,
                PARAGRAPH_FK,
                TABLE_CAPTION_FK,
                CAPTION_FK,
            ],
        }
