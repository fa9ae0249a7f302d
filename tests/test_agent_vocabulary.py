"""Agents from the curated lexicon, DrugBank's open vocabulary and name rules."""

from __future__ import annotations

import csv
import shutil
import time
from pathlib import Path

import pandas as pd
import pytest

from tidyreview.agent_mentions import find_names, text_regions
from tidyreview.agent_rules import load_name_rules, rule_agent_id, stated_targets
from tidyreview.agent_vocabulary import curated_lexicon_setting, load_agent_vocabulary
from tidyreview.benchmarks.agents import recall_without_curated, uncurated_matches
from tidyreview.drugbank import DRUGBANK_FILE, is_code, load_drugbank, writing_problem
from tidyreview.layout import read_layout
from tidyreview.lexicon import LexiconError, NameMatch
from tidyreview.phrases import PhraseMatcher, resolve
from tidyreview.schemas.vocabularies import MODALITIES

ROOT = Path(__file__).resolve().parents[1]
VOCAB = ROOT / "raw" / "vocabularies"
JUDGED = ROOT / "tests" / "fixtures" / "agent_matches_judged.csv"

SECOND_REVIEW = (
    "Osimertinib is the standard of care in EGFR-mutant lung cancer. The anti-TROP2 ADC "
    "datopotamab deruxtecan and the HER2-targeted ADC trastuzumab deruxtecan (Enhertu®) "
    "were compared with docetaxel. DS-8201a is trastuzumab deruxtecan. The CD137 agonist "
    "and the T790M mutation are biology; the NCT04644237 trial and the N9831 trial are "
    "trials. Abemaciclib and alpelisib were added. Osimertinib was well tolerated.\n"
)


@pytest.fixture(scope="module")
def full():
    return load_agent_vocabulary(VOCAB)


@pytest.fixture(scope="module")
def plain():
    return load_agent_vocabulary(VOCAB, curated_lexicon=False)


def names(vocab, text):
    return [(m.surface, m.entity) for m in vocab.find(text)]


# --- the token matcher ---------------------------------------------------------------------


def test_phrase_matcher_ignores_case_for_names_not_for_codes():
    m = PhraseMatcher([("a", "Osimertinib", False), ("b", "T-DM1", True)])
    found = [(x.surface, x.entity) for x in m.find("OSIMERTINIB, osimertinib, T-DM1, t-dm1")]
    assert found == [("OSIMERTINIB", "a"), ("osimertinib", "a"), ("T-DM1", "b")]


def test_phrase_matcher_accepts_space_hyphen_and_line_break_variants():
    m = PhraseMatcher([("x", "trastuzumab deruxtecan", False)])
    for text in ("trastuzumab-deruxtecan", "trastuzumab\nderuxtecan", "Trastuzumab  deruxtecan"):
        assert [x.surface for x in m.find(text)] == [text]
    assert m.find("trastuzumab, deruxtecan") == []


def test_phrase_matcher_keeps_word_boundaries_and_hyphenated_numbers_out():
    m = PhraseMatcher([("x", "FPA150", True), ("y", "trastuzumab", False)])
    assert m.find("FPA150-001 and FPA1500") == []
    assert [x.surface for x in m.find("trastuzumabs trastuzumab-resistant")] == ["trastuzumab"]


def test_phrase_matcher_prefers_the_longest_name():
    m = PhraseMatcher([("t", "trastuzumab", False), ("td", "trastuzumab deruxtecan", False)])
    assert [(x.surface, x.entity) for x in m.find("trastuzumab deruxtecan and trastuzumab")] == [
        ("trastuzumab deruxtecan", "td"),
        ("trastuzumab", "t"),
    ]


def test_resolve_breaks_ties_by_source_order():
    a = NameMatch(0, 5, "ABCDE", "first", "ABCDE")
    b = NameMatch(0, 5, "ABCDE", "second", "ABCDE")
    assert [m.entity for m in resolve([[a], [b]])] == ["first"]
    assert [m.entity for m in resolve([[b], [a]])] == ["second"]
    assert resolve([[], []]) == []


# --- DrugBank writings ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "writing, common, problem",
    [
        ("AS", "Artesunate", "short"),
        ("T-DM1", "Trastuzumab emtansine", None),
        ("agua", "Water", "lower-case word"),
        ("osimertinib", "Osimertinib", None),
        ("N-(2-{[2-(dimethylamino)ethyl]}phenyl)prop-2-enamide", "Osimertinib", "long"),
        ("Gold, colloidal", "Gold", "not a plain name"),
        ("fam-trastuzumab deruxtecan-nxki", "Trastuzumab deruxtecan", None),
    ],
)
def test_writing_problem(writing, common, problem):
    assert writing_problem(writing, common) == problem


