"""The visible characters of a PDF, page by page, with position and font (pypdfium2).

Only what a reader sees is kept: characters drawn in invisible render mode, in white,
outside the page's crop box, or inside a figure (an image, or a form XObject such as an
embedded page of another PDF, whose clipped text is still in the content stream) are
dropped. Coordinates are PDF points with the origin at the top-left of the page
(`top` grows downwards), like pdfplumber's.
"""

from __future__ import annotations

import ctypes
import math
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from .errors import SourceFormatError

# Render modes (PDF 32000 table 106) that paint nothing: 3 invisible, 7 clip only.
INVISIBLE_RENDER_MODES = frozenset({3, 7})
# Unicode ligatures fonts emit for "fi", "fl" ... (U+FB00..U+FB06)
LIGATURES = {
    "\ufb00": "ff",
    "\ufb01": "fi",
    "\ufb02": "fl",
    "\ufb03": "ffi",
    "\ufb04": "ffl",
    "\ufb05": "st",
    "\ufb06": "st",
}
WHITE = (255, 255, 255)


@dataclass(frozen=True)
class Char:
    """One visible character: its text (ligatures expanded), box and font."""

    text: str
    x0: float
    top: float
    x1: float
    bottom: float
    baseline: float
    size: float
    bold: bool
    italic: bool
    space_before: bool = False  # a space character (drawn or inferred by pdfium) precedes


@dataclass(frozen=True)
class Page:
    number: int  # 1-based
    width: float
    height: float
    chars: list[Char]
    rules: list[tuple[float, float, float]]  # horizontal lines: (x0, x1, y from top)
    # drawn shapes other than rules (boxes, curves, bars): (x0, top, x1, bottom)
    shapes: list[tuple[float, float, float, float]] = field(default_factory=list)
    turned: int = 0  # 90 or 270: text set sideways, coordinates turned upright
    # link annotations to web addresses: (x0, top, x1, bottom, address)
    links: list[tuple[float, float, float, float, str]] = field(default_factory=list)


@dataclass
class _Font:
    bold: bool
    italic: bool


def open_pdf(path: str | Path) -> pdfium.PdfDocument:
    """Return the open document, or raise SourceFormatError saying why it cannot be read."""
    data = Path(path).read_bytes()
    if not data.lstrip().startswith(b"%PDF-"):
        raise SourceFormatError(path, "not a PDF file (no %PDF- header)")
    try:
        return pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        reason = str(exc).lower()
        if "password" in reason or "security" in reason:
            raise SourceFormatError(
                path, "the PDF is encrypted (password protected); decrypt it first"
            ) from None
        raise SourceFormatError(
            path, f"the PDF is damaged or truncated and cannot be read ({exc})"
        ) from None


def _font_style(obj, cache: dict) -> _Font:
    font = pdfium_c.FPDFTextObj_GetFont(obj)
    key = ctypes.cast(font, ctypes.c_void_p).value
    found = cache.get(key)
    if found is None:
        buf = ctypes.create_string_buffer(256)
        n = pdfium_c.FPDFFont_GetBaseFontName(font, buf, 256)
        name = buf.raw[: max(n - 1, 0)].decode("latin-1").lower()
        weight = pdfium_c.FPDFFont_GetWeight(font)
        angle = ctypes.c_int(0)
        pdfium_c.FPDFFont_GetItalicAngle(font, ctypes.byref(angle))
        found = _Font(
            bold=weight >= 600 or "bold" in name or "black" in name,
            italic=angle.value != 0 or "italic" in name or "oblique" in name,
        )
        cache[key] = found
    return found


def _visible(obj) -> bool:
    """Return whether a text object paints: not an invisible render mode, not white or
    fully transparent."""
    mode = pdfium_c.FPDFTextObj_GetTextRenderMode(obj)
    r, g, b, a = (ctypes.c_uint(0) for _ in range(4))
    has_fill = pdfium_c.FPDFPageObj_GetFillColor(
        obj, ctypes.byref(r), ctypes.byref(g), ctypes.byref(b), ctypes.byref(a)
    )
    white = bool(has_fill) and (r.value, g.value, b.value) == WHITE
    transparent = bool(has_fill) and a.value == 0
    return mode not in INVISIBLE_RENDER_MODES and not white and not transparent


