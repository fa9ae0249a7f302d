"""Bad PDFs: each one stops with one clear SourceFormatError naming the file."""

from __future__ import annotations

import pytest
from fpdf import FPDF

from tidyreview.errors import SourceFormatError
from tidyreview.source import load_source


def _pdf(path, write=None, **kwargs):
    pdf = FPDF(unit="pt", format="A4")
    pdf.add_page()
    if write is not None:
        write(pdf)
    if kwargs.get("password"):
        pdf.set_encryption(owner_password="owner", user_password=kwargs["password"])
    pdf.output(str(path))
    return path


def _one_line(exc: pytest.ExceptionInfo, path) -> str:
    message = str(exc.value)
    assert "\n" not in message and str(path) in message
    return message


def test_encrypted_pdf(tmp_path):
    path = _pdf(
        tmp_path / "locked-2020.pdf",
        lambda p: (p.set_font("Times", size=10), p.text(50, 50, "secret")),
        password="pw",
    )
    with pytest.raises(SourceFormatError) as exc:
        load_source(path)
    assert "encrypted" in _one_line(exc, path)


def test_image_only_pdf_says_ocr_is_not_supported(tmp_path):
    from PIL import Image

    png = tmp_path / "scan.png"
    Image.new("L", (60, 80), 200).save(png)
    path = _pdf(tmp_path / "scanned-2020.pdf", lambda p: p.image(str(png), x=20, y=20, w=500))
    with pytest.raises(SourceFormatError) as exc:
        load_source(path)
    assert "OCR is not supported" in _one_line(exc, path)


def test_truncated_pdf(tmp_path):
    good = _pdf(
        tmp_path / "whole.pdf", lambda p: (p.set_font("Times", size=10), p.text(50, 50, "words"))
    )
    path = tmp_path / "cut-2020.pdf"
    path.write_bytes(good.read_bytes()[:200])
    with pytest.raises(SourceFormatError) as exc:
        load_source(path)
    assert "damaged or truncated" in _one_line(exc, path)


def test_not_a_pdf_at_all(tmp_path):
    path = tmp_path / "fake-2020.pdf"
    path.write_text("just some text\n", encoding="utf-8")
    with pytest.raises(SourceFormatError) as exc:
        load_source(path)
    assert "not a PDF file" in _one_line(exc, path)


def test_empty_pdf_file(tmp_path):
    path = tmp_path / "empty-2020.pdf"
    path.write_bytes(b"")
    with pytest.raises(SourceFormatError) as exc:
        load_source(path)
    assert "empty" in _one_line(exc, path)


def test_non_mdpi_layout_says_what_was_expected(tmp_path):
    def letter(pdf):
        pdf.set_font("Helvetica", size=11)
        for k in range(20):
            pdf.text(72, 100 + 14 * k, f"Dear reader, this is line {k} of a plain letter.")

    path = _pdf(tmp_path / "letter-2020.pdf", letter)
    with pytest.raises(SourceFormatError) as exc:
        load_source(path)
    message = _one_line(exc, path)
    assert "not an MDPI review layout" in message and "expected" in message


def test_title_but_no_numbered_heading(tmp_path):
    def report(pdf):
        pdf.set_font("Times", "B", 18)
        pdf.text(72, 80, "A Title")
        pdf.set_font("Times", size=10)
        for k in range(20):
            pdf.text(72, 120 + 12 * k, f"Body line {k} without any section heading at all.")

    path = _pdf(tmp_path / "report-2020.pdf", report)
    with pytest.raises(SourceFormatError) as exc:
        load_source(path)
    assert "'1. Introduction'" in _one_line(exc, path)
