"""Framing: the crop plan, and which failed checks a crop, a resize or a re-encode fixes.

This is the one place that knows both. The checker asks it which failures are fixable,
``photo.fix`` applies its plan, the annotation draws the plan, and the card portrait
(``cardface.portrait``) frames the holder's photo with it.

A *frame* says where the head goes in an output picture: its aspect (width / height) and
the heights of the crown and the chin as fractions of the picture's height. The head's
centre line is the one ``geometry.centered`` judges (the face box's centre averaged with
the eye-chin axis). :func:`place` puts a frame on an analysed photo; :func:`plan_crop`
searches the profile's ranges (head size, space above the head, eye height, margins) for a
frame whose crop lies inside the photo.

Coordinates are the analysis' working pixels unless a name says ``original``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

#: The remedies ``photo.fix`` applies.
CROP, RESIZE, REENCODE, ROTATE = "crop", "resize", "re-encode", "rotate"

#: check id -> message key of a failure (``"*"``: any failure) -> the remedy that fixes it.
#: A failure not listed here is never fixed: the face, the light and the background are
#: never retouched, and pixels cannot be invented (too small, head cut off, greyscale).
REMEDIES: dict[str, dict[str, str | None]] = {
    "file.format": {"*": REENCODE},  # PNG, TIFF ... are re-encoded as JPEG
    # re-encoding changes the size; a file small for its few pixels needs the original photo
    "file.size": {"few_pixels": None, "*": REENCODE},
    "image.dimensions": {"aspect": CROP, "too_large": RESIZE},
    "image.color": {"cmyk": REENCODE, "mode": REENCODE},  # converted to RGB; colour cannot be added
    "pose.roll": {"turned": ROTATE},  # a photo on its side is written upright (a tilted head is not fixed)
    "geometry.head_size": {"*": CROP},
    "geometry.centered": {"*": CROP},
    "geometry.eye_height": {"*": CROP},
    "geometry.margins": {"*": CROP},
}

#: Why a crop-fixable failure is not fixed in this photo (``details["fix"]``).
NO_CROP = "no compliant crop fits inside this photo"


def remedy(result: Any) -> str | None:
    """The remedy for a failed check (a :class:`~photo.report.CheckResult`), or None when
    nothing but a new photo fixes it. A passed check or one not evaluated needs none."""
    if result.passed or not result.evaluated:
        return None
    table = REMEDIES.get(result.id, {})
    return table[result.key] if result.key in table else table.get("*")


def settle_fixable(report: Any, analysis: Any, prof: Any) -> None:
    """Set ``fixable`` on every check of ``report``: a failure is fixable when it has a
    remedy and, for a crop, when a compliant crop fits inside this photo."""
    plan = None
    planned = False
    for c in report.checks:
        how = remedy(c)
        if how == CROP:
            if not planned:
                plan = plan_crop(analysis, prof) if analysis.has_face else None
                planned = True
            c.fixable = plan is not None
            if plan is None and analysis.has_face:
                c.details = {**c.details, "fix": NO_CROP}
        else:
            c.fixable = how is not None


def needs(report: Any, how: str) -> bool:
    """True when some failure of ``report`` is fixed by ``how`` (CROP, RESIZE, REENCODE)."""
    return any(remedy(c) == how for c in report.checks)


#: how far inside its range (mm on the print) a planned crop keeps the head size, the space
#: above the head and the eye line: the corrected copy is measured again, and its measures move
#: by a few tenths of a mm (frl 025's crop, planned with its eye line 0.006 mm inside the range,
#: measured under it and the fix was refused)
INSIDE_MM = 0.3


@dataclass(frozen=True)
class Frame:
    """Where the head goes in an output picture: ``aspect`` = width / height; ``crown_y`` and
    ``chin_y`` are the heights of the top of the head and of the chin, as fractions of the
    picture's height from its top."""

    aspect: float
    crown_y: float
    chin_y: float


def centre_x(a: Any) -> float:
    """The face's vertical centre line (working px): the face box's centre averaged with the
    eye-chin axis (what ``geometry.centered`` judges)."""
    x0, _, x1, _ = a.face_box
    return float((x0 + x1) / 2 * 0.5 + (a.eye_mid[0] + a.chin[0]) / 2 * 0.5)


