"""Schemas of the document-structure tables."""

from __future__ import annotations

import pandera.pandas as pa
from pandera.typing import Series

from .base import (
    DOCUMENT_FK,
    DOI_PATTERN,
    SECTION_FK,
    Bool,
    Date,
    Float64,
    Int32,
    Int32List,
    Str,
    StrList,
    TidyModel,
    caption_id_field,
    doc_id_field,
    end_field,
    paragraph_id_field,
    section_id_field,
    spans_ordered,
    start_field,
)


class Documents(TidyModel):
    doc_id: Series[Str] = doc_id_field()
    title: Series[Str] = pa.Field(description="Article title as printed.")
    journal: Series[Str] = pa.Field(
        nullable=True, description="Journal name from the citation line."
    )
    year: Series[Int32] = pa.Field(
        nullable=True,
        in_range={"min_value": 1900, "max_value": 2100},
        description="Publication year.",
    )
    volume: Series[Str] = pa.Field(nullable=True, description="Journal volume.")
    article_number: Series[Str] = pa.Field(
        nullable=True, description="Article number (or first page)."
    )
    doi: Series[Str] = pa.Field(
        nullable=True, str_matches=DOI_PATTERN, description="DOI, bare (starts with 10.)."
    )
    citation: Series[Str] = pa.Field(nullable=True, description="The citation line as printed.")
    received: Series[Date] = pa.Field(
        nullable=True, description="Date the manuscript was received."
    )
    revised: Series[Date] = pa.Field(nullable=True, description="Date of the revised manuscript.")
    accepted: Series[Date] = pa.Field(nullable=True, description="Date of acceptance.")
    published: Series[Date] = pa.Field(nullable=True, description="Date of publication.")
    keywords: Series[StrList] = pa.Field(nullable=True, description="Author keywords, in order.")
    license: Series[Str] = pa.Field(
        nullable=True,
        description="SPDX-style licence id derived from the licence URL, e.g. CC-BY-4.0.",
    )
    license_url: Series[Str] = pa.Field(nullable=True, description="Licence URL as printed.")
    copyright: Series[Str] = pa.Field(
        nullable=True, description="Copyright and licence statement as printed."
    )
    academic_editors: Series[StrList] = pa.Field(
        nullable=True, description="Academic editors, in order."
    )
    simple_summary: Series[Str] = pa.Field(nullable=True, description="The Simple Summary text.")
    abstract: Series[Str] = pa.Field(nullable=True, description="The Abstract text.")
    author_contributions: Series[Str] = pa.Field(
        nullable=True, description="Author Contributions statement."
    )
    funding: Series[Str] = pa.Field(nullable=True, description="Funding statement.")
    acknowledgments: Series[Str] = pa.Field(nullable=True, description="Acknowledgments statement.")
    conflicts_of_interest: Series[Str] = pa.Field(
        nullable=True, description="Conflicts of Interest statement."
    )
    source_file: Series[Str] = pa.Field(description="File name of the raw source in raw/reviews/.")
    source_sha256: Series[Str] = pa.Field(
        str_matches=r"^[0-9a-f]{64}$", description="sha256 of the raw source bytes."
    )
    n_characters: Series[Int32] = pa.Field(
        gt=0, description="Length of the decoded source text (offsets index into it)."
    )
    source_format: Series[Str] = pa.Field(
        isin=["text", "pdf"],
        description="text (a plain-text rendering, offsets index the file) or pdf (offsets index the text derived from the PDF, published in document_texts).",
    )
    n_pages: Series[Int32] = pa.Field(
        nullable=True, ge=1, description="Number of pages of a PDF source; NULL for text."
    )
    cite_as: Series[Str] = pa.Field(
        nullable=True,
        description="How to cite the review, from the <review>.CITATION.md beside it in "
        "raw/reviews/ (NULL when there is none); the data package cites it as a source.",
    )
    cite_as_license: Series[Str] = pa.Field(
        nullable=True,
        description="SPDX-style id of the licence the CITATION.md states the review is "
        "redistributed under (CC-BY-4.0); the data package lists it.",
    )
    cite_as_license_url: Series[Str] = pa.Field(
        nullable=True, description="That licence's URL, as the CITATION.md gives it."
    )

    @pa.dataframe_check(description="received <= accepted <= published")
    def dates_in_order(cls, df):
        ok = (df["received"] <= df["accepted"]).fillna(True) & (
            df["accepted"] <= df["published"]
        ).fillna(True)
        return ok & (df["received"] <= df["revised"]).fillna(True)

    class Config:
        name = "documents"
        description = (
            "One row per source review: bibliographic facts, dates, front and back matter."
        )
        unique = ["doc_id"]
        metadata = {"stage": "structure"}


