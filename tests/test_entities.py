"""Agents and trials as entities: the rules on made-up text, the review checked by hand."""

from __future__ import annotations

import shutil

import pandas as pd
import pytest

from conftest import VOCABULARIES, golden
from tidyreview import trials
from tidyreview.layout import collapse
from tidyreview.publish import validate
from tidyreview.schemas import entities as entities_schema
from tidyreview.source import source_from_text
from tidyreview.stages import run_with_earlier

# The field's vocabularies every agents folder holds beside the curated lexicon.
FIELD_VOCABULARIES = (
    "drugbank",
    "drugbank_exclusions.csv",
    "inn_stems.csv",
    "agent_classes.csv",
)


def with_field_vocabularies(folder):
    for name in FIELD_VOCABULARIES:
        src = VOCABULARIES / name
        if src.is_dir():
            shutil.copytree(src, folder / name)
        else:
            shutil.copy(src, folder / name)
    return folder


ENTITY_TABLES = [
    "agents",
    "agent_mentions",
    "trial_statements",
    "named_studies",
    "trial_mentions",
    "trial_agents",
    "quality_flags",
]


@pytest.fixture(scope="module")
def out(source):
    return run_with_earlier("entities", source, VOCABULARIES)


def flags_of(out, check: str) -> pd.DataFrame:
    q = out["quality_flags"]
    return q[q["check"] == check]


# --- rules on a made-up review ------------------------------------------------------------

MADE_UP = """Made-up review

A. Author

1. Introduction

Zanidatamab zovodotin (ZW49) is not zanidatamab, and triple-negative breast cancer (TNBC) \
is a disease. Patients with TNBC (NCT01234567) did well.

2. Trials

The MARGOT clinical trial (NCT04425018) tests zanidatamab in combination with palbociclib \
when compared to trastuzumab. The EMILIA [1] and KAMILLA [2] trials used T- DM1. The HERA \
phase 1 trial (NCT11111111) is a phase 1 study. Another phase 3 report of HERA \
(NCT11111111) exists. A phase 1 clinical trial (ZORRO and NCT22222222) tested fakotinib \
and ABC-123 on CD16 cells; NCT0123 is not an identifier. Poziotinib, poziotinib and \
Pozotinib; one taxane, two taxanes.
"""

MADE_UP_AGENTS = """agent_id,name,aliases,modality,targets,her2_directed,component_of,notes
zanidatamab,zanidatamab,zanidatamab|ZW25,bispecific_antibody,HER2,true,,
zw49,zanidatamab zovodotin,zanidatamab zovodotin|ZW49,antibody_drug_conjugate,HER2,true,,
tdm1,trastuzumab emtansine,T-DM1|trastuzumab-emtansine,antibody_drug_conjugate,HER2,true,,
palbo,palbociclib,palbociclib,cdk4_6_inhibitor,,false,,
tras,trastuzumab,trastuzumab,monoclonal_antibody,HER2,true,,
pozi,poziotinib,poziotinib|Pozotinib,tyrosine_kinase_inhibitor,pan-HER,true,,
taxane,taxane,taxane|taxanes,chemotherapy,,false,,
"""


@pytest.fixture(scope="module")
def made_up(tmp_path_factory):
    vocab = with_field_vocabularies(tmp_path_factory.mktemp("vocabularies"))
    (vocab / "agents.csv").write_text(MADE_UP_AGENTS, encoding="utf-8")
    (vocab / "not_agents.csv").write_text("pattern,kind,reason\nCD\\d+,gene_or_protein,x\n")
    shutil.copy(VOCABULARIES / "table_layouts.yaml", vocab)
    shutil.copy(VOCABULARIES / "cancer_sites.csv", vocab)
    source = source_from_text(MADE_UP)
    return source, run_with_earlier("entities", source, vocab)


def test_made_up_agent_mentions(made_up):
    source, out = made_up
    am = out["agent_mentions"]
    assert list(zip(am["agent_id"], am["surface"], strict=True)) == [
        ("zw49", "Zanidatamab zovodotin"),
        ("zw49", "ZW49"),
        ("zanidatamab", "zanidatamab"),
        ("zanidatamab", "zanidatamab"),
        ("palbo", "palbociclib"),
        ("tras", "trastuzumab"),
        ("tdm1", "T- DM1"),
        ("fakotinib", "fakotinib"),  # an INN stem (-tinib): a rule agent
        ("abc123", "ABC-123"),  # a development code: a rule agent
        ("pozi", "Poziotinib"),
        ("pozi", "poziotinib"),
        ("pozi", "Pozotinib"),
        ("taxane", "taxane"),
        ("taxane", "taxanes"),
    ]
    for row in am.itertuples():
        assert source.text[row.start : row.end] == row.surface


def test_made_up_studies_and_ties(made_up):
    _, out = made_up
    studies = out["named_studies"].set_index("name")
    assert set(studies.index) == {"MARGOT", "EMILIA", "KAMILLA", "HERA", "ZORRO"}
    assert studies.loc["MARGOT", "trial_id"] == "NCT04425018"
    assert studies.loc["ZORRO", "trial_id"] == "NCT22222222"
    assert pd.isna(studies.loc["EMILIA", "trial_id"])
    # a defined abbreviation before an identifier is not a study name
    assert "TNBC" not in studies.index
    trials = out["trial_statements"].set_index("trial_id")
    assert set(trials.index) == {"NCT01234567", "NCT04425018", "NCT11111111", "NCT22222222"}
    assert list(trials.loc["NCT04425018", "acronyms"]) == ["MARGOT"]


