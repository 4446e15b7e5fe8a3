"""The review image: landmarks, head-pose axes, the ideal crop and, in red, what made each failed check fail.

``annotate(source, profile=...) -> (PIL.Image, report)`` and ``draw(analysis, report, profile)``
draw on the upright working image (at most 1000 px on the long side), or with ``max_px`` on
that image shrunk (the batch report's thumbnail), every coordinate, width and radius scaled:
the 478 landmarks, the head's x/y/z axes from the nose tip (orange, green, blue), the ideal
35:45 crop (dashed green), crown and chin (yellow), and, for each failed check, the pixels,
landmarks or lines it measured (:mod:`photo.marks`; the covering and background marks from
their own modules) in red, the limits as dashed yellow lines, with a label in Japanese and
English. A passing check draws nothing red. The image is a fresh RGB array: no EXIF, GPS or
other metadata. Drawn only when asked (``--annotate``, and small for a failed photo's batch
report thumbnail), never on the check's path.
"""

from __future__ import annotations

import functools
import itertools
from typing import Any

import numpy as np

from photo.check_titles import check_title
from photo.resample import shrink_picture

RED, GREEN, YELLOW, CYAN, WHITE = (230, 40, 40), (40, 200, 60), (250, 210, 0), (0, 200, 230), (255, 255, 255)
ORANGE, BLUE = (255, 140, 0), (60, 120, 255)  # head axes: context, never red (red is a failed check's mark)

#: Smallest label font (px) drawn on a shrunk annotation; a label whose font shrinks below it
#: (a 160 px thumbnail: 2-3 px) is left out, box and all: it could not be read, its black box
#: would hide the face and the marks, and the batch report lists the reasons beside the thumbnail.
MIN_TEXT_PX = 8
#: Shortest dash (and gap) of a dashed line on a shrunk annotation, in its own px.
MIN_DASH_PX = 3


@functools.cache
def label_font(size: int):
    """IPAex Gothic at ``size`` px for the ja/en labels. The font ships in this distribution as
    package data (``cardface.fontfiles``, the card's gothic role); it is read as a file, no
    cardface code runs."""
    from importlib import resources

    from PIL import ImageFont

    with resources.as_file(resources.files("cardface.fontfiles").joinpath("ipaexg.ttf")) as path:
        return ImageFont.truetype(str(path), size)


@functools.cache
def _advance(char: str, size: int) -> float:
    """How far one character of the label font moves the pen, in px."""
    return label_font(size).getlength(char)


class _Pen:
    """``ImageDraw`` for an image drawn at ``scale`` working px: every method takes working-image
    coordinates, line widths and radii and scales them (widths at least 1 px). At scale 1 the
    arguments pass through unchanged, so the full-size image is the unscaled drawing's."""

    def __init__(self, img, scale: float = 1.0):
        from PIL import ImageDraw

        self.d, self.s = ImageDraw.Draw(img), scale
        self.size = img.size
        self._lengths: dict[tuple[str, Any], float] = {}
        #: shortest dash in working px (MIN_DASH_PX once scaled; under every full-size dash)
        self.min_dash = MIN_DASH_PX / scale

    def _xy(self, xy):
        if self.s == 1.0:
            return xy
        s = self.s
        if len(xy) and isinstance(xy[0], int | float | np.number):  # flat: (x, y) or (x0, y0, x1, y1)
            return [float(v) * s for v in xy]
        return [(float(x) * s, float(y) * s) for x, y in xy]

    def _w(self, width: int) -> int:
        return width if self.s == 1.0 else max(1, round(width * self.s))

    def line(self, xy, fill, width: int = 0) -> None:
        self.d.line(self._xy(xy), fill=fill, width=self._w(width))

    def rectangle(self, box, fill=None, outline=None, width: int = 1) -> None:
        self.d.rectangle(self._xy(box), fill=fill, outline=outline, width=self._w(width))

    def ellipse(self, box, fill=None, outline=None, width: int = 1) -> None:
        b = self._xy(box)
        if self.s != 1.0 and b[2] - b[0] < 2:  # under a pixel across: the pixel at its centre
            self.d.point([((b[0] + b[2]) / 2, (b[1] + b[3]) / 2)], fill=fill or outline)
            return
        self.d.ellipse(b, fill=fill, outline=outline, width=self._w(width))

    def dots(self, points, r: float, fill) -> None:
        """A filled dot of radius ``r`` at each (x, y); one pixel each where ``r`` shrinks under a pixel."""
        if self.s != 1.0 and 2 * r * self.s < 2:
            self.d.point((np.asarray(points, float) * self.s).ravel().tolist(), fill=fill)
            return
        for x, y in points:
            self.ellipse([x - r, y - r, x + r, y + r], fill=fill)

    def bitmap(self, xy, bitmap, fill) -> None:
        """``bitmap`` (mode L, working size) as a mask for ``fill``."""
        if self.s != 1.0:
            from PIL import Image

            bitmap = bitmap.resize(self.size, Image.Resampling.NEAREST)
        self.d.bitmap(self._xy(xy), bitmap, fill=fill)

    def textlength(self, text: str, font) -> float:
        """In working px (the label layout is the full-size one at every scale); measured once.
        Shrunk, the sum of the characters' advances (no kerning: the text is not drawn)."""
        key = (text, font)
        if key not in self._lengths:
            self._lengths[key] = (self.d.textlength(text, font=font) if self.s == 1.0
                                  else sum(_advance(c, font.size) for c in text))
        return self._lengths[key]

    def text(self, xy, text: str, fill, font) -> None:
        """``text`` in ``font`` scaled with the drawing (the caller asks :meth:`legible` first:
        :class:`_Labels` leaves out a label too small to read, box and all)."""
        self.d.text(self._xy(xy), text, fill=fill, font=font if self.s == 1.0 else label_font(round(font.size * self.s)))

    def legible(self, font) -> bool:
        """Does text in ``font`` (working px) stay at least MIN_TEXT_PX high at this scale?"""
        return self.s == 1.0 or font.size * self.s >= MIN_TEXT_PX


