"""The reference list: parsing rules on made-up entries, and the real list checked against
a hand-verified sample and whole-list invariants."""

from __future__ import annotations

import datetime as dt
import re
import sys

import pandas as pd
import pytest

from conftest import FIXTURES, golden, records
from tidyreview import reference_fields, references
from tidyreview.benchmarks import references as bench
from tidyreview.layout import Line
from tidyreview.publish import validate
from tidyreview.reference_fields import parse_entry, plain
from tidyreview.references import split_entries
from tidyreview.schemas.base import DOI_PATTERN
from tidyreview.source import source_from_text

# --- Rules on made-up entries ---------------------------------------------------------


def test_journal_article_fields():
    p = parse_entry(
        "Doe, J.; van der Berg, A.B.C.; Smith, K.-L., Jr. A Study of Things: Part 2. "
        "*J. Made Up* **2020**, *12*, 100–110. <https://doi.org/10.1234/abc.5>."
    )
    assert p.authors == ["Doe, J.", "van der Berg, A.B.C.", "Smith, K.-L., Jr."]
    assert (p.et_al, p.title, p.journal) == (False, "A Study of Things: Part 2", "J. Made Up")
    assert (p.year, p.volume, p.issue, p.pages) == (2020, "12", None, "100–110")
    assert (p.doi, p.url, p.pub_type, p.doubts) == ("10.1234/abc.5", None, "journal_article", [])


def test_et_al_issue_article_number_and_question_mark_title():
    p = parse_entry("Roe, R.; et al. Does It Work? *Cell Rep.* **2019**, *7*(3), e130.")
    assert p.authors == ["Roe, R."] and p.et_al
    assert (p.title, p.volume, p.issue, p.pages) == ("Does It Work?", "7", "3", "e130")


def test_markdown_link_doi_with_escaped_parentheses():
    p = parse_entry(
        "Doe, J. Title. *Lancet Oncol.* **2019**, *20*, 1–2. "
        "[https://doi.org/10.1016/S1470-2045\\(19\\)30328-6]"
        "(https://doi.org/10.1016/S1470-2045(19)30328-6)."
    )
    assert p.doi == "10.1016/S1470-2045(19)30328-6"
    assert p.doubts == []


def test_markdown_link_doi_whose_text_differs_from_target_is_flagged():
    p = parse_entry(
        "Doe, J. Title. *J* **2019**, *20*, 1–2. "
        "[https://doi.org/10.1/x\\(1\\)2](https://doi.org/10.1/x(1)3)."
    )
    assert p.doi == "10.1/x(1)3"
    assert [d.check for d in p.doubts] == ["reference_doi_link_mismatch"]


def test_bare_doi_url_loses_its_closing_period_and_is_flagged():
    p = parse_entry("Doe, J. Title. *J* **2019**, *20*, 1–2. https://doi.org/10.1007/978-1_12.")
    assert p.doi == "10.1007/978-1_12"
    assert [d.check for d in p.doubts] == ["reference_doi_not_linked"]


def test_emphasis_escapes_and_latex_are_stripped_but_spelling_kept():
    assert plain("*Cancers* **2023**") == "Cancers 2023"
    assert plain("Tribody [(HER2) \\times CD16] in $\\gamma\\delta$ T Cells") == (
        "Tribody [(HER2) × CD16] in γδ T Cells"
    )
    assert plain("S1470-2045\\(19\\)  30328") == "S1470-2045(19) 30328"
    assert plain("Signalling Colour") == "Signalling Colour"


def test_book_chapter():
    p = parse_entry(
        "Doe, J.; Roe, R. A Chapter. In *The Big Book: Volume One*; Springer: Cham, "
        "Switzerland, 2017; pp. 193–204."
    )
    assert p.pub_type == "book_chapter"
    assert (p.title, p.journal, p.year, p.pages) == (
        "A Chapter",
        "The Big Book: Volume One",
        2017,
        "193–204",
    )
    assert (p.publisher, p.publisher_place, p.volume, p.doi) == (
        "Springer",
        "Cham, Switzerland",
        None,
        None,
    )


