"""Holder + layout -> Scene: everything decided before any backend draws.

A :class:`Scene` is a list of drawing elements in millimetres (origin top-left, y down) in
paint order: shapes, the cropped photo, the QR code's modules, the chip, fitted text runs
with their font, size and baseline position, and the preview's sample mark. Text fitting,
glyph checks, photo cropping and number masking all happen here, once; the PNG and PDF
backends in :mod:`cardface.backends` only draw what the scene says (each through the one
:class:`Renderer` interface), so both formats agree.

Elements built from the layout alone are marked ``static`` (the same on every card), which
lets the proof-sheet backend draw them once per page as a reusable form.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from cardface import content
from cardface.errors import ArgumentError, FieldProblem, FitError, LayoutError, PhotoRefused
from cardface.fonts import FontFace, FontSet, default_fonts
from cardface.geometry import MM_PER_PT, Color, Rect
from cardface.holder import Holder
from cardface.layout import (
    CircleShape,
    CornerShape,
    FrameShape,
    Label,
    Layout,
    PolygonShape,
    QRSpec,
    RectShape,
    SideSpec,
    TextField,
    TextStyle,
    load_layout,
)
from cardface.textfit import Fitted, block_height_mm, fit

# -- the renderer interface ----------------------------------------------------------------


class Renderer(Protocol):
    """What a backend implements to draw a scene: one method per kind of element, in
    millimetres on the card. Each element calls its own method (``element.draw_on(renderer)``),
    so a backend never asks an element what it is."""

    def rect(self, e: RectElement) -> None: ...
    def polygon(self, e: PolygonElement) -> None: ...
    def circle(self, e: CircleElement) -> None: ...
    def image(self, e: ImageElement) -> None: ...
    def qr(self, e: QRElement) -> None: ...
    def text(self, e: TextRun) -> None: ...
    def sample_mark(self, e: SampleMark) -> None: ...


def paint(elements, renderer: Renderer) -> None:
    """Draw ``elements`` in paint order with ``renderer``."""
    for e in elements:
        e.draw_on(renderer)


# -- elements ------------------------------------------------------------------------------


@dataclass(frozen=True)
class TextRun:
    """Text drawn with one font at one size; (x_mm, baseline_mm) is the start of its baseline."""

    text: str
    font: FontFace
    size_pt: float
    x_mm: float
    baseline_mm: float
    width_mm: float
    color: Color
    item: str  # the layout id (never the text) - for tests and error messages
    static: bool = False
    scale_x: float = 1.0  # horizontal scale of the glyphs: below 1, condensed (長体) to fit (cardface.textfit)

    def draw_on(self, r: Renderer) -> None:
        r.text(self)


@dataclass(frozen=True)
class RectElement:
    rect: Rect
    fill: Color | None = None
    stroke: Color | None = None
    stroke_width_mm: float = 0.0
    radius_mm: float = 0.0
    static: bool = True

    def draw_on(self, r: Renderer) -> None:
        r.rect(self)


@dataclass(frozen=True)
class PolygonElement:
    points: tuple[tuple[float, float], ...]
    closed: bool = True
    fill: Color | None = None
    stroke: Color | None = None
    stroke_width_mm: float = 0.0
    static: bool = True

    def draw_on(self, r: Renderer) -> None:
        r.polygon(self)


@dataclass(frozen=True)
class CircleElement:
    center: tuple[float, float]
    radius_mm: float
    fill: Color | None = None
    stroke: Color | None = None
    stroke_width_mm: float = 0.0
    static: bool = True

    def draw_on(self, r: Renderer) -> None:
        r.circle(self)


@dataclass(frozen=True, eq=False)
class ImageElement:
    """A raster image (the cropped photo, RGB) fitted exactly into ``rect``."""

    rect: Rect
    image: Any  # PIL.Image.Image
    item: str = "photo"
    static: bool = False

    def draw_on(self, r: Renderer) -> None:
        r.image(self)


@dataclass(frozen=True)
class QRElement:
    """QR modules (True = dark) laid into ``rect``, which includes ``quiet`` modules each side."""

    rect: Rect
    modules: tuple[tuple[bool, ...], ...]
    quiet: int
    color: Color
    background: Color
    static: bool = False

    @property
    def size(self) -> int:
        return len(self.modules) + 2 * self.quiet

    def draw_on(self, r: Renderer) -> None:
        r.qr(self)


@dataclass(frozen=True)
class SampleMark:
    """The diagonal preview mark: text runs relative to ``center`` (unrotated), rotated by ``angle_deg``."""

    center: tuple[float, float]
    angle_deg: float
    runs: tuple[TextRun, ...]
    text: str
    static: bool = True

    def draw_on(self, r: Renderer) -> None:
        r.sample_mark(self)


Element = TextRun | RectElement | PolygonElement | CircleElement | ImageElement | QRElement | SampleMark


@dataclass
class Scene:
    """One resolved card face, ready for any backend."""

    width_mm: float
    height_mm: float
    corner_radius_mm: float
    background: Color
    elements: list[Element] = field(default_factory=list)
    title: str = ""
    side: str = "front"
    layout: str = ""
    preview: bool = True

    def runs(self) -> list[TextRun]:
        out = [e for e in self.elements if isinstance(e, TextRun)]
        for e in self.elements:
            if isinstance(e, SampleMark):
                out.extend(e.runs)
        return out

    def text_of(self, item: str) -> str:
        """The text printed by a layout item (lines joined with newlines)."""
        lines: dict[float, str] = {}
        for r in self.runs():
            if r.item == item:
                lines[r.baseline_mm] = lines.get(r.baseline_mm, "") + r.text
        return "\n".join(lines[k] for k in sorted(lines))


# -- building ------------------------------------------------------------------------------


def _text_runs(text: str, style: TextStyle, layout: Layout, fonts: FontSet, *, static: bool) -> list[TextRun]:
    chain = fonts.chain(style.font, layout.fonts.fallback)
    fitted: Fitted = fit(text, chain=chain, field=style.id, width_mm=style.box.w, height_mm=style.box.h,
                         size_range=style.size, wrap=style.wrap, line_spacing=style.line_spacing,
                         max_lines=style.max_lines, min_scale_x=style.min_scale_x)
    return place(fitted, style, chain[0], static=static)


def place(fitted: Fitted, style: TextStyle, primary: FontFace, *, static: bool) -> list[TextRun]:
    """Position fitted lines in the style's box (alignment, vertical alignment, baselines)."""
    s_mm = fitted.size_mm
    n = len(fitted.lines)
    block = block_height_mm(s_mm, n, style.line_spacing)
    box = style.box
    top = {"top": box.y, "center": box.y + (box.h - block) / 2, "bottom": box.y1 - block}[style.valign]
    # the em box of each line sits on the line; the baseline is at the font's ascent share
    asc = primary.ascent / (primary.ascent + primary.descent)
    runs = []
    k = fitted.scale_x  # condensed text: every advance narrower by k, the height kept
    for i, line in enumerate(fitted.lines):
        baseline = top + i * s_mm * style.line_spacing + asc * s_mm
        w = line.width_em * s_mm * k
        x0 = {"left": box.x, "center": box.x + (box.w - w) / 2, "right": box.x1 - w}[style.align]
        for p in line.pieces:
            runs.append(TextRun(p.text, p.face, fitted.size_pt, x0 + p.offset_em * s_mm * k, baseline,
                                p.width_em * s_mm * k, style.color, style.id, static, scale_x=k))
    return runs


