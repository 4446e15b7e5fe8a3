"""Proof sheets: many card faces imposed on A4 pages (PDF), for checking a batch on paper.

Ten cards per A4 page (2 columns x 5 rows), crop ticks in the margins, a footer with the
layout, the side and the page number (never holder data). With both sides, every page of
fronts is followed by the page of their backs with the columns mirrored, so the pages print
duplex (flip on the long edge) with each back behind its front.

Elements that come from the layout alone (shapes, labels, the chip, the sample mark) are
drawn once per document as PDF form XObjects and reused on every card, which keeps a
1,000-card sheet small and fast.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from pathlib import Path

from reportlab.lib.units import mm

from cardface.backends.pdf import PDF_LOCK, PdfRenderer, new_canvas
from cardface.backends.pdffonts import pdf_font
from cardface.errors import CardfaceError
from cardface.fonts import FontSet, default_fonts
from cardface.holder import Holder
from cardface.layout import Layout, load_layout
from cardface.scene import Scene, build_scene

A4_MM = (210.0, 297.0)
COLUMNS, ROWS = 2, 5
GAP_X_MM, GAP_Y_MM = 6.0, 4.0
TICK_MM = 3.0
FOOTER_PT = 6.0


def _grid(card_w: float, card_h: float) -> tuple[float, float]:
    """Top-left corner (mm) of the grid, centred on the page."""
    w = COLUMNS * card_w + (COLUMNS - 1) * GAP_X_MM
    h = ROWS * card_h + (ROWS - 1) * GAP_Y_MM
    if w > A4_MM[0] or h > A4_MM[1]:
        raise CardfaceError("the card is too large for a 2 x 5 A4 proof sheet", code="render.sheet")
    return (A4_MM[0] - w) / 2, (A4_MM[1] - h) / 2


class _Forms:
    """Runs of static elements drawn once as form XObjects, keyed by their content."""

    def __init__(self, c):
        self.c = c
        self.names: dict[tuple, str] = {}

    def draw(self, scene: Scene, x_pt: float, y_top_pt: float) -> None:
        c = self.c
        groups: list[tuple[bool, list]] = []
        for e in scene.elements:
            static = bool(getattr(e, "static", False))
            if groups and groups[-1][0] == static:
                groups[-1][1].append(e)
            else:
                groups.append((static, [e]))
        painter = PdfRenderer(c, scene, x_pt, y_top_pt)
        c.saveState()
        # background and rounded clip, then each group in paint order
        painter.card(elements=[])
        p = c.beginPath()
        p.roundRect(painter.X(0), painter.Y(scene.height_mm), scene.width_mm * mm, scene.height_mm * mm,
                    scene.corner_radius_mm * mm)
        c.clipPath(p, stroke=0, fill=0)
        for static, els in groups:
            if not static:
                painter.draw(els)
                continue
            key = (scene.width_mm, scene.height_mm, *els)
            name = self.names.get(key)
            if name is None:
                name = self.names[key] = f"static{len(self.names)}"
                c.beginForm(name)
                PdfRenderer(c, scene, 0.0, scene.height_mm * mm).draw(els)
                _end_form(c, name)
            c.saveState()
            c.translate(x_pt, y_top_pt - scene.height_mm * mm)
            c.doForm(name)
            c.restoreState()
        c.restoreState()


def _end_form(c, name: str) -> None:
    """``endForm`` plus the form's transparency states (reportlab leaves ExtGState out of forms)."""
    from reportlab.pdfbase.pdfdoc import PDFResourceDictionary, xObjectName

    c.endForm()
    form = c._doc.idToObject[xObjectName(name)]
    if form.ExtGState:
        res = PDFResourceDictionary()
        res.basicFonts()
        res.basicProcs()
        res.ExtGState = form.ExtGState
        form.Resources = res


def _ticks(c, xs: list[float], ys: list[float]) -> None:
    """Crop ticks in the page margins at every card edge (x and y in mm from the top-left)."""
    H = A4_MM[1]
    top, bottom, left, right = min(ys), max(ys), min(xs), max(xs)
    c.saveState()
    c.setStrokeColorRGB(0, 0, 0)
    c.setLineWidth(0.25)
    for x in xs:
        c.line(x * mm, (H - top + 1.0) * mm, x * mm, (H - top + 1.0 + TICK_MM) * mm)
        c.line(x * mm, (H - bottom - 1.0) * mm, x * mm, (H - bottom - 1.0 - TICK_MM) * mm)
    for y in ys:
        c.line((left - 1.0) * mm, (H - y) * mm, (left - 1.0 - TICK_MM) * mm, (H - y) * mm)
        c.line((right + 1.0) * mm, (H - y) * mm, (right + 1.0 + TICK_MM) * mm, (H - y) * mm)
    c.restoreState()