class DocumentTexts(TidyModel):
    doc_id: Series[Str] = doc_id_field()
    source_format: Series[Str] = pa.Field(
        isin=["text", "pdf"], description="text or pdf, as in documents."
    )
    text: Series[Str] = pa.Field(
        description="The text every offset of this document indexes: the file itself for a text source, the rendering derived from the PDF for a pdf source (text[start:end] == surface)."
    )

    class Config:
        name = "document_texts"
        description = "One row per source review: the full text its offsets index into."
        unique = ["doc_id"]
        metadata = {"stage": "structure", "foreign_keys": [DOCUMENT_FK]}


class TextSpans(TidyModel):
    doc_id: Series[Str] = doc_id_field()
    start: Series[Int32] = start_field("the piece of text")
    end: Series[Int32] = end_field("the piece of text")
    page: Series[Int32] = pa.Field(ge=1, description="PDF page (1-based) the piece is printed on.")
    x0: Series[Float64] = pa.Field(
        ge=0, description="Left edge of the piece's box, in PDF points from the page's left."
    )
    top: Series[Float64] = pa.Field(
        ge=0, description="Top edge of the box, in PDF points from the page's top."
    )
    x1: Series[Float64] = pa.Field(ge=0, description="Right edge of the box, in PDF points.")
    bottom: Series[Float64] = pa.Field(
        ge=0, description="Bottom edge of the box, in PDF points from the page's top."
    )

    _check_span = pa.dataframe_check(spans_ordered)

    @pa.dataframe_check(description="x0 <= x1 and top <= bottom")
    def box_ordered(cls, df):
        return (df["x0"] <= df["x1"]) & (df["top"] <= df["bottom"])

    class Config:
        name = "text_spans"
        description = (
            "Span map of a PDF source: each piece of the derived text (a line of a paragraph, "
            "a table cell, a heading) with the page and box it is printed in; any span "
            "(start, end) joins to the rows overlapping it. No rows for text sources."
        )
        unique = ["doc_id", "start"]
        metadata = {"stage": "structure", "foreign_keys": [DOCUMENT_FK]}


class Authors(TidyModel):
    doc_id: Series[Str] = doc_id_field()
    position: Series[Int32] = pa.Field(
        ge=1, description="Author's position in the byline (1 = first)."
    )
    name: Series[Str] = pa.Field(description="Full name as printed in the byline.")
    initials: Series[Str] = pa.Field(
        description="Initials derived from the name (M.F.M.), as used in the Correspondence line."
    )
    is_corresponding: Series[Bool] = pa.Field(description="Marked with * as corresponding author.")
    email: Series[Str] = pa.Field(
        nullable=True,
        str_matches=r"^[^@\s]+@[^@\s]+$",
        description="Email from the Correspondence line.",
    )
    affiliation: Series[Str] = pa.Field(nullable=True, description="Affiliation text.")
    start: Series[Int32] = start_field("the name")
    end: Series[Int32] = end_field("the name")

    _check_span = pa.dataframe_check(spans_ordered)

    class Config:
        name = "authors"
        description = "One row per author of a source review."
        unique = ["doc_id", "position"]
        metadata = {"stage": "structure", "foreign_keys": [DOCUMENT_FK]}


