"""Document structure tables: documents, authors, sections, paragraphs, captions."""

from __future__ import annotations

import datetime as dt
import re

import pandas as pd

from .errors import SourceFormatError
from .layout import LABELLED, TERMINAL, Layout, collapse, read_layout
from .quality import Flags
from .review_citation import CC_LICENCE, read_review_citation, spdx_id
from .source import Source

# Citation line: "... *Cancers* **2023**, *15*, 1987. <https://doi.org/10.3390/...>"
CITATION_LINE = re.compile(
    r"\*(?P<journal>[^*]+)\*\s+\*\*(?P<year>\d{4})\*\*,\s+\*(?P<volume>[^*]+)\*,\s+"
    r"(?P<article>[\w-]+)\.\s+<?https?://doi\.org/(?P<doi>10\.[^\s>]+)>?"
)
# "fmercogliano@dna.uba.ar (M.F.M.)"
EMAIL_WITH_INITIALS = re.compile(
    r"(?P<email>[\w.+-]+@[\w-]+(?:\.[\w-]+)+)\s*(?:\((?P<initials>[^)]*)\))?"
)
# Author list separators: "A *, B, C and D *"
AUTHOR_SPLIT = re.compile(r",\s*|\s+and\s+")

DATE_LABELS = ("received", "revised", "accepted", "published")