def _codes(tp, n: int) -> list[int]:
    """Return the Unicode code of every character index of the text page.

    (FPDFText_GetText is not index-aligned: it leaves characters out.)"""
    get = pdfium_c.FPDFText_GetUnicode
    return [get(tp, i) for i in range(n)]


# FPDFText_GetTextObject returning the object's address as an int: a cheap key per
# character (casting each returned pointer costs more than the call).
_text_object_address = ctypes.CFUNCTYPE(ctypes.c_void_p, ctypes.c_void_p, ctypes.c_int)(
    ctypes.cast(pdfium_c.FPDFText_GetTextObject, ctypes.c_void_p).value
)


def _bounds(obj) -> tuple[float, float, float, float]:
    left, bottom, right, top = (ctypes.c_float(0) for _ in range(4))
    pdfium_c.FPDFPageObj_GetBounds(
        obj, ctypes.byref(left), ctypes.byref(bottom), ctypes.byref(right), ctypes.byref(top)
    )
    return left.value, bottom.value, right.value, top.value


def _clipped_bounds(obj) -> tuple[float, float, float, float]:
    """Return the object's bounds cut to its clip path (what of it can show)."""
    x0, y0, x1, y1 = _bounds(obj)
    clip = pdfium_c.FPDFPageObj_GetClipPath(obj)
    if not clip:
        return x0, y0, x1, y1
    xs, ys = [], []
    x, y = ctypes.c_float(0), ctypes.c_float(0)
    for p in range(pdfium_c.FPDFClipPath_CountPaths(clip)):
        for k in range(pdfium_c.FPDFClipPath_CountPathSegments(clip, p)):
            segment = pdfium_c.FPDFClipPath_GetPathSegment(clip, p, k)
            if pdfium_c.FPDFPathSegment_GetPoint(segment, ctypes.byref(x), ctypes.byref(y)):
                xs.append(x.value)
                ys.append(y.value)
    if not xs:
        return x0, y0, x1, y1
    return max(x0, min(xs)), max(y0, min(ys)), min(x1, max(xs)), min(y1, max(ys))


def _page_objects(page) -> tuple[set[int], list[tuple], list[tuple], list[tuple], list[tuple]]:
    """Return (text objects inside figures, figure rectangles, horizontal rule segments,
    other drawn shapes, vertical rule segments)."""
    in_figure: set[int] = set()
    figures: list[tuple] = []
    rules: list[tuple] = []
    shapes: list[tuple] = []
    upright: list[tuple] = []
    own_text = 0

    def collect_form(form) -> None:
        for j in range(pdfium_c.FPDFFormObj_CountObjects(form)):
            child = pdfium_c.FPDFFormObj_GetObject(form, j)
            kind = pdfium_c.FPDFPageObj_GetType(child)
            if kind == pdfium_c.FPDF_PAGEOBJ_TEXT:
                in_figure.add(ctypes.cast(child, ctypes.c_void_p).value)
            elif kind == pdfium_c.FPDF_PAGEOBJ_FORM:
                collect_form(child)

    for i in range(pdfium_c.FPDFPage_CountObjects(page)):
        obj = pdfium_c.FPDFPage_GetObject(page, i)
        kind = pdfium_c.FPDFPageObj_GetType(obj)
        if kind == pdfium_c.FPDF_PAGEOBJ_TEXT:
            own_text += 1
        elif kind == pdfium_c.FPDF_PAGEOBJ_FORM:
            figures.append(_clipped_bounds(obj))
            collect_form(obj)
        elif kind == pdfium_c.FPDF_PAGEOBJ_IMAGE:
            figures.append(_clipped_bounds(obj))
        elif kind == pdfium_c.FPDF_PAGEOBJ_PATH:
            x0, y0, x1, y1 = _bounds(obj)
            if y1 - y0 < 3.5 and x1 - x0 > 20:  # a rule, stroked or a thin filled box
                rules.append((x0, x1, (y0 + y1) / 2))
            elif x1 - x0 < 3.5 and y1 - y0 > 20:  # upright: a rule of a page turned sideways
                shapes.append((x0, y0, x1, y1))
                upright.append(((x0 + x1) / 2, y0, y1))
            elif x1 - x0 > 0.5 or y1 - y0 > 0.5:
                shapes.append((x0, y0, x1, y1))
    if not own_text:
        # All the page's text is inside form XObjects: the form is the page, not a figure.
        in_figure = set()
    return in_figure, figures, rules, shapes, upright


