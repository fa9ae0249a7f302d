"""Trials across reviews: identity once, statements per review, disagreements flagged."""

from __future__ import annotations

import pandas as pd

from tidyreview.corpus import trials_from_statements


def records(df: pd.DataFrame) -> list[dict]:
    """Rows as dicts, missing values as None."""
    return [
        {k: None if not isinstance(v, list) and pd.isna(v) else v for k, v in row.items()}
        for row in df.to_dict("records")
    ]


def statement(doc_id, trial_id, **facts):
    row = {
        "doc_id": doc_id,
        "trial_id": trial_id,
        "acronyms": [],
        "phase": None,
        "phase_raw": None,
        "status": None,
        "status_raw": None,
        "text_phase": None,
        "text_phase_raw": None,
        "text_status": None,
        "text_status_raw": None,
        "enrollment": None,
        "first_start": 100,
        "first_end": 111,
    }
    row.update(facts)
    return row


def test_one_trial_row_with_the_reviews_naming_it_and_their_consensus():
    statements = pd.DataFrame(
        [
            statement("bravo2021", "NCT01234567", acronyms=["KATE2"], phase="PHASE2"),
            statement(
                "alpha2023",
                "NCT01234567",
                acronyms=["KATE"],
                phase="PHASE2",
                phase_raw="Phase II",
                enrollment=202.0,
            ),
            statement("alpha2023", "2015-001234-56", text_status="COMPLETED"),
        ]
    )
    trials, flags = trials_from_statements(statements)
    assert records(trials) == [
        {"trial_id": "2015-001234-56", "registry": "EudraCT", "acronyms": [],
         "doc_ids": ["alpha2023"], "n_reviews": 1, "phase": None, "status": "COMPLETED",
         "enrollment": None},
        {"trial_id": "NCT01234567", "registry": "ClinicalTrials.gov",
         "acronyms": ["KATE", "KATE2"], "doc_ids": ["alpha2023", "bravo2021"], "n_reviews": 2,
         "phase": "PHASE2", "status": None, "enrollment": 202.0},
    ]  # fmt: skip
    assert flags.empty


def test_reviews_that_disagree_are_each_flagged_and_no_value_is_chosen():
    statements = pd.DataFrame(
        [
            statement("alpha2023", "NCT01234567", phase="PHASE2", phase_raw="Phase 2"),
            statement("bravo2021", "NCT01234567", text_phase="PHASE3",
                      text_phase_raw="phase III", first_start=5, first_end=16),
        ]
    )  # fmt: skip
    trials, flags = trials_from_statements(statements, lambda doc_id, offset: offset // 10 + 1)
    assert records(trials)[0]["phase"] is None
    assert flags["line"].tolist() == [11, 1]
    assert flags[["doc_id", "flag_id", "stage", "check", "subject", "start"]].values.tolist() == [
        ["alpha2023", "corpus-0001", "corpus", "reviews_disagree", "NCT01234567", 100],
        ["bravo2021", "corpus-0001", "corpus", "reviews_disagree", "NCT01234567", 5],
    ]
    assert flags.loc[0, "detail"] == (
        "phase of NCT01234567: alpha2023 states PHASE2 ('Phase 2'); "
        "bravo2021 states PHASE3 ('phase III')"
    )
    assert flags.loc[1, "detail"] == (
        "phase of NCT01234567: bravo2021 states PHASE3 ('phase III'); "
        "alpha2023 states PHASE2 ('Phase 2')"
    )


def test_a_table_value_comes_before_the_same_review_prose():
    statements = pd.DataFrame(
        [statement("alpha2023", "NCT01234567", status="RECRUITING", text_status="COMPLETED")]
    )
    trials, flags = trials_from_statements(statements)
    assert trials.loc[0, "status"] == "RECRUITING" and flags.empty


def test_the_same_review_twice_is_refused():
    import pytest

    from tidyreview.corpus import check_distinct_reviews
    from tidyreview.errors import InputError

    docs = pd.DataFrame(
        [
            {"doc_id": "alpha2023", "source_file": "alpha-2023-x.txt", "doi": "10.1/a",
             "source_sha256": "a" * 64},
            {"doc_id": "beta2023", "source_file": "beta-2023-x.txt", "doi": "10.1/b",
             "source_sha256": "a" * 64},
        ]
    )  # fmt: skip
    with pytest.raises(InputError, match=r"beta-2023-x.txt \(doc_id beta2023\) has the same "
                       r"file content as alpha-2023-x.txt \(doc_id alpha2023\)"):  # fmt: skip
        check_distinct_reviews(docs)
    docs.loc[1, "source_sha256"] = "b" * 64
    check_distinct_reviews(docs)
    docs.loc[1, "doi"] = "10.1/a"
    with pytest.raises(InputError, match=r"has the same DOI as alpha-2023-x.txt.*doi 10.1/a"):
        check_distinct_reviews(docs)
