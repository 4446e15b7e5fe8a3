"""reportlab backend: draws a :class:`~cardface.scene.Scene` as a vector PDF page.

The page is exactly the card (85.60 x 53.98 mm for ID-1) or the card plus ``bleed_mm`` on
every side, plus room for crop marks when asked; TrimBox and BleedBox say where the card is.
Text is real text in embedded TrueType subsets (see :mod:`cardface.backends.pdffonts` for the
text layer of non-BMP characters and variation sequences). The preview mark is drawn twice:
as filled glyph outlines (it survives deleting the text layer) and as stroked real text (it is
found by search and copy). The document information holds a title and nothing else.
"""

from __future__ import annotations

import io
import threading

from reportlab.lib.units import mm
from reportlab.pdfbase.pdfdoc import PDFDictionary, PDFInfo, PDFString
from reportlab.pdfgen.canvas import Canvas

from cardface.backends.pdffonts import pdf_font
from cardface.errors import CardfaceError
from cardface.fonts import clusters, default_fonts
from cardface.geometry import MM_PER_PT
from cardface.scene import (
    CircleElement,
    ImageElement,
    PolygonElement,
    QRElement,
    RectElement,
    SampleMark,
    Scene,
    TextRun,
    paint,
)

CROP_MARK_MM = 5.0  # length of a crop mark
CROP_GAP_MM = 1.0  # gap between the trim corner (plus bleed) and a crop mark
CROP_LINE_PT = 0.25
#: reportlab's font subset state is per document but not thread-safe: hold this while drawing a document
PDF_LOCK = threading.Lock()


class TitleOnlyInfo(PDFInfo):
    """Document information with the title only (no producer, dates, author ...)."""

    def format(self, document):
        return PDFDictionary({"Title": PDFString(self.title)}).format(document)


def _rgb(c):
    return c[0] / 255, c[1] / 255, c[2] / 255