def _inside(x: float, y: float, rects: list[tuple]) -> bool:
    return any(x0 <= x <= x1 and y0 <= y <= y1 for x0, y0, x1, y1 in rects)


def _links(pdf: pdfium.PdfDocument, page, height: float) -> list[tuple]:
    """Return the page's links to web addresses as (x0, top, x1, bottom, address)."""
    found = []
    pos, link = ctypes.c_int(0), pdfium_c.FPDF_LINK()
    rect = pdfium_c.FS_RECTF()
    while pdfium_c.FPDFLink_Enumerate(page, ctypes.byref(pos), ctypes.byref(link)):
        action = pdfium_c.FPDFLink_GetAction(link)
        if not action or pdfium_c.FPDFAction_GetType(action) != pdfium_c.PDFACTION_URI:
            continue
        n = pdfium_c.FPDFAction_GetURIPath(pdf.raw, action, None, 0)
        if n <= 1:
            continue
        buf = ctypes.create_string_buffer(n)
        pdfium_c.FPDFAction_GetURIPath(pdf.raw, action, buf, n)
        pdfium_c.FPDFLink_GetAnnotRect(link, ctypes.byref(rect))
        top, bottom = height - max(rect.top, rect.bottom), height - min(rect.top, rect.bottom)
        found.append((rect.left, top, rect.right, bottom, buf.value.decode("latin-1")))
    return found


