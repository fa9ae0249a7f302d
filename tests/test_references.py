"""The reference list: parsing rules on made-up entries, and the real list checked against
a hand-verified sample and whole-list invariants."""

from __future__ import annotations

import datetime as dt
import re
import sys

import pandas as pd
import pytest

from conftest import records
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


def J(line, authors, title, journal, year, volume, pages, doi, surname, **extra):
    """Expected fields of a journal article; anything not passed is None/False/default."""
    return {
        "line": line,
        "pub_type": "journal_article",
        "authors": authors,
        "authors_normalized": extra.pop("authors_normalized", authors),
        "et_al": extra.pop("et_al", False),
        "first_author_surname": surname,
        "title": title,
        "journal": journal,
        "year": year,
        "volume": volume,
        "issue": None,
        "pages": pages,
        "doi": doi,
        "url": None,
        "accessed": None,
        "trial_id": None,
        "publisher": None,
        "publisher_place": None,
        "note": extra.pop("note", None),
        **extra,
    }


def W(line, pub_type, title, url, accessed, trial_id, authors=None, year=None, surname=None):
    """Expected fields of a web page or registry record."""
    return {
        "line": line,
        "pub_type": pub_type,
        "authors": authors,
        "authors_normalized": authors,
        "et_al": False,
        "first_author_surname": surname,
        "title": title,
        "journal": None,
        "year": year,
        "volume": None,
        "issue": None,
        "pages": None,
        "doi": None,
        "url": url,
        "accessed": accessed,
        "trial_id": trial_id,
        "publisher": None,
        "publisher_place": None,
        "note": None,
    }