def test_conference_paper():
    p = parse_entry(
        "Doe, J.; Roe, R. (Eds.) A poster on things. In Proceedings of the 30th Example "
        "Symposium, Dublin, Ireland, 13–16 December 2018."
    )
    assert p.pub_type == "conference_paper"
    assert (p.authors, p.title, p.journal, p.year, p.publisher_place) == (
        ["Doe, J.", "Roe, R."],
        "A poster on things",  # "(Eds.)" is not the title's
        "Proceedings of the 30th Example Symposium",
        2018,
        "Dublin, Ireland",
    )
    assert not [d for d in p.doubts if d.check == "reference_unparsed"]
    q = parse_entry(
        "Smith, J. A talk. In Proceedings of the Annual Meeting of the AACR, San Diego, CA, "
        "USA, 1–5 April 2019; pp. 12–14."
    )
    assert (q.journal, q.publisher_place, q.year, q.pages) == (
        "Proceedings of the Annual Meeting of the AACR",
        "San Diego, CA, USA",
        2019,
        "12–14",
    )


@pytest.mark.parametrize(
    "entry, pub_type, fields",
    [
        (
            "Smith, J.; Doe, A. A paper. *J. Test.* **2020**, *12*, 1–10. doi:10.1000/xyz.123.",
            "journal_article",
            {"doi": "10.1000/xyz.123", "pages": "1–10", "title": "A paper"},
        ),
        (
            "Smith, J. A paper in press. *J. Test.* **2023**, in press.",
            "journal_article",
            {"journal": "J. Test.", "year": 2023, "note": "in press"},
        ),
        (
            "Smith, J.; Doe, A. Antibody Conjugates and Uses Thereof. U.S. Patent 9,234,567, "
            "1 January 2016.",
            "patent",
            {
                "note": "U.S. Patent 9,234,567",
                "year": 2016,
                "title": "Antibody Conjugates and Uses Thereof",
            },
        ),
        (
            "Smith, J. Antibody Conjugates. WO2016123456A1, 4 August 2016.",
            "patent",
            {"note": "WO2016123456A1", "year": 2016},
        ),
        (
            "Smith, J. Studies of Things. Ph.D. Thesis, University of Test, Town, Country, 2019.",
            "thesis",
            {"publisher": "University of Test", "publisher_place": "Town, Country", "year": 2019},
        ),
    ],
)
def test_other_kinds_of_entries(entry, pub_type, fields):
    p = parse_entry(entry)
    assert p.pub_type == pub_type
    assert {k: getattr(p, k) for k in fields} == fields
    assert not [d for d in p.doubts if d.check.startswith("reference_unparsed")]


def test_registry_record_without_authors():
    p = parse_entry(
        "A Trial of X in Y. Available online: <https://clinicaltrials.gov/ct2/show/NCT01234567"
        "?term=a&rank=2> (accessed on 3 March 2022)."
    )
    assert p.pub_type == "registry_record"
    assert (p.authors, p.title, p.year) == ([], "A Trial of X in Y", None)
    assert p.url == "https://clinicaltrials.gov/ct2/show/NCT01234567?term=a&rank=2"
    assert (p.trial_id, p.accessed) == ("NCT01234567", dt.date(2022, 3, 3))
    assert p.doubts == []


def test_web_page_with_organisation_and_year():
    p = parse_entry(
        "WHO. Fact Sheet on Things. 2021. Available online: <https://www.who.int/x> "
        "(accessed on 1 May 2023)."
    )
    assert p.pub_type == "web_page"
    assert (p.authors, p.title, p.year, p.trial_id) == (["WHO"], "Fact Sheet on Things", 2021, None)


def test_vancouver_authors_kept_as_written_and_normalised_copy():
    p = parse_entry("Teachey DT, Rheingold SR; et al. Title. *Blood* **2013**, *121*, 5154–5157.")
    assert p.authors == ["Teachey DT", "Rheingold SR"] and p.et_al
    assert p.authors_normalized == ["Teachey, D.T.", "Rheingold, S.R."]
    assert [d.check for d in p.doubts] == ["reference_author_format"]


