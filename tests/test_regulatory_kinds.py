"""Regulatory event kinds and their cue words (raw/vocabularies/regulatory_cues.csv)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tidyreview.lexicon import LexiconError
from tidyreview.regulatory_kinds import REGULATORY_CUES_FILE, load_regulatory_cues
from tidyreview.schemas.annotations import REGULATORY_KINDS

VOCAB = Path(__file__).resolve().parents[1] / "raw" / "vocabularies"


@pytest.fixture(scope="module")
def cues():
    return load_regulatory_cues(VOCAB / REGULATORY_CUES_FILE)


@pytest.mark.parametrize(
    "sentence, expected",
    [
        (
            "It received accelerated FDA approval in 2019.",
            [("accelerated_approval", "accelerated FDA approval")],
        ),
        ("The drug was FDA-approved for HER2+ disease.", [("approval", "FDA-approved")]),
        (
            "It was re-approved by the FDA in 2017 after being withdrawn from the market in 2010.",
            [("reapproval", "re-approved"), ("withdrawal", "withdrawn")],
        ),
        ("Patients withdrew from the trial.", []),
        (
            "The FDA granted breakthrough therapy designation and Fast Track designation.",
            [
                ("breakthrough_therapy_designation", "breakthrough therapy designation"),
                ("fast_track_designation", "Fast Track designation"),
            ],
        ),
        (
            "The FDA placed the trial on a partial clinical hold.",
            [("clinical_hold", "partial clinical hold")],
        ),
        (
            "It obtained conditional marketing authorisation from the EMA.",
            [("conditional_approval", "conditional marketing authorisation")],
        ),
        ("the recommended dose of utomilumab", []),
        (
            "It is recommended in the ASCO guidelines.",
            [("guideline_recommendation", "recommended")],
        ),
        ("a non-approved drug", []),
    ],
)
def test_cues_and_kinds(cues, sentence, expected):
    assert [(c.kind, c.surface) for c in cues.find(sentence)] == expected


def test_offsets_index_the_text(cues):
    text = "Intro. It was withdrawn from the market."
    (c,) = cues.find(text, 7)
    assert text[c.start : c.end] == c.surface == "withdrawn"


def test_kind_of_a_phrase(cues):
    assert cues.kind_of("accelerated FDA approval") == "accelerated_approval"
    assert cues.kind_of("approved") == "approval"
    assert cues.kind_of("approved by") is None


def test_every_kind_has_cues_and_is_a_schema_value(cues):
    assert {kind for kind, _, _ in cues.cues} == set(REGULATORY_KINDS)


def test_unknown_kind_names_file_and_line(tmp_path):
    path = tmp_path / REGULATORY_CUES_FILE
    path.write_text(
        "kind,cues,requires,notes\napproval,approved,,\nwithdrawl,withdrawn,,\n", encoding="utf-8"
    )
    with pytest.raises(LexiconError, match=r"(?s)regulatory_cues\.csv.*line 3.*withdrawl"):
        load_regulatory_cues(path)


def test_missing_file_names_it(tmp_path):
    with pytest.raises(LexiconError, match=r"regulatory_cues\.csv: vocabulary file not found"):
        load_regulatory_cues(tmp_path / REGULATORY_CUES_FILE)


def test_cues_reproduce_every_published_event_of_the_first_review(source, cues):
    """The cue finder can replace annotations.TRIGGER: each regulatory event the stage
    publishes today is found in its sentence with the same words and kind."""
    from tidyreview.stages import run_with_earlier

    events = run_with_earlier("annotations", source, VOCAB)["regulatory_events"]
    assert len(events) == 16
    for e in events.itertuples():
        found = [(c.kind, " ".join(c.surface.split())) for c in cues.find(e.sentence)]
        assert (e.kind, " ".join(e.surface.split())) in found, (e.sentence, found)