class _Labels:
    """Places label boxes (black, coloured text) so that they do not cover one another
    (working-image px: a shrunk image gets the full-size layout, scaled by its pen)."""

    def __init__(self, draw: _Pen, w: int, h: int):
        self.d, self.w, self.h = draw, w, h
        self.font = label_font(max(11, round(max(w, h) / 72)))
        self.taken: list[tuple[float, float, float, float]] = []

    def put(self, xy, lines, colour=RED) -> tuple[float, float, float, float]:
        lines = [t for t in ([lines] if isinstance(lines, str) else lines) if t]
        size = self.font.size
        tw = max(self.d.textlength(t, font=self.font) for t in lines) + 6
        th = len(lines) * (size + 3) + 2
        x = float(np.clip(xy[0], 0, max(0, self.w - tw)))
        y = float(np.clip(xy[1], 0, max(0, self.h - th)))
        for _ in range(40):  # move down (then up from the bottom) until the box is free
            box = (x, y, x + tw, y + th)
            if not any(box[0] < b[2] and b[0] < box[2] and box[1] < b[3] and b[1] < box[3] for b in self.taken):
                break
            y = y + th / 2 + 1 if y + th * 1.5 < self.h else 0.0
        self.taken.append((x, y, x + tw, y + th))
        if not self.d.legible(self.font):  # (a thumbnail: see MIN_TEXT_PX)
            return x, y, x + tw, y + th
        self.d.rectangle([x, y, x + tw, y + th], fill=(0, 0, 0))
        for i, t in enumerate(lines):
            self.d.text((x + 3, y + 1 + i * (size + 3)), t, fill=colour, font=self.font)
        return x, y, x + tw, y + th


def _dashed_rect(draw, box, colour, dash=8):
    dash = max(dash, draw.min_dash)
    x0, y0, x1, y1 = box
    for a, b, horiz, c in ((x0, x1, True, y0), (x0, x1, True, y1), (y0, y1, False, x0), (y0, y1, False, x1)):
        t = a
        while t < b:
            e = min(t + dash, b)
            draw.line([(t, c), (e, c)] if horiz else [(c, t), (c, e)], fill=colour, width=2)
            t += 2 * dash