def _snake(label: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", label.lower()).strip("_")


def _labelled_fields(blocks) -> dict[str, tuple[str, object]]:
    """Return {snake_label: (value, block)} for every 'Label: value' block."""
    fields = {}
    for block in blocks:
        m = LABELLED.match(block.lines[0].text)
        if m and m["value"] is not None:
            value = collapse(block.text.split(":", 1)[1])
            fields.setdefault(_snake(m["label"]), (value, block))
    return fields


def _parse_date(value: str, source: Source, block) -> dt.date:
    try:
        return dt.datetime.strptime(value, "%d %B %Y").date()
    except ValueError:
        raise SourceFormatError(
            source.path, f"date {value!r} is not like '26 March 2023'", line=block.first_line
        ) from None


def _initials(name: str) -> str:
    """Return "M.F.M." for "María Florencia Mercogliano" (hyphenated parts keep the hyphen)."""
    out = []
    for part in name.split():
        out.append("-".join(p[0] + "." for p in part.split("-") if p))
    return "".join(out)


def documents(layout: Layout) -> pd.DataFrame:
    """Return one row describing the document: bibliographic facts, dates and front matter."""
    src = layout.source
    unlabelled = [b for b in layout.front if not LABELLED.match(b.lines[0].text)]
    fields = _labelled_fields(layout.front)
    back = _labelled_fields(layout.back)
    if not unlabelled:
        raise SourceFormatError(src.path, "no title before the first labelled front-matter field")
    title_block = unlabelled[0]

    citation = fields.get("citation", ("", None))[0]
    m = CITATION_LINE.search(citation)
    copyright_text = fields.get("copyright", ("", None))[0]
    lic = CC_LICENCE.search(copyright_text)  # "(<https://creativecommons.org/licenses/by/4.0/>)"
    row = {
        "doc_id": src.doc_id,
        "title": collapse(title_block.text),
        "journal": m["journal"].strip() if m else None,
        "year": int(m["year"]) if m else None,
        "volume": m["volume"].strip() if m else None,
        "article_number": m["article"] if m else None,
        "doi": m["doi"].rstrip(".") if m else None,
        "citation": citation or None,
    }
    for label in DATE_LABELS:
        value, block = fields.get(label, (None, None))
        row[label] = _parse_date(value, src, block) if value else None
    keywords = fields.get("keywords", (None, None))[0]
    editors = fields.get("academic_editors", fields.get("academic_editor", (None, None)))[0]
    row.update(
        {
            "keywords": [k.strip() for k in keywords.split(";") if k.strip()] if keywords else None,
            "license": spdx_id(lic.group(0)) if lic else None,
            "license_url": lic.group(0) if lic else None,
            "copyright": copyright_text or None,
            "academic_editors": [e for e in AUTHOR_SPLIT.split(editors) if e] if editors else None,
            "simple_summary": fields.get("simple_summary", (None, None))[0],
            "abstract": fields.get("abstract", (None, None))[0],
            "author_contributions": back.get("author_contributions", (None, None))[0],
            "funding": back.get("funding", (None, None))[0],
            "acknowledgments": back.get(
                "acknowledgments", back.get("acknowledgements", (None, None))
            )[0],
            "conflicts_of_interest": back.get("conflicts_of_interest", (None, None))[0],
            "source_file": src.path.rsplit("/", 1)[-1],
            "source_sha256": src.sha256,
            "n_characters": len(src.text),
            "source_format": src.source_format,
            "n_pages": src.n_pages,
            **_cite_as(src),
        }
    )
    return pd.DataFrame([row])


def _cite_as(src: Source) -> dict:
    """The review's own citation and licence, from the CITATION.md beside it (NULL when
    there is none)."""
    cited = read_review_citation(src.path) if src.path != "<memory>" else None
    return {
        "cite_as": cited.cite_as if cited else None,
        "cite_as_license": cited.license if cited else None,
        "cite_as_license_url": cited.license_url if cited else None,
    }


def document_texts(source: Source) -> pd.DataFrame:
    """Return the text every offset of the document indexes (derived text for a PDF)."""
    return pd.DataFrame(
        [{"doc_id": source.doc_id, "source_format": source.source_format, "text": source.text}]
    )


SPAN_COLUMNS = ["start", "end", "page", "x0", "top", "x1", "bottom"]


def text_spans(source: Source) -> pd.DataFrame:
    """Return the span map of a PDF source: each piece of text with its page and box."""
    frame = pd.DataFrame(source.spans or [], columns=SPAN_COLUMNS)
    frame.insert(0, "doc_id", source.doc_id)
    return frame


def authors(layout: Layout) -> pd.DataFrame:
    """Return one row per author, in byline order, with corresponding flag and email."""
    src = layout.source
    unlabelled = [b for b in layout.front if not LABELLED.match(b.lines[0].text)]
    if len(unlabelled) < 2:
        raise SourceFormatError(src.path, "no author line after the title")
    byline = unlabelled[1]
    affiliations = [collapse(b.text) for b in unlabelled[2:]]
    fields = _labelled_fields(layout.front)
    emails = {}
    corr_value = fields.get("correspondence", ("", None))[0]
    for m in EMAIL_WITH_INITIALS.finditer(corr_value):
        emails[(m["initials"] or "").replace(" ", "")] = m["email"]
    rows = []
    cursor = byline.start
    for position, chunk in enumerate(
        (c for c in AUTHOR_SPLIT.split(byline.text) if c.strip()), start=1
    ):
        corresponding = chunk.strip().endswith("*")
        name = chunk.replace("*", "").strip()
        start = src.text.index(name, cursor)
        cursor = start + len(name)
        initials = _initials(name)
        email = emails.get(initials)
        rows.append(
            {
                "doc_id": src.doc_id,
                "position": position,
                "name": name,
                "initials": initials,
                "is_corresponding": corresponding,
                "email": email,
                "affiliation": "; ".join(affiliations) if affiliations else None,
                "start": start,
                "end": start + len(name),
            }
        )
    # Emails whose initials match no author go to the corresponding authors in order.
    unmatched = [e for i, e in emails.items() if e not in {r["email"] for r in rows}]
    for row in rows:
        if row["is_corresponding"] and row["email"] is None and unmatched:
            row["email"] = unmatched.pop(0)
    return pd.DataFrame(rows)


def sections(layout: Layout) -> pd.DataFrame:
    """Return one row per section heading (numbered and unnumbered) with its span."""
    rows = [
        {
            "doc_id": layout.source.doc_id,
            "section_id": h.section_id,
            "number": h.number,
            "title": h.title,
            "level": h.level,
            "parent_section_id": h.parent_section_id,
            "is_numbered": h.number is not None,
            "ordinal": i,
            "heading_start": h.block.start,
            "heading_end": h.block.end,
            "start": h.block.start,
            "end": h.end,
        }
        for i, h in enumerate(layout.headings, start=1)
    ]
    return pd.DataFrame(rows)


def paragraphs(layout: Layout) -> pd.DataFrame:
    """Return one row per body paragraph, page breaks re-joined, with its span."""
    rows = []
    per_section: dict[str, int] = {}
    for p in layout.paragraphs:
        per_section[p.section_id] = per_section.get(p.section_id, 0) + 1
        rows.append(
            {
                "doc_id": layout.source.doc_id,
                "paragraph_id": p.paragraph_id,
                "section_id": p.section_id,
                "index_in_section": per_section[p.section_id],
                "text": p.text,
                "start": p.start,
                "end": p.end,
                "n_parts": len(p.parts),
                "part_starts": [b.start for b in p.parts],
                "part_ends": [b.end for b in p.parts],
            }
        )
    return pd.DataFrame(rows)


def captions(layout: Layout) -> pd.DataFrame:
    """Return one row per table or figure caption."""
    rows = [
        {
            "doc_id": layout.source.doc_id,
            "caption_id": c.caption_id,
            "kind": c.kind,
            "number": c.number,
            "text": c.text,
            "section_id": c.section_id,
            "start": c.block.start,
            "end": c.block.end,
        }
        for c in layout.captions
    ]
    return pd.DataFrame(rows)


def structure_flags(layout: Layout) -> Flags:
    """Flag layout oddities kept as written: paragraphs that end mid-sentence."""
    flags = Flags(layout.source, "structure")
    for p in layout.paragraphs:
        last = p.parts[-1]
        if not TERMINAL.search(last.text.rstrip()):
            tail = last.text.rstrip()[-40:]
            flags.add(
                "paragraph_unterminated",
                "info",
                tail,
                "paragraph ends without sentence punctuation and is not continued "
                "by the next block; kept as one paragraph",
                start=last.end - len(tail),
                end=last.end,
                table_name="paragraphs",
            )
    return flags


def extract(source: Source) -> dict[str, pd.DataFrame]:
    """Return the structure tables of one document."""
    layout = read_layout(source)
    return {
        "quality_flags": structure_flags(layout).frame(),
        "documents": documents(layout),
        "document_texts": document_texts(source),
        "text_spans": text_spans(source),
        "authors": authors(layout),
        "sections": sections(layout),
        "paragraphs": paragraphs(layout),
        "captions": captions(layout),
    }