def _shape_elements(shape) -> list[Element]:
    sw = shape.stroke_width_mm if shape.stroke else 0.0
    if isinstance(shape, (RectShape, FrameShape)):
        return [RectElement(shape.box, shape.fill if shape.kind == "rect" else None, shape.stroke, sw,
                            shape.radius_mm)]
    if isinstance(shape, PolygonShape):
        closed = shape.kind == "polygon"
        return [PolygonElement(tuple(shape.points), closed, shape.fill if closed else None, shape.stroke, sw)]
    if isinstance(shape, CircleShape):
        return [CircleElement(shape.center, shape.radius_mm, shape.fill, shape.stroke, sw)]
    if isinstance(shape, CornerShape):
        return [PolygonElement(tuple(shape.polygon()), True, shape.fill, shape.stroke, sw)]
    raise LayoutError(f"unknown shape kind {shape.kind!r}")  # pragma: no cover - the union is closed


def _qr(spec: QRSpec, data: str) -> QRElement:
    import qrcode
    from qrcode.constants import ERROR_CORRECT_H, ERROR_CORRECT_L, ERROR_CORRECT_M, ERROR_CORRECT_Q

    level = {"L": ERROR_CORRECT_L, "M": ERROR_CORRECT_M, "Q": ERROR_CORRECT_Q, "H": ERROR_CORRECT_H}
    qr = qrcode.QRCode(error_correction=level[spec.error_correction], border=0)
    qr.add_data(data)
    qr.make(fit=True)
    modules = tuple(tuple(bool(c) for c in row) for row in qr.get_matrix())
    return QRElement(spec.box, modules, spec.quiet_modules, spec.color, spec.background)


