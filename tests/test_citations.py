"""Citation markers: rules on made-up text, and the real review's markers checked by hand."""

from __future__ import annotations

import re

import pytest

from conftest import records
from tidyreview import citations, references
from tidyreview.citations import expand
from tidyreview.layout import read_layout
from tidyreview.quality import Flags
from tidyreview.source import source_from_text

# --- Rules on made-up text ------------------------------------------------------------


def test_expand_numbers_and_ranges():
    assert expand("81,86–88") == [(81, False), (86, True), (87, True), (88, True)]
    assert expand("17, 18") == [(17, False), (18, False)]
    assert expand("22–25") == [(22, True), (23, True), (24, True), (25, True)]
    assert expand("25–22") == [(22, True), (23, True), (24, True), (25, True)]


MADE_UP = """Title

1. Introduction

Claims [1,2] and more [2–4]; not a citation [ex. IL2-Rβ] nor [vic].

Table 1. Drugs [3].

Drug\tRefs
X\t[4]

A range run backwards [4–2].

References

1. Doe, J. A. *J* **2019**, *1*, 2.
2. Doe, J. B. *J* **2019**, *1*, 2.
3. Doe, J. C. *J* **2019**, *1*, 2.
4. Doe, J. D. *J* **2019**, *1*, 2.
"""


@pytest.fixture(scope="module")
def made_up():
    source = source_from_text(MADE_UP)
    return source, references.extract(source)


def test_rows_per_marker_and_reference(made_up):
    source, out = made_up
    rows = records(out["citations"], "citations")
    got = [(r["marker"], r["ref_id"], r["position"], r["from_range"]) for r in rows]
    assert got == [
        ("[1,2]", 1, 1, False),
        ("[1,2]", 2, 2, False),
        ("[2–4]", 2, 1, True),
        ("[2–4]", 3, 2, True),
        ("[2–4]", 4, 3, True),
        ("[3]", 3, 1, False),
        ("[4]", 4, 1, False),
        ("[4–2]", 2, 1, True),
        ("[4–2]", 3, 2, True),
        ("[4–2]", 4, 3, True),
    ]
    for r in rows:
        assert source.text[r["start"] : r["end"]] == r["marker"]


def test_place_of_each_marker(made_up):
    _, out = made_up
    rows = records(out["citations"], "citations")
    place = {
        r["marker"]: (r["section_id"], r["paragraph_id"], r["table_id"], r["caption_id"])
        for r in rows
    }
    assert place["[1,2]"] == ("1", "p001", None, None)
    assert place["[3]"] == ("1", None, None, "T1")
    assert place["[4]"] == ("1", None, "T1", None)
    assert place["[4–2]"] == ("1", "p002", None, None)


def test_brackets_that_are_not_citations_are_left_alone(made_up):
    source, out = made_up
    markers = set(out["citations"]["marker"])
    assert "[ex. IL2-Rβ]" not in markers and "[vic]" not in markers
    flags = out["quality_flags"]
    not_cited = flags.loc[flags["check"] == "bracket_not_citation", "subject"].tolist()
    assert not_cited == ["[ex. IL2-Rβ]"]  # has digits, so worth a note; "[vic]" has none


def test_backward_range_is_flagged(made_up):
    _, out = made_up
    flags = out["quality_flags"]
    by_check = dict(zip(flags["check"], flags["subject"], strict=True))
    assert by_check["citation_range_reversed"] == "[4–2]"


@pytest.mark.parametrize(
    ("old", "new", "line"),
    [("[2–4]", "[2–9]", 5), ("X\t[4]", "X\t[9]", 10)],
    ids=["prose", "table"],
)
def test_citation_of_a_missing_reference_is_an_error(old, new, line):
    from tidyreview.errors import SourceFormatError

    text = MADE_UP.replace(old, new, 1)
    with pytest.raises(
        SourceFormatError, match=rf"<memory> line {line}: citation .* cites reference (5|9)"
    ):
        references.extract(source_from_text(text))


def test_citation_outside_the_body_is_flagged_not_published():
    text = MADE_UP.replace("Title\n", "Title\n\nAbstract: As shown [2].\n", 1)
    source = source_from_text(text)
    layout = read_layout(source)
    flags = Flags(source, "references")
    df = citations.citations_frame(layout, {1, 2, 3, 4}, flags)
    assert "citation_outside_body" in {r["check"] for r in flags.rows}
    assert text.index("[2]") not in set(df["start"])


def test_reference_first_cited_out_of_order_is_flagged():
    text = MADE_UP.replace("Claims [1,2] and more [2–4]", "Claims [1,3] and more [2–4]")
    out = references.extract(source_from_text(text))
    flags = out["quality_flags"]
    got = flags.loc[flags["check"] == "citation_first_order", ["subject", "detail"]]
    assert got.values.tolist() == [["[1,3]", "reference 3 is first cited before reference 2"]]


