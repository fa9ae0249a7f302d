"""PDF reading: our reader against plain text extractions (pypdf, pdfminer.six, pdftotext).

For every review PDF in raw/reviews/: seconds per page of each tool (best of two runs;
target for ours <= 0.1 s), then how the peers' words compare with our text: words only a
peer has (running headers, page numbers, the hidden text of embedded pages, words split at
line-end hyphens, link markers — what our reader drops on purpose, or duplicates), words
only we have (what a peer misses or splits differently), and reading-order agreement, the
share of our word 4-grams the peer's text also holds in that order.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import time
import unicodedata
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from tidyreview.pdf_text import read_pdf

ROOT = Path(__file__).resolve().parents[3]
WORD = re.compile(r"[^\W_]+", re.UNICODE)
TARGET_SECONDS_PER_PAGE = 0.1


def ours(path: Path) -> str:
    return read_pdf(path).text


def with_pypdf(path: Path) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() or "" for page in PdfReader(path).pages)


def with_pdfminer(path: Path) -> str:
    from pdfminer.high_level import extract_text

    return extract_text(str(path))


def with_pdftotext(path: Path) -> str:
    result = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True
    )
    return result.stdout.decode("utf-8")


def _words(text: str) -> list[str]:
    # ligatures compared as letters (NFKC); markup of ours (*Journal*, **2021**) is no word
    return [w.lower() for w in WORD.findall(unicodedata.normalize("NFKC", text))]


def _timed(tool: Callable[[Path], str], path: Path) -> tuple[float, str]:
    best, text = float("inf"), ""
    for _ in range(2):
        t0 = time.perf_counter()
        text = tool(path)
        best = min(best, time.perf_counter() - t0)
    return best, text


def _order_agreement(ours_words: list[str], peer_words: list[str], n: int = 4) -> float:
    grams = Counter(tuple(peer_words[i : i + n]) for i in range(len(peer_words) - n + 1))
    mine = [tuple(ours_words[i : i + n]) for i in range(len(ours_words) - n + 1)]
    return sum(1 for g in mine if grams[g] > 0) / max(len(mine), 1)


def compare(ours_text: str, peer_text: str) -> str:
    """Return one line comparing a peer's words with ours."""
    a, b = _words(ours_text), _words(peer_text)
    ca, cb = Counter(a), Counter(b)
    peer_only = sum((cb - ca).values())
    ours_only = sum((ca - cb).values())
    return (
        f"words {len(b)} (ours {len(a)}): peer-only {peer_only} ({peer_only / max(len(b), 1):.1%}),"
        f" ours-only {ours_only} ({ours_only / max(len(a), 1):.1%}),"
        f" reading order {_order_agreement(a, b):.1%}"
    )


def run(source_path: str) -> list[str]:
    """Return report lines for every PDF review (the text review `source_path` has none)."""
    pdfs = sorted((ROOT / "raw" / "reviews").glob("*.pdf"))
    if not pdfs:
        return ["no PDF review in raw/reviews/"]
    peers: list[tuple[str, Callable[[Path], str]]] = []
    lines = []
    for name, module, tool in [
        ("pypdf", "pypdf", with_pypdf),
        ("pdfminer.six", "pdfminer", with_pdfminer),
    ]:
        try:
            __import__(module)
            peers.append((name, tool))
        except ImportError:
            lines.append(f"{name} skipped: not installed (pip install -e '.[bench]')")
    if shutil.which("pdftotext"):
        peers.append(("pdftotext", with_pdftotext))
    else:
        lines.append("pdftotext skipped: not installed (apt-get install poppler-utils)")
    for path in pdfs:
        seconds, text = _timed(ours, path)
        n_pages = read_pdf(path).n_pages
        lines.append(f"{path.name}: {n_pages} pages")
        lines.append(
            f"  {'tidyreview (pypdfium2)':24s} {seconds / n_pages:.3f} s/page "
            f"({seconds:.2f} s; target <= {TARGET_SECONDS_PER_PAGE} s/page)"
        )
        for name, tool in peers:
            peer_seconds, peer_text = _timed(tool, path)
            lines.append(
                f"  {name:24s} {peer_seconds / n_pages:.3f} s/page; {compare(text, peer_text)}"
            )
    return lines


if __name__ == "__main__":  # pragma: no cover
    print("\n".join(run("")))
