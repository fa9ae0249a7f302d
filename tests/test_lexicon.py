"""The curated agent lexicon: its validation and the name matcher."""

from __future__ import annotations

import pytest

from conftest import VOCABULARIES
from tidyreview.lexicon import (
    AGENTS_FILE,
    NOT_AGENTS_FILE,
    LexiconError,
    Matcher,
    alias_key,
    load_lexicon,
    load_not_agents,
)
from tidyreview.schemas.vocabularies import MODALITIES

HEADER = "agent_id,name,aliases,modality,targets,her2_directed,component_of,notes\n"


def write_lexicon(tmp_path, *rows: str):
    path = tmp_path / AGENTS_FILE
    path.write_text(HEADER + "".join(r + "\n" for r in rows), encoding="utf-8")
    return path


def surfaces(matcher: Matcher, text: str) -> list[tuple[str, str]]:
    return [(m.surface, m.entity) for m in matcher.find(text)]


# --- matching on made-up text ---------------------------------------------------------


@pytest.fixture(scope="module")
def matcher():
    return Matcher(
        [
            ("tdm1", "T-DM1"),
            ("tdm1", "trastuzumab-emtansine"),
            ("tdxd", "trastuzumab deruxtecan"),
            ("tras", "trastuzumab"),
            ("zani", "zanidatamab"),
            ("zw49", "zanidatamab zovodotin"),
            ("cart", "HER2-CAR-T"),
            ("fpa", "FPA150"),
            ("poz", "Pozotinib"),
        ]
    )


def test_matching_ignores_case(matcher):
    assert surfaces(matcher, "TRASTUZUMAB, Trastuzumab and t-dm1") == [
        ("TRASTUZUMAB", "tras"),
        ("Trastuzumab", "tras"),
        ("t-dm1", "tdm1"),
    ]


def test_matching_ignores_hyphen_space_variants(matcher):
    text = "trastuzumab emtansine, trastuzumab-deruxtecan, Trastuzumab Deruxtecan"
    assert surfaces(matcher, text) == [
        ("trastuzumab emtansine", "tdm1"),
        ("trastuzumab-deruxtecan", "tdxd"),
        ("Trastuzumab Deruxtecan", "tdxd"),
    ]


def test_matching_survives_line_wrap_artifacts(matcher):
    text = "Arm 2: T- DM1 + placebo; when HER2-\n\nCAR-T cells were; T-\nDM1"
    assert surfaces(matcher, text) == [
        ("T- DM1", "tdm1"),
        ("HER2-\n\nCAR-T", "cart"),
        ("T-\nDM1", "tdm1"),
    ]


def test_offsets_index_the_text(matcher):
    text = "xx T- DM1 and trastuzumab-emtansine"
    for m in matcher.find(text):
        assert text[m.start : m.end] == m.surface


def test_longest_match_wins(matcher):
    text = "Zanidatamab zovodotin (ZW49) is not zanidatamab."
    assert surfaces(matcher, text) == [
        ("Zanidatamab zovodotin", "zw49"),
        ("zanidatamab", "zani"),
    ]
    assert surfaces(matcher, "trastuzumab-deruxtecan") == [("trastuzumab-deruxtecan", "tdxd")]


def test_names_are_whole_words(matcher):
    # inside a longer word or a code with a hyphenated number: not the agent
    assert surfaces(matcher, "xtrastuzumab trastuzumabs FPA150-001 T-DM1x") == []
    # a hyphenated word after the name is fine
    assert surfaces(matcher, "T-DM1-resistant trastuzumab-based FPA150.") == [
        ("T-DM1", "tdm1"),
        ("trastuzumab", "tras"),
        ("FPA150", "fpa"),
    ]


def test_spaces_alone_do_not_join_words(matcher):
    # where the alias has a hyphen the text may have a space, and a hyphen (maybe wrapped)
    # may split a word; but a plain space never splits a word the alias writes together
    assert surfaces(matcher, "T DM1") == [("T DM1", "tdm1")]
    assert surfaces(matcher, "T-DM 1 and Pozo tinib") == []
    assert surfaces(matcher, "Pozo-\ntinib") == [("Pozo-\ntinib", "poz")]


def test_case_sensitive_matcher_keeps_common_words_out():
    studies = Matcher([("LANDSCAPE", "LANDSCAPE"), ("PANACEA", "PANACEA")], case_sensitive=True)
    text = "the therapeutic landscape; the LANDSCAPE trial; PAN-ACEA"
    assert surfaces(studies, text) == [("LANDSCAPE", "LANDSCAPE"), ("PAN-ACEA", "PANACEA")]


def test_alias_key():
    assert alias_key("T- DM1") == alias_key("t-dm1") == alias_key("TDM1") == "tdm1"


# --- lexicon validation ----------------------------------------------------------------


