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

from dataclasses import dataclass
from pathlib import Path

from cardface.errors import PhotoRefused
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


def crop(path: Path, spec: PhotoSpec, *, preview: bool, allow_failing: bool, check: bool = True):
    """Load, analyse, check and crop the holder's photo; :class:`PhotoRefused` with the reasons."""
    raise PhotoRefused("cropping the holder's photo needs the photo package's face analysis, which is not "
                       "available in this build", code="card.photo_unavailable")