class PdfRenderer:
    """The :class:`~cardface.scene.Renderer` for reportlab: draws scene elements on a canvas, the
    card's top-left corner at (ox, oy_top) in pt."""

    def __init__(self, c: Canvas, scene: Scene, ox: float, oy_top: float):
        self.c = c
        self.scene = scene
        self.ox = ox
        self.oy = oy_top

    def X(self, x_mm: float) -> float:
        return self.ox + x_mm * mm

    def Y(self, y_mm: float) -> float:
        return self.oy - y_mm * mm

    def _paint(self, fill, stroke, stroke_width_mm) -> tuple[int, int]:
        c = self.c
        if fill is not None:
            c.setFillColorRGB(*_rgb(fill), alpha=fill[3] / 255)
        if stroke is not None and stroke_width_mm > 0:
            c.setStrokeColorRGB(*_rgb(stroke), alpha=stroke[3] / 255)
            c.setLineWidth(stroke_width_mm * mm)
        return int(fill is not None), int(stroke is not None and stroke_width_mm > 0)

    def rect(self, e: RectElement) -> None:
        r = e.rect
        f, s = self._paint(e.fill, e.stroke, e.stroke_width_mm)
        if not (f or s):
            return
        if e.fill is not None and e.stroke is not None:
            # fill inside the box, stroke centred on it (as the PNG backend does)
            self._rect(r, e.radius_mm, 1, 0)
            self._rect(r, e.radius_mm, 0, 1)
        else:
            self._rect(r, e.radius_mm, f, s)

    def _rect(self, r, radius, fill, stroke):
        if radius > 0:
            self.c.roundRect(self.X(r.x), self.Y(r.y1), r.w * mm, r.h * mm, radius * mm, stroke=stroke, fill=fill)
        else:
            self.c.rect(self.X(r.x), self.Y(r.y1), r.w * mm, r.h * mm, stroke=stroke, fill=fill)

    def polygon(self, e: PolygonElement) -> None:
        fill = e.fill if e.closed else None
        f, s = self._paint(fill, e.stroke, e.stroke_width_mm)
        if not (f or s):
            return
        p = self.c.beginPath()
        (x0, y0), *rest = e.points
        p.moveTo(self.X(x0), self.Y(y0))
        for x, y in rest:
            p.lineTo(self.X(x), self.Y(y))
        if e.closed:
            p.close()
        self.c.setLineJoin(1)
        self.c.setLineCap(1)
        self.c.drawPath(p, fill=f, stroke=s)

    def circle(self, e: CircleElement) -> None:
        f, s = self._paint(e.fill, e.stroke, e.stroke_width_mm)
        if f or s:
            self.c.circle(self.X(e.center[0]), self.Y(e.center[1]), e.radius_mm * mm, stroke=s, fill=f)

    def image(self, e: ImageElement) -> None:
        from reportlab.lib.utils import ImageReader

        r = e.rect
        self.c.drawImage(ImageReader(e.image.convert("RGB")), self.X(r.x), self.Y(r.y1), r.w * mm, r.h * mm)

    def qr(self, e: QRElement) -> None:
        r = e.rect
        side = min(r.w, r.h)
        m = side / e.size  # module size in mm
        self._paint(e.background, None, 0)
        self.c.rect(self.X(r.x), self.Y(r.y + side), side * mm, side * mm, stroke=0, fill=1)
        self._paint(e.color, None, 0)
        p = self.c.beginPath()
        for j, row in enumerate(e.modules):
            i = 0
            while i < len(row):
                if row[i]:
                    k = i
                    while k < len(row) and row[k]:
                        k += 1
                    x = r.x + (i + e.quiet) * m
                    y = r.y + (j + e.quiet) * m
                    p.rect(self.X(x), self.Y(y + m), (k - i) * m * mm, m * mm)
                    i = k
                else:
                    i += 1
        self.c.drawPath(p, fill=1, stroke=0)

    def text(self, r: TextRun) -> None:
        self._paint(r.color, None, 0)
        self._text(r, mode=0)

    def _text(self, r: TextRun, *, mode: int) -> None:
        font = pdf_font(r.font)
        t = self.c.beginText()
        t.setFont(font.fontName, r.size_pt)
        if r.scale_x != 1.0:
            t.setHorizScale(r.scale_x * 100)  # condensed (長体): the Tz operator, glyph heights kept
        t.setTextRenderMode(mode)
        t.setTextOrigin(self.X(r.x_mm), self.Y(r.baseline_mm))
        t.textOut(font.encode(r.text))
        self.c.drawText(t)

    def sample_mark(self, e: SampleMark) -> None:
        c = self.c
        c.saveState()
        c.translate(self.X(e.center[0]), self.Y(e.center[1]))
        c.rotate(e.angle_deg)
        # unrotated runs are relative to the centre: draw them with a painter at the origin
        local = PdfRenderer(c, self.scene, 0.0, 0.0)
        color = e.runs[0].color
        c.setFillColorRGB(*_rgb(color), alpha=color[3] / 255)
        for r in e.runs:
            c.drawPath(_outline_path(c, r, local), fill=1, stroke=0)
        c.setStrokeColorRGB(*_rgb(color), alpha=min(1.0, color[3] / 255 * 1.6))
        c.setLineWidth(0.06 * mm)
        for r in e.runs:
            local._text(r, mode=1)
        c.restoreState()

    def draw(self, elements) -> None:
        paint(elements, self)

    def card(self, *, bleed_mm: float = 0.0, elements=None) -> None:
        """Background (into the bleed, or clipped to the rounded card) and the elements."""
        s = self.scene
        c = self.c
        c.saveState()
        self._paint(s.background, None, 0)
        if bleed_mm > 0:
            c.rect(self.X(-bleed_mm), self.Y(s.height_mm + bleed_mm), (s.width_mm + 2 * bleed_mm) * mm,
                   (s.height_mm + 2 * bleed_mm) * mm, stroke=0, fill=1)
        else:
            p = c.beginPath()
            p.roundRect(self.X(0), self.Y(s.height_mm), s.width_mm * mm, s.height_mm * mm,
                        s.corner_radius_mm * mm)
            c.clipPath(p, stroke=0, fill=1)
        self.draw(s.elements if elements is None else elements)
        c.restoreState()