def test_codes_are_case_sensitive_names_are_not():
    assert is_code("T-DM1") and is_code("SAMe") and is_code("RHUMAB HER2")
    assert not is_code("Osimertinib") and not is_code("Trastuzumab deruxtecan")
    assert not is_code("Sipuleucel-T")


def test_drugbank_loads_with_unsafe_writings_dropped():
    db = load_drugbank(VOCAB / DRUGBANK_FILE, VOCAB / "drugbank_exclusions.csv")
    assert len(db.drugs) + db.dropped["excluded entry"] == 14315
    assert "Osimertinib" in db.drugs["DB09330"].writings
    assert "T-DM1" in db.drugs["DB05773"].writings
    tyrosine = [d for d in db.drugs.values() if d.name == "Tyrosine"]
    assert tyrosine == []  # excluded: 'tyrosine kinase'
    assert db.dropped["short"] > 100 and db.dropped["shared by several entries"] > 0


# --- three sources ---------------------------------------------------------------------------


def test_a_second_review_naming_osimertinib_finds_it(full):
    found = dict(names(full, SECOND_REVIEW))
    assert found["Osimertinib"] == "osimertinib"
    assert full.source_of("osimertinib") == "drugbank"
    assert full.drugbank_id("osimertinib") == "DB09330"


def test_curated_agents_win_and_get_their_drugbank_id(full):
    found = names(full, "trastuzumab deruxtecan, T-DXd, Pozotinib and Ado-trastuzumab emtansine")
    assert found == [
        ("trastuzumab deruxtecan", "trastuzumab_deruxtecan"),
        ("T-DXd", "trastuzumab_deruxtecan"),
        ("Pozotinib", "poziotinib"),  # the curated misspelling
        ("Ado-trastuzumab emtansine", "trastuzumab_emtansine"),  # DrugBank's synonym
    ]
    assert full.source_of("trastuzumab_deruxtecan") == "curated"
    assert full.drugbank_id("trastuzumab_deruxtecan") == "DB14962"
    assert full.drugbank_id("trastuzumab") == "DB00072"
    assert full.drugbank_id("her2_car_t") is None


def test_rules_find_names_in_no_vocabulary(plain):
    found = dict(names(plain, SECOND_REVIEW))
    assert found["DS-8201a"] == "ds8201a"
    assert found["Abemaciclib"] == "abemaciclib"
    assert "CD137" not in found and "T790M" not in found  # not_agents.csv
    assert "NCT04644237" not in found and "N9831" not in found  # trials
    frame = plain.frame(plain.find(SECOND_REVIEW), SECOND_REVIEW).set_index("agent_id")
    assert frame.loc["ds8201a", "source"] == "rule"
    assert frame.loc["osimertinib", "source"] == "drugbank"
    assert frame.loc["osimertinib", "drugbank_id"] == "DB09330"
    assert frame.loc["osimertinib", "modality"] == "tyrosine_kinase_inhibitor"
    assert frame.loc["osimertinib", "aliases"] == ["Osimertinib"]
    assert frame.loc["abemaciclib", "modality"] == "cdk4_6_inhibitor"
    assert frame.loc["trastuzumab_deruxtecan", "modality"] == "antibody_drug_conjugate"
    assert frame.loc["trastuzumab_deruxtecan", "targets"] == ["HER2"]
    assert bool(frame.loc["trastuzumab_deruxtecan", "her2_directed"])
    assert frame.loc["docetaxel", "modality"] == "chemotherapy"
    assert set(frame["modality"]) <= set(MODALITIES)
    assert set(frame["source"]) <= {"curated", "drugbank", "rule"}


def test_brand_in_brackets_is_a_name_of_the_agent_before_it(plain):
    found = names(plain, "trastuzumab deruxtecan (Enhertu®) and Kadcyla™ alone")
    assert ("Enhertu", "trastuzumab_deruxtecan") in found
    assert ("Kadcyla", "kadcyla") in found