def test_author_split_into_title_is_flagged_and_repaired_only_in_normalised_copy():
    p = parse_entry("Slamon, D.J.; Michael, F. Press Studies of HER2. *J* **1989**, *41*, 219.")
    assert p.authors == ["Slamon, D.J.", "Michael, F."]
    assert p.title == "Press Studies of HER2"
    assert p.authors_normalized == ["Slamon, D.J.", "Press, M.F."]
    assert [d.check for d in p.doubts] == ["reference_author_split"]


def test_same_author_printed_twice_is_flagged():
    p = parse_entry("Bars, R.L.; Le Bars, R.; Marion, J. ATG5. *Nat. Commun.* **2014**, *5*, 4121.")
    assert p.authors == ["Bars, R.L.", "Le Bars, R.", "Marion, J."]
    assert [d.check for d in p.doubts] == ["reference_author_duplicate"]


def test_cut_short_entry_is_kept_and_flagged():
    p = parse_entry("Doe, J. A Title. *J. Immunother. Cancer* **2021**, *9*.")
    assert (p.title, p.journal, p.year, p.volume, p.pages) == (
        "A Title",
        "J. Immunother. Cancer",
        2021,
        "9",
        None,
    )
    assert [d.check for d in p.doubts] == ["reference_cut_short"]


def test_erratum_note_and_repeated_title_words():
    p = parse_entry(
        "Doe, J. One Two Three Four One Two Three Four Five. *Blood* **2013**, *121*, 5–7. "
        "Erratum in *Blood* **2016**, *128*, 1441. <https://doi.org/10.1182/x>."
    )
    assert (p.year, p.note, p.doi) == (2013, "Erratum in Blood 2016, 128, 1441.", "10.1182/x")
    assert sorted(d.check for d in p.doubts) == ["reference_erratum", "reference_title_repeated"]


def test_unparseable_entry_is_kept_as_other_and_flagged():
    p = parse_entry("Something we cannot read at all")
    assert (p.pub_type, p.title) == ("other", "Something we cannot read at all")
    assert "reference_unparsed" in [d.check for d in p.doubts]


def _lines(*texts: str) -> list[Line]:
    out, start = [], 0
    for n, t in enumerate(texts, start=1):
        out.append(Line(n, start, start + len(t), t))
        start += len(t) + 1
    return out


def test_split_entries_joins_page_break_continuations_and_reads_indented_numbers():
    lines = _lines(
        "1. Doe, J. A Title in Breast",
        "",
        "- Cancer: A Study. *J* **2019**, *1*, 2.",
        " 2. Roe, R. B. *J* **2020**, *3*, 4.",
    )
    entries = split_entries(lines)
    assert [e.number for e in entries] == [1, 2]
    assert entries[0].text == "Doe, J. A Title in Breast Cancer: A Study. *J* **2019**, *1*, 2."
    assert entries[0].continued and not entries[1].continued
    assert entries[1].indented and entries[1].start == lines[3].start + 1
    assert (entries[0].start, entries[0].end) == (0, lines[2].end)


def test_reference_list_not_opening_with_a_number_is_an_error():
    from tidyreview.errors import SourceFormatError

    with pytest.raises(SourceFormatError, match="line 1"):
        split_entries(_lines("Doe, J. A Title."))


def test_numbering_gap_is_an_error_naming_the_missing_number():
    from tidyreview.errors import SourceFormatError

    text = (
        "Title\n\n1. Introduction\n\nA claim [1].\n\nReferences\n\n"
        "1. Doe, J. A. *J* **2019**, *1*, 2.\n3. Roe, R. B. *J* **2020**, *3*, 4.\n"
    )
    with pytest.raises(
        SourceFormatError, match=r"line 10: reference list skips 2: entry 3 follows"
    ):
        references.extract(source_from_text(text))


def test_repeated_number_and_uncited_reference_are_flagged():
    text = (
        "Title\n\n1. Introduction\n\nA claim [1].\n\nReferences\n\n"
        "1. Doe, J. A. *J* **2019**, *1*, 2.\n2. Roe, R. B. *J* **2020**, *3*, 4.\n"
        "2. Poe, E. C. *J* **2021**, *5*, 6.\n"
    )
    out = references.extract(source_from_text(text))
    flags = out["quality_flags"]
    assert set(flags["check"]) >= {"reference_numbering", "reference_uncited"}
    assert "2" in flags.loc[flags["check"] == "reference_uncited", "subject"].tolist()