def _outline(draw, mask, colour, f=1.0):
    import cv2

    cs, _ = cv2.findContours(mask.astype(np.uint8), cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    for c in cs:
        if len(c) >= 3:
            draw.line([tuple((p[0] / f).tolist()) for p in c] + [tuple((c[0][0] / f).tolist())], fill=colour, width=2)


def _background_marks(d, a, key: str, small_f: float) -> None:
    """Objects: the off-backdrop patches that made the check fail; texture: the background itself."""
    from photo.checks.background import off_backdrop

    off = off_backdrop(a) if key == "objects" else None
    if off is not None:
        _outline(d, off[0], RED, small_f / 4)  # off_backdrop works at a quarter of the background scale
    else:
        _outline(d, a.background, RED, small_f)


def _shadow_marks(d, a, small_f: float, prof) -> None:
    """The shadow pixels the check measured (half the background scale), not the person's outline."""
    from photo.checks.background import shadow_pixels

    found = shadow_pixels(a, prof.checks["background.shadow"]["min_shadow_patch"])
    if found is not None:
        _outline(d, found[0], RED, small_f / 2)


def _covering_marks(d, a, key: str, prof) -> None:
    """The pixels the head-covering check found covered (smooth non-skin above the forehead,
    neither skin nor hair beside the face): hatched (every third diagonal) and outlined in red."""
    from PIL import Image

    from photo.checks.head import covering_pixels

    px = covering_pixels(a, prof.checks["head.covering"], key)
    if px is None:
        return
    ys, xs = np.ogrid[: px.shape[0], : px.shape[1]]
    hatch = px & ((xs + ys) % 3 == 0)
    d.bitmap((0, 0), Image.fromarray(hatch.astype(np.uint8) * 255, "L"), fill=RED)
    _outline(d, px, RED)


def _dashed_line(draw, pts, colour, dash=7, width=2):
    dash = max(dash, draw.min_dash)
    for (x0, y0), (x1, y1) in itertools.pairwise(pts):
        n = max(1, int(np.hypot(x1 - x0, y1 - y0) // dash))
        for i in range(0, n, 2):
            t0, t1 = i / n, min(1.0, (i + 1) / n)
            draw.line([(x0 + (x1 - x0) * t0, y0 + (y1 - y0) * t0), (x0 + (x1 - x0) * t1, y0 + (y1 - y0) * t1)],
                      fill=colour, width=width)


def _arrow(draw, p0, p1, colour, width=3):
    p0, p1 = np.asarray(p0, float), np.asarray(p1, float)
    draw.line([tuple(p0), tuple(p1)], fill=colour, width=width)
    v = p1 - p0
    n = float(np.linalg.norm(v))
    if n < 1:
        draw.ellipse([p1[0] - 4, p1[1] - 4, p1[0] + 4, p1[1] + 4], outline=colour, width=2)
        return
    u = v / n
    head = min(12.0, 0.4 * n)
    for s in (1, -1):
        c, sn = np.cos(np.radians(25)), s * np.sin(np.radians(25))
        back = -np.array([u[0] * c - u[1] * sn, u[0] * sn + u[1] * c]) * head
        draw.line([tuple(p1), tuple(p1 + back)], fill=colour, width=width)


def _tint(img, mask, colour=RED, alpha=0.5):
    """Blend ``colour`` over the pixels of ``mask`` (any scale: it is resized to the image)."""
    import cv2

    m = np.asarray(mask, bool)
    if m.shape != (img.height, img.width):
        m = cv2.resize(m.astype(np.uint8), (img.width, img.height), interpolation=cv2.INTER_NEAREST) > 0
    if not m.any():
        return img
    from PIL import Image

    px = np.asarray(img).copy()
    px[m] = (px[m] * (1 - alpha) + np.array(colour) * alpha).astype(np.uint8)
    return Image.fromarray(px)


def _draw_mark(d, m) -> None:
    for mask, f in m.outlines:
        _outline(d, mask, RED, f)
    for pts in m.guides:
        _dashed_line(d, pts, YELLOW)
    for pts in m.lines:
        d.line(pts, fill=RED, width=3)
    for p0, p1 in m.arrows:
        _arrow(d, p0, p1, RED)
    for box in m.boxes:
        d.rectangle(box, outline=RED, width=3)


def draw(a, report, prof, max_px: int | None = None) -> Any:
    """Draw the annotation for an analysed photo and its report.

    Context in cyan, yellow, orange, green and blue (landmarks, head axes, ideal crop, crown
    and chin); red only for what a failed check measured (:mod:`photo.marks`) with its label
    in Japanese and English. A passing check draws nothing red. The image carries no metadata.

    ``max_px``: draw on the working image shrunk to at most that many px on its long side
    (:func:`photo.resample.shrink_picture`), with every coordinate, line width, dot radius and
    label font scaled to it (widths at least 1 px; labels whose font would fall under
    ``MIN_TEXT_PX`` are left out, box and all): a review thumbnail for a
    fraction of the cost of the full-size image (about 2 ms against 5 ms for a 675 px one).
    Without it (or when the image is no larger), the full-size image."""
    from PIL import Image

    from photo.checks.pose import face_axes
    from photo.framing import plan_crop
    from photo.marks import BUILDERS, marks

    scale = 1.0
    if max_px is not None and max(a.w, a.h) > max_px:
        small, scale = shrink_picture(a.rgb, max_px)
        img = Image.fromarray(small)
    else:
        img = Image.fromarray(a.rgb)
        if img.mode != "RGB":  # (an RGB array is copied by fromarray, never shared)
            img = img.convert("RGB")
    failed = {c.id: c for c in report.failed}
    found = marks(a, report, prof)
    if not a.has_face:
        d = _Pen(img, scale)
        labels = _Labels(d, a.w, a.h)
        for m in found:  # face.count with no face: nothing to box
            _draw_mark(d, m)
            labels.put(m.anchor, m.label)
        for box in a.face_boxes:
            d.rectangle(box, outline=YELLOW, width=2)
        labels.put((4, 4), "顔が見つかりません / no face found" if "face.count" in failed else "face", RED)
        return img
    # the measured pixels first (tinted), then every line on top
    for m in found:
        for mask, _f in m.fills:
            img = _tint(img, mask)
    d = _Pen(img, scale)
    labels = _Labels(d, a.w, a.h)
    small_f = a.small[1]
    lm = a.landmarks
    r = max(1, round(a.ied / 90))
    d.dots(lm[:468, :2], r, CYAN)
    for i in (468, 473):
        x, y = lm[i, :2]
        d.ellipse([x - 2 * r, y - 2 * r, x + 2 * r, y + 2 * r], outline=YELLOW, width=1)
    # head axes from the nose tip, from the fit the pose checks judge
    o = lm[1, :2]
    length = a.ied * 0.8
    for v, colour in zip(face_axes(a), (ORANGE, GREEN, BLUE), strict=True):
        d.line([tuple(o), (o[0] + v[0] * length, o[1] + v[1] * length)], fill=colour, width=2)
    # ideal crop
    box = plan_crop(a, prof)
    if box is not None:
        _dashed_rect(d, box, GREEN)
        labels.put((box[0] + 4, box[1] + 4), "理想の切り抜き / ideal crop", GREEN)
    # crown and chin
    cx = a.eye_mid[0]
    for y in (a.crown[1], a.chin[1]):
        d.line([(cx - a.ied, y), (cx + a.ied, y)], fill=YELLOW, width=1)
    # checks whose marks their own modules draw (head covering, background)
    regions = {
        "head.covering": lambda: _covering_marks(d, a, failed["head.covering"].key, prof),
        "background.uniformity": lambda: _background_marks(d, a, failed["background.uniformity"].key, small_f),
        "background.shadow": lambda: _shadow_marks(d, a, small_f, prof),
    }
    anchors = {
        "head.covering": (a.face_box[0], max(0, a.crown[1]) + 2), "background.uniformity": (4, 4),
        "background.shadow": (4, 18),
    }
    pending = []  # labels go on last, over every line
    for m in found:
        _draw_mark(d, m)
        pending.append((m.anchor, m.label))
    y_file = 4
    for cid, c in failed.items():
        if cid in BUILDERS:
            continue
        title = f"{check_title(cid, 'ja')} / {check_title(cid, 'en')}: {c.key}"
        if cid in regions:
            regions[cid]()
            pending.append((anchors[cid], title))
        else:  # file-level checks: listed at the top right
            pending.append(((a.w - 260, y_file), title))
            y_file += 16
    for anchor, text in pending:
        labels.put(anchor, text)
    verdict = "合格 PASS" if report.passed else f"不合格 FAIL ({len(failed)})"
    labels.put((4, a.h - 20), f"{report.profile}: {verdict}", GREEN if report.passed else RED)
    return img


def annotate(source: Any, profile: Any = "mynumber-online"):
    """Check ``source`` and return (PIL image, report)."""
    from photo import models
    from photo import profile as profile_mod
    from photo.checker import analyse, run_checks
    from photo.intake import load

    prof = profile_mod.get(profile)
    with models.in_use():
        a = analyse(load(source))  # a photo on its side is read turned upright, as photo.check reads it
        rep = run_checks(a, prof)
        return draw(a, rep, prof), rep