def test_made_up_trial_agents_roles(made_up):
    _, out = made_up
    ta = out["trial_agents"]
    assert set(zip(ta["trial_id"], ta["agent_id"], ta["role"], ta["source"], strict=True)) == {
        ("NCT04425018", "zanidatamab", "investigational", "text"),
        ("NCT04425018", "palbo", "combination", "text"),
        ("NCT04425018", "tras", "comparator", "text"),
        ("NCT22222222", "fakotinib", "investigational", "text"),
        ("NCT22222222", "abc123", "combination", "text"),
    }


def test_made_up_flags(made_up):
    _, out = made_up
    q = out["quality_flags"]
    # the names rules recognise are agents, flagged for a curator; CD16 is decided
    assert q[q["check"] == "unknown_drug_like_name"].empty
    uncurated = q[q["check"] == "agent_not_curated"]
    assert sorted(uncurated["subject"]) == ["ABC-123", "fakotinib"]
    agents = out["agents"].set_index("agent_id")
    assert agents.loc["fakotinib", "source"] == "rule"
    assert agents.loc["fakotinib", "modality"] == "tyrosine_kinase_inhibitor"
    assert agents.loc["abc123", "modality"] == "other"
    conflict = q[q["check"] == "trial_fact_conflict"]
    assert list(conflict["subject"]) == ["NCT11111111"]
    assert "PHASE1" in conflict["detail"].iloc[0] and "PHASE3" in conflict["detail"].iloc[0]
    assert list(q[q["check"] == "malformed_trial_id"]["subject"]) == ["NCT0123"]
    # a misspelling is flagged, a plural is not
    spelling = q[q["check"] == "agent_spelling_variant"]
    assert spelling["subject"].tolist() == ["Pozotinib"]
    assert "'Poziotinib' 2 time(s)" in spelling["detail"].iloc[0]


# Which trial an agent belongs to, what the prose states about trials, and a study name
# misspelt against the reference list: one paragraph per rule.
LINKS = """Made-up links

A. Author

1. Trials

There is a phase 1 clinical trial to explore zanidatamab in solid tumors (NCT10000001), and \
in another phase 1 clinical trial, zanidatamab showed effectiveness with trastuzumab [1].

Another two clinical trials (NCT10000002 and NCT10000003) are investigating palbociclib.

An open-label phase 1 clinical trial (NCT10000004) was started in 2018 and is still \
recruiting patients. In this trial, the aim is to study the dose of palbociclib.

Two clinical trials (NCT10000005 and NCT10000006) are also studying new drugs. The first \
one analyzes zanidatamab infusions. The second one studies taxanes in patients.

ZW49. This ADC is made from zanidatamab and trastuzumab. A phase 1/2 clinical trial is \
being conducted at present (NCT10000007).

Finally, it is worth mentioning a study carried out in patients. A peptide vaccine, \
T-DM1, was developed. Preclinical data show synergy between vaccines and trastuzumab. This \
study is the first randomized trial of the combination. The combination of both \
therapies is safe (NCT10000008).

In the phase 3 clinical trial, palbociclib was better than trastuzumab. However, the \
final analysis showed no advantage over taxanes. It remains to be seen if palbociclib \
could be useful. In this sense, the ZORRO clinical trial (NCT10000009) is currently \
recruiting patients. Patients with TNBC (NCT10000010) did well with trastuzumab.

2. Facts

Palbociclib was tested with zanidatamab. Patients with TNBC (NCT10000011) did well. A \
phase 2 study (NCT10000012) has been completed, but recruitment has yet to begin in a \
phase 3 trial (NCT10000013). The phase 1/2 of taxanes (NCT10000014) was good. A phase 1 \
study tests taxanes (NCT10000014).

In the case of the SorTHER trial, trastuzumab was given for a shorter time; in the \
KATE2 trial and the CLEOPATRA study it was not [1].

Palbociclib was given to patients. CLEOPATRA showed more, with T-DM1. The ZEBRA clinical \
trial (NCT10000015) is recruiting.

References

1. Author, A. The ShortHER, KATE3 and CLEOPATRA Randomized Trials. J. 2020, 1, 1.
"""


@pytest.fixture(scope="module")
def links(tmp_path_factory):
    vocab = with_field_vocabularies(tmp_path_factory.mktemp("vocabularies"))
    (vocab / "agents.csv").write_text(MADE_UP_AGENTS, encoding="utf-8")
    (vocab / "not_agents.csv").write_text("pattern,kind,reason\n", encoding="utf-8")
    shutil.copy(VOCABULARIES / "table_layouts.yaml", vocab)
    shutil.copy(VOCABULARIES / "cancer_sites.csv", vocab)
    source = source_from_text(LINKS)
    return source, run_with_earlier("entities", source, vocab)


def _links(out, trial_id: str) -> set[tuple[str, str, str]]:
    ta = out["trial_agents"]
    rows = ta[ta["trial_id"] == trial_id]
    return set(zip(rows["agent_id"], rows["role"], rows["link_rule"], strict=True))