def _outline_path(c: Canvas, r: TextRun, painter: PdfRenderer):
    """The glyph outlines of a run as a reportlab path (for the drawn part of the sample mark)."""
    from fontTools.pens.basePen import BasePen

    face = r.font
    scale = r.size_pt * MM_PER_PT / face.units_per_em  # font units -> mm
    path = c.beginPath()

    class _Pen(BasePen):
        def __init__(self, ox):
            super().__init__(None)
            self.ox = ox

        def _pt(self, p):
            return painter.X(self.ox + p[0] * scale), painter.Y(r.baseline_mm - p[1] * scale)

        def _moveTo(self, p):
            path.moveTo(*self._pt(p))

        def _lineTo(self, p):
            path.lineTo(*self._pt(p))

        def _curveToOne(self, p1, p2, p3):
            path.curveTo(*self._pt(p1), *self._pt(p2), *self._pt(p3))

        def _closePath(self):
            path.close()

    x = r.x_mm
    for cl in clusters(r.text):
        face.draw_glyph(cl, _Pen(x))
        x += face.advance_em(cl) * r.size_pt * MM_PER_PT
    return path


def check_bleed(bleed_mm: float) -> None:
    """:class:`CardfaceError` (``render.bleed``) unless ``bleed_mm`` is between 0 and 10 mm."""
    if not (0 <= bleed_mm <= 10):
        raise CardfaceError(f"bleed must be between 0 and 10 mm, not {bleed_mm}", code="render.bleed")


def to_pdf(scene: Scene, *, bleed_mm: float = 0.0, crop_marks: bool = False) -> bytes:
    """One page: the card (plus bleed and crop-mark margins when asked)."""
    check_bleed(bleed_mm)
    margin = bleed_mm + ((CROP_GAP_MM + CROP_MARK_MM) if crop_marks else 0.0)
    W, H = scene.width_mm + 2 * margin, scene.height_mm + 2 * margin
    buf = io.BytesIO()
    with PDF_LOCK:
        c = new_canvas(buf, (W * mm, H * mm), scene.title, [scene])
        if margin > 0:
            c.setTrimBox((margin * mm, margin * mm, (W - margin) * mm, (H - margin) * mm))
            c.setBleedBox(((margin - bleed_mm) * mm, (margin - bleed_mm) * mm,
                           (W - margin + bleed_mm) * mm, (H - margin + bleed_mm) * mm))
        painter = PdfRenderer(c, scene, margin * mm, (H - margin) * mm)
        painter.card(bleed_mm=bleed_mm)
        if crop_marks:
            draw_crop_marks(c, margin * mm, margin * mm, scene.width_mm * mm, scene.height_mm * mm, bleed_mm)
        c.showPage()
        c.save()
    return buf.getvalue()


def new_canvas(buf, pagesize, title: str, scenes=()) -> Canvas:
    """A canvas whose document information is the title only and whose initial font is embedded.

    (reportlab otherwise starts every page with a non-embedded Helvetica.)
    """
    runs = [r for s in scenes for r in s.runs()]
    face = runs[0].font if runs else default_fonts().face("gothic")
    c = Canvas(buf, pagesize=pagesize, invariant=1, pageCompression=1, initialFontName=pdf_font(face).fontName)
    c._doc.info = TitleOnlyInfo()
    c.setTitle(title)
    return c


def draw_crop_marks(c: Canvas, x: float, y: float, w: float, h: float, bleed_mm: float = 0.0) -> None:
    """Crop marks at the four trim corners of the box (x, y, w, h) in pt, outside the bleed."""
    gap = (bleed_mm + CROP_GAP_MM) * mm
    L = CROP_MARK_MM * mm
    c.saveState()
    c.setStrokeColorRGB(0, 0, 0)
    c.setLineWidth(CROP_LINE_PT)
    for cx, sx in ((x, -1), (x + w, 1)):
        for cy, sy in ((y, -1), (y + h, 1)):
            c.line(cx + sx * gap, cy, cx + sx * (gap + L), cy)
            c.line(cx, cy + sy * gap, cx, cy + sy * (gap + L))
    c.restoreState()