def _chip(side: SideSpec) -> list[Element]:
    chip = side.chip
    m = chip.module
    dark = (*(max(0, c - 70) for c in chip.module_color[:3]), 255)
    out: list[Element] = [RectElement(m, chip.module_color, dark, 0.15, chip.radius_mm)]
    c = chip.contacts
    # contact separations: a vertical gap between the C1-C4 and C5-C8 columns, three rows
    mid = c.x + c.w / 2
    out.append(PolygonElement(((mid, m.y + 0.6), (mid, m.y1 - 0.6)), False, None, dark, 0.2))
    for k in (1, 2, 3):
        y = c.y + k * c.h / 4
        out.append(PolygonElement(((m.x + 0.6, y), (m.x1 - 0.6, y)), False, None, dark, 0.2))
    return out


def _empty_photo(layout: Layout, side: SideSpec, fonts: FontSet) -> list[Element]:
    p = side.photo
    grey = (150, 150, 150, 255)
    b = p.box
    out: list[Element] = [
        RectElement(b, (236, 236, 236, 255), grey, 0.2),
        PolygonElement(((b.x, b.y), (b.x1, b.y1)), False, None, grey, 0.15),
        PolygonElement(((b.x1, b.y), (b.x, b.y1)), False, None, grey, 0.15),
    ]
    band = Rect(b.x + 0.5, b.y + b.h / 2 - 2.0, b.w - 1.0, 4.0)
    out.append(RectElement(band, (236, 236, 236, 255)))
    style = Label(id="photo", text=p.empty_text, box=band, font=p.empty_font, size=(p.empty_size / 2, p.empty_size),
                  align="center", color=(90, 90, 90, 255))
    out.extend(_text_runs(p.empty_text, style, layout, fonts, static=True))
    return out


def _sample_mark(layout: Layout, fonts: FontSet) -> SampleMark:
    spec = layout.sample_mark
    chain = fonts.chain(spec.font, layout.fonts.fallback)
    fitted = fit(spec.text, chain=chain, field="sample_mark", width_mm=1e4, height_mm=1e4,
                 size_range=(spec.size_pt, spec.size_pt), wrap=False)
    line = fitted.lines[0]
    s_mm = fitted.size_mm
    asc = chain[0].ascent / (chain[0].ascent + chain[0].descent)
    x0 = -line.width_em * s_mm / 2
    base = -s_mm / 2 + asc * s_mm
    runs = tuple(TextRun(p.text, p.face, fitted.size_pt, x0 + p.offset_em * s_mm, base, p.width_em * s_mm,
                         spec.color, "sample_mark", True) for p in line.pieces)
    center = (layout.card.width_mm / 2, layout.card.height_mm / 2)
    return SampleMark(center, spec.angle_deg, runs, spec.text)