def test_another_trial_starts_another_clause(links):
    _, out = links
    # "..., and in another phase 1 clinical trial, X showed effectiveness with Y"
    assert _links(out, "NCT10000001") == {("zanidatamab", "investigational", "same_clause")}
    # a clause before the identifiers brings in the sentence's own trials
    for trial_id in ("NCT10000002", "NCT10000003"):
        assert _links(out, trial_id) == {("palbo", "investigational", "same_clause")}


def test_links_through_the_next_sentences(links):
    _, out = links
    assert _links(out, "NCT10000004") == {("palbo", "investigational", "trial_anaphora")}
    assert _links(out, "NCT10000005") == {("zanidatamab", "investigational", "ordinal_reference")}
    assert _links(out, "NCT10000006") == {("taxane", "investigational", "ordinal_reference")}


def test_links_from_the_paragraph_of_an_agentless_trial_sentence(links):
    _, out = links
    # the run-in title, not the antibodies the next sentence names
    assert _links(out, "NCT10000007") == {("zw49", "investigational", "paragraph_topic")}
    # a paragraph about one study: every agent before the identifier
    assert _links(out, "NCT10000008") == {
        ("tdm1", "investigational", "single_study_paragraph"),
        ("tras", "combination", "single_study_paragraph"),
    }
    # another (unnamed) trial in the paragraph: only the nearest sentence naming agents
    assert _links(out, "NCT10000009") == {("palbo", "investigational", "previous_sentence")}
    # a sentence that speaks of no trial takes no agent from the sentence before
    assert _links(out, "NCT10000010") == {("tras", "investigational", "same_clause")}
    assert _links(out, "NCT10000011") == set()
    # the walk back stops at a sentence naming a study, even without a trial word
    assert _links(out, "NCT10000015") == set()


def test_link_evidence_runs_over_the_sentences(links):
    source, out = links
    ta = out["trial_agents"]
    row = ta[ta["trial_id"] == "NCT10000009"].iloc[0]
    assert row["evidence"].startswith("It remains to be seen if palbociclib")
    assert row["evidence"].endswith("is currently recruiting patients.")
    assert collapse(source.text[row["start"] : row["end"]]) == row["evidence"]


def test_phase_and_status_from_the_prose(links):
    _, out = links
    trials = out["trial_statements"].set_index("trial_id")
    facts = trials[["text_phase", "text_phase_raw", "text_status", "text_status_raw"]]
    got = {k: tuple(None if pd.isna(v) else v for v in row) for k, row in facts.iterrows()}
    assert got["NCT10000004"] == ("PHASE1", "phase 1", "RECRUITING", "is still recruiting")
    assert got["NCT10000007"] == ("PHASE1/PHASE2", "phase 1/2", None, None)
    assert got["NCT10000009"] == (None, None, "RECRUITING", "is currently recruiting")
    # one sentence, two statuses: stated for neither trial
    assert got["NCT10000012"] == (None, None, None, None)
    assert got["NCT10000013"] == (None, None, None, None)
    # two sentences, two phases: published nowhere, flagged
    assert got["NCT10000014"] == (None, None, None, None)
    assert "NCT10000014" in set(flags_of(out, "trial_fact_conflict")["subject"])
    assert trials["phase"].isna().all() and trials["status"].isna().all()  # no tables


def test_study_name_misspelt_against_the_reference_list(links):
    _, out = links
    flags = flags_of(out, "study_name_unlike_reference")
    assert flags["subject"].tolist() == ["SorTHER"]
    assert "'ShortHER' (reference 1)" in flags["detail"].iloc[0]


def test_normalise_phase():
    assert trials.normalise_phase("1b/2") == "PHASE1/PHASE2"
    assert trials.normalise_phase("1a/b") == "PHASE1"
    assert trials.normalise_phase("3") == "PHASE3"
    assert trials.normalise_phase("7") is None


# --- the review: tables, checked by hand ---------------------------------------------------

_TABLE_AGENTS = golden("entities_table_agents")
TABLE_AGENTS = {t: {a for t2, a in _TABLE_AGENTS if t2 == t} for t, _ in _TABLE_AGENTS}


@pytest.mark.parametrize("table_id", sorted(TABLE_AGENTS))
def test_agents_of_each_table(out, table_id):
    am = out["agent_mentions"]
    assert set(am.loc[am["table_id"] == table_id, "agent_id"]) == TABLE_AGENTS[table_id]


# Each drug cell of Tables 1-3 and each agent-group header of Table 4 -> its agent.
DRUG_CELLS = {(t, cell): agent for t, cell, agent in golden("entities_drug_cells")}


def test_every_drug_cell_resolves_to_its_agent(out):
    ta = out["trial_agents"]
    drugs = ta[(ta["source"] == "table") & (ta["role"] == "investigational")]
    found: dict[tuple[str, str], set[str]] = {}
    for row in drugs.itertuples():
        found.setdefault((row.table_id, row.evidence), set()).add(row.agent_id)
    expected = {key: {agent} for key, agent in DRUG_CELLS.items()}
    # AVIATOR's treatment cell, listed under avelumab and utomilumab: both are tested (one
    # role per trial and agent within a table, see trial_agents.one_role_per_table)
    aviator = "Trastuzumab + vinorelbine with avelumab or avelumab + utomilumab (anti CD137)"
    expected[("T4", aviator)] = {"avelumab", "utomilumab"}
    assert found == expected
    assert flags_of(out, "table_drug_unresolved").empty


