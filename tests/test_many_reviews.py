"""Several reviews in one database: identity once, what each review states kept, reviews
that disagree flagged, a review added or removed reruns only its own extraction."""

from __future__ import annotations

import re
import shutil

import duckdb
import pytest

from conftest import REVIEW, run_workflow

CITATION = REVIEW.with_name(REVIEW.stem + ".CITATION.md")
# Table 4's row of KATE2 (checked by hand: line 238 of the review) states "Phase 2".
KATE2_ROW = "NCT02924883 KATE2\tPhase 2, double blind"
DOI = "10.3390/cancers15071987"


def other_review(text: str, suffix: str) -> str:
    """The first review restated with its own DOI and, for one trial, another phase."""
    assert text.count(KATE2_ROW) == 1 and DOI in text
    text = text.replace(DOI, f"{DOI}{suffix}")
    return text.replace(KATE2_ROW, KATE2_ROW.replace("Phase 2", "Phase 3"))


def jobs_by_doc(out: str) -> dict[str, set[str]]:
    """Return {doc_id: rules} of the per-document jobs a dry run lists."""
    found: dict[str, set[str]] = {}
    for m in re.finditer(r"rule (\w+):\n(?:    .*\n)*?    wildcards: doc_id=(\w+)", out):
        found.setdefault(m[2], set()).add(m[1])
    return found


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    work = tmp_path_factory.mktemp("corpus")
    reviews = work / "reviews"
    reviews.mkdir()
    shutil.copy(REVIEW, reviews / REVIEW.name)
    shutil.copy(CITATION, reviews / CITATION.name)
    text = REVIEW.read_text(encoding="utf-8")
    (reviews / "othera-2023-restated.txt").write_text(other_review(text, "x"), encoding="utf-8")
    result = run_workflow(work, reviews)
    assert result.returncode == 0, result.stderr[-4000:]
    return work


@pytest.fixture(scope="module")
def con(corpus):
    db = duckdb.connect(str(corpus / "outputs" / "review.duckdb"), read_only=True)
    yield db
    db.close()


def values(con, sql: str) -> list[tuple]:
    return con.execute(sql).fetchall()


@pytest.mark.slow
def test_each_trial_once_with_the_reviews_naming_it(con):
    assert values(con, "select doc_id, count(*) from trial_statements group by 1 order by 1") == [
        ("mercogliano2023", 115),
        ("othera2023", 115),
    ]
    assert values(con, "select count(*), min(n_reviews), max(n_reviews) from trials") == [
        (115, 2, 2)
    ]
    assert values(con, "select doc_ids from trials where trial_id = 'NCT02924883'") == [
        (["mercogliano2023", "othera2023"],)
    ]


@pytest.mark.slow
def test_reviews_that_disagree_are_flagged_and_nothing_is_chosen(con):
    assert values(con, "select phase, status from trials where trial_id = 'NCT02924883'") == [
        (None, "COMPLETED")  # the phase differs; the status both state agrees
    ]
    flags = values(
        con,
        """select doc_id, detail, line from quality_flags
           where "check" = 'reviews_disagree' order by doc_id""",
    )
    assert flags == [
        (
            "mercogliano2023",
            "phase of NCT02924883: mercogliano2023 states PHASE2 ('Phase 2'); "
            "othera2023 states PHASE3 ('Phase 3')",
            238,
        ),
        (
            "othera2023",
            "phase of NCT02924883: othera2023 states PHASE3 ('Phase 3'); "
            "mercogliano2023 states PHASE2 ('Phase 2')",
            238,
        ),
    ]
    # What each review states is kept.
    assert values(
        con,
        "select doc_id, phase, phase_raw from trial_statements "
        "where trial_id = 'NCT02924883' order by doc_id",
    ) == [
        ("mercogliano2023", "PHASE2", "Phase 2"),
        ("othera2023", "PHASE3", "Phase 3"),
    ]


@pytest.mark.slow
def test_nothing_of_either_review_is_dropped(con):
    for table in ("citations", "agent_mentions", "trial_mentions", "adc_trials", "findings"):
        counts = values(con, f'select doc_id, count(*) from "{table}" group by 1 order by 1')
        assert len(counts) == 2 and counts[0][1] == counts[1][1] > 0, table


@pytest.mark.slow
def test_each_review_cited_in_documents_and_the_data_package(con, corpus):
    rows = values(con, "select doc_id, doi, cite_as_license from documents order by doc_id")
    assert rows == [
        ("mercogliano2023", DOI, "CC-BY-4.0"),
        ("othera2023", f"{DOI}x", None),  # no CITATION.md beside it
    ]
    package = (corpus / "outputs" / "datapackage.json").read_text(encoding="utf-8")
    assert f"https://doi.org/{DOI}x" in package and f'https://doi.org/{DOI}"' in package


@pytest.mark.slow
def test_adding_or_removing_a_review_reruns_only_its_extraction(corpus, tmp_path):
    work = tmp_path / "work"
    shutil.copytree(corpus, work, symlinks=True)
    reviews = work / "reviews"
    text = REVIEW.read_text(encoding="utf-8")
    (reviews / "otherb-2024-added.txt").write_text(other_review(text, "y"), encoding="utf-8")
    out = run_workflow(work, reviews, "--dry-run")
    assert out.returncode == 0, out.stderr[-3000:]
    jobs = jobs_by_doc(out.stdout + out.stderr)
    assert set(jobs) == {"otherb2024"}
    assert {"structure", "references", "review_tables", "entities", "annotations"} <= jobs[
        "otherb2024"
    ]
    assert "rule validated_tables:" in out.stdout + out.stderr
    (reviews / "otherb-2024-added.txt").unlink()
    (reviews / "othera-2023-restated.txt").unlink()
    out = run_workflow(work, reviews, "--dry-run")
    text_out = out.stdout + out.stderr
    assert out.returncode == 0 and jobs_by_doc(text_out) == {}
    assert "rule validated_tables:" in text_out


@pytest.mark.slow
def test_the_same_review_added_twice_is_refused(corpus, tmp_path):
    work = tmp_path / "work"
    shutil.copytree(corpus, work, symlinks=True)
    reviews = work / "reviews"
    shutil.copy(REVIEW, reviews / "twice-2023-copy.txt")
    result = run_workflow(work, reviews)
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert (
        "twice-2023-copy.txt (doc_id twice2023) has the same file content as "
        f"{REVIEW.name} (doc_id mercogliano2023)" in output
    )
    assert "Traceback" not in output
