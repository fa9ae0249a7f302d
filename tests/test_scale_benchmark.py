"""The scale benchmark's corpus and its reading of Snakemake benchmark files."""

from __future__ import annotations

from pathlib import Path

from tidyreview.scale_benchmark import ScalePoint, make_corpus, marginal_cpu, peak_memory
from tidyreview.source import discover_reviews

ROOT = Path(__file__).resolve().parents[1]
REVIEW = ROOT / "raw" / "reviews" / "mercogliano-2023-cancers-15-1987.txt"


def test_copies_have_their_own_doc_ids_and_dois(tmp_path):
    paths = make_corpus(REVIEW, 28, tmp_path)
    found = discover_reviews(tmp_path)
    assert len(found) == 28
    assert {"mercogliano2023", "mercoglianoa2023", "mercoglianoz2023", "mercoglianoaa2023"} <= set(
        found
    )
    original = REVIEW.read_text(encoding="utf-8")
    assert paths[0].read_text(encoding="utf-8") == original
    copy = paths[27].read_text(encoding="utf-8")
    assert "https://doi.org/10.3390/cancers15071987-copy27" in copy
    assert copy.replace("-copy27", "", 1) == original


def test_peak_memory_per_review_and_aggregation(tmp_path):
    header = "s\th:m:s\tmax_rss\tmax_vms\tmax_uss\tmax_pss\tio_in\tio_out\tmean_load\tcpu_time\n"
    for rule, name, rss in [
        ("entities", "a2020.tsv", 150.5),
        ("entities", "b2020.tsv", 160.0),
        ("validated_tables", "all.tsv", 400.0),
    ]:
        (tmp_path / rule).mkdir(exist_ok=True)
        (tmp_path / rule / name).write_text(header + f"1\t0:00:01\t{rss}\t1\t1\t1\t0\t0\t0\t1\n")
    assert peak_memory(tmp_path) == (160.0, 400.0)


def test_marginal_cpu_between_the_two_largest_corpora():
    points = [ScalePoint(n, 0, cpu, 0, None, None) for n, cpu in [(1, 9), (8, 20), (32, 60)]]
    assert marginal_cpu(points) == (60 - 20) / 24