def test_adc_rule_and_targets():
    rules = load_name_rules(VOCAB / "inn_stems.csv")
    text = "The anti-TROP2 ADC datopotamab deruxtecan works."
    found = rules.find(text)
    adc = [r for r in found if r.rule == "adc_name"]
    assert [(r.name, r.agent_id, r.modality) for r in adc] == [
        ("datopotamab deruxtecan", "datopotamab_deruxtecan", "antibody_drug_conjugate")
    ]
    assert stated_targets(text, adc[0].start, adc[0].end) == ["TROP2"]
    assert rules.modality_of("alpelisib") == "pi3k_inhibitor"
    assert rules.modality_of("mirvetuximab soravtansine") == "antibody_drug_conjugate"
    assert rules.modality_of("cyclophosphamide") is None


@pytest.mark.parametrize(
    "text, targets",
    [
        ("the HER2-targeted TKI tucatinib", ["HER2"]),
        ("pembrolizumab, an anti-PD-1 antibody", ["PD-1"]),
        ("magrolimab (anti-CD47)", ["CD47"]),
        ("anti-HER2 therapy with pembrolizumab", []),
        ("pembrolizumab was given", []),
    ],
)
def test_stated_targets(text, targets):
    name = next(w for w in ("tucatinib", "pembrolizumab", "magrolimab") if w in text)
    start = text.index(name)
    assert stated_targets(text, start, start + len(name)) == targets


def test_rule_agent_ids_are_stable():
    assert rule_agent_id("DS-8201a") == rule_agent_id("DS8201a") == "ds8201a"
    assert rule_agent_id("Disitamab vedotin") == "disitamab_vedotin"


def test_the_curated_lexicon_can_be_switched_off(full, plain):
    assert full.lexicon is not None and plain.lexicon is None
    assert dict(names(plain, "HER2-CAR-T cells and taxane")) == {}
    assert "her2_car_t" in set(full.frame()["agent_id"])


def test_config_key_switches_the_curated_lexicon():
    import yaml

    config = yaml.safe_load((ROOT / "config" / "config.yaml").read_text(encoding="utf-8"))
    assert curated_lexicon_setting(config) is True
    assert curated_lexicon_setting({}) is True
    assert curated_lexicon_setting({"curated_lexicon": False}) is False
    with pytest.raises(LexiconError, match="curated_lexicon"):
        curated_lexicon_setting({"curated_lexicon": "no"})


# --- malformed vocabularies -------------------------------------------------------------------


def _copy(tmp_path):
    folder = tmp_path / "vocabularies"
    shutil.copytree(VOCAB, folder)
    return folder


def test_missing_drugbank_file_names_it(tmp_path):
    folder = _copy(tmp_path)
    (folder / DRUGBANK_FILE).unlink()
    with pytest.raises(LexiconError, match=r"drugbank_vocabulary\.csv: vocabulary file not found"):
        load_agent_vocabulary(folder)


def test_malformed_drugbank_row_names_file_and_line(tmp_path):
    folder = _copy(tmp_path)
    path = folder / DRUGBANK_FILE
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[5] = "DBX0005," + lines[5].split(",", 1)[1]
    path.write_text("".join(lines), encoding="utf-8")
    with pytest.raises(LexiconError, match=r"(?s)drugbank_vocabulary\.csv.*line 6.*DBX0005"):
        load_agent_vocabulary(folder)


def test_bad_stem_names_file_and_line(tmp_path):
    folder = _copy(tmp_path)
    with (folder / "inn_stems.csv").open("a", encoding="utf-8") as f:
        f.write("nib,suffix,no_such_modality,\n")
    n = len((folder / "inn_stems.csv").read_text(encoding="utf-8").splitlines())
    with pytest.raises(LexiconError, match=rf"(?s)inn_stems\.csv.*line {n}.*no_such_modality"):
        load_agent_vocabulary(folder)


def test_bad_exclusion_file_names_file(tmp_path):
    folder = _copy(tmp_path)
    (folder / "drugbank_exclusions.csv").write_text("name\nWater\n", encoding="utf-8")
    with pytest.raises(LexiconError, match=r"drugbank_exclusions\.csv"):
        load_agent_vocabulary(folder)


# --- on the first review -----------------------------------------------------------------------


def test_matching_the_first_review_is_fast(source, full):
    regions = text_regions(read_layout(source))
    begin = time.perf_counter()
    mentions = find_names(full, source.text, regions)
    elapsed = time.perf_counter() - begin
    assert len(mentions) >= 694  # at least the curated mentions
    assert elapsed < 1.0, elapsed