def build_scene(holder: Holder | dict, side: str = "front", layout: str | Layout = "next", *,
                preview: bool = True, show_number: bool = False, allow_failing_photo: bool = False,
                fonts: FontSet | None = None) -> Scene:
    """Resolve one card face. Raises the project's errors (GlyphError, FitError, PhotoRefused ...).

    ``preview`` (the default) adds the sample mark and masks the My Number unless
    ``show_number``; a production face (``preview=False``) always carries the number and
    needs a photo that passes the photo checks.
    """
    if isinstance(holder, dict):
        holder = Holder.from_dict(holder)
    elif not isinstance(holder, Holder):
        raise ArgumentError(f"holder must be a Holder or a dict of holder data, not {type(holder).__name__}"
                            + (" (read a holders file with load_holders)" if isinstance(holder, (str, Path)) else ""))
    lay = load_layout(layout)
    spec = lay.side(side)
    fonts = fonts or default_fonts()
    vals = content.values(holder, lay, show_number=show_number or not preview)
    scene = Scene(lay.card.width_mm, lay.card.height_mm, lay.card.corner_radius_mm, spec.background,
                  title=f"{lay.card.title} ({lay.name}, {side}{', 見本 SAMPLE' if preview else ''})",
                  side=side, layout=lay.name, preview=preview)
    els = scene.elements
    for shape in spec.shapes:
        if shape.layer == "under":
            els.extend(_shape_elements(shape))
    if spec.photo is not None:
        els.extend(_photo_elements(holder, lay, spec, fonts, preview=preview, allow_failing=allow_failing_photo))
    if spec.qr is not None:
        els.append(_qr(spec.qr, content.fill(spec.qr.data, vals)))
    if spec.chip is not None and spec.chip.draw and preview:
        els.extend(_chip(spec))
    for label in spec.labels:
        els.extend(_text_runs(label.text, label, lay, fonts, static=True))
    problems: list[FieldProblem] = []
    for f in spec.fields:
        if content.all_empty(f.text, vals):
            if f.required:
                problems.append(FieldProblem(f.id, "text.empty", "this field is required but empty"))
            continue
        try:
            els.extend(_field_runs(f, vals, lay, fonts))
        except FitError as err:
            problems.extend(err.problems)
    if problems:
        raise FitError(f"{len(problems)} field(s) cannot be set: {', '.join(p.field for p in problems)}",
                       problems=problems)
    for shape in spec.shapes:
        if shape.layer == "over":
            els.extend(_shape_elements(shape))
    if preview:
        els.append(_sample_mark(lay, fonts))
    return scene


def _field_runs(f: TextField, vals: dict[str, str], lay: Layout, fonts: FontSet) -> list[TextRun]:
    return _text_runs(content.fill(f.text, vals), f, lay, fonts, static=False)


def _photo_elements(holder: Holder, lay: Layout, spec: SideSpec, fonts: FontSet, *, preview: bool,
                    allow_failing: bool) -> list[Element]:
    from cardface import portrait

    if holder.photo is None:
        if not preview:
            raise PhotoRefused("a production card needs the holder's photo; none is given",
                               code="card.photo_missing")
        return _empty_photo(lay, spec, fonts)
    image = portrait.crop(holder.photo, spec.photo, preview=preview, allow_failing=allow_failing)
    out: list[Element] = [RectElement(spec.photo.box, spec.photo.background)]
    out.append(ImageElement(spec.photo.box, image))
    if spec.photo.stroke is not None and spec.photo.stroke_width_mm > 0:
        out.append(RectElement(spec.photo.box, None, spec.photo.stroke, spec.photo.stroke_width_mm))
    return out


__all__ = ["MM_PER_PT", "Renderer", "Scene", "TextRun", "build_scene", "paint"]