def test_table_links(out):
    ta = out["trial_agents"]
    table = set(zip(ta["trial_id"], ta["agent_id"], ta["role"], ta["source"], strict=True))
    assert {
        ("NCT04224272", "zanidatamab", "investigational", "table"),
        ("NCT04224272", "palbociclib", "combination", "table"),
        ("NCT04224272", "fulvestrant", "combination", "table"),
        ("NCT04040699", "kn046", "combination", "table"),  # merged row: cell of the row above
        ("NCT04147819", "bay2701439", "investigational", "table"),
        ("NCT04235101", "niraparib", "combination", "table"),
        ("2013-003894-87", "epertinib", "investigational", "table"),
        ("NCT03414658", "avelumab", "investigational", "table"),
        ("NCT03414658", "utomilumab", "investigational", "table"),
        ("NCT03595592", "cyclophosphamide", "combination", "table"),  # after the page break
        ("NCT04307329", "monalizumab", "investigational", "table"),
    } <= table
    # a payload named with its ADC is not a trial agent; a drug is not its own partner
    assert not {t for t in table if t[1] == "thorium_227"}
    assert ("NCT02129556", "pembrolizumab", "combination", "table") not in table


def test_table_link_evidence_is_the_cell(out, raw):
    ta = out["trial_agents"]
    rows = ta[(ta["trial_id"] == "NCT04307329") & (ta["source"] == "table")]
    evidence = dict(
        zip(rows["agent_id"], zip(rows["start"], rows["end"], strict=True), strict=True)
    )
    assert raw[slice(*evidence["monalizumab"])] == "Monalizumab (anti-NKG2A antibody)"
    assert raw[slice(*evidence["trastuzumab"])].startswith("Molalizumab + trastuzumab in cohort")


def test_text_links(out):
    ta = out["trial_agents"]
    text = set(zip(ta["trial_id"], ta["agent_id"], ta["role"], ta["source"], strict=True))
    assert {
        ("NCT04224272", "palbociclib", "combination", "text"),
        ("NCT04224272", "zanidatamab", "investigational", "text"),
        ("NCT02361112", "pyrotinib", "investigational", "text"),
        ("NCT02361112", "capecitabine", "combination", "text"),
        ("NCT02236000", "neratinib", "investigational", "text"),
        ("NCT02236000", "trastuzumab_emtansine", "combination", "text"),
        ("NCT03289039", "fulvestrant", "combination", "text"),
        ("NCT04650451", "bpx_603", "investigational", "text"),
        ("NCT02614794", "tucatinib", "investigational", "text"),  # via HER2CLIMB
        ("NCT04307329", "monalizumab", "investigational", "text"),  # via MIMOSA
        ("NCT03632941", "pembrolizumab", "combination", "text"),
    } <= text
    # an agent of another clause of a long sentence is not linked
    assert not {t for t in text if t[0] == "NCT05035836" and t[1] == "palbociclib"}
    assert not {t for t in text if t[0] == "NCT03054363" and t[1] == "trastuzumab_deruxtecan"}
    # the payload of the ADC the sentence is about is not a trial agent
    assert not {t for t in text if t[0] == "NCT03602079" and t[1] == "duostatin_5"}
    assert ("NCT03602079", "a166", "investigational", "text") in text
    # nor the antibody it is made from: "A166 is a trastuzumab-based ADC", "BAY2701439
    # consists of a trastuzumab-derived antibody"
    assert not {t for t in text if t[0] in ("NCT03602079", "NCT04147819") and t[1] == "trastuzumab"}
    # "PRS-343 in HER2+ solid tumors (NCT03330561), and in another phase 1 clinical trial
    # ..., PRS-343 showed effectiveness alone or in combination with atezolizumab"
    assert {t[1] for t in text if t[0] == "NCT03330561"} == {"prs_343"}
    # "Another two clinical trials (NCT03500991 and NCT02442297) are investigating ...
    # HER2-specific CAR-T cells": the clause brings in the sentence's own trials
    assert ("NCT03500991", "her2_car_t", "investigational", "text") in text
    assert ("NCT02442297", "her2_car_t", "investigational", "text") in text


# Trials named in a sentence without their agent, linked through the sentences around it
# (line of the trial's sentence; checked by hand).
_REFERRED_LINKS = golden("entities_referred_links")
REFERRED_LINKS = {
    trial: {(a, role, rule) for t, a, role, rule in _REFERRED_LINKS if t == trial}
    for trial, *_ in _REFERRED_LINKS
}


def test_links_through_the_sentences_around_a_trial(out):
    ta = out["trial_agents"]
    for trial_id, expected in REFERRED_LINKS.items():
        rows = ta[ta["trial_id"] == trial_id]
        got = set(zip(rows["agent_id"], rows["role"], rows["link_rule"], strict=True))
        assert got == expected, trial_id
    # "In this trial, the aim is to study ... autologous HER2-targeted CAR-T cells" (l.325)
    rows = ta[(ta["trial_id"] == "NCT03696030") & (ta["link_rule"] == "trial_anaphora")]
    assert list(rows["agent_id"]) == ["her2_car_t"]
    assert rows["evidence"].iloc[0].startswith("An open-label phase 1 clinical trial (NCT03696030)")
    # the paragraph rules only serve trials nothing else links
    fallback = ta[
        ta["link_rule"].isin(["paragraph_topic", "single_study_paragraph", "previous_sentence"])
    ]
    assert set(fallback["trial_id"]) == {"NCT04425018", "NCT05145179", "NCT02297698"}


