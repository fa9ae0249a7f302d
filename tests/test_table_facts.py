"""Facts the tables state (table_facts.yaml): approvals with their year and indication,
adverse events per agent, normalised to CTCAE; on a made-up review and on Lucas 2021."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import VOCABULARIES
from tidyreview.lexicon import LexiconError
from tidyreview.publish import validate
from tidyreview.schemas import annotations as annotations_schema
from tidyreview.source import load_source, source_from_text
from tidyreview.stages import run_with_earlier
from tidyreview.table_facts import load_table_facts

ROOT = Path(__file__).resolve().parents[1]
LUCAS = ROOT / "raw" / "reviews" / "lucas-2021-antibodies-10-30.pdf"

MADE_UP = (
    "Made-up review\n\nA. Author\n\n1. Approved drugs\n\n"
    "Two antibodies are approved for breast cancer (Table 1).\n\n"
    "Table 1. Antibodies approved by the FDA.\n\n"
    "Drug\tApproved in\tFor\tAdverse Events\n"
    "trastuzumab\t1998\tHER2+ breast cancer\tdiarrhoea, hand-foot syndrome; cardiotoxicity\n"
    "pertuzumab\t2012\tHER2+ early breast cancer\tneutropenia\n"
    "sometumab\t\t\t\n"
)

FACTS = """\
made_up_approvals:
  event_kind: accelerated_approval
  columns:
    Drug: drug
    Approved in: approval_year
    For: indication

made_up_adverse_events:
  columns:
    Drug: drug
    Adverse Events: adverse_events
"""


@pytest.fixture(scope="module")
def made_up(tmp_path_factory):
    folder = tmp_path_factory.mktemp("facts") / "vocabularies"
    shutil.copytree(VOCABULARIES, folder)
    (folder / "table_facts.yaml").write_text(FACTS, encoding="utf-8")
    source = source_from_text(MADE_UP, doc_id="made2020")
    return source, run_with_earlier("annotations", source, folder)


def test_adverse_events_of_a_table_one_row_per_term_and_agent(made_up):
    source, out = made_up
    ae = out["adverse_events"]
    rows = ae[ae["table_id"].notna()]
    assert list(zip(rows["term"], rows["agent_ids"].map(list), strict=True)) == [
        ("diarrhoea", ["trastuzumab"]),
        ("hand-foot syndrome", ["trastuzumab"]),
        ("cardiotoxicity", ["trastuzumab"]),
        ("neutropenia", ["pertuzumab"]),
    ]
    assert list(rows["ctcae_term"]) == [
        "Diarrhea",
        "Palmar-plantar erythrodysesthesia syndrome",
        None,  # CTCAE grades no single "cardiotoxicity"
        "Neutrophil count decreased",
    ]
    assert rows["meddra_code"].iloc[0] == "10012727"
    assert rows["meddra_soc"].iloc[0] == "Gastrointestinal disorders"
    for r in rows.itertuples():
        assert source.text[r.start : r.end] == r.term
        assert r.row_index in (1, 2) and r.sentence is None and r.paragraph_id is None
    validate("adverse_events", ae, {source.doc_id: source})


def test_approvals_of_a_table(made_up):
    source, out = made_up
    events = out["regulatory_events"]
    rows = events[events["table_id"].notna()]
    assert list(rows["agent_ids"].map(list)) == [["trastuzumab"], ["pertuzumab"]]
    assert list(rows["year"]) == [1998, 2012]
    assert set(rows["kind"]) == {"accelerated_approval"}
    assert set(rows["body"]) == {"FDA"}  # named by the caption
    assert list(rows["indication"]) == ["HER2+ breast cancer", "HER2+ early breast cancer"]
    validate("regulatory_events", events, {source.doc_id: source})
    stages = out["agent_development_stages"].set_index("agent_id")
    assert stages.loc["pertuzumab", "stage"] == "approved"
    assert stages.loc["pertuzumab", "source"] == "table"
    assert stages.loc["pertuzumab", "surface"] == "2012"
    validate("agent_development_stages", out["agent_development_stages"], {source.doc_id: source})


def test_adverse_events_schema_has_ctcae_columns():
    columns = annotations_schema.AdverseEvents.to_schema().columns
    for name in ("ctcae_term", "meddra_code", "meddra_soc", "table_id", "row_index"):
        assert columns[name].nullable
    assert columns["paragraph_id"].nullable


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("a:\n\tcolumns: {}\n", "line 2: not valid YAML"),
        ("a:\n  columns:\n    Drug: drug\n    Year: approval_yr\n", "line 4 [a]: column 'Year'"),
        ("a:\n  columns:\n    Year: approval_year\n", "line 1 [a]: exactly one column"),
        ("a:\n  columns:\n    Drug: drug\n", "no column with a role among"),
        (
            "a:\n  event_kind: approvl\n  columns:\n    D: drug\n    Y: approval_year\n",
            "line 2 [a]: event_kind 'approvl'",
        ),
        ("", "line 1: expected entries"),
    ],
)
def test_malformed_table_facts_named_by_file_and_line(tmp_path, text, message):
    path = tmp_path / "table_facts.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(LexiconError) as exc:
        load_table_facts(path, ("approval", "withdrawal"))
    assert str(exc.value).startswith(f"{path}: ")
    assert message in str(exc.value)
    assert "\n" not in str(exc.value)


def test_missing_table_facts(tmp_path):
    with pytest.raises(LexiconError, match="table_facts.yaml: vocabulary file not found"):
        load_table_facts(tmp_path / "table_facts.yaml")


# --- Lucas 2021: Table 1 lists the ADCs approved by the FDA ---------------------------------


@pytest.fixture(scope="module")
def lucas():
    source = load_source(LUCAS)
    return source, run_with_earlier("annotations", source, VOCABULARIES)


def test_lucas_table_1_approvals(lucas):
    source, out = lucas
    events = out["regulatory_events"]
    rows = events[events["table_id"] == "T1"]
    got = {a[0]: y for a, y in zip(rows["agent_ids"].map(list), rows["year"], strict=True)}
    assert got == {
        "brentuximab_vedotin": 2011,
        "trastuzumab_emtansine": 2013,
        "inotuzumab_ozogamicin": 2017,
        "gemtuzumab_ozogamicin": 2017,
        "moxetumomab_pasudotox": 2018,
        "polatuzumab_vedotin": 2019,
        "enfortumab_vedotin": 2019,
        "trastuzumab_deruxtecan": 2019,
        "sacituzumab_govitecan": 2020,
        "belantamab_mafodotin": 2020,
    }
    assert set(rows["body"]) == {"FDA"}
    stages = out["agent_development_stages"].set_index("agent_id")
    for agent in got:
        assert stages.loc[agent, "stage"] == "approved"
    # the prose: a withdrawal and a clinical hold, and no approval of a class of agents
    prose = events[events["table_id"].isna()]
    kinds = dict(zip(prose["kind"], prose["agent_ids"].map(list), strict=False))
    assert kinds["withdrawal"] == ["gemtuzumab_ozogamicin"]
    assert kinds["clinical_hold"] == ["rovalpituzumab_tesirine"]
    assert "mmae" not in {a for ids in prose["agent_ids"] for a in ids}