def read_page(pdf: pdfium.PdfDocument, index: int) -> Page:
    """Return the visible characters of page `index` (0-based)."""
    page = pdf[index]
    width, height = page.get_size()
    crop = page.get_cropbox()
    raw_page = page.raw
    in_figure, figures, rules, shapes, upright = _page_objects(raw_page)
    links = _links(pdf, raw_page, height)
    # An object as large as the page (an embedded page, clipped to the figure it shows)
    # says nothing about where the figure is; its text is dropped through `in_figure`.
    page_area = width * height
    figures = [f for f in figures if (f[2] - f[0]) * (f[3] - f[1]) < 0.6 * page_area]
    textpage = page.get_textpage()
    tp = textpage.raw
    tp_address = ctypes.cast(tp, ctypes.c_void_p).value
    n = pdfium_c.FPDFText_CountChars(tp)
    codes = _codes(tp, n)
    # per text object: None (not shown) or (bold, italic, font size)
    objects: dict[int, tuple[bool, bool, float] | None] = {}
    fonts: dict = {}
    chars: list[Char] = []
    ox, oy = ctypes.c_double(0), ctypes.c_double(0)
    rect = pdfium_c.FS_RECTF()
    rect_ref, ox_ref, oy_ref = ctypes.byref(rect), ctypes.byref(ox), ctypes.byref(oy)
    loose_box, origin = pdfium_c.FPDFText_GetLooseCharBox, pdfium_c.FPDFText_GetCharOrigin
    space = False
    raw: list[tuple] = []
    turns: Counter = Counter()
    for i, code in enumerate(codes):
        if code == 0x02:  # pdfium marks a hyphen it takes for a line-end break
            code = 0x2D
        elif code == 0x20:  # a space, drawn or inferred by pdfium from a gap: a word break
            space = True
            continue
        elif code in (0, 0xFFFE, 0xFFFF, 0x0D, 0x0A):
            continue
        address = _text_object_address(tp_address, i)
        if not address:
            continue
        if address in objects:
            shown = objects[address]
        else:
            obj = pdfium_c.FPDFText_GetTextObject(tp, i)
            shown = None
            if address not in in_figure and _visible(obj):
                style = _font_style(obj, fonts)
                size = round(pdfium_c.FPDFText_GetFontSize(tp, i), 1)
                turn = _quarter_turn(pdfium_c.FPDFText_GetCharAngle(tp, i))
                shown = (style.bold, style.italic, size, turn)
            objects[address] = shown
        if shown is None:
            continue
        loose_box(tp, i, rect_ref)
        origin(tp, i, ox_ref, oy_ref)
        x0, x1 = rect.left, rect.right
        cx, cy = (x0 + x1) / 2, oy.value + 1
        if not (crop[0] <= cx <= crop[2] and crop[1] <= cy <= crop[3]):
            continue
        if figures and _inside(cx, cy, figures):
            continue
        text = chr(code)
        raw.append((text, x0, rect.bottom, x1, rect.top, ox.value, oy.value, shown, space))
        turns[shown[3]] += 1
        space = False
    textpage.close()
    page.close()
    turn = max(turns, key=turns.get) if turns else 0
    if turn:
        return _turned_page(index + 1, width, height, raw, turn, upright)
    for text, x0, y0, x1, y1, _, base, shown, space in raw:
        if shown[3]:
            continue  # a sideways label (an axis title) on an upright page
        chars.append(
            Char(
                LIGATURES.get(text, text),
                x0,
                height - y1,
                x1,
                height - y0,
                height - base,
                shown[2],
                shown[0],
                shown[1],
                space,
            )
        )
    rules = [(x0, x1, height - y) for x0, x1, y in rules]
    shapes = [(x0, height - y1, x1, height - y0) for x0, y0, x1, y1 in shapes]
    return Page(index + 1, width, height, chars, rules, shapes, links=links)


def _quarter_turn(angle: float) -> int:
    """Return 0, 90 or 270 for a character's angle (radians): upright, or read downwards
    (turned clockwise) or upwards (turned counterclockwise) on a page set sideways."""
    degrees = round(math.degrees(angle)) % 360
    if abs(degrees - 90) < 10:
        return 90
    if abs(degrees - 270) < 10:
        return 270
    return 0


def _turned_page(number, width, height, raw, turn, upright) -> Page:
    """Return a page whose text is set sideways (a landscape table on a portrait page) as
    the page turned upright: coordinates rotated so lines run left to right. Upright
    characters on it (its running header and page number) are left out."""
    chars = []
    for text, x0, y0, x1, y1, bx, _, shown, space in raw:
        if shown[3] != turn:
            continue
        if turn == 270:  # read upwards: along +y, the next line to the right (+x)
            box = (y0, x0, y1, x1, bx)
        else:  # read downwards: along -y, the next line to the left (-x)
            box = (height - y1, width - x1, height - y0, width - x0, width - bx)
        chars.append(Char(LIGATURES.get(text, text), *box, shown[2], shown[0], shown[1], space))
    if turn == 270:
        rules = [(y0, y1, x) for x, y0, y1 in upright]
    else:
        rules = [(height - y1, height - y0, width - x) for x, y0, y1 in upright]
    return Page(number, height, width, chars, rules, turned=turn)


def read_pages(path: str | Path) -> list[Page]:
    """Return every page's visible characters; raise SourceFormatError for unusable PDFs."""
    pdf = open_pdf(path)
    try:
        pages = [read_page(pdf, i) for i in range(len(pdf))]
    finally:
        pdf.close()
    if not pages:
        raise SourceFormatError(path, "the PDF has no pages")
    if not any(c.text.strip() for p in pages for c in p.chars):
        raise SourceFormatError(
            path, "the PDF has no text layer (scanned images?); OCR is not supported"
        )
    return pages