class Sections(TidyModel):
    doc_id: Series[Str] = doc_id_field()
    section_id: Series[Str] = section_id_field(
        "Section number (2.1.3); unnumbered subheadings get the parent's id plus a letter (2.1.2.a)."
    )
    number: Series[Str] = pa.Field(
        nullable=True, description="The printed section number, NULL for unnumbered subheadings."
    )
    title: Series[Str] = pa.Field(description="Heading text as printed, without the number.")
    level: Series[Int32] = pa.Field(
        ge=1,
        le=6,
        description="Depth: 1 for '2.', 2 for '2.1.', ...; a subheading is one deeper than its parent.",
    )
    parent_section_id: Series[Str] = pa.Field(
        nullable=True, description="Enclosing section, NULL for top-level sections."
    )
    is_numbered: Series[Bool] = pa.Field(
        description="True for numbered headings, False for unnumbered subheadings."
    )
    ordinal: Series[Int32] = pa.Field(ge=1, description="Order of the heading in the document.")
    heading_start: Series[Int32] = start_field("the heading line")
    heading_end: Series[Int32] = end_field("the heading line")
    start: Series[Int32] = start_field("the section (its heading)")
    end: Series[Int32] = end_field("the section's last block")

    _check_span = pa.dataframe_check(spans_ordered)

    class Config:
        name = "sections"
        description = (
            "One row per section heading, numbered or not, with the span of the section's content."
        )
        unique = ["doc_id", "section_id"]
        metadata = {"stage": "structure", "foreign_keys": [DOCUMENT_FK]}


class Paragraphs(TidyModel):
    doc_id: Series[Str] = doc_id_field()
    paragraph_id: Series[Str] = paragraph_id_field("Paragraph id, p001.. in document order.")
    section_id: Series[Str] = section_id_field("Innermost section holding the paragraph.")
    index_in_section: Series[Int32] = pa.Field(
        ge=1, description="Position of the paragraph within its section."
    )
    text: Series[Str] = pa.Field(
        description="Paragraph text: page breaks re-joined (hyphenated words mended), whitespace runs collapsed."
    )
    start: Series[Int32] = start_field("the paragraph")
    end: Series[Int32] = end_field("the paragraph")
    n_parts: Series[Int32] = pa.Field(
        ge=1,
        description="Number of source blocks the paragraph was re-joined from (>1 where a page break split it).",
    )
    part_starts: Series[Int32List] = pa.Field(description="Start offset of each part.")
    part_ends: Series[Int32List] = pa.Field(description="End offset of each part.")

    _check_span = pa.dataframe_check(spans_ordered)

    class Config:
        name = "paragraphs"
        description = "One row per body paragraph (sections 1 to the end of the body); tables, captions, headings and references are not paragraphs."
        unique = ["doc_id", "paragraph_id"]
        metadata = {"stage": "structure", "foreign_keys": [SECTION_FK]}


class Captions(TidyModel):
    doc_id: Series[Str] = doc_id_field()
    caption_id: Series[Str] = caption_id_field("T1..Tn for tables, F1..Fn for figures.")
    kind: Series[Str] = pa.Field(isin=["table", "figure"], description="table or figure.")
    number: Series[Int32] = pa.Field(ge=1, description="The printed table or figure number.")
    text: Series[Str] = pa.Field(
        description="Caption line as printed, label included ('Table 1. ...')."
    )
    section_id: Series[Str] = section_id_field("Section in which the caption appears.")
    start: Series[Int32] = start_field("the caption")
    end: Series[Int32] = end_field("the caption")

    _check_span = pa.dataframe_check(spans_ordered)

    class Config:
        name = "captions"
        description = "One row per table or figure caption."
        unique = ["doc_id", "caption_id"]
        metadata = {"stage": "structure", "foreign_keys": [SECTION_FK]}