def test_roles_are_those_of_each_evidence_row(out):
    """Table 4 lists trials under their checkpoint inhibitor; the prose names the product
    it is about first (see TrialAgents.role)."""
    ta = out["trial_agents"]
    rows = ta[ta["trial_id"] == "NCT04660929"]
    got = set(zip(rows["agent_id"], rows["source"], rows["role"], strict=True))
    assert got == {
        ("pembrolizumab", "table", "investigational"),  # the group header
        ("her2_car_m", "table", "combination"),  # "Anti-HER2 CAR macrophages + pembrolizumab"
        ("her2_car_m", "text", "investigational"),  # "the HER2-CAR-M CT-0508 is under ..."
        # in apposition to the subject: the product under test too
        ("ct_0508", "text", "investigational"),
    }
    assert set(ta["link_rule"]) <= set(entities_schema.LINK_RULES)
    assert (ta.loc[ta["source"] == "table", "link_rule"] == "table_row").all()


# --- the review: agents in the prose ----------------------------------------------------

PROSE_AGENTS = dict(golden("entities_prose_agents"))


def test_prose_agents_and_modalities(out):
    assert len(PROSE_AGENTS) >= 30
    agents = out["agents"].set_index("agent_id")
    am = out["agent_mentions"]
    in_prose = set(am.loc[am["part"] == "paragraph", "agent_id"])
    for agent_id, modality in PROSE_AGENTS.items():
        assert agent_id in in_prose, agent_id
        assert agents.loc[agent_id, "modality"] == modality, agent_id


def test_agents_table(out):
    agents = out["agents"].set_index("agent_id")
    # 110 hand-checked rows, less the p95HER2 BsAb (the review names only its target
    # receptor), plus the first FRP5 CAR-NK construct, the CD19, folate receptor α and
    # CD70/B7-H3 tandem CAR-T cells, the HER2 peptide dendritic cell vaccine and the
    # oncolytic adenovirus
    assert len(agents) == 115
    assert agents.loc["poziotinib", "her2_directed"]
    assert not agents.loc["pembrolizumab", "her2_directed"]
    assert list(agents.loc["zenocutuzumab", "targets"]) == ["HER2", "HER3"]
    assert list(agents.loc["mmae", "component_of"]) == ["disitamab_vedotin", "mrg002", "alt_p7"]
    # every agent of the lexicon is mentioned somewhere
    assert set(out["agent_mentions"]["agent_id"]) == set(agents.index)


# Agents the review names once as products (checked by hand: line, surface, modality,
# targets, HER2-directed).
NAMED_ONCE = [
    ("cd19_car_t", 313, "CD19 CAR therapy", "car_t", ["CD19"], False),
    ("folr_alpha_car_t", 315, "folate receptor α -targeted CAR-T", "car_t",
     ["folate receptor α"], False),
    ("cd70_b7_h3_tandem_car_t", 315, "bivalent tandem CAR-T", "car_t", ["CD70", "B7-H3"], False),
    ("oncolytic_adenovirus", 325, "oncolytic adenovirus", "other", [], False),
    ("her2_dc_vaccine", 373, "dendritic cells (DCs)", "vaccine", ["HER2"], True),
]  # fmt: skip


def test_agents_named_once(out):
    agents = out["agents"].set_index("agent_id")
    am = out["agent_mentions"]
    for agent_id, line, surface, modality, targets, her2 in NAMED_ONCE:
        rows = am[am["agent_id"] == agent_id]
        assert list(zip(rows["line"], rows["surface"], strict=True)) == [(line, surface)]
        assert agents.loc[agent_id, "modality"] == modality
        assert list(agents.loc[agent_id, "targets"]) == targets
        assert agents.loc[agent_id, "her2_directed"] == her2


def test_mentions_name_the_right_construct(out, raw):
    am = out["agent_mentions"].set_index("start")
    # "p95HER2. This truncated HER2 is only expressed in tumors": the receptor, no agent
    at = raw.index("p95HER2. This truncated HER2")
    assert not ((am.index >= at) & (am.index < at + len("p95HER2"))).any()
    # "the use of sCAR-T cells co-targeting IGF1R in addition to HER2": the bispecific one
    at = raw.index("sCAR-T cells co-targeting IGF1R")
    assert am.loc[at, "agent_id"] == "her2_igf1r_scar_t"
    assert am.loc[at, "surface"] == "sCAR-T cells co-targeting IGF1R"
    # "monospecific HER2 sCAR-T cells" stays the monospecific product
    at = raw.index("monospecific HER2 sCAR-T") + len("monospecific ")
    assert am.loc[at, "agent_id"] == "her2_scar_t"
    # the first HER2 CAR-NK construct is not CAR-NK 5.28.z, which was built from it
    frp5 = am[am["surface"] == "NK-92-cvFv(FRP5)-zeta"]
    assert list(frp5["line"]) == [343, 343]
    assert set(frp5["agent_id"]) == {"nk_92_frp5_zeta"}
    assert set(am.loc[am["surface"] == "CAR-NK cell 5.28.z", "agent_id"]) == {"car_nk_5_28_z"}


# Mentions whose offsets and places were checked by hand against the raw file.
AGENT_MENTIONS = golden("entities_agent_mentions")