def test_curated_mentions_are_kept_with_the_vocabularies_on(source, full):
    from tidyreview.lexicon import load_lexicon

    regions = text_regions(read_layout(source))
    curated = find_names(load_lexicon(VOCAB / "agents.csv").matcher(), source.text, regions)
    combined = {(m.start, m.end): m.entity for m in find_names(full, source.text, regions)}
    lost = [m for m in curated if combined.get((m.start, m.end)) != m.entity]
    assert lost == []


def test_recall_of_curated_agents_without_the_lexicon(source):
    r = recall_without_curated(source, VOCAB)
    assert r["curated_with_mentions"] == 115
    assert len(r["found"]) >= 70
    assert r["missed_by_shape"]["descriptive"] >= len(r["missed"]) // 2


def test_judged_sample_of_uncurated_matches(source):
    """tests/fixtures/agent_matches_judged.csv: names the uncurated run finds, judged by
    hand (is it a therapeutic agent?): a sample of 40 in the first review, and every
    DrugBank or rule name in the Lucas PDF that is not a writing the curated lexicon has
    (34). Each is still found, from the same source; the judged precision stays at its
    measured value: 39/40 (98 %) and 33/34 (97 %)."""
    from tidyreview.source import load_source

    with JUDGED.open(encoding="utf-8") as f:
        judged = list(csv.DictReader(f))
    reviews = {"mercogliano2023": source, "lucas2021": load_source(LUCAS_PDF)}
    for doc_id, n, precision in (("mercogliano2023", 40, 0.975), ("lucas2021", 34, 0.97)):
        rows = [r for r in judged if r["doc_id"] == doc_id]
        assert len(rows) == n
        matches = uncurated_matches(reviews[doc_id], VOCAB)
        found = {(r["agent_id"], r["name"]): r["source"] for r in matches}
        for row in rows:
            assert found.get((row["agent_id"], row["name"])) == row["source"], row
        agents = sum(row["is_agent"] == "true" for row in rows)
        assert agents / len(rows) >= precision - 0.005, (doc_id, agents)


# --- the published agents table ------------------------------------------------------------


def test_curated_agents_table_has_source_and_drugbank_id():
    from tidyreview.drugbank import curated_agents_frame
    from tidyreview.lexicon import load_lexicon
    from tidyreview.schemas.entities import Agents

    frame = curated_agents_frame(load_lexicon(VOCAB / "agents.csv"))
    assert list(frame.columns) == list(Agents.to_schema().columns)
    assert set(frame["source"]) == {"curated"}
    ids = frame.set_index("agent_id")["drugbank_id"]
    assert ids["trastuzumab"] == "DB00072"
    assert ids["trastuzumab_deruxtecan"] == "DB14962"
    assert ids["zanidatamab"] == "DB15471"  # DrugBank's name is its code ZW-25
    assert ids["her2_car_t"] is None
    assert ids.notna().sum() == 37
    assert ids.dropna().is_unique


def test_curated_agents_table_without_a_drugbank_file(tmp_path):
    from tidyreview.drugbank import curated_agents_frame
    from tidyreview.lexicon import load_lexicon

    shutil.copy(VOCAB / "agents.csv", tmp_path / "agents.csv")
    frame = curated_agents_frame(load_lexicon(tmp_path / "agents.csv"))
    assert frame["drugbank_id"].isna().all() and len(frame) == 115


MADE_UP_SECOND_REVIEW = """Made-up review of EGFR-mutant lung cancer

A. Author

1. Introduction

Osimertinib is a third-generation EGFR TKI. The anti-TROP2 ADC datopotamab deruxtecan \
and patritumab deruxtecan (U3-1402) were compared with docetaxel. Osimertinib plus \
savolitinib is being tested; amivantamab, an anti-EGFR/MET antibody, too.
"""


