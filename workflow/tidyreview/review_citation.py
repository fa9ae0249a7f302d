"""A review's own citation and licence, from the `<review>.CITATION.md` file beside it.

The file is written by whoever adds the review (README, "Adding a review"):

    # lucas-2021-antibodies-10-30.pdf
    <one line saying what the file is>

    Lucas, A.T.; Moody, A.; ... Antibodies 2021, 10, 30. https://doi.org/10.3390/antib10030030

    - Licence: Creative Commons Attribution 4.0 (CC BY 4.0) (https://creativecommons.org/licenses/by/4.0/) ...

The citation is the first paragraph holding a link; the licence is the `- Licence:` item,
whose Creative Commons link gives an SPDX-style id (CC-BY-4.0). Both go into `documents`
and the data package, which cites every review it was made from.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from .errors import SourceFormatError

SUFFIX = ".CITATION.md"
# "https://creativecommons.org/licenses/by-nc/4.0/" -> CC-BY-NC-4.0
CC_LICENCE = re.compile(
    r"https?://creativecommons\.org/(?:licenses/(?P<kind>[a-z-]+)|publicdomain/(?P<pd>zero))"
    r"/(?P<version>[\d.]+)/?"
)
# "- Licence: ..." or "- License: ..."
LICENCE_ITEM = re.compile(r"^\s*[-*]\s+Licen[cs]e:\s*(?P<text>.+)$", re.IGNORECASE)
LINK = re.compile(r"https?://\S+")


@dataclass(frozen=True)
class ReviewCitation:
    """How to cite a review and under which licence its text is redistributed."""

    path: str
    cite_as: str
    license: str | None
    license_url: str | None


def citation_path(review_path: str | Path) -> Path:
    """Return the CITATION.md path beside a review (`x.pdf` -> `x.CITATION.md`)."""
    review_path = Path(review_path)
    return review_path.with_name(review_path.stem + SUFFIX)


def spdx_id(url: str) -> str | None:
    """Return the SPDX-style id of a Creative Commons licence URL, else None."""
    m = CC_LICENCE.search(url)
    if not m:
        return None
    if m["pd"]:
        return f"CC0-{m['version']}"
    return f"CC-{m['kind'].upper()}-{m['version']}"


def _paragraphs(text: str) -> list[str]:
    return [" ".join(p.split()) for p in re.split(r"\n\s*\n", text) if p.strip()]


def parse_review_citation(text: str, path: str = "<memory>") -> ReviewCitation:
    """Return the citation and licence a CITATION.md states, or raise SourceFormatError."""
    cite_as = next(
        (p for p in _paragraphs(text) if LINK.search(p) and not p.startswith(("#", "-", "*"))),
        None,
    )
    if cite_as is None:
        raise SourceFormatError(path, "no citation found (a paragraph with the review's DOI link)")
    licence = next((m for line in text.splitlines() if (m := LICENCE_ITEM.match(line))), None)
    url = None
    if licence:
        # The item may wrap onto the next lines: look for its link in the rest of the text.
        rest = text[text.find(licence.group(0)) :]
        item = rest.split("\n- ", 1)[0]
        link = LINK.search(item)
        url = link.group(0).rstrip(").,;>") if link else None
    return ReviewCitation(
        path=path, cite_as=cite_as, license=spdx_id(url) if url else None, license_url=url
    )


def read_review_citation(review_path: str | Path) -> ReviewCitation | None:
    """Return the citation beside a review, or None when it has no CITATION.md."""
    path = citation_path(review_path)
    if not path.is_file():
        return None
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise SourceFormatError(path, "not valid UTF-8; save the file as UTF-8") from None
    return parse_review_citation(text, str(path))
