"""The raw review and the loader's checks on bad input."""

import hashlib

import pytest

from conftest import REVIEW
from tidyreview.errors import SourceFormatError
from tidyreview.layout import read_layout
from tidyreview.source import discover_reviews, doc_id_from_path, load_source, source_from_text

SHA256 = "dd7c37ef9c365d64e810ad4d4851ad2e988e39c0a134993ebcc43aeb1755d9f5"


def test_raw_review_is_byte_identical_to_the_published_source():
    data = REVIEW.read_bytes()
    assert hashlib.sha256(data).hexdigest() == SHA256
    assert len(data) == 259_808


def test_citation_and_licence_sit_beside_the_review():
    note = REVIEW.with_name(REVIEW.stem + ".CITATION.md").read_text(encoding="utf-8")
    assert "CC BY 4.0" in note and "10.3390/cancers15071987" in note and SHA256 in note


def test_doc_id_comes_from_the_file_name():
    assert doc_id_from_path(REVIEW) == "mercogliano2023"
    assert doc_id_from_path("raw/reviews/smith-1999.txt") == "smith1999"
    with pytest.raises(SourceFormatError, match="file name must look like"):
        doc_id_from_path("raw/reviews/Review Final.txt")


def test_loaded_source_decodes_utf8_and_maps_offsets_to_lines(source):
    assert source.doc_id == "mercogliano2023"
    assert source.sha256 == SHA256
    assert source.text.count("\n") == 889
    offset = source.text.index("1. Introduction")
    assert source.line_of(offset) == 33
    assert source.text[slice(*source.line_span(33))] == "1. Introduction"


def test_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(SourceFormatError, match=r"missing-2020\.txt: source file not found"):
        load_source(tmp_path / "missing-2020.txt")


def test_empty_file_is_a_clear_error(tmp_path):
    path = tmp_path / "empty-2020.txt"
    path.write_bytes(b"  \n\n")
    with pytest.raises(SourceFormatError, match="source file is empty"):
        load_source(path)


def test_invalid_utf8_names_the_line_and_byte(tmp_path):
    path = tmp_path / "latin-2020.txt"
    path.write_bytes("1. Introduction\n\nCaf\u00e9 ok\n".encode() + b"na\xefve text\n")
    with pytest.raises(SourceFormatError, match=r"line 4: not valid UTF-8 \(byte 0xef"):
        load_source(path)


def test_text_without_section_headings_is_a_clear_error():
    src = source_from_text("A title\n\nSome prose without any numbered heading.\n")
    with pytest.raises(SourceFormatError, match="no recognisable section headings"):
        read_layout(src)


def test_discover_reviews_finds_every_text_file(tmp_path):
    (tmp_path / "b-2001-x.txt").write_text("x", encoding="utf-8")
    (tmp_path / "a-2000.txt").write_text("x", encoding="utf-8")
    (tmp_path / "a-2000.CITATION.md").write_text("x", encoding="utf-8")
    assert list(discover_reviews(tmp_path)) == ["a2000", "b2001"]
    with pytest.raises(SourceFormatError, match="reviews folder not found"):
        discover_reviews(tmp_path / "nothing-here")
    (tmp_path / "empty").mkdir()
    with pytest.raises(SourceFormatError, match="no review found"):
        discover_reviews(tmp_path / "empty")