def test_a_made_up_second_review_gets_agent_mentions_and_rows(plain):
    """What the entities stage will publish once it matches with the vocabulary (see
    docs/vocabularies.md): the same find_names over the document's regions."""
    from tidyreview.source import source_from_text

    source = source_from_text(MADE_UP_SECOND_REVIEW, doc_id="madeup2024")
    regions = text_regions(read_layout(source))
    mentions = find_names(plain, source.text, regions)
    by_id = {}
    for m in mentions:
        assert source.text[m.start : m.end] == m.surface
        by_id.setdefault(m.entity, []).append(m.surface)
    assert by_id["osimertinib"] == ["Osimertinib", "Osimertinib"]
    assert by_id["docetaxel"] == ["docetaxel"]
    assert "datopotamab_deruxtecan" in by_id and "u31402" in by_id
    frame = plain.frame(
        [NameMatch(m.start, m.end, m.surface, m.entity, m.alias) for m in mentions],
        source.text,
    ).set_index("agent_id")
    assert frame.loc["osimertinib", "source"] == "drugbank"
    assert frame.loc["osimertinib", "modality"] == "tyrosine_kinase_inhibitor"
    assert frame.loc["datopotamab_deruxtecan", "modality"] == "antibody_drug_conjugate"
    assert frame.loc["datopotamab_deruxtecan", "targets"] == ["TROP2"]
    assert frame.loc["u31402", "source"] == "rule"


def test_every_exclusion_names_a_drugbank_writing():
    from tidyreview.drugbank import read_drugbank_rows
    from tidyreview.lexicon import alias_key

    keys = set()
    for _id, name, synonyms in read_drugbank_rows(VOCAB / DRUGBANK_FILE):
        keys.add(alias_key(name))
        keys.update(alias_key(s) for s in synonyms.split(" | ") if s)
    with (VOCAB / "drugbank_exclusions.csv").open(encoding="utf-8") as f:
        names = [row["name"] for row in csv.DictReader(f)]
    assert [n for n in names if alias_key(n) not in keys] == []


def _agent(agent_id, source, aliases, modality="other", targets=(), db=None):
    return {
        "agent_id": agent_id,
        "name": aliases[0],
        "aliases": list(aliases),
        "modality": modality,
        "targets": list(targets),
        "her2_directed": False,
        "component_of": None,
        "notes": None,
        "source": source,
        "drugbank_id": db,
    }


def test_merge_agents_of_several_reviews():
    from tidyreview.agent_vocabulary import merge_agents

    a = pd.DataFrame(
        [
            _agent("x1", "rule", ["X-1"], "other"),
            _agent("osi", "drugbank", ["osimertinib"], "tyrosine_kinase_inhibitor", db="DB09330"),
            _agent("tras", "curated", ["trastuzumab", "Herceptin"], "monoclonal_antibody"),
        ]
    )
    b = pd.DataFrame(
        [
            _agent("x1", "rule", ["X1"], "antibody_drug_conjugate", targets=["HER2"]),
            _agent("osi", "drugbank", ["Osimertinib", "AZD9291"], "tyrosine_kinase_inhibitor"),
            _agent("tras", "curated", ["trastuzumab", "Herceptin"], "monoclonal_antibody"),
        ]
    )
    for frames in ([("a2020", a), ("b2021", b)], [("b2021", b), ("a2020", a)]):
        merged, conflicts = merge_agents(frames)
        rows = merged.set_index("agent_id")
        assert len(merged) == 3
        # aliases united: the first review's writings, then the others' sorted
        assert list(rows.loc["osi", "aliases"]) == ["osimertinib", "AZD9291"]
        assert rows.loc["osi", "drugbank_id"] == "DB09330"
        assert list(rows.loc["tras", "aliases"]) == ["trastuzumab", "Herceptin"]
        # two modalities for a rule agent: the specific one, and a conflict to flag
        assert rows.loc["x1", "modality"] == "antibody_drug_conjugate"
        assert list(rows.loc["x1", "targets"]) == ["HER2"]
        assert bool(rows.loc["x1", "her2_directed"])
        assert conflicts == [
            {
                "doc_id": "a2020",
                "agent_id": "x1",
                "kept": "antibody_drug_conjugate",
                "dropped": "other",
            }
        ]


def test_merge_prefers_the_curated_row():
    from tidyreview.agent_vocabulary import merge_agents

    a = pd.DataFrame([_agent("t", "rule", ["T-1", "Tee-1"], "other")])
    b = pd.DataFrame([_agent("t", "curated", ["t1"], "chemotherapy")])
    merged, conflicts = merge_agents([("a", a), ("b", b)])
    assert merged.iloc[0]["source"] == "curated"
    assert merged.iloc[0]["modality"] == "chemotherapy"
    # "T-1" is "t1" but for case and hyphens: not a new writing
    assert list(merged.iloc[0]["aliases"]) == ["t1", "Tee-1"]
    assert conflicts == []