def head_px(a: Any) -> float:
    """Crown to chin (working px), along the face."""
    return float(np.linalg.norm(a.chin - a.crown))


def place(a: Any, frame: Frame) -> tuple[float, float, float, float]:
    """The crop box (x0, y0, x1, y1, working px) that puts the head of ``a`` where ``frame``
    says; it may reach past the photo's edges."""
    crop_h = head_px(a) / (frame.chin_y - frame.crown_y)
    crop_w = crop_h * frame.aspect
    y0 = float(a.crown[1]) - frame.crown_y * crop_h
    x0 = centre_x(a) - crop_w / 2
    return x0, y0, x0 + crop_w, y0 + crop_h


def _range(limits: dict, lo: str, hi: str) -> tuple[float, float]:
    return float(limits[lo]), float(limits[hi])


def plan_crop(a: Any, prof: Any, *, original: bool = False) -> tuple[float, float, float, float] | None:
    """The crop box (x0, y0, x1, y1, working px; original px if ``original``) that puts the head
    at the profile's size, centred, with the margins in range, or None if none fits in the photo."""
    checks = prof.checks
    if "geometry.head_size" not in checks or "geometry.margins" not in checks:
        return None  # the profile says nothing about framing: there is nothing to crop towards
    hmm = prof.height_mm
    ratio = prof.width_mm / hmm
    head_rng = _range(checks["geometry.head_size"], "min_mm", "max_mm")
    top_rng = _range(checks["geometry.margins"], "min_top_mm", "max_top_mm")
    eye_rng = (_range(checks["geometry.eye_height"], "min_mm", "max_mm")
               if "geometry.eye_height" in checks else (0.0, hmm))
    min_side = checks["geometry.margins"]["min_side_mm"]
    min_bottom = checks["geometry.margins"]["min_bottom_mm"]
    min_px = checks.get("image.dimensions", {}).get("min_px", 0)
    if head_px(a) <= 0 or a.crown[1] < 0:
        return None
    mid_head, mid_top = sum(head_rng) / 2, sum(top_rng) / 2
    heads = sorted(np.linspace(head_rng[0] + INSIDE_MM, head_rng[1] - INSIDE_MM, 9), key=lambda v: abs(v - mid_head))
    tops = sorted(np.linspace(top_rng[0] + INSIDE_MM, top_rng[1] - INSIDE_MM, 9), key=lambda v: abs(v - mid_top))
    s = a.decoded.scale
    for head_mm in heads:
        for top_mm in tops:
            x0, y0, x1, y1 = place(a, Frame(ratio, top_mm / hmm, (top_mm + head_mm) / hmm))
            if min(x1 - x0, y1 - y0) / s < min_px:
                break  # the same size for every top: try the next head size
            if x0 < -0.5 or y0 < -0.5 or x1 > a.w + 0.5 or y1 > a.h + 0.5:
                continue
            px_per_mm = (y1 - y0) / hmm
            eye_mm = (y1 - a.eye_mid[1]) / px_per_mm
            bottom_mm = (y1 - a.chin[1]) / px_per_mm
            side_mm = min(a.face_box[0] - x0, x1 - a.face_box[2]) / px_per_mm
            if not (eye_rng[0] + INSIDE_MM <= eye_mm <= eye_rng[1] - INSIDE_MM) or bottom_mm < min_bottom \
                    or side_mm < min_side:
                continue
            box = (max(0.0, x0), max(0.0, y0), min(float(a.w), x1), min(float(a.h), y1))
            if original:
                box = tuple(v / s for v in box)
            return box
    return None


def cut(image: Any, box: tuple[float, float, float, float], size: tuple[int, int], fill=(255, 255, 255)):
    """``image`` (PIL, RGB) cropped to ``box`` (x0, y0, x1, y1 in its pixels) and resampled to
    exactly ``size`` (w, h); parts of the box outside the image are ``fill``."""
    from PIL import Image

    x0, y0, x1, y1 = box
    cw, ch = max(1, round(x1 - x0)), max(1, round(y1 - y0))
    canvas = Image.new("RGB", (cw, ch), tuple(fill[:3]))
    canvas.paste(image.convert("RGB"), (-round(x0), -round(y0)))  # parts outside the photo stay fill
    return canvas.resize(size, Image.Resampling.LANCZOS, reducing_gap=3.0)