def test_small_lexicon_loads(tmp_path):
    path = write_lexicon(
        tmp_path,
        "tdm1,trastuzumab emtansine,T-DM1|trastuzumab-emtansine,antibody_drug_conjugate,HER2,true,,",
        "dm1,emtansine,emtansine,other,,false,tdm1,payload",
    )
    lexicon = load_lexicon(path)
    assert lexicon.agents["tdm1"].aliases == ("T-DM1", "trastuzumab-emtansine")
    assert lexicon.agents["tdm1"].her2_directed is True
    assert lexicon.agents["dm1"].component_of == ("tdm1",)
    assert lexicon.agents["dm1"].targets == ()
    frame = lexicon.frame()
    assert list(frame["agent_id"]) == ["tdm1", "dm1"]


def test_alias_shared_by_two_agents_is_an_error(tmp_path):
    path = write_lexicon(
        tmp_path,
        "a,A,T-DM1,other,,false,,",
        "b,B,foo|t dm1,other,,false,,",
    )
    with pytest.raises(LexiconError) as err:
        load_lexicon(path)
    message = str(err.value)
    assert str(path) in message
    assert "line 3" in message and "'b'" in message and "'t dm1'" in message
    assert "'a'" in message and "line 2" in message


def test_bad_modality_names_file_line_and_value(tmp_path):
    path = write_lexicon(tmp_path, "a,A,aaa,other,,false,,", "b,B,bbb,mab,,false,,")
    with pytest.raises(LexiconError) as err:
        load_lexicon(path)
    message = str(err.value)
    assert str(path) in message and "line 3" in message and "'mab'" in message
    assert "modality" in message


def test_duplicate_agent_id_and_bad_flags_are_errors(tmp_path):
    path = write_lexicon(tmp_path, "a,A,aaa,other,,false,,", "a,B,bbb,other,,yes,,")
    with pytest.raises(LexiconError) as err:
        load_lexicon(path)
    message = str(err.value)
    assert "agent_id" in message and "her2_directed" in message and "'yes'" in message


def test_unknown_component_and_empty_aliases_are_errors(tmp_path):
    path = write_lexicon(tmp_path, "a,A,aaa,other,,false,zzz,")
    with pytest.raises(LexiconError, match="component_of 'zzz' is not an agent_id"):
        load_lexicon(path)
    path = write_lexicon(tmp_path, "a,A,aaa||bbb,other,,false,,")
    with pytest.raises(LexiconError, match="aliases"):
        load_lexicon(path)


def test_missing_file_is_an_error(tmp_path):
    with pytest.raises(LexiconError, match="not found"):
        load_lexicon(tmp_path / "nope.csv")


def test_bad_not_agent_pattern_is_an_error(tmp_path):
    path = tmp_path / NOT_AGENTS_FILE
    path.write_text("pattern,kind,reason\nCD\\d+,gene_or_protein,markers\n(,other,oops\n")
    with pytest.raises(LexiconError, match=r"line 3: pattern '\(' is not a valid"):
        load_not_agents(path)


# --- the curated lexicon of the review -------------------------------------------------


@pytest.fixture(scope="module")
def lexicon():
    return load_lexicon(VOCABULARIES / AGENTS_FILE)


def test_curated_lexicon_size_and_modalities(lexicon):
    assert len(lexicon.agents) >= 100
    modalities = {a.modality for a in lexicon.agents.values()}
    assert modalities <= set(MODALITIES)
    # every modality the review discusses has agents (the PI3K and other kinase
    # inhibitor classes are there for agents found by DrugBank names and INN stems)
    for m in MODALITIES:
        if m not in {"cell_therapy_other", "pi3k_inhibitor", "kinase_inhibitor"}:
            assert m in modalities, m


def test_every_alias_occurs_in_the_review(lexicon, raw, layout):
    """Aliases come from the review itself: each one is used at least once."""
    found = {(m.entity, m.alias) for m in lexicon.matcher().find(raw, 0, layout.body_end)}
    unused = [
        (a.agent_id, alias)
        for a in lexicon.agents.values()
        for alias in a.aliases
        if (a.agent_id, alias) not in found
    ]
    assert unused == []


def test_review_spellings_are_aliases(lexicon):
    assert "Pozotinib" in lexicon.agents["poziotinib"].aliases
    assert "Molalizumab" in lexicon.agents["monalizumab"].aliases
    assert "ZW25" in lexicon.agents["zanidatamab"].aliases
    assert "RC48" in lexicon.agents["disitamab_vedotin"].aliases
    assert "T-DXd" in lexicon.agents["trastuzumab_deruxtecan"].aliases


def test_curated_not_agents_loads():
    not_agents = load_not_agents(VOCABULARIES / NOT_AGENTS_FILE)
    assert not_agents.decided("CD16") is not None
    assert not_agents.decided("MM-302") is None


def test_an_acronym_alias_matches_in_capitals_only():
    from tidyreview.lexicon import Matcher, is_acronym

    assert is_acronym("NPS") and is_acronym("CDK") and not is_acronym("T-DM1")
    assert not is_acronym("Pozotinib") and not is_acronym("NPs")
    # "NPs" (nanoparticles, Lucas 2021) is not the peptide vaccine's acronym "NPS".
    found = Matcher([("nelipepimut_s", "NPS")]).find("NPs and nps differ from NPS.")
    assert [(m.surface, m.start) for m in found] == [("NPS", 24)]