# --- errors: one line naming the file and the line ---------------------------------------


def _append(path: Path, line: str) -> int:
    with path.open("a", encoding="utf-8") as f:
        f.write(line)
    return len(path.read_text(encoding="utf-8").splitlines())


def _corrupt_drugbank(folder: Path) -> tuple[str, int]:
    path = folder / DRUGBANK_FILE
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[5] = "DBX0005," + lines[5].split(",", 1)[1]
    path.write_text("".join(lines), encoding="utf-8")
    return DRUGBANK_FILE, 6


@pytest.mark.parametrize(
    "corrupt",
    [
        _corrupt_drugbank,
        lambda f: ("inn_stems.csv", _append(f / "inn_stems.csv", "nib,suffix,no_modality,\n")),
        lambda f: ("agents.csv", _append(f / "agents.csv", "x y,x,x,no_modality,,false,,\n")),
        lambda f: (
            "ctcae_synonyms.csv",
            _append(f / "ctcae_synonyms.csv", "cardiotoxicity,Cardiotoxicity,\n"),
        ),
        lambda f: ("regulatory_cues.csv", _append(f / "regulatory_cues.csv", "nokind,x,,\n")),
        lambda f: ("drugbank_exclusions.csv", (f / "drugbank_exclusions.csv").unlink() or 0),
    ],
)
def test_a_broken_vocabulary_stops_its_stage_with_one_line(tmp_path, source, corrupt):
    from tidyreview.lexicon import LexiconError as Error
    from tidyreview.stages import run_with_earlier

    folder = _copy(tmp_path)
    name, line = corrupt(folder)
    stage = "annotations" if name.startswith(("ctcae", "regulatory")) else "entities"
    with pytest.raises(Error) as exc:
        run_with_earlier(stage, source, folder)
    message = str(exc.value)
    assert "\n" not in message
    assert name in message
    assert (f"line {line}" in message) if line else ("not found" in message)


def test_the_built_drugbank_matcher_is_cached_between_processes(tmp_path, monkeypatch):
    from tidyreview import drugbank

    monkeypatch.setenv("TIDYREVIEW_CACHE", str(tmp_path / "cache"))
    first = load_agent_vocabulary(VOCAB)
    cached = list((tmp_path / "cache").glob("agents-*.pickle"))
    assert len(cached) == 1
    drugbank._cached_drugbank.cache_clear()
    begin = time.process_time()
    second = load_agent_vocabulary(VOCAB)
    assert time.process_time() - begin < 0.6
    text = "Osimertinib and T-DM1 (Kadcyla) with DS-8201a; poziotinib."
    assert second.find(text) == first.find(text)
    # another setting is another entry
    load_agent_vocabulary(VOCAB, curated_lexicon=False)
    assert len(list((tmp_path / "cache").glob("agents-*.pickle"))) == 2
    # a changed file is a new name, never a stale read
    folder = _copy(tmp_path)
    _corrupt_drugbank(folder)
    with pytest.raises(LexiconError, match="line 6"):
        load_agent_vocabulary(folder)


# --- recall through the real entities stage -----------------------------------------------


@pytest.mark.slow
def test_recall_of_curated_agents_through_the_stage(source):
    from tidyreview.benchmarks.agents import stage_recall_of_curated

    r = stage_recall_of_curated(source, VOCAB)
    assert len(r["found"]) + len(r["missed"]) == 115
    assert len(r["found"]) >= 71  # 71/115 measured (62 %)


LUCAS_PDF = Path(__file__).resolve().parents[1] / "raw/reviews/lucas-2021-antibodies-10-30.pdf"
LUCAS_GOLD = Path(__file__).parent / "fixtures" / "lucas_agents_gold.csv"


@pytest.mark.slow
@pytest.mark.parametrize(("curated", "at_least"), [(True, 42), (False, 40)])
def test_recall_on_the_lucas_pdf_against_a_hand_checked_list(curated, at_least):
    from tidyreview.benchmarks.agents import gold_recall, read_gold, stage_tables
    from tidyreview.source import load_source

    gold = read_gold(LUCAS_GOLD)
    assert len(gold) == 48
    tables = stage_tables(load_source(LUCAS_PDF), VOCAB, curated)
    r = gold_recall(tables["agent_mentions"], gold)
    # measured: 42/48 (88 %) with the curated lexicon, 40/48 (83 %) without
    assert len(r["found"]) >= at_least, r["missed"]