# fmt: off
# Hand-verified sample: 50 entries spread over the list (1..456), every field typed from
# the source line (line numbers as printed by `grep -n`), covering each messy case.
SAMPLE = {
    1: J(409, ["Sung, H.", "Ferlay, J.", "Siegel, R.L.", "Laversanne, M.", "Soerjomataram, I.",
               "Jemal, A.", "Bray, F."],
         "Global Cancer Statistics 2020: GLOBOCAN Estimates of Incidence and Mortality "
         "Worldwide for 36 Cancers in 185 Countries",
         "CA Cancer J. Clin.", 2021, "71", "209–249", "10.3322/caac.21660", "Sung"),
    # one author split across the author list and the title ("Press, M.F.")
    4: J(412, ["Slamon, D.J.", "Godolphin, W.", "Ullrich, A.", "Michael, F."],
         "Press Studies of the HER-2/neu Proto-Oncogene in Human Breast Cancer",
         "Cancer Genet. Cytogenet.", 1989, "41", "219", None, "Slamon",
         authors_normalized=["Slamon, D.J.", "Godolphin, W.", "Ullrich, A.", "Press, M.F."]),
    9: J(417, ["Cogswell, P.C.", "Guttridge, D.C.", "Funkhouser, W.K.", "Baldwin, A.S., Jr."],
         "Selective Activation of NF-Kappa B Subunits in Human Breast Cancer: Potential Roles "
         "for NF-Kappa B2/p52 and for Bcl-3",
         "Oncogene", 2000, "19", "1123–1131", "10.1038/sj.onc.1203412", "Cogswell"),
    16: J(424, ["Gianni, L.", "Eiermann, W.", "Semiglazov, V.", "Lluch, A.", "Tjulandin, S.",
                "Zambetti, M.", "Moliterni, A.", "Vazquez, F.", "Byakhov, M.J.", "Lichinitser, M."],
          "Neoadjuvant and Adjuvant Trastuzumab in Patients with HER2-Positive Locally Advanced "
          "Breast Cancer (NOAH): Follow-up of a Randomised Controlled Superiority Trial with a "
          "Parallel HER2-Negative Cohort",
          "Lancet Oncol.", 2014, "15", "640–647", "10.1016/S1470-2045(14)70080-4", "Gianni",
          et_al=True),
    24: J(433, ["Wang, R.", "Smyth, L.M.", "Iyengar, N.M.", "Modi, S.", "Chandarlapaty, S.",
                "Patil, S.", "Norton, L.", "Baselga, J.", "Hudis, C.A.", "Dang, C.T."],
          "Longer Follow-up on Clinical Outcomes of Weekly Paclitaxel with Trastuzumab and "
          "Pertuzumab in Patients with HER2 Overexpressing Metastatic Breast Cancer",
          "J. Clin. Oncol.", 2018, "36", "e13005–e13005", None, "Wang"),
    27: J(436, ["O'Callaghan, J.", "Barry, S.P.", "Birmingham, M.", "Morris, J.M.", "Griffin, B.T."],
          "Regulation of Biosimilar Medicines and Current Perspectives on Interchangeability "
          "and Policy",
          "Eur. J. Clin. Pharmacol.", 2019, "75", "1–11", "10.1007/s00228-018-2542-1",
          "O'Callaghan"),
    40: J(449, ["Mercogliano, M.F.", "De Martino, M.", "Bruni, S.", "Venturutti, L.", "Rivas, M.",
                "Amasino, M.", "Proietti, C.J.", "Elizalde, P.V.", "Schillaci, R."],
          "Abstract 1195: TNF α Induces Multiresistance to HER2-Targeted TNF α Induces "
          "Multiresistance to HER2-Targeted Therapies in HER2-Positive Breast Cancer",
          "Cancer Res.", 2017, "77", "1195–1195", None, "Mercogliano"),
    # cut short: volume but no pages
    54: J(464, ["Gong, J.", "Dong, Z.", "Liu, D.", "Xu, J.", "Yang, J.", "Yang, Y.", "Qi, Y.",
                "Men, J.", "Kong, P.", "Xu, T."],
          "339 Preliminary Safety, Tolerability and Efficacy Results of KN026 (a HER2-Targeted "
          "Bispecific Antibody) in Combination with KN046 (an Anti-PD-L1/CTLA-4 Bispecific "
          "Antibody) in Patients (pts) with HER2 Aberrated Solid Tumors",
          "Regul. Young Investig. Award. Abstr.", 2020, "8", None,
          "10.1136/jitc-2020-SITC2020.0339", "Gong", et_al=True),
    # LaTeX in the title
    72: J(483, ["Oberg, H.H.", "Kellner, C.", "Gonnermann, D.", "Sebens, S.", "Bauerschlag, D.",
                "Gramatzki, M.", "Kabelitz, D.", "Peipp, M.", "Wesch, D."],
          "Tribody [(HER2) × CD16] Is More Effective Than Trastuzumab in Enhancing γδ T Cell "
          "and Natural Killer Cell Cytotoxicity Against HER2-Expressing Cancer Cells",
          "Front. Immunol.", 2018, "9", "814", None, "Oberg"),
    # Vancouver-style authors, erratum note after the pages
    75: J(486, ["Teachey DT", "Rheingold SR", "Maude SL"],
          "Cytokine Release Syndrome after Blinatumomab Treatment Related to Abnormal "
          "Macrophage Activation and Ameliorated with Cytokine-Directed Therapy",
          "Blood", 2013, "121", "5154–5157", "10.1182/blood-2016-07-730671", "Teachey",
          et_al=True, authors_normalized=["Teachey, D.T.", "Rheingold, S.R.", "Maude, S.L."],
          note="Erratum in Blood 2016, 128, 1441."),
    83: J(494, ["van der Lee, M.M.C.", "Groothuis, P.G.", "Ubink, R.", "van der Vleuten, M.A.J.",
                "van Achterberg, T.A.", "Loosveld, E.M.", "Damming, D.", "Jacobs, D.C.H.",
                "Rouwette, M.", "Egging, D.F."],
          "The Preclinical Profile of the Duocarmycin-Based HER2-Targeting ADC SYD985 Predicts "
          "for Clinical Benefit in Low HER2-Expressing Breast Cancers",
          "Mol. Cancer Ther.", 2015, "14", "692–703", "10.1158/1535-7163.MCT-14-0881-T",
          "van der Lee", et_al=True),
    # split by a page break (lines 495 and 497)
    84: J(495, ["Banerji, U.", "van Herpen, C.M.L.", "Saura, C.", "Thistlethwaite, F.", "Lord, S.",
                "Moreno, V.", "Macpherson, I.R.", "Boni, V.", "Rolfo, C.", "de Vries, E.G.E."],
          "Trastuzumab Duocarmazine in Locally Advanced and Metastatic Solid Tumours and "
          "HER2-Expressing Breast Cancer: A Phase 1 Dose-Escalation and Dose-Expansion Study",
          "Lancet Oncol.", 2019, "20", "1124–1135", "10.1016/S1470-2045(19)30328-6", "Banerji",
          et_al=True),
    # leading space before the number
    86: J(499, ["von Minckwitz, G.", "Huang, C.-S.", "Mano, M.S.", "Loibl, S.", "Mamounas, E.P.",
                "Untch, M.", "Wolmark, N.", "Rastogi, P.", "Schneeweiss, A.", "Redondo, A."],
          "Trastuzumab Emtansine for Residual Invasive HER2-Positive Breast Cancer",
          "N. Engl. J. Med.", 2019, "380", "617–628", "10.1056/NEJMoa1814017", "von Minckwitz",
          et_al=True),
    93: J(506, ["Krop, I.E.", "Kim, S.-B.", "Martin, A.G.", "LoRusso, P.M.", "Ferrero, J.-M.",
                "Badovinac-Crnjevic, T.", "Hoersch, S.", "Smitt, M.", "Wildiers, H."],
          "Trastuzumab Emtansine versus Treatment of Physician’s Choice in Patients with "
          "Previously Treated HER2-Positive Metastatic Breast Cancer (TH3RESA): Final Overall "
          "Survival Results from a Randomised Open-Label Phase 3 Trial",
          "Lancet Oncol.", 2017, "18", "743–754", "10.1016/S1470-2045(17)30313-3", "Krop"),
    101: J(514, ["Modi, S.", "Saura, C.", "Yamashita, T.", "Park, Y.H.", "Kim, S.-B.", "Tamura, K.",
                 "Andre, F.", "Iwata, H.", "Ito, Y.", "Tsurutani, J."],
           "Abstract PD3-06: Updated Results from DESTINY-breast01, a Phase 2 Trial of "
           "Trastuzumab Deruxtecan (T-DXd) in HER2 Positive Metastatic Breast Cancer",
           "Cancer Res.", 2021, "81", "PD3–PD06", None, "Modi", et_al=True),
    109: J(523, ["Manich, C.S.", "Saura Manich, C.", "O’Shaughnessy, J.", "Aftimos, P.G.",
                 "van den Tweel, E.", "Oesterholt, M.", "Escrivá-de-Romaní, S.I.",
                 "Quenel Tueux, N.", "Tan, T.J.", "Lim, J.S."],
           "LBA15 Primary Outcome of the Phase III SYD985.002/TULIP Trial Comparing "
           "[vic]-trastuzumab Duocarmazine to Physician’s Choice Treatment in Patients with "
           "Pre-Treated HER2-Positive Locally Advanced or Metastatic Breast Cancer",
           "Ann. Oncol.", 2021, "32", "S1288", None, "Manich", et_al=True),
    128: J(543, ["Dumbrava, E.I.", "Sharma, M.R.", "Carvajal, R.D.", "Catenacci, D.", "Emens, L.A.",
                 "Gadgeel, S.M.", "Hanna, G.J.", "Juric, D.", "Kang, Y.-K.", "Lee, J."],
           "Abstract OT-03-02: Phase 1/2 Study of a Novel HER2 Targeting TLR7/8 "
           "Immune-Stimulating Antibody Conjugate (ISAC), BDC-1001, as a Single Agent and in "
           "Combination with an Immune Checkpoint Inhibitor in Patients with Advanced "
           "HER2-Expressing Solid Tumors",
           "Cancer Res.", 2021, "81", "OT-03", None, "Dumbrava", et_al=True),
    131: J(546, ["Yurkovetskiy, A.", "Gumerov, D.", "Ter-Ovanesyan, E.", "Conlon, P.", "Devit, M.",
                 "Bu, C.", "Bodyak, N.", "Lowinger, T.", "Bergstrom, D."],
           "Abstract 48: Non-Clinical Pharmacokinetics of XMT-1522, a HER2 Targeting "
           "Auristatin-Based Antibody Drug Conjugate",
           "Cancer Res.", 2017, "77", "48–48", None, "Yurkovetskiy"),
    142: J(557, ["Scaltriti, M.", "Verma, C.", "Guzman, M.", "Jimenez, J.", "Parra, J.L.",
                 "Pedersen, K.", "Smith, D.J.", "Landolfi, S.", "Ramon y Cajal, S.", "Arribas, J."],
           "Lapatinib, a HER2 Tyrosine Kinase Inhibitor, Induces Stabilization and Accumulation "
           "of HER2 and Potentiates Trastuzumab-Dependent Cell Cytotoxicity",
           "Oncogene", 2009, "28", "803–814", "10.1038/onc.2008.432", "Scaltriti", et_al=True),
    # split by a page break (lines 576 and 578)
    160: J(576, ["Chan, A.", "Delalogue, S.", "Holmes, F.A.", "Moy, B.", "Iwata, H.",
                 "Harvey, V.J.", "Robert, N.J.", "Silovski, T.", "Gokmen, E.", "von Minckwitz, G."],
           "Neratinib after Trastuzumab-Based Adjuvant Therapy in Patients with HER2-Positive "
           "Breast Cancer (ExteNET): A Multicentre, Randomised, Double-Blind, "
           "Placebo-Controlled, Phase 3 Trial",
           "Lancet Oncol.", 2016, "17", "367–377", "10.1016/S1470-2045(15)00551-3", "Chan",
           et_al=True),
    161: J(579, ["Chan, A.", "Moy, B.", "Mansi, J.", "Ejlertsen, B.", "Holmes, F.A.", "Chia, S.",
                 "Iwata, H.", "Gnant, M.", "Loibl, S.", "Barrios, C.H."],
           "Final Efficacy Results of Neratinib in HER2-Positive Hormone Receptor-Positive "
           "Early-Stage Breast Cancer From the Phase III ExteNET Trial",
           "Clin. Breast Cancer", 2021, "21", "80–91.e7", None, "Chan", et_al=True),
    189: J(608, ["Simmons, C.", "Rayson, D.", "Joy, A.A.", "Henning, J.-W.", "Lemieux, J.",
                 "McArthur, H.", "Card, P.B.", "Dent, R.", "Brezden-Masley, C."],
           "Current and Future Landscape of Targeted Therapy in HER2-Positive Advanced Breast "
           "Cancer: Redrawing the Lines",
           "Ther. Adv. Med. Oncol.", 2022, "14", "17588359211066677",
           "10.1177/17588359211066677", "Simmons"),
    195: J(614, ["Zhang, J.", "McAndrew, N.", "Yu, W.", "Pan, X.", "Wang, M.", "Hu, X."],
           "Abstract P2-13-43: Preclinical and Early Clinical Safety and Pharmacokinetics Data of "
           "DZD1516, an BBB-Penetrant Selective HER2 Inhibitor for the Treatment of HER2 "
           "Positive Metastatic Breast Cancer",
           "Cancer Res.", 2022, "82", "P2-P13", None, "Zhang"),
    203: J(623, ["Zhao, Y.", "Lee, C.K.", "Lin, C.-H.", "Gassen, R.B.", "Xu, X.", "Huang, Z.",
                 "Xiao, C.", "Bonorino, C.", "Lu, L.-F.", "Bui, J.D."],
           "PD-L1:CD80 Cis-Heterodimer Triggers the Co-Stimulatory Receptor CD28 While "
           "Repressing the Inhibitory PD-1 and CTLA-4 Pathways",
           "Immunity", 2019, "51", "1059–1073.e9", None, "Zhao", et_al=True),
    206: J(626, ["Waks, A.G.", "Keenan, T.E.", "Li, T.", "Tayob, N.", "Wulf, G.M.",
                 "Richardson, E.T., 3rd", "Attaya, V.", "Anderson, L.", "Mittendorf, E.A.",
                 "Overmoyer, B."],
           "Phase Ib Study of Pembrolizumab in Combination with Trastuzumab Emtansine for "
           "Metastatic HER2-Positive Breast Cancer",
           "J. Immunother. Cancer", 2022, "10", "e005119", "10.1136/jitc-2022-005119", "Waks",
           et_al=True),
    # press release: an organisation printed like a person, a year, a link
    219: W(640, "web_page",
           "Innovent Releases Preliminary Results of the Phase Ia Dose-Escalation Study of IBI315 "
           "(Anti-Her2/PD-1 Bispecific Antibody) in Patients with Advanced Solid Tumors at CSCO "
           "Annual Meeting",
           "https://www.prnewswire.com/news-releases/innovent-releases-preliminary-results-of-"
           "the-phase-ia-dose-escalation-study-of-ibi315-anti-her2pd-1-bispecific-antibody-in-"
           "patients-with-advanced-solid-tumors-at-csco-annual-meeting-2021-301386697.html",
           dt.date(2023, 2, 15), None, authors=["Biologics, I."], year=2021, surname="Biologics"),
    # split by a page break (lines 658 and 660)
    237: J(658, ["Dieci, M.V.", "Conte, P.", "Bisagni, G.", "Brandes, A.A.", "Frassoldati, A.",
                 "Cavanna, L.", "Musolino, A.", "Giotta, F.", "Rimanti, A.", "Garrone, O."],
           "Association of Tumor-Infiltrating Lymphocytes with Distant Disease-Free Survival in "
           "the ShortHER Randomized Adjuvant Trial for Patients with Early HER2+ Breast Cancer",
           "Ann. Oncol.", 2019, "30", "418–423", "10.1093/annonc/mdz007", "Dieci", et_al=True),
    247: J(670, ["Grupp, S.A.", "Kalos, M.", "Barrett, D.", "Aplenc, R.", "Porter, D.L.",
                 "Rheingold, S.R.", "Teachey, D.T.", "Chew, A.", "Hauck, B.", "Wright, J.F."],
           "Chimeric Antigen Receptor-Modified T Cells for Acute Lymphoid Leukemia",
           "N. Engl. J. Med.", 2013, "368", "1509–1518", "10.1056/NEJMoa1215134", "Grupp",
           et_al=True),
    259: J(682, ["Brentjens, R.J.", "Davila, M.L.", "Riviere, I.", "Park, J.", "Wang, X.",
                 "Cowell, L.G.", "Bartido, S.", "Stefanski, J.", "Taylor, C.", "Olszewska, M."],
           "CD19-Targeted T Cells Rapidly Induce Molecular Remissions in Adults with "
           "Chemotherapy-Refractory Acute Lymphoblastic Leukemia",
           "Sci. Transl. Med.", 2013, "5", "177ra38", "10.1126/scitranslmed.3005930", "Brentjens",
           et_al=True),
    275: J(699, ["Guedan, S.", "Calderon, H.", "Posey, A.D., Jr.", "Maus, M.V."],
           "Engineering and Design of Chimeric Antigen Receptors",
           "Mol. Ther. Methods Clin. Dev.", 2019, "12", "145–156", "10.1016/j.omtm.2018.12.009",
           "Guedan"),
    293: W(718, "registry_record",
           "Memory-Enriched T Cells in Treating Patients with Recurrent or Refractory Grade "
           "III-IV Glioma",
           "https://clinicaltrials.gov/ct2/show/NCT03389230", dt.date(2023, 2, 13), "NCT03389230"),
    296: W(721, "registry_record",
           "T Cells Expressing HER2-Specific Chimeric Antigen Receptors(CAR) for Patients With "
           "HER2-Positive CNS Tumors—Full Text View—ClinicalTrials.Gov",
           "https://clinicaltrials.gov/ct2/show/NCT02442297", dt.date(2023, 2, 13), "NCT02442297"),
    303: J(728, ["Szőör, Á.", "Tóth, G.", "Zsebik, B.", "Szabó, V.", "Eshhar, Z.", "Abken, H.",
                 "Vereb, G."],
           "Trastuzumab Derived HER2-Specific CARs for the Treatment of Trastuzumab-Resistant "
           "Breast Cancer: CAR T Cells Penetrate and Eradicate Tumors That Are Not Accessible to "
           "Antibodies",
           "Cancer Lett.", 2020, "484", "1–8", "10.1016/j.canlet.2020.04.008", "Szőör"),
    304: J(729, ["Azim, H.A.", "Azim, H.A., Jr."],
           "Systemic Treatment of Brain Metastases in HER2-Positive Breast Cancer: Current Status "
           "and Future Directions",
           "Future Oncol.", 2012, "8", "135–144", "10.2217/fon.11.149", "Azim"),
    311: W(737, "web_page", "Drug Dictionary",
           "https://www.cancer.gov/publications/dictionaries/cancer-drug/def/autologous-her2-"
           "targeted-dual-switch-car-t-cells-bpx-603",
           dt.date(2023, 2, 13), None, authors=["NCI"]),
    319: W(745, "web_page", "Trastuzumab Deruxtecan for Metastatic HER2-Low Breast Cancer",
           "https://www.cancer.gov/news-events/cancer-currents-blog/2022/enhertu-her2-low-breast-"
           "cancer", dt.date(2023, 2, 14), None),
    340: J(767, ["Ebrahimiyan, H.", "Tamimi, A.", "Shokoohian, B.", "Minaei, N.",
                 "Memarnejadian, A.", "Hossein-Khannazer, N.", "Hassan, M.", "Vosough, M."],
           "Novel Insights in CAR-NK Cells beyond CAR-T Cell Technology; Promising Advantages",
           "Int. Immunopharmacol.", 2022, "106", "108587", "10.1016/j.intimp.2022.108587",
           "Ebrahimiyan"),
    352: J(779, ["Nomura, A.", "Takada, H.", "Jin, C.H.", "Tanaka, T.", "Ohga, S.", "Hara, T."],
           "Functional Analyses of Cord Blood Natural Killer Cells and T Cells: A Distinctive "
           "Interleukin-18 Response",
           "Exp. Hematol.", 2001, "29", "1169–1176", "10.1016/s0301-472x(01)00689-0", "Nomura"),
    # a bare DOI URL
    356: J(784, ["Zhu, H.", "Kaufman, D.S."],
           "An Improved Method to Produce Clinical-Scale Natural Killer Cells from Human "
           "Pluripotent Stem Cells",
           "Methods Mol. Biol.", 2019, "2048", "107–119", "10.1007/978-1-4939-9728-2_12", "Zhu"),
    # cut short: volume but no pages
    375: J(803, ["Eitler, J.", "Wotschel, N.", "Miller, N.", "Boissel, L.", "Klingemann, H.G.",
                 "Wels, W.", "Tonn, T."],
           "Inability of Granule Polarization by NK Cells Defines Tumor Resistance and Can Be "
           "Overcome by CAR or ADCC Mediated Targeting",
           "J. Immunother. Cancer", 2021, "9", None, "10.1136/jitc-2020-001334", "Eitler"),
    377: W(806, "registry_record",
           "Intracranial Injection of NK-92/5.28.Z Cells in Combination With Intravenous "
           "Ezabemlimab in Patients With Recurrent HER2-Positive Glioblastoma—No Study Results "
           "Posted—ClinicalTrials.Gov",
           "https://clinicaltrials.gov/ct2/show/results/NCT03383978?term=CAR+NK+cells&draw=2"
           "&rank=62", dt.date(2023, 2, 14), "NCT03383978"),
    391: J(820, ["Mantovani, A.", "Sozzani, S.", "Locati, M.", "Allavena, P.", "Sica, A."],
           "Macrophage Polarization: Tumor-Associated Macrophages as a Paradigm for Polarized M2 "
           "Mononuclear Phagocytes",
           "Trends Immunol.", 2002, "23", "549–555", "10.1016/s1471-4906(02)02302-5", "Mantovani"),
    407: W(837, "registry_record",
           "Cohort Study to Determine the Antitumor Activity of New CAR-Macrophages in Breast "
           "Cancer Patients' Derived Organoids— Full Text View—ClinicalTrials.Gov",
           "https://clinicaltrials.gov/ct2/show/NCT05007379", dt.date(2023, 2, 14), "NCT05007379"),
    413: J(843, ["Pallerla, S.", "Abdul, A.U.R.M.", "Comeau, J.", "Jois, S."],
           "Cancer Vaccines, Treatment of the Future: With Emphasis on HER2-Positive Breast Cancer",
           "Int. J. Mol. Sci.", 2021, "22", "779", "10.3390/ijms22020779", "Pallerla"),
    424: J(855, ["Kristensen, V.N.", "Vaske, C.J.", "Ursini-Siegel, J.", "Van Loo, P.",
                 "Nordgard, S.H.", "Sachidanandam, R.", "Sørli, T.", "Wörnberg, F.",
                 "Haakensen, V.D.", "Helland, Å."],
           "Integrated Molecular Profiles of Invasive Breast Tumors and Ductal Carcinoma In Situ "
           "(DCIS) Reveal Differential Vascular and Interleukin Signaling",
           "Proc. Natl. Acad. Sci. USA", 2012, "109", "2802–2807", "10.1073/pnas.1108781108",
           "Kristensen", et_al=True),
    429: J(860, ["Disis, M.L.", "Schiffman, K.", "Guthrie, K.", "Salazar, L.G.", "Knutson, K.L.",
                 "Goodell, V.", "dela Rosa, C.", "Cheever, M.A."],
           "Effect of Dose on Immune Response in Patients Vaccinated with an Her-2/neu "
           "Intracellular Domain Protein-Based Vaccine",
           "J. Clin. Oncol.", 2004, "22", "1916–1925", "10.1200/JCO.2004.09.005", "Disis"),
    # the book chapter
    437: {
        **J(868, ["Gasparri, M.L.", "Ruscito, I.", "Taghavi, K.", "Farooqi, A.A.", "Papadia, A.",
                  "Focaccetti, C.", "Barnaba, V.", "Panici, P.B.", "Mueller, M.D."],
            "The Immunobiology of Cancer: From Tumor Escape to Cancer Immunoediting Towards "
            "Immunotherapy in Gynecologic Oncology",
            "Molecular Oncology: Underlying Mechanisms and Translational Advancements", 2017,
            None, "193–204", None, "Gasparri"),
        "pub_type": "book_chapter",
        "publisher": "Springer",
        "publisher_place": "Cham, Switzerland",
    },
    447: J(879, ["Bars, R.L.", "Le Bars, R.", "Marion, J.", "Le Borgne, R.",
                 "Satiat-Jeunemaitre, B.", "Bianchi, M.W."],
           "ATG5 Defines a Phagophore Domain Connected to the Endoplasmic Reticulum during "
           "Autophagosome Formation in Plants",
           "Nat. Commun.", 2014, "5", "4121", None, "Bars"),
    450: J(882, ["Wahlgren, J.", "Karlson, T.D.L.", "Brisslert, M.", "Vaziri Sani, F.",
                 "Telemo, E.", "Sunnerhagen, P.", "Valadi, H."],
           "Plasma Exosomes Can Deliver Exogenous Short Interfering RNA to Monocytes and "
           "Lymphocytes",
           "Nucleic Acids Res.", 2012, "40", "e130", "10.1093/nar/gks463", "Wahlgren"),
    456: J(888, ["Lundberg, E.", "Borner, G.H.H."],
           "Spatial Proteomics: A Powerful Discovery Tool for Cell Biology",
           "Nat. Rev. Mol. Cell Biol.", 2019, "20", "285–302", "10.1038/s41580-018-0094-y",
           "Lundberg"),
}

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