# --- The real review ------------------------------------------------------------------


@pytest.fixture(scope="module")
def rows(source):
    out = references.extract(source)
    return records(out["citations"], "citations")


def _body(raw: str) -> str:
    return raw[: raw.index("\nReferences\n")]


def test_counts_of_markers_and_rows(rows, raw):
    # Independently: every bracket before the reference list, expanded by hand-written code.
    brackets = re.findall(r"\[([^\]]*)\]", _body(raw))
    expanded = 0
    for body in brackets:
        for part in body.split(","):
            a, _, b = part.partition("–")
            expanded += int(b) - int(a) + 1 if b else 1
    assert len(brackets) == 394
    assert len({r["start"] for r in rows}) == 394
    assert len(rows) == expanded == 567
    assert sum(r["table_id"] is not None for r in rows) == 30
    assert len({r["start"] for r in rows if r["table_id"]}) == 25
    assert sum(r["caption_id"] is not None for r in rows) == 0


def test_every_row_points_at_its_marker(rows, raw):
    for r in rows:
        assert raw[r["start"] : r["end"]] == r["marker"]
        assert raw.count("\n", 0, r["start"]) + 1 == r["line"]
        assert (r["paragraph_id"] is None) == (r["table_id"] is not None)


def test_every_cited_reference_exists_and_every_reference_is_cited(rows, source):
    refs = references.extract(source)["references"]
    assert {r["ref_id"] for r in rows} == set(refs["ref_id"]) == set(range(1, 457))
    assert (refs["n_citing_markers"] >= 1).all()


def _marker(rows, start):
    found = [r for r in rows if r["start"] == start]
    assert found, f"no marker at {start}"
    return found


# Markers located by hand: offset = raw.index(marker) (checked unique or listed), line,
# section and paragraph read from the source (section 1 has 3 paragraphs, 2.1.1 opens with
# p004, lines 118-120 form p020 in 2.1.3, the Conclusions paragraph is the 91st).
KNOWN = [
    # marker, start, line, section, paragraph, table, refs
    ("[1]", 3732, 35, "1", "p001", None, [1]),
    ("[17,18]", 7525, 54, "2.1.1", "p004", None, [17, 18]),
    ("[22–25]", 8318, 54, "2.1.1", "p004", None, [22, 23, 24, 25]),
    ("[81,86–88]", 22817, 122, "2.1.3", "p021", None, [81, 86, 87, 88]),
    ("[123–125]", 28984, 134, "2.1.3", None, None, [123, 124, 125]),
    ("[123–125]", 34914, 173, "2.1.3", None, "T2", [123, 124, 125]),
    ("[192–194]", 43833, 203, "2.2", None, None, [192, 193, 194]),
    ("[192–194]", 45036, 215, "2.2", None, "T3", [192, 193, 194]),
    ("[205]", 47534, 230, "3.1", None, "T4", [205]),
    ("[205]", 53010, 263, "3.1", None, None, [205]),
    ("[452–456]", 119122, 397, "7", "p091", None, [452, 453, 454, 455, 456]),
]


@pytest.mark.parametrize("marker,start,line,section,paragraph,table,refs", KNOWN)
def test_known_markers(rows, raw, marker, start, line, section, paragraph, table, refs):
    assert raw[start : start + len(marker)] == marker
    found = _marker(rows, start)
    assert [r["ref_id"] for r in sorted(found, key=lambda r: r["position"])] == refs
    for r in found:
        assert (r["marker"], r["line"], r["section_id"], r["table_id"]) == (
            marker,
            line,
            section,
            table,
        )
        assert r["end"] == start + len(marker)
        assert r["n_refs"] == len(refs)
        if paragraph is not None:
            assert r["paragraph_id"] == paragraph
        if table is not None:
            assert r["paragraph_id"] is None
        else:
            assert r["paragraph_id"] is not None


def test_references_are_numbered_in_order_of_first_citation(rows, source):
    first = []
    for r in sorted(rows, key=lambda r: (r["start"], r["position"])):
        if r["ref_id"] not in first:
            first.append(r["ref_id"])
    assert first == list(range(1, 457))
    flags = references.extract(source)["quality_flags"]
    assert not flags["check"].str.startswith("citation_").any()


def test_marker_index_runs_in_text_order(rows):
    starts = sorted({r["start"] for r in rows})
    index = {r["start"]: r["marker_index"] for r in rows}
    assert [index[s] for s in starts] == list(range(1, 395))
    assert index[3732] == 1 and index[119122] == 394
