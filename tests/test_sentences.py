"""Sentence splitting with raw offsets."""

from __future__ import annotations

from pathlib import Path

import pytest

from tidyreview.layout import read_layout
from tidyreview.sentences import document_sentences, prose_units, split_text, unit_from_blocks
from tidyreview.source import load_source

REVIEW = Path(__file__).parents[1] / "raw/reviews/mercogliano-2023-cancers-15-1987.txt"


def texts(text: str) -> list[str]:
    return [text[b:e] for b, e in split_text(text)]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("One. Two.", ["One.", "Two."]),
        (
            "It was reviewed by Smith et al. [28]. Next one.",
            ["It was reviewed by Smith et al. [28].", "Next one."],
        ),
        ("Smith et al. reported it. Then.", ["Smith et al. reported it.", "Then."]),
        (
            "It was 54% vs. 33% in the placebo group. Next.",
            ["It was 54% vs. 33% in the placebo group.", "Next."],
        ),
        (
            "Loaded with 3.6 molecules. Then 2.8 more.",
            ["Loaded with 3.6 molecules.", "Then 2.8 more."],
        ),
        ("Receptors (ex. IL2-R β) signal. Then.", ["Receptors (ex. IL2-R β) signal.", "Then."]),
        ("That is, i.e. Fc γ RIII binds. Then.", ["That is, i.e. Fc γ RIII binds.", "Then."]),
        ("T-DM1. This was the first.", ["T-DM1.", "This was the first."]),
        ("It improved pCR. pCR is good.", ["It improved pCR.", "pCR is good."]),
        ("Authors M. F. Mercogliano wrote.", ["Authors M. F. Mercogliano wrote."]),
        ("Results were awaited. (NCT1) follows.", ["Results were awaited.", "(NCT1) follows."]),
        ("No end here", ["No end here"]),
    ],
)
def test_split_text(text, expected):
    assert texts(text) == expected


def test_unit_offsets_survive_page_break_and_whitespace():
    raw = "Chimeric antigen re-\n\nceptor  (CAR)-T cells work. Next\tone."
    first_end = raw.index("\n")
    unit = unit_from_blocks(
        raw, [(0, first_end), (first_end + 2, len(raw))], "paragraph", "1", "p001"
    )
    assert unit.text == "Chimeric antigen receptor (CAR)-T cells work. Next one."
    begin = unit.text.index("(CAR)")
    assert raw[slice(*unit.raw_span(begin, begin + 5))] == "(CAR)"
    start, end = unit.raw_span(0, unit.text.index(" (CAR)"))
    assert raw[start:end] == "Chimeric antigen re-\n\nceptor"


@pytest.fixture(scope="module")
def layout():
    return read_layout(load_source(REVIEW))


def test_units_match_layout_paragraph_text(layout):
    units = {u.paragraph_id: u for u in prose_units(layout) if u.paragraph_id}
    assert len(units) == len(layout.paragraphs)
    for p in layout.paragraphs:
        assert units[p.paragraph_id].text == p.text


def test_every_character_points_into_the_raw_file(layout):
    raw = layout.source.text
    for unit in prose_units(layout):
        for ch, offset in zip(unit.text, unit.offsets, strict=True):
            assert ch == " " or raw[offset] == ch


def test_front_matter_and_headings_are_prose(layout):
    kinds = [u.kind for u in prose_units(layout)]
    assert kinds[:2] == ["simple_summary", "abstract"]
    assert kinds.count("heading") == len(layout.headings)


def test_document_sentences(layout):
    sents = document_sentences(layout)
    by_text = {s.text: s for s in sents}
    assert (
        "The objective response of the PD-L1-positive patients was 54% in the atezolizumab "
        "group vs. 33% in the placebo group." in by_text
    )
    assert "T-DM1." in by_text
    kate = by_text[
        "The objective response of the PD-L1-positive patients was 54% in the atezolizumab "
        "group vs. 33% in the placebo group."
    ]
    assert kate.section_id == "3.1"
    assert layout.source.text[kate.start : kate.stop] == kate.text
    assert not any(s.text.endswith(" et al.") for s in sents)
    assert [s.number for s in sents] == list(range(1, len(sents) + 1))