def _row(df: pd.DataFrame, start: int) -> dict:
    rows = df[df["start"] == start]
    assert len(rows) == 1, start
    return {k: (None if pd.isna(v) else v) for k, v in rows.iloc[0].items()}


def test_sample_of_agent_mentions(out):
    am = out["agent_mentions"]
    for agent_id, surface, part, section, par, table, r, c, line, start, end in AGENT_MENTIONS:
        row = _row(am, start)
        assert (row["agent_id"], row["surface"], row["part"]) == (agent_id, surface, part)
        assert (row["section_id"], row["paragraph_id"], row["table_id"]) == (section, par, table)
        assert (row["row_index"], row["column_index"], row["line"], row["end"]) == (r, c, line, end)


def test_mentions_in_the_abstract(out):
    am = out["agent_mentions"]
    abstract = am[am["part"] == "abstract"]
    assert set(abstract["agent_id"]) == {
        "trastuzumab", "pertuzumab", "margetuximab", "trastuzumab_emtansine",
        "trastuzumab_deruxtecan", "lapatinib", "tucatinib",
    }  # fmt: skip
    assert abstract["section_id"].isna().all()


# --- the review: trials and studies ----------------------------------------------------------


def test_trial_count(out):
    trials = out["trial_statements"]
    assert len(trials) == 115  # distinct identifiers in the body (grep, checked)
    assert (trials["registry"] == "EudraCT").sum() == 1
    tm = out["trial_mentions"]
    assert (tm["kind"] == "registry_id").sum() == 184
    assert set(tm.loc[tm["kind"] == "registry_id", "trial_id"]) == set(trials["trial_id"])


def test_trial_facts_from_the_tables(out):
    trials = out["trial_statements"].set_index("trial_id")
    panacea = trials.loc["NCT02129556"]
    assert (panacea["phase"], panacea["phase_raw"], panacea["status"], panacea["enrollment"]) == (
        "PHASE1/PHASE2",
        "Phase 1/2",
        "COMPLETED",
        58,
    )
    assert list(panacea["acronyms"]) == ["PANACEA"]
    assert panacea["in_prose"]  # as PAN-ACEA
    assert list(trials.loc["NCT04538742", "table_ids"]) == ["T2", "T3", "T4"]
    assert list(trials.loc["NCT04538742", "acronyms"]) == ["DB-07"]
    assert pd.isna(trials.loc["NCT03842085", "phase"])  # Table 1 states no phase
    assert list(trials.loc["NCT01042379", "acronyms"]) == ["I-SPY"]
    assert trials.loc["NCT03529110", "first_section"] == "2.1.3"


# Phases and statuses the prose states for trials whose tables state none (checked by
# hand: the sentence naming the trial, or "In this trial" / "This was" right after it).
TEXT_PHASES = dict(golden("entities_text_phases"))
TEXT_STATUSES = {t: (status, raw) for t, status, raw in golden("entities_text_statuses")}


def test_trial_facts_from_the_prose(out):
    trials = out["trial_statements"].set_index("trial_id")
    phases = trials["text_phase"].dropna().to_dict()
    assert phases == TEXT_PHASES
    statuses = {
        t: (r.text_status, r.text_status_raw)
        for t, r in trials[trials["text_status"].notna()].iterrows()
    }
    assert statuses == TEXT_STATUSES
    # only where no table states the fact; differing prose phases are published nowhere
    assert trials.loc[list(TEXT_PHASES), "phase"].isna().all()
    assert trials.loc[list(TEXT_STATUSES), "status"].isna().all()
    assert pd.isna(trials.loc["NCT02912949", "text_phase"])  # "phase 1/2" and "phase 1"
    assert trials.loc["NCT03262935", "text_phase_raw"] == "phase 3"


NAMED_STUDIES = {
    # name: identifier the document ties to it
    "I-SPY": "NCT01042379", "ISPY-P1.01": "NCT04602117", "PANACEA": "NCT02129556",
    "TUGETHER": "NCT04789096", "Breast-47": "NCT03272334", "KATE2": "NCT02924883",
    "KATE3": "NCT04740918", "IMpassion050": "NCT03726879", "Astefania": "NCT04873362",
    "ATREZZO": "NCT04759248", "APTneo": "NCT03595592", "CCTG IND.229": "NCT02649686",
    "DB-07": "NCT04538742", "JAVELIN solid tumor": "NCT01772004", "AVIATOR": "NCT03414658",
    "MIMOSA": "NCT04307329", "MARGOT": "NCT04425018", "HERMIONE": "NCT02213744",
    "DESTINY-Breast03": "NCT03529110", "TULIP": "NCT03262935", "HER2CLIMB": "NCT02614794",
    "KRISTINE": None, "EMILIA": None, "KAMILLA": None, "DESTINY-Breast01": None,
    "NeoALTTO": None, "EGF105084": None, "LANDSCAPE": None, "CEREBEL": None, "exteNET": None,
    "NEfERT-T": None, "NALA": None, "TBCRC 022": None, "FPA150-001": None,
    "SorTHER": None, "CLEOPATRA": None,
}  # fmt: skip


