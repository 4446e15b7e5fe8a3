"""The holder's photo on the card: cropped from face landmarks, refused when it fails the checks.

The crop puts the top of the head (crown) and the chin at the layout's ``crown_y`` and
``chin_y`` (fractions of the photo box height; today's card shows the head at about three
quarters of the box height, as the 35 x 45 mm application photo does), and centres the box
horizontally on the midpoint of the eyes. Where the crop reaches past the photo's edges the
box's background colour fills in (the photo checks judge whether that is acceptable).

The landmarks come from the ``photo`` package (``photo.face_geometry``); ``photo`` never
imports ``cardface``.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cardface.errors import FieldProblem, PhotoRefused
from cardface.layout import PhotoSpec

MM_PER_INCH = 25.4


@dataclass(frozen=True)
class HeadGeometry:
    """Points of the face in the source image's pixels (x right, y down)."""

    eye_left: tuple[float, float]
    eye_right: tuple[float, float]
    chin: tuple[float, float]
    crown: tuple[float, float]

    @property
    def eyes_mid(self) -> tuple[float, float]:
        return ((self.eye_left[0] + self.eye_right[0]) / 2, (self.eye_left[1] + self.eye_right[1]) / 2)

    @property
    def head_height_px(self) -> float:
        return self.chin[1] - self.crown[1]


def crop_box(geom: HeadGeometry, spec: PhotoSpec) -> tuple[float, float, float, float]:
    """(left, top, width, height) of the crop in source pixels for the layout's photo box."""
    head = geom.head_height_px
    if head <= 0:
        raise PhotoRefused("the face landmarks are inconsistent (chin above the crown)", code="card.photo_geometry")
    box = spec.box
    px_per_mm = head / ((spec.chin_y - spec.crown_y) * box.h)
    w, h = box.w * px_per_mm, box.h * px_per_mm
    top = geom.crown[1] - spec.crown_y * h
    left = geom.eyes_mid[0] - w / 2
    return left, top, w, h


def crop_image(image, geom: HeadGeometry, spec: PhotoSpec):
    """The photo cropped (and padded with the box background) for the box, RGB, at most ``max_dpi``."""
    from PIL import Image

    left, top, w, h = crop_box(geom, spec)
    out_w = max(1, round(min(w, spec.box.w / MM_PER_INCH * spec.max_dpi)))
    out_h = max(1, round(out_w * spec.box.h / spec.box.w))
    rgb = image.convert("RGB")
    x0, y0 = round(left), round(top)
    cw, ch = max(1, round(w)), max(1, round(h))
    canvas = Image.new("RGB", (cw, ch), spec.background[:3])
    canvas.paste(rgb, (-x0, -y0))  # parts outside the photo stay background
    return canvas.resize((out_w, out_h), Image.Resampling.LANCZOS, reducing_gap=3.0)


_cache: OrderedDict[tuple, Any] = OrderedDict()
_cache_lock = threading.Lock()
_CACHE_SIZE = 32


def _verdict(path: Path, profile: str):
    """``photo.check`` once per file version and profile (a holder's faces share it)."""
    import photo

    try:
        st = path.stat()
    except OSError:
        raise PhotoRefused("the holder's photo file cannot be read", code="card.photo_unreadable") from None
    key = (str(path), st.st_mtime_ns, st.st_size, profile)
    with _cache_lock:
        hit = _cache.get(key)
        if hit is not None:
            _cache.move_to_end(key)
            return hit
    report = photo.check(path, profile)
    with _cache_lock:
        _cache[key] = report
        while len(_cache) > _CACHE_SIZE:
            _cache.popitem(last=False)
    return report


def refusal(report) -> PhotoRefused:
    """The refusal for a report that failed: every failed check with its message (ja / en)."""
    failed = report.failed
    problems = [FieldProblem(field="photo", code=c.id, message=c.message_en or c.id, message_ja=c.message)
                for c in failed]
    ids = ", ".join(c.id for c in failed)
    return PhotoRefused(f"the holder's photo fails the photo checks ({report.profile}): {ids}",
                        code="card.photo_refused", problems=problems)


def geometry_of(report) -> HeadGeometry | None:
    face = report.face
    if not face:
        return None
    (el, er), chin, crown = face["eyes"], face["chin"], face["crown"]
    return HeadGeometry(tuple(el), tuple(er), tuple(chin), tuple(crown))


def crop(path: Path, spec: PhotoSpec, *, preview: bool, allow_failing: bool):
    """Check and crop the holder's photo; :class:`PhotoRefused` with the reasons.

    A photo that fails the checks is refused unless this is a preview and ``allow_failing``;
    a photo without a detectable face is always refused (there is nothing to crop to).
    """
    from PIL import Image, ImageOps

    report = _verdict(Path(path), spec.profile)
    if report.error:
        raise PhotoRefused(f"the holder's photo cannot be used: {report.error.get('message', '')}",
                           code="card.photo_unreadable")
    if not report.passed and not (preview and allow_failing):
        raise refusal(report)
    geom = geometry_of(report)
    if geom is None:
        raise PhotoRefused("no face was found in the holder's photo", code="card.photo_no_face")
    try:
        with Image.open(path) as im:
            im = ImageOps.exif_transpose(im)  # the landmarks are in upright (EXIF-oriented) pixels
            return crop_image(im, geom, spec)
    except (OSError, SyntaxError, ValueError, MemoryError):  # changed since it was checked, or too big
        raise PhotoRefused("the holder's photo cannot be read again for the card",
                           code="card.photo_unreadable") from None