# --- The real reference list ----------------------------------------------------------


@pytest.fixture(scope="module")
def stage(source):
    return references.extract(source)


@pytest.fixture(scope="module")
def refs(stage):
    return {r["ref_id"]: r for r in records(stage["references"], "references")}


FIELDS = [
    "line",
    "pub_type",
    "authors",
    "authors_normalized",
    "et_al",
    "first_author_surname",
    "title",
    "journal",
    "year",
    "volume",
    "issue",
    "pages",
    "doi",
    "url",
    "accessed",
    "trial_id",
    "publisher",
    "publisher_place",
    "note",
]


# Hand-verified sample: 50 entries spread over the list (1..456), every field typed from
# the source line (line numbers as printed by `grep -n`), covering each messy case. One row
# per entry in tests/fixtures/references_sample.csv: ref_id, then the FIELDS in this order
# (the entry's own note is the column "note:str"; the "note" column says, for the reader,
# which messy case the entry stands for).
SAMPLE = {
    ref_id: dict(zip(FIELDS, row, strict=True)) for ref_id, *row in golden("references_sample")
}

# fmt: off
# raw of the entries split by a page break: the continuation's dash dropped, halves joined.
RAW_JOINED = {
    84: "Banerji, U.; van Herpen, C.M.L.; Saura, C.; Thistlethwaite, F.; Lord, S.; Moreno, V.; "
    "Macpherson, I.R.; Boni, V.; Rolfo, C.; de Vries, E.G.E.; et al. Trastuzumab Duocarmazine "
    "in Locally Advanced and Metastatic Solid Tumours and HER2-Expressing Breast Cancer: A "
    "Phase 1 Dose-Escalation and Dose-Expansion Study. *Lancet Oncol.* **2019**, *20*, "
    "1124–1135. [https://doi.org/10.1016/S1470-2045\\(19\\)30328-6]"
    "(https://doi.org/10.1016/S1470-2045(19)30328-6).",
    160: "Chan, A.; Delalogue, S.; Holmes, F.A.; Moy, B.; Iwata, H.; Harvey, V.J.; Robert, N.J.; "
    "Silovski, T.; Gokmen, E.; von Minckwitz, G.; et al. Neratinib after Trastuzumab-Based "
    "Adjuvant Therapy in Patients with HER2-Positive Breast Cancer (ExteNET): A Multicentre, "
    "Randomised, Double-Blind, Placebo-Controlled, Phase 3 Trial. *Lancet Oncol.* **2016**, "
    "*17*, 367–377. [https://doi.org/10.1016/S1470-2045\\(15\\)00551-3]"
    "(https://doi.org/10.1016/S1470-2045(15)00551-3).",
    237: "Dieci, M.V.; Conte, P.; Bisagni, G.; Brandes, A.A.; Frassoldati, A.; Cavanna, L.; "
    "Musolino, A.; Giotta, F.; Rimanti, A.; Garrone, O.; et al. Association of "
    "Tumor-Infiltrating Lymphocytes with Distant Disease-Free Survival in the ShortHER "
    "Randomized Adjuvant Trial for Patients with Early HER2+ Breast Cancer. *Ann. Oncol.* "
    "**2019**, *30*, 418–423. <https://doi.org/10.1093/annonc/mdz007>.",
}
PAGE_BREAK_LINES = {84: [495, 497], 160: [576, 578], 237: [658, 660]}
# fmt: on


def test_sample_fixture_columns_are_ref_id_and_the_fields():
    with open(FIXTURES / "references_sample.csv", encoding="utf-8") as f:
        header = f.readline().rstrip("\n").split(",")
    names = [c.partition(":")[0] for c in header]
    assert names == ["ref_id", *FIELDS, "note"]  # the last "note": for the reader, left out