def test_named_studies(out):
    ns = out["named_studies"]
    found = {r.name: (None if pd.isna(r.trial_id) else r.trial_id) for r in ns.itertuples()}
    assert found == NAMED_STUDIES
    ns = ns.set_index("name")
    assert list(ns.loc["I-SPY", "trial_ids"]) == ["NCT01042379", "NCT05020860"]
    assert list(ns.loc["PANACEA", "variants"]) == ["PAN-ACEA", "PANACEA"]
    assert ns.loc["NeoALTTO", "n_mentions"] == 2
    assert ns.loc["CLEOPATRA", "first_section"] == "3.3.a"


TRIAL_MENTIONS = [
    # (trial_id, study_name, surface, part, paragraph, table, line, start, end)
    ("NCT03529110", None, "NCT03529110", "paragraph", "p022", None, 124, 24408, 24419),
    (None, "EGF105084", "EGF105084", "paragraph", "p035", None, 189, 37875, 37884),
    (None, "TBCRC 022", "TBCRC 022", "paragraph", "p036", None, 193, 39776, 39785),
    ("NCT02614794", "HER2CLIMB", "HER2CLIMB", "paragraph", "p037", None, 195, 40484, 40493),
    ("2013-003894-87", None, "2013-003894-87", "table", None, "T3", 215, 45008, 45022),
    ("NCT05020860", "I-SPY", "I- SPY", "table", None, "T4", 235, 48456, 48462),
    ("NCT04538742", "DB-07", "DB-07", "table", None, "T4", 251, 51188, 51193),
    ("NCT02129556", "PANACEA", "PAN-ACEA", "paragraph", "p044", None, 263, 52753, 52761),
]


def test_sample_of_trial_mentions(out):
    tm = out["trial_mentions"]
    for trial_id, study, surface, part, par, table, line, start, end in TRIAL_MENTIONS:
        row = _row(tm, start)
        assert (row["trial_id"], row["study_name"], row["surface"]) == (trial_id, study, surface)
        assert (row["part"], row["paragraph_id"], row["table_id"]) == (part, par, table)
        assert (row["line"], row["end"]) == (line, end)


# --- offsets and schemas --------------------------------------------------------------------


@pytest.mark.parametrize("table", ["agent_mentions", "trial_mentions"])
def test_offsets_hold_for_every_mention(out, source, raw, table):
    df = out[table]
    assert len(df)
    for row in df.itertuples():
        assert raw[row.start : row.end] == row.surface
        assert source.line_of(row.start) == row.line


def test_evidence_spans_hold(out, raw):
    for row in out["trial_agents"].itertuples():
        assert collapse(raw[row.start : row.end]) in (row.evidence, collapse(row.evidence))
    for row in out["quality_flags"].itertuples():
        if not pd.isna(row.start):
            assert 0 <= row.start <= row.end <= len(raw)


@pytest.mark.parametrize("table", ENTITY_TABLES)
def test_tables_pass_their_schema(out, source, table):
    validate(table, out[table], {source.doc_id: source})


# --- quality flags ----------------------------------------------------------------------------


def test_table_prose_spellings_are_flagged_once(source, out):
    from tidyreview import review_tables

    tables_flags = review_tables.extract(source, VOCABULARIES)["quality_flags"]
    subjects = list(tables_flags["subject"]) + list(out["quality_flags"]["subject"])
    assert subjects.count("Pozotinib") == 1
    assert subjects.count("Molalizumab") == 1


def test_no_undecided_drug_like_names(out):
    assert flags_of(out, "unknown_drug_like_name")["subject"].tolist() == []


def test_consistency_flags(out):
    conflicts = flags_of(out, "trial_fact_conflict")
    assert sorted(conflicts["subject"]) == ["NCT02614794", "NCT02912949"]
    mismatch = flags_of(out, "table_reference_mismatch")
    assert mismatch["line"].tolist() == [281, 281, 287]
    assert all("T4" in d for d in mismatch["detail"])
    assert flags_of(out, "study_name_several_ids")["subject"].tolist() == ["I-SPY"]
    # "The KATE trial" (l.265) is Table 4's KATE2 (see trials.merge_numbered_variants)
    assert flags_of(out, "study_name_variant")["subject"].tolist() == ["PAN-ACEA", "KATE"]
    # "In the case of the SorTHER trial" (l.299); reference 237 is about the ShortHER trial
    misspelt = flags_of(out, "study_name_unlike_reference")
    assert misspelt["subject"].tolist() == ["SorTHER"]
    assert misspelt["line"].tolist() == [299]
    assert "'ShortHER' (reference 237)" in misspelt["detail"].iloc[0]
    not_in_prose = set(flags_of(out, "table_trial_not_in_prose")["subject"])
    assert {"2013-003894-87", "NCT05076591"} <= not_in_prose
    assert "NCT02129556" not in not_in_prose  # named in the prose as PAN-ACEA
    assert "NCT02924883" not in not_in_prose  # named in the prose as KATE
    missing = set(flags_of(out, "prose_trial_not_in_table")["subject"])
    assert {"NCT03500380"} <= missing
    assert "NCT05134519" not in missing  # RC48's trial that Table 2 does list
    # trials the prose gives another cancer than the breast cancer Tables 1-2's captions
    # limit them to: "ZW25 ... in gastric cancers (NCT05270889 and NCT05152147)", "a phase
    # 2 study (NCT03556345) in patients with advanced or metastatic gastric cancer"
    assert not {"NCT03556345", "NCT05270889", "NCT05152147", "NCT04482309"} & missing


