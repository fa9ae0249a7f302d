"""Loading a review's raw text, with the checks every later stage relies on."""

from __future__ import annotations

import bisect
import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from .errors import SourceFormatError

# A review file is named <first-author>-<year>-<anything>.txt (or .pdf),
# e.g. mercogliano-2023-cancers-15-1987.txt -> doc_id "mercogliano2023".
DOC_FILE_NAME = re.compile(
    r"^(?P<author>[a-z][a-z]*)-(?P<year>\d{4})(?:-[\w.-]*?)?\.(?P<format>txt|pdf)$"
)
REVIEW_SUFFIXES = (".txt", ".pdf")


def doc_id_from_path(path: str | Path) -> str:
    """Return the document id (`<author><year>`) encoded in a review file's name."""
    name = Path(path).name
    m = DOC_FILE_NAME.match(name)
    if not m:
        raise SourceFormatError(
            path,
            "file name must look like <first-author>-<year>-<rest>.txt (or .pdf) "
            "(lower case, e.g. mercogliano-2023-cancers-15-1987.txt)",
        )
    return f"{m['author']}{m['year']}"


@dataclass(frozen=True)
class Source:
    """A review's text with its identity; offsets everywhere are indices into `text`."""

    doc_id: str
    path: str
    text: str
    sha256: str
    _line_starts: list[int] = field(repr=False, compare=False, default_factory=list)
    source_format: str = "text"  # "text" or "pdf"
    n_pages: int | None = None  # pages of a PDF source
    # for a PDF: (start, end, page, x0, top, x1, bottom) of each piece of the derived text
    spans: list[tuple] | None = field(repr=False, compare=False, default=None)

    def line_of(self, offset: int) -> int:
        """Return the 1-based line number holding character `offset`."""
        return bisect.bisect_right(self._line_starts, offset)

    def line_span(self, number: int) -> tuple[int, int]:
        """Return (start, end) offsets of 1-based line `number`, without its newline."""
        start = self._line_starts[number - 1]
        end = self.text.find("\n", start)
        return start, (len(self.text) if end < 0 else end)


def source_from_text(text: str, doc_id: str = "test2000", path: str = "<memory>") -> Source:
    """Return a Source for text held in memory (tests, other front ends)."""
    starts = [0] + [m.end() for m in re.finditer("\n", text)]
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    return Source(doc_id=doc_id, path=path, text=text, sha256=digest, _line_starts=starts)


# The derived text of a PDF review, written once by the workflow (rule pdf_text) and read
# by every stage: outputs/interim/<doc_id>/source/<doc_id>.derived.json
DERIVED_SUFFIX = ".derived.json"


def save_derived(source: Source, path: str | Path) -> None:
    """Write a PDF source's derived text, span map and identity as JSON (deterministic)."""
    from .files import write_text_atomically

    record = {
        "doc_id": source.doc_id,
        "path": source.path,
        "sha256": source.sha256,
        "source_format": source.source_format,
        "n_pages": source.n_pages,
        "text": source.text,
        "spans": [list(s) for s in source.spans or []],
    }
    write_text_atomically(path, json.dumps(record, ensure_ascii=False) + "\n")


def _load_derived(path: Path) -> Source:
    record = json.loads(path.read_text(encoding="utf-8"))
    base = source_from_text(record["text"], doc_id=record["doc_id"], path=record["path"])
    return Source(
        doc_id=record["doc_id"],
        path=record["path"],
        text=record["text"],
        sha256=record["sha256"],
        _line_starts=base._line_starts,
        source_format=record["source_format"],
        n_pages=record["n_pages"],
        spans=[tuple(s) for s in record["spans"]],
    )


def load_source(path: str | Path) -> Source:
    """Return the review at `path` (text, PDF, or a PDF's derived text written by
    save_derived), or raise SourceFormatError saying what is wrong."""
    path = Path(path)
    if path.name.endswith(DERIVED_SUFFIX) and path.is_file():
        return _load_derived(path)
    if not path.exists():
        raise SourceFormatError(
            path, "source file not found; put the review's text in raw/reviews/"
        )
    if not path.is_file():
        raise SourceFormatError(path, "source path is not a regular file")
    if path.suffix.lower() == ".pdf":
        return load_pdf_source(path)
    data = path.read_bytes()
    if not data.strip():
        raise SourceFormatError(path, "source file is empty")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise SourceFormatError(
            path,
            f"not valid UTF-8 (byte 0x{data[exc.start]:02x} at byte offset {exc.start}); "
            "save the file as UTF-8",
            line=line,
        ) from None
    check_line_endings(path, text)
    return source_from_text(text, doc_id=doc_id_from_path(path), path=str(path))


def check_line_endings(path: str | Path, text: str) -> None:
    """Refuse a byte-order mark and line endings other than LF: offsets index the file as
    decoded (a BOM would be character 0), and the layout reader splits lines on LF."""
    if text.startswith("\ufeff"):
        raise SourceFormatError(
            path,
            "file starts with a UTF-8 byte-order mark (U+FEFF); save it as UTF-8 without BOM",
            line=1,
        )
    cr = text.find("\r")
    if cr >= 0:
        line = text.count("\n", 0, cr) + 1
        kind = "Windows (CRLF)" if text.startswith("\r\n", cr) else "old Mac (CR-only)"
        raise SourceFormatError(
            path,
            f"{kind} line ending; convert the file to LF line endings (e.g. dos2unix)",
            line=line,
        )


def load_pdf_source(path: Path) -> Source:
    """Return the review PDF at `path` as a Source whose text is the derived rendering."""
    from .pdf_text import read_pdf  # loads pypdfium2 only for PDF sources

    doc_id = doc_id_from_path(path)
    if path.stat().st_size == 0:
        raise SourceFormatError(path, "source file is empty")
    derived = read_pdf(path)
    base = source_from_text(derived.text, doc_id=doc_id, path=str(path))
    return Source(
        doc_id=doc_id,
        path=str(path),
        text=derived.text,
        sha256=hashlib.sha256(path.read_bytes()).hexdigest(),
        _line_starts=base._line_starts,
        source_format="pdf",
        n_pages=derived.n_pages,
        spans=[
            (s.start, s.end, s.page, s.x0, s.top, s.x1, s.bottom)
            for s in derived.spans
            if s.end > s.start
        ],
    )


def discover_reviews(reviews_dir: str | Path) -> dict[str, str]:
    """Return {doc_id: path} for every review text in `reviews_dir`."""
    folder = Path(reviews_dir)
    if not folder.is_dir():
        raise SourceFormatError(
            folder, "reviews folder not found (set reviews_dir in config/config.yaml)"
        )
    found: dict[str, str] = {}
    for path in sorted(p for p in folder.iterdir() if p.suffix.lower() in REVIEW_SUFFIXES):
        if not path.is_file():
            raise SourceFormatError(
                path, "review is not a readable file (a dangling symlink?): restore or remove it"
            )
        doc_id = doc_id_from_path(path)
        if doc_id in found:
            raise SourceFormatError(path, f"doc_id {doc_id} already used by {found[doc_id]}")
        found[doc_id] = str(path)
    if not found:
        raise SourceFormatError(
            folder, "no review found: put the review's text (*.txt) or PDF (*.pdf) in this folder"
        )
    return found
