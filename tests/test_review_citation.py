"""A review's citation and licence from the CITATION.md beside it."""

from __future__ import annotations

import pytest

from tidyreview.errors import SourceFormatError
from tidyreview.review_citation import (
    citation_path,
    parse_review_citation,
    read_review_citation,
    spdx_id,
)

ROOT = __import__("pathlib").Path(__file__).resolve().parents[1]


def test_the_first_review_citation_file():
    got = read_review_citation(ROOT / "raw" / "reviews" / "mercogliano-2023-cancers-15-1987.txt")
    assert got.cite_as == (
        "Mercogliano, M.F.; Bruni, S.; Mauro, F.L.; Schillaci, R. Emerging Targeted Therapies "
        "for HER2-Positive Breast Cancer. *Cancers* 2023, 15, 1987. "
        "https://doi.org/10.3390/cancers15071987"
    )
    assert (got.license, got.license_url) == (
        "CC-BY-4.0",
        "https://creativecommons.org/licenses/by/4.0/",
    )


def test_citation_path_is_beside_the_review_whatever_its_format():
    assert citation_path("raw/reviews/lucas-2021-x.pdf").name == "lucas-2021-x.CITATION.md"


@pytest.mark.parametrize(
    "url, expected",
    [
        ("https://creativecommons.org/licenses/by-nc-nd/4.0/", "CC-BY-NC-ND-4.0"),
        ("http://creativecommons.org/licenses/by/3.0", "CC-BY-3.0"),
        ("https://creativecommons.org/publicdomain/zero/1.0/", "CC0-1.0"),
        ("https://example.org/licence", None),
    ],
)
def test_spdx_ids(url, expected):
    assert spdx_id(url) == expected


def test_a_licence_item_wrapped_over_lines_and_no_licence():
    text = (
        "# x.pdf\n\nA PDF of:\n\nDoe, J. A Review. *J.* 2020, 1, 2.\n"
        "https://doi.org/10.1/x\n\n- License: CC BY-NC 4.0, see\n"
        "  (https://creativecommons.org/licenses/by-nc/4.0/).\n- sha256: `ab`\n"
    )
    got = parse_review_citation(text)
    assert got.cite_as == "Doe, J. A Review. *J.* 2020, 1, 2. https://doi.org/10.1/x"
    assert got.license == "CC-BY-NC-4.0"
    assert parse_review_citation("Doe, J. https://doi.org/10.1/x\n").license is None


def test_a_citation_file_without_a_citation_is_a_clear_error(tmp_path):
    review = tmp_path / "doe-2020-x.txt"
    citation_path(review).write_text("# doe-2020-x.txt\n\nNothing here.\n", encoding="utf-8")
    with pytest.raises(SourceFormatError, match=r"doe-2020-x.CITATION.md.*no citation found"):
        read_review_citation(review)
    assert read_review_citation(tmp_path / "none-2020-x.txt") is None