def test_list_columns_resolve(out, source):
    from tidyreview import structure
    from tidyreview.publish import list_key_failures

    tables = {**out, **structure.extract(source)}
    for table in ("agents", "trial_statements", "named_studies"):
        assert list_key_failures(table, out[table], tables, {source.doc_id: source}).empty


@pytest.mark.parametrize(
    ("text", "name", "modality"),
    [
        ("CX-2029 (CD71-MMAE ADC) is in trials.", "CX-2029", "antibody_drug_conjugate"),
        ("XY-123, a bispecific antibody, binds HER2.", "XY-123", "bispecific_antibody"),
        ("The novel TKI XY-123 was given.", "XY-123", "tyrosine_kinase_inhibitor"),
        ("XY-123 (NCT01234567) was given.", "XY-123", None),
        ("ADCs and TKIs such as XY-123.", "XY-123", None),
    ],
)
def test_modality_stated_next_to_a_name(text, name, modality):
    from tidyreview.agent_mentions import load_class_words, stated_modality

    start = text.index(name)
    classes = load_class_words(VOCABULARIES)
    assert stated_modality(text, start, start + len(name), classes) == modality


def test_lucas_rule_agents_take_the_modality_the_text_states():
    from tidyreview.source import load_source

    pdf = VOCABULARIES.parents[1] / "raw/reviews/lucas-2021-antibodies-10-30.pdf"
    out = run_with_earlier("entities", load_source(pdf), VOCABULARIES)
    agents = out["agents"].set_index("agent_id")
    # "CX-2009 (CD116-DM4 ADC) and CX-2029 (CD71-MMAE ADC)"
    assert agents.loc["cx2029", "modality"] == "antibody_drug_conjugate"
    assert agents.loc["cx2029", "source"] == "rule"
    assert agents.loc["cx_2009", "modality"] == "antibody_drug_conjugate"
    assert agents.loc["bivatuzumab_mertansine", "modality"] == "antibody_drug_conjugate"
    # the trial code of a study is no agent, a curated agent keeps its row
    assert "egf105084" not in agents.index
    assert len(agents[agents["source"] == "curated"]) == 115
    validate("agents", out["agents"], {})


def test_cancer_sites_of_a_trial_and_of_a_caption():
    from tidyreview.trial_flags import CancerSites, load_cancer_sites

    sites = CancerSites(load_cancer_sites(VOCABULARIES / "cancer_sites.csv"))
    assert sites.named("Table 2. Current clinical trials of ADCs in HER2+ breast cancer.") == {
        "breast"
    }
    assert sites.named("Clinical trials combining immunotherapies with HER2-targeted") == set()
    assert sites.named("bladder, urothelial, or endometrial") == {"urothelial", "endometrial"}


def test_table_row_citing_a_reference_about_another_agent(out):
    # Table 2's ARX788 row (NCT01042379) cites [121], "Early Clinical Development of RC48-ADC
    # ..."; [194] of epertinib's row writes "Eperitinib" (a misspelling, not another agent)
    flagged = flags_of(out, "table_reference_about_other_agent")
    assert flagged["subject"].tolist() == ["[121]"]
    assert "disitamab_vedotin" in flagged["detail"].iloc[0]


def test_counts_of_trials_against_what_the_prose_lists(out):
    # l.128 "there are nine clinical trials registered and evaluating ARX788" + 7 identifiers
    listed = flags_of(out, "count_in_words_differs_from_listed")
    assert listed["subject"].tolist() == ["nine"]
    assert "lists 7 identifiers" in listed["detail"].iloc[0]
    # l.325 "four other clinical trials ..., all active and recruiting"
    group = flags_of(out, "one_status_for_several_trials")
    assert group["subject"].tolist() == ["four other clinical trials"]
    assert "NCT03740256, NCT04020575, NCT04511871, NCT04650451" in group["detail"].iloc[0]


def test_component_said_approved(out):
    # l.132 "Vedotin has already been tested and approved by the FDA in 2011 ...": vedotin is
    # the linker-payload of disitamab vedotin (agents.csv component_of)
    said = flags_of(out, "component_said_approved")
    assert said["subject"].tolist() == ["Vedotin"]
    assert "disitamab vedotin" in said["detail"].iloc[0]


def test_role_of_what_an_agent_is_added_to(out):
    # l.265 "The KATE trial studied the addition of atezolizumab to T-DM1"
    ta = out["trial_agents"]
    kate = ta[(ta["trial_id"] == "NCT02924883") & (ta["source"] == "text")]
    assert dict(zip(kate["agent_id"], kate["role"], strict=True)) == {
        "atezolizumab": "investigational",
        "trastuzumab_emtansine": "combination",
    }


def test_one_role_per_trial_and_agent_within_a_table(out):
    # AVIATOR (NCT03414658) is listed twice in Table 4, under avelumab and under utomilumab:
    # "Trastuzumab + vinorelbine with avelumab or avelumab + utomilumab"
    ta = out["trial_agents"]
    rows = ta[(ta["trial_id"] == "NCT03414658") & (ta["source"] == "table")]
    roles = rows.groupby("agent_id")["role"].agg(set).to_dict()
    assert roles == {
        "avelumab": {"investigational"},
        "utomilumab": {"investigational"},
        "trastuzumab": {"combination"},
        "vinorelbine": {"combination"},
    }