def test_golden_reads_iso_dates_strictly():
    from conftest import _typed

    assert _typed("2023-02-15", "date") == dt.date(2023, 2, 15)
    assert _typed("", "date") is None
    for bad in ("20230215", "2023-W07-3", "15/02/2023", "2023-02-30"):
        with pytest.raises(ValueError):
            _typed(bad, "date")


def test_sample_is_spread_over_the_list():
    assert len(SAMPLE) >= 40
    ids = sorted(SAMPLE)
    assert ids[0] == 1 and ids[-1] == 456
    assert all(b - a <= 40 for a, b in zip(ids, ids[1:], strict=False))
    for value in SAMPLE.values():
        assert set(value) == set(FIELDS)


@pytest.mark.parametrize("ref_id", sorted(SAMPLE))
def test_hand_verified_entry(refs, ref_id):
    row, expected = refs[ref_id], SAMPLE[ref_id]
    got = {f: row[f] for f in FIELDS}
    assert got == expected
    assert row["n_authors"] == len(expected["authors"] or [])
    assert row["doi_url"] == (f"https://doi.org/{row['doi']}" if row["doi"] else None)


def test_field_accuracy_on_the_sample_is_total(refs):
    """Every field of every sampled entry right (GROBID reaches about 0.95 F1 per field)."""
    wrong = {f: [i for i in SAMPLE if refs[i][f] != SAMPLE[i][f]] for f in FIELDS}
    assert {f: ids for f, ids in wrong.items() if ids} == {}


def test_raw_is_the_entry_text_with_page_breaks_joined(refs, layout):
    for ref_id, raw in RAW_JOINED.items():
        assert refs[ref_id]["raw"] == raw
    by_line = {line.number: line for line in layout.reference_lines}
    for ref_id, row in refs.items():
        if ref_id in RAW_JOINED:
            continue
        line = by_line[row["line"]]
        assert row["raw"] == re.sub(r"^\s*\d+\.\s+", "", line.text).strip()


def test_offsets_and_lines(refs, raw):
    for ref_id, row in refs.items():
        assert raw[row["start"] :].startswith(f"{ref_id}. ")
        assert raw[row["end"] - 1] == "."  # every entry closes with a period
        assert row["part_starts"][0] <= row["start"] < row["end"] <= row["part_ends"][-1]
    for ref_id, lines in PAGE_BREAK_LINES.items():
        starts = refs[ref_id]["part_starts"]
        assert [raw.count("\n", 0, s) + 1 for s in starts] == lines
    assert raw[refs[86]["start"] - 1] == " "  # " 86. von Minckwitz": the number, not the space


def test_ids_run_1_to_456_without_gap_or_duplicate(stage):
    ids = list(stage["references"]["ref_id"])
    assert ids == list(range(1, 457))


def test_whole_list_invariants(refs):
    rows = list(refs.values())
    assert all(1987 <= r["year"] <= 2023 for r in rows if r["year"] is not None)
    assert sum(r["year"] is None for r in rows) == 17  # registry records and two web pages
    assert all(re.match(DOI_PATTERN, r["doi"]) for r in rows if r["doi"])
    assert all(not re.search(r"[\\<>\[\]]|\.$", r["doi"]) for r in rows if r["doi"])
    for r in rows:
        assert r["authors"] or r["pub_type"] in ("web_page", "registry_record"), r["ref_id"]
        assert r["title"], r["ref_id"]
        # no emphasis pair or escape left ("MUC1*" in ref 307 is a literal asterisk)
        assert not re.search(r"\*\S[^*]*\*|\\[()_*]", r["title"]), r["ref_id"]
        if r["pub_type"] == "journal_article":
            assert r["journal"] and r["year"] and r["volume"], r["ref_id"]
    types = pd.Series([r["pub_type"] for r in rows]).value_counts().to_dict()
    assert types == {
        "journal_article": 437,
        "registry_record": 15,
        "web_page": 3,
        "book_chapter": 1,
    }
    # 334 entries carry a doi.org link (grep -c doi.org over lines 409-888)
    assert sum(r["doi"] is not None for r in rows) == 334
    assert all(r["trial_id"] for r in rows if r["pub_type"] == "registry_record")


