"""Pillow backend: draws a :class:`~cardface.scene.Scene` into a PNG (:class:`PngRenderer`).

The card's rounded corners are transparent; the file carries the resolution (pHYs) and a
title, nothing else (no EXIF, no location, no software tag). Text is laid out with Pillow's
raqm (HarfBuzz) engine, which applies the font's cmap format 14 for variation sequences;
kerning and ligatures are off so advances are the fonts' ``hmtx`` widths, exactly those the
scene fitted and the PDF backend draws.
"""

from __future__ import annotations

import io
import math
from functools import lru_cache

from PIL import Image, ImageDraw, ImageFont, PngImagePlugin, features

from cardface.errors import CardfaceError
from cardface.fonts import is_selector
from cardface.geometry import MM_PER_INCH, MM_PER_PT
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

SUPERSAMPLE = 4  # for the corner mask
FEATURES = ["-kern", "-liga", "-clig", "-calt"]
HAS_RAQM = features.check("raqm")
COMPRESS_LEVEL = 3  # zlib level: 3 is within ~5 % of level 6's size at a third of the time


@lru_cache(maxsize=256)
def _font(path: str, size_px: float) -> ImageFont.FreeTypeFont:
    engine = ImageFont.Layout.RAQM if HAS_RAQM else ImageFont.Layout.BASIC
    return ImageFont.truetype(path, size_px, layout_engine=engine)


@lru_cache(maxsize=16)
def _corner_mask(w: int, h: int, r: float) -> Image.Image:
    big = Image.new("L", (w * SUPERSAMPLE, h * SUPERSAMPLE), 0)
    ImageDraw.Draw(big).rounded_rectangle((0, 0, w * SUPERSAMPLE - 1, h * SUPERSAMPLE - 1),
                                          radius=r * SUPERSAMPLE, fill=255)
    return big.resize((w, h), Image.Resampling.BOX)


class PngRenderer:
    """The :class:`~cardface.scene.Renderer` for Pillow: draws elements on an RGB image at ``dpi``."""

    def __init__(self, scene: Scene, dpi: float):
        self.dpi = dpi
        self.k = dpi / MM_PER_INCH  # px per mm
        self.w = max(1, round(scene.width_mm * self.k))
        self.h = max(1, round(scene.height_mm * self.k))
        self.img = Image.new("RGB", (self.w, self.h), scene.background[:3])
        self.draw = ImageDraw.Draw(self.img, "RGBA")

    def px(self, mm: float) -> float:
        return mm * self.k

    def pt(self, p: tuple[float, float]) -> tuple[float, float]:
        return (p[0] * self.k, p[1] * self.k)

    # -- elements --------------------------------------------------------------------------

    def rect(self, e: RectElement) -> None:
        r = e.rect
        sw = self.px(e.stroke_width_mm) if e.stroke else 0.0
        half = sw / 2
        box = (self.px(r.x) - half, self.px(r.y) - half, self.px(r.x1) + half - 1, self.px(r.y1) + half - 1)
        width = max(1, round(sw)) if e.stroke else 0
        rad = self.px(e.radius_mm) + half
        if e.fill is not None:
            inner = (self.px(r.x), self.px(r.y), self.px(r.x1) - 1, self.px(r.y1) - 1)
            if rad > 0:
                self.draw.rounded_rectangle(inner, radius=self.px(e.radius_mm), fill=e.fill)
            else:
                self.draw.rectangle(inner, fill=e.fill)
        if e.stroke is not None and width:
            if rad > 0:
                self.draw.rounded_rectangle(box, radius=rad, outline=e.stroke, width=width)
            else:
                self.draw.rectangle(box, outline=e.stroke, width=width)

    def polygon(self, e: PolygonElement) -> None:
        pts = [self.pt(p) for p in e.points]
        if e.closed and e.fill is not None:
            self.draw.polygon(pts, fill=e.fill)
        if e.stroke is not None and e.stroke_width_mm > 0:
            line = [*pts, pts[0]] if e.closed else pts
            self.draw.line(line, fill=e.stroke, width=max(1, round(self.px(e.stroke_width_mm))), joint="curve")

    def circle(self, e: CircleElement) -> None:
        cx, cy = self.pt(e.center)
        r = self.px(e.radius_mm)
        sw = self.px(e.stroke_width_mm) if e.stroke else 0.0
        if e.fill is not None:
            self.draw.ellipse((cx - r, cy - r, cx + r, cy + r), fill=e.fill)
        if e.stroke is not None and sw:
            rr = r + sw / 2
            self.draw.ellipse((cx - rr, cy - rr, cx + rr, cy + rr), outline=e.stroke, width=max(1, round(sw)))

    def image(self, e: ImageElement) -> None:
        x0, y0 = round(self.px(e.rect.x)), round(self.px(e.rect.y))
        x1, y1 = round(self.px(e.rect.x1)), round(self.px(e.rect.y1))
        im = e.image.convert("RGB").resize((max(1, x1 - x0), max(1, y1 - y0)), Image.Resampling.LANCZOS)
        self.img.paste(im, (x0, y0))

    def qr(self, e: QRElement) -> None:
        n = e.size
        small = Image.new("RGBA", (n, n), e.background)
        dark = small.load()
        for j, row in enumerate(e.modules):
            for i, on in enumerate(row):
                if on:
                    dark[i + e.quiet, j + e.quiet] = e.color
        x0, y0 = round(self.px(e.rect.x)), round(self.px(e.rect.y))
        side = round(self.px(min(e.rect.w, e.rect.h)))
        big = small.resize((side, side), Image.Resampling.NEAREST)
        self.img.paste(big, (x0, y0), big)

    def text(self, r: TextRun) -> None:
        if r.scale_x < 1.0:
            _condensed_text(self.draw, r, self.dpi)
        else:
            _text(self.draw, r, self.dpi)

    def sample_mark(self, e: SampleMark) -> None:
        layer = _mark_layer(e, self.dpi)
        cx, cy = self.pt(e.center)
        self.img.paste(layer, (round(cx - layer.width / 2), round(cy - layer.height / 2)), layer)


