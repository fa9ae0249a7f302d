"""Adverse events normalised to CTCAE v5.0, and the prose finder."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from tidyreview.agent_mentions import text_regions
from tidyreview.ctcae import CTCAE_FILE, load_ctcae, token_key
from tidyreview.layout import read_layout
from tidyreview.lexicon import LexiconError

VOCAB = Path(__file__).resolve().parents[1] / "raw" / "vocabularies"


@pytest.fixture(scope="module")
def ctcae():
    return load_ctcae(VOCAB)


@pytest.mark.parametrize(
    "written, term, code, soc",
    [
        (
            "hand-foot syndrome",
            "Palmar-plantar erythrodysesthesia syndrome",
            "10054524",
            "Skin and subcutaneous tissue disorders",
        ),
        ("neutropenia", "Neutrophil count decreased", "10029366", "Investigations"),
        (
            "interstitial lung disease",
            "Pneumonitis",
            "10035742",
            "Respiratory, thoracic and mediastinal disorders",
        ),
        ("ILD", "Pneumonitis", "10035742", "Respiratory, thoracic and mediastinal disorders"),
        ("diarrhoea", "Diarrhea", "10012727", "Gastrointestinal disorders"),
        ("Anaemia", "Anemia", "10002272", "Blood and lymphatic system disorders"),
        ("leucopenia", "White blood cell decreased", "10049182", "Investigations"),
        (
            "febrile neutropenia",
            "Febrile neutropenia",
            "10016288",
            "Blood and lymphatic system disorders",
        ),
        (
            "infusion-related reactions",
            "Infusion related reaction",
            "10051792",
            "Injury, poisoning and procedural complications",
        ),
        (
            "peripheral neuropathies",
            "Peripheral sensory neuropathy",
            "10034620",
            "Nervous system disorders",
        ),
        ("hypokalaemia", "Hypokalemia", "10021018", "Metabolism and nutrition disorders"),
        # the annotations stage's normalised ids read as words
        (
            "palmar_plantar_erythrodysaesthesia",
            "Palmar-plantar erythrodysesthesia syndrome",
            "10054524",
            "Skin and subcutaneous tissue disorders",
        ),
    ],
)
def test_normalise(ctcae, written, term, code, soc):
    found = ctcae.normalise(written)
    assert (found.ctcae_term, found.meddra_code, found.meddra_soc) == (term, code, soc)


@pytest.mark.parametrize(
    "written",
    ["cardiotoxicity", "hepatotoxicity", "dose-limiting toxicity", "off-target toxicity", ""],
)
def test_writings_ctcae_does_not_grade_as_one_term(ctcae, written):
    assert ctcae.normalise(written) is None


def test_other_specify_entries_are_never_terms(ctcae):
    assert not [t for t in ctcae.terms if "Other, specify" in t]
    assert ctcae.normalise("Cardiac disorders - Other, specify") is None
    assert len(ctcae.terms) == 837 - 26


def test_token_key_spelling_and_plurals():
    assert token_key("Diarrhoea") == token_key("diarrhea")
    assert token_key("oedema") == token_key("edema")
    assert token_key("tumours") == token_key("tumor")
    assert token_key("neuropathies") == token_key("neuropathy")
    assert token_key("reactions") == token_key("reaction")
    assert token_key("abscess") == "abscess" and token_key("sepsis") == "sepsis"


def test_finder_finds_unlisted_terms_and_skips_generic_ones(ctcae):
    text = (
        "Grade 3 keratitis and blurred vision occurred with the ADC; ILD and febrile "
        "neutropenia were rare. Pain and a fall were reported; patients fall into two groups. "
        "Hypoxia in tumours; no death NOS. Hand-foot syndrome in 20%."
    )
    found = [(f.surface, f.term.ctcae_term) for f in ctcae.find(text)]
    assert found == [
        ("keratitis", "Keratitis"),
        ("blurred vision", "Blurred vision"),
        ("ILD", "Pneumonitis"),
        ("febrile\nneutropenia".replace("\n", " "), "Febrile neutropenia"),
        ("Hand-foot syndrome", "Palmar-plantar erythrodysesthesia syndrome"),
    ]
    assert ctcae.find("the ild was") == []  # abbreviations only in capitals


def test_columns_for_a_table(ctcae):
    cols = ctcae.columns(pd.Series(["rash", "cardiotoxicity", None]))
    assert list(cols.columns) == ["ctcae_term", "meddra_code", "meddra_soc"]
    assert cols["ctcae_term"].tolist() == ["Rash maculo-papular", None, None]


def test_finder_on_the_first_review(source, ctcae):
    terms = {
        f.term.ctcae_term
        for r in text_regions(read_layout(source))
        for f in ctcae.find(source.text, r.start, r.end)
    }
    assert {"Cytokine release syndrome", "Diarrhea", "Pneumonitis", "Nausea"} <= terms
    assert "Pain" not in terms


def _copy(tmp_path):
    folder = tmp_path / "vocabularies"
    shutil.copytree(VOCAB, folder)
    return folder


def test_synonym_of_no_ctcae_term_names_file_and_line(tmp_path):
    folder = _copy(tmp_path)
    path = folder / "ctcae_synonyms.csv"
    n = len(path.read_text(encoding="utf-8").splitlines()) + 1
    with path.open("a", encoding="utf-8") as f:
        f.write("cardiotoxicity,Cardiotoxicity,\n")
    with pytest.raises(LexiconError, match=rf"ctcae_synonyms\.csv: line {n} .*not a CTCAE"):
        load_ctcae(folder)


def test_repeated_synonym_names_both_lines(tmp_path):
    folder = _copy(tmp_path)
    path = folder / "ctcae_synonyms.csv"
    with path.open("a", encoding="utf-8") as f:
        f.write("Hand foot syndromes,Palmar-plantar erythrodysesthesia syndrome,\n")
    with pytest.raises(LexiconError, match=r"repeats line 2"):
        load_ctcae(folder)


def test_missing_ctcae_file_names_it(tmp_path):
    folder = _copy(tmp_path)
    (folder / CTCAE_FILE).unlink()
    with pytest.raises(LexiconError, match=r"ctcae_v5\.0_terms\.csv: vocabulary file not found"):
        load_ctcae(folder)


def test_malformed_ctcae_row_names_line(tmp_path):
    folder = _copy(tmp_path)
    path = folder / CTCAE_FILE
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[3] = "1234," + lines[3].split(",", 1)[1]
    path.write_text("".join(lines), encoding="utf-8")
    with pytest.raises(LexiconError, match=r"(?s)ctcae_v5\.0_terms\.csv.*line 4.*1234"):
        load_ctcae(folder)