def _rebuilt(r: dict) -> str:
    """The entry rebuilt from its fields, MDPI style, markup left out."""
    parts = []
    if r["authors"]:
        sep = "; " if "," in r["authors"][0] or r["pub_type"] != "journal_article" else ", "
        names = sep.join(r["authors"]) + ("; et al." if r["et_al"] else "")
        parts.append(names if names.endswith(".") else names + ".")
    parts.append(r["title"] + ("" if r["title"][-1] in "?!" else "."))
    if r["pub_type"] == "journal_article":
        source = f"{r['journal']} {r['year']}, {r['volume']}"
        parts.append(source + (f", {r['pages']}." if r["pages"] else "."))
    elif r["pub_type"] == "book_chapter":
        parts.append(
            f"In {r['journal']}; {r['publisher']}: {r['publisher_place']}, {r['year']}; "
            f"pp. {r['pages']}."
        )
    else:
        parts += ([f"{r['year']}."] if r["year"] else []) + ["Available online:"]
    parts += [r["note"]] if r["note"] else []
    parts += [f"https://doi.org/{r['doi']}."] if r["doi"] else []
    if r["url"]:
        parts.append(f"{r['url']} (accessed on {r['accessed'].day} {r['accessed']:%B %Y}).")
    return " ".join(parts)


def test_fields_rebuild_every_entry(refs):
    """Whole list: authors, title, source and links together give back the entry's text,
    so no field swallowed or lost a neighbour's words."""
    for r in refs.values():
        printed = reference_fields.DOI_MARKDOWN_LINK.sub(lambda m: m["target"] + ".", r["raw"])
        printed = plain(re.sub(r"<(https?://[^>]+)>", r"\1", printed))
        # "Interferon- γ ." (ref 73): a space before the closing period is not kept
        assert _rebuilt(r) == printed.replace(" γ .", " γ."), r["ref_id"]


def test_every_author_is_surname_comma_initials_except_flagged_ones(refs):
    odd = [
        (r["ref_id"], a)
        for r in refs.values()
        for a in (r["authors"] or [])
        if not reference_fields.AUTHOR.fullmatch(a)
    ]
    # Vancouver-style names (flagged) and an organisation as author of a web page
    assert odd == [(75, "Teachey DT"), (75, "Rheingold SR"), (75, "Maude SL"), (311, "NCI")]


def test_quality_flags_name_the_doubtful_entries(stage):
    flags = stage["quality_flags"]
    got = {
        (c, s)
        for c, s in zip(flags["check"], flags["subject"], strict=True)
        if c.startswith("reference_")
    }
    assert got == {
        ("reference_author_split", "4"),
        ("reference_title_repeated", "40"),
        ("reference_cut_short", "54"),
        ("reference_latex_markup", "72"),
        ("reference_author_format", "75"),
        ("reference_erratum", "75"),
        ("reference_page_break", "84"),
        ("reference_leading_space", "86–101"),
        ("reference_author_duplicate", "109"),
        ("reference_page_break", "160"),
        ("reference_page_break", "237"),
        ("reference_doi_not_linked", "356"),
        ("reference_cut_short", "375"),
        ("reference_author_duplicate", "447"),
    }
    assert set(flags["stage"]) == {"references"}


def test_tables_pass_their_schemas(stage, source):
    for table in ("references", "citations", "quality_flags"):
        validate(table, stage[table], {source.doc_id: source})


def test_benchmark_says_clearly_when_refextract_is_missing(monkeypatch):
    from conftest import REVIEW

    monkeypatch.setitem(sys.modules, "refextract", None)  # makes "import refextract" fail
    lines = bench.run(str(REVIEW))
    assert any("refextract: NOT INSTALLED" in line for line in lines)
    assert any(line.strip().startswith("doi") and "50/50" in line for line in lines)


def test_benchmark_truth_matches_the_hand_verified_sample():
    assert set(bench.VERIFIED) == set(SAMPLE)
    for ref_id, (first_author, year, doi) in bench.VERIFIED.items():
        expected = SAMPLE[ref_id]
        assert first_author == (expected["authors"] or [None])[0]
        assert (year, doi) == (expected["year"], expected["doi"])