def _run_font(r: TextRun, dpi: float) -> tuple[ImageFont.FreeTypeFont, dict]:
    """The run's font at ``dpi`` and the layout options every text call passes (no kerning or
    ligatures with raqm); ``render.no_raqm`` for variation sequences Pillow cannot draw without it."""
    if not HAS_RAQM and any(is_selector(ord(c)) for c in r.text):
        raise CardfaceError("drawing variation sequences needs Pillow with raqm (libraqm)", code="render.no_raqm")
    return _font(str(r.font.path), r.size_pt / 72.0 * dpi), ({"features": FEATURES} if HAS_RAQM else {})


def _text(draw: ImageDraw.ImageDraw, r: TextRun, dpi: float, offset=(0.0, 0.0), *, opaque: bool = False,
          stroke_px: int = 0) -> None:
    k = dpi / MM_PER_INCH
    font, kw = _run_font(r, dpi)
    color = (*r.color[:3], 255) if opaque else r.color
    draw.text((r.x_mm * k + offset[0], r.baseline_mm * k + offset[1]), r.text, font=font, fill=color,
              anchor="ls", stroke_width=stroke_px, stroke_fill=color, **kw)


def _condensed_text(draw: ImageDraw.ImageDraw, r: TextRun, dpi: float) -> None:
    """Condensed text (:attr:`TextRun.scale_x` below 1): set unscaled on a coverage layer, the layer
    narrowed to ``scale_x`` of its width (pixel area), then drawn in the run's colour; the baseline's
    start stays at (x_mm, baseline_mm)."""
    k = dpi / MM_PER_INCH
    font, kw = _run_font(r, dpi)
    x0, y0, x1, y1 = font.getbbox(r.text, anchor="ls", **kw)  # px, relative to the baseline's start
    pad = 2
    layer = Image.new("L", (x1 - x0 + 2 * pad, y1 - y0 + 2 * pad), 0)
    ImageDraw.Draw(layer).text((pad - x0, pad - y0), r.text, font=font, fill=255, anchor="ls", **kw)
    narrow = layer.resize((max(1, round(layer.width * r.scale_x)), layer.height), Image.Resampling.BOX)
    at = (round(r.x_mm * k + (x0 - pad) * r.scale_x), round(r.baseline_mm * k + y0 - pad))
    draw.bitmap(at, narrow, fill=r.color)


@lru_cache(maxsize=4)
def _mark_layer(e: SampleMark, dpi: float) -> Image.Image:
    """The rotated, translucent sample mark (cached: it is the same on every card)."""
    k = dpi / MM_PER_INCH
    xs = [r.x_mm for r in e.runs] + [r.x_mm + r.width_mm for r in e.runs]
    size = max(r.size_pt for r in e.runs) * MM_PER_PT
    w = round((max(xs) - min(xs) + size) * k)
    h = round(size * 2 * k)
    layer = Image.new("RGBA", (w, h), (0, 0, 0, 0))
    d = ImageDraw.Draw(layer)
    for r in e.runs:
        _text(d, r, dpi, offset=(w / 2, h / 2), opaque=True, stroke_px=max(1, round(0.06 * k)))
    alpha = e.runs[0].color[3]
    layer.putalpha(layer.getchannel("A").point(lambda a: a * alpha // 255))
    return layer.rotate(e.angle_deg, resample=Image.Resampling.BICUBIC, expand=True)


def check_dpi(dpi: float) -> None:
    """:class:`CardfaceError` (``render.dpi``) unless ``dpi`` is a resolution a face can be drawn at."""
    if not (30 <= dpi <= 2400) or not math.isfinite(dpi):
        raise CardfaceError(f"dpi must be between 30 and 2400, not {dpi}", code="render.dpi")


def draw(scene: Scene, dpi: float = 300) -> Image.Image:
    """The face as an RGBA image (corners transparent)."""
    check_dpi(dpi)
    c = PngRenderer(scene, dpi)
    paint(scene.elements, c)
    out = c.img.convert("RGBA")
    out.putalpha(_corner_mask(c.w, c.h, c.px(scene.corner_radius_mm)))
    return out


def to_png(scene: Scene, dpi: float = 300) -> bytes:
    """PNG bytes: RGBA, pHYs = dpi, a tEXt Title, no other metadata."""
    img = draw(scene, dpi)
    info = PngImagePlugin.PngInfo()
    info.add_itxt("Title", scene.title)
    buf = io.BytesIO()
    img.save(buf, "PNG", pnginfo=info, dpi=(dpi, dpi), compress_level=COMPRESS_LEVEL)
    return buf.getvalue()