def render_sheet(holders: Iterable[Holder | dict] | str | Path, layout: str | Path | Layout = "next",
                 sides: Iterable[str] = ("front", "back"), *, preview: bool = True, show_number: bool = False,
                 allow_failing_photo: bool = False, fonts: FontSet | None = None) -> bytes:
    """An A4 proof PDF of every holder's faces (10 per page; fronts then mirrored backs)."""
    from cardface.holder import load_holders

    if isinstance(holders, (str, Path)):
        holders = load_holders(holders)
    holders = list(holders)
    lay = load_layout(layout if not isinstance(layout, Path) else str(layout))
    fonts = fonts or default_fonts()
    sheet = SheetWriter(lay, sides, len(holders), preview=preview, fonts=fonts)
    for h in holders:
        sheet.add({side: build_scene(h, side, lay, preview=preview, show_number=show_number,
                                     allow_failing_photo=allow_failing_photo, fonts=fonts) for side in sheet.sides})
    return sheet.finish()


class SheetWriter:
    """An A4 proof PDF written as scenes come: ``add({side: Scene})`` once per holder (the same
    scenes its PNG and PDF faces are drawn from), then ``finish()`` for the bytes. At most one
    page of scenes is held at a time."""

    def __init__(self, layout: Layout, sides: Iterable[str], count: int, *, preview: bool = True,
                 fonts: FontSet | None = None):
        if count < 1:
            raise CardfaceError("no holders to put on a sheet", code="render.sheet_empty")
        self.sides = list(sides)
        for s in self.sides:
            if s not in ("front", "back"):
                raise CardfaceError(f"unknown side {s!r}", code="layout.side")
        self.layout = lay = layout
        cw, ch = lay.card.width_mm, lay.card.height_mm
        self.x0, self.y0 = _grid(cw, ch)
        self.xs_left = [self.x0 + i * (cw + GAP_X_MM) for i in range(COLUMNS)]
        self.ys_top = [self.y0 + j * (ch + GAP_Y_MM) for j in range(ROWS)]
        self.pages = (count + COLUMNS * ROWS - 1) // (COLUMNS * ROWS) * len(self.sides)
        self.mode = "見本 SAMPLE proof" if preview else "production proof"
        self.buf = io.BytesIO()
        self.n_page = 0
        self.chunk: list[dict[str, Scene]] = []
        with PDF_LOCK:
            self.c = new_canvas(self.buf, (A4_MM[0] * mm, A4_MM[1] * mm), f"{lay.card.title} ({lay.name}, {self.mode})")
            self.forms = _Forms(self.c)
            self.footer_font = pdf_font((fonts or default_fonts()).face("gothic"))

    def add(self, scenes: dict[str, Scene]) -> None:
        self.chunk.append(scenes)
        if len(self.chunk) == COLUMNS * ROWS:
            self._flush()

    def _flush(self) -> None:
        c, lay = self.c, self.layout
        cw, ch = lay.card.width_mm, lay.card.height_mm
        with PDF_LOCK:
            for side in self.sides:
                self.n_page += 1
                for k, scenes in enumerate(self.chunk):
                    col, row = k % COLUMNS, k // COLUMNS
                    if side == "back" and "front" in self.sides:
                        col = COLUMNS - 1 - col  # duplex, flip on the long edge
                    self.forms.draw(scenes[side], self.xs_left[col] * mm, (A4_MM[1] - self.ys_top[row]) * mm)
                xs = sorted({x for x in self.xs_left} | {x + cw for x in self.xs_left})
                ys = sorted({y for y in self.ys_top} | {y + ch for y in self.ys_top})
                _ticks(c, xs, ys)
                c.setFillColorRGB(0.3, 0.3, 0.3)
                c.setFont(self.footer_font.fontName, FOOTER_PT)
                c.drawString(self.x0 * mm, max(1.5, self.y0 / 2 - 1.0) * mm,
                             f"mynacard {self.mode} · layout {lay.name} · {side} · page {self.n_page}/{self.pages}")
                c.showPage()
        self.chunk = []

    def finish(self) -> bytes:
        if self.chunk:
            self._flush()
        with PDF_LOCK:
            self.c.save()
        return self.buf.getvalue()
