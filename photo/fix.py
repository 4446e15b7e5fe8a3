"""Fix what may be fixed, never the face.

``fix(source, profile)`` writes nothing itself: it returns a :class:`FixResult` with the
corrected JPEG bytes when every failed check is fixable. Fixes: EXIF orientation applied
(pixels stored upright), crop and scale to the profile's print shape with the head size,
centring and margins in range (only when the original has enough room around the head),
downscale into the pixel limits, CMYK/PNG/other converted to an RGB JPEG re-encoded into
the file-size limits, and all metadata dropped (EXIF with GPS and camera serials, comments).
Pose, expression, lighting, eyes and background are never retouched.
"""

from __future__ import annotations

import io
import sys
import types
from dataclasses import dataclass, field
from typing import Any

import numpy as np


@dataclass
class FixResult:
    fixed: bool
    data: bytes | None = None  # the corrected JPEG
    actions: list[str] = field(default_factory=list)
    reason: str = ""  # why nothing was written
    before: Any = None  # PhotoReport of the input
    after: Any = None  # PhotoReport of the corrected copy

    def to_dict(self) -> dict:
        return {"fixed": self.fixed, "actions": list(self.actions), "reason": self.reason,
                "passed_after": None if self.after is None else self.after.passed}


def _range(limits: dict, lo: str, hi: str) -> tuple[float, float]:
    return float(limits[lo]), float(limits[hi])


def plan_crop(a, prof, *, original: bool = False) -> tuple[float, float, float, float] | None:
    """The crop box (x0, y0, x1, y1, working px; original px if ``original``) that puts the head
    at the profile's size, centred, with the margins in range, or None if none fits in the photo."""
    checks = prof.checks
    if "geometry.head_size" not in checks or "geometry.margins" not in checks:
        return None  # the profile says nothing about framing: there is nothing to crop towards
    ratio = prof.width_mm / prof.height_mm
    head_rng = _range(checks["geometry.head_size"], "min_mm", "max_mm")
    top_rng = _range(checks["geometry.margins"], "min_top_mm", "max_top_mm")
    eye_rng = (_range(checks["geometry.eye_height"], "min_mm", "max_mm")
               if "geometry.eye_height" in checks else (0.0, prof.height_mm))
    min_side = checks["geometry.margins"]["min_side_mm"]
    min_bottom = checks["geometry.margins"]["min_bottom_mm"]
    min_px = checks.get("image.dimensions", {}).get("min_px", 0)
    hmm = prof.height_mm
    head_px = float(np.linalg.norm(a.chin - a.crown))
    if head_px <= 0 or a.crown[1] < 0:
        return None
    cx = ((a.face_box[0] + a.face_box[2]) / 2 + (a.eye_mid[0] + a.chin[0]) / 2) / 2
    mid_head, mid_top = sum(head_rng) / 2, sum(top_rng) / 2
    heads = sorted(np.linspace(head_rng[0] + 0.3, head_rng[1] - 0.3, 9), key=lambda v: abs(v - mid_head))
    tops = sorted(np.linspace(top_rng[0] + 0.3, top_rng[1] - 0.3, 9), key=lambda v: abs(v - mid_top))
    s = a.decoded.scale
    for head_mm in heads:
        crop_h = head_px * hmm / head_mm
        crop_w = crop_h * ratio
        px_per_mm = crop_h / hmm
        if min(crop_w, crop_h) / s < min_px:
            continue
        for top_mm in tops:
            y0 = a.crown[1] - top_mm * px_per_mm
            x0 = cx - crop_w / 2
            x1, y1 = x0 + crop_w, y0 + crop_h
            if x0 < -0.5 or y0 < -0.5 or x1 > a.w + 0.5 or y1 > a.h + 0.5:
                continue
            eye_mm = (y1 - a.eye_mid[1]) / px_per_mm
            bottom_mm = (y1 - a.chin[1]) / px_per_mm
            side_mm = min(a.face_box[0] - x0, x1 - a.face_box[2]) / px_per_mm
            if not (eye_rng[0] <= eye_mm <= eye_rng[1]) or bottom_mm < min_bottom or side_mm < min_side:
                continue
            box = (max(0.0, x0), max(0.0, y0), min(float(a.w), x1), min(float(a.h), y1))
            if original:
                box = tuple(v / s for v in box)
            return box
    return None


def _full_image(source: Any, decoded):
    """The original pixels, upright, in sRGB (see :mod:`photo.colour_profile`), at full resolution,
    and the name of the colour profile converted from (None: none)."""
    from PIL import Image

    from photo.colour_profile import to_srgb
    from photo.load import _TRANSPOSE

    if isinstance(source, np.ndarray):
        arr = source if source.ndim == 3 else np.repeat(source[:, :, None], 3, axis=2)
        return Image.fromarray(np.ascontiguousarray(arr[:, :, :3]).astype(np.uint8), "RGB"), None
    if isinstance(source, Image.Image):
        im = source
    else:
        data = decoded.raw
        im = Image.open(io.BytesIO(data))  # HEIF: load() registered the decoder
        im.load()
    im, profile = to_srgb(im)
    if im.mode == "CMYK":
        im = im.convert("RGB")
    elif im.mode in ("RGBA", "LA", "PA", "P"):
        rgba = im.convert("RGBA")
        bg = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        im = Image.alpha_composite(bg, rgba).convert("RGB")
    elif im.mode != "RGB":
        im = im.convert("RGB")
    if decoded.exif_orientation != 1:
        im = im.transpose(_TRANSPOSE[decoded.exif_orientation])
    return im, profile


def _encode(im, min_bytes: int, max_bytes: int) -> tuple[bytes, int]:
    """Baseline JPEG in sRGB (untagged, as every viewer reads it), no metadata at all; quality
    lowered until it fits max_bytes."""
    best = b""
    for q in (95, 92, 90, 87, 84, 80, 75, 70, 65, 60):
        buf = io.BytesIO()
        im.save(buf, "JPEG", quality=q, optimize=True, progressive=False,
                subsampling="4:2:0" if q < 90 else "4:4:4")
        best = buf.getvalue()
        if len(best) <= max_bytes:
            return best, q
    return best, 60


def fix(source: Any, profile: Any = "mynumber-online", *, force: bool = False) -> FixResult:
    """Return the corrected JPEG when every failed check of ``profile`` is fixable.

    ``force=True`` also re-encodes a passing photo (e.g. to drop its metadata)."""
    from PIL import Image

    from photo import profile as profile_mod
    from photo.analysis import FaceAnalysis
    from photo.checker import run_checks, source_name
    from photo.errors import InputError
    from photo.load import load

    prof = profile_mod.get(profile)
    try:
        decoded = load(source, keep_bytes=True)
    except InputError as err:
        return FixResult(False, reason=f"{err.code}: {err.message}")
    a = FaceAnalysis(decoded)
    before = run_checks(a, prof)
    before.file = source_name(source, None)
    if before.passed and not force:
        return FixResult(False, reason="nothing to fix: the photo passes", before=before)
    if not before.passed and not before.fixable:
        bad = [c.id for c in before.failed if not c.fixable]
        return FixResult(False, reason="not fixable: " + ", ".join(bad), before=before)
    im, colour_from = _full_image(source, decoded)
    actions = []
    if decoded.exif_orientation != 1:
        actions.append(f"rotated upright (EXIF orientation {decoded.exif_orientation})")
    failed = {c.id: c for c in before.failed}
    need_crop = any(k.startswith("geometry.") for k in failed) or (
        "image.dimensions" in failed and failed["image.dimensions"].key == "aspect")
    if need_crop:
        box = plan_crop(a, prof, original=True)
        if box is None:
            return FixResult(False, reason="no compliant crop fits inside this photo", before=before)
        box_i = tuple(round(v) for v in box)
        im = im.crop(box_i)
        actions.append(f"cropped to {im.width}x{im.height} at ({box_i[0]},{box_i[1]}) for head size and margins")
    dims = prof.checks.get("image.dimensions", {})
    max_px = dims.get("max_px")
    if max_px and max(im.size) > max_px:
        f = max_px / max(im.size)
        im = im.resize((max(1, int(im.width * f)), max(1, int(im.height * f))), Image.Resampling.LANCZOS)
        actions.append(f"resized to {im.width}x{im.height}")
    if decoded.mode not in ("RGB", "L"):
        actions.append(f"converted {decoded.mode} to RGB")
    if colour_from:
        actions.append(f"converted colours from {colour_from} to sRGB")
    size = prof.checks.get("file.size", {})
    data, q = _encode(im, size.get("min_bytes", 0), size.get("max_bytes", 1 << 40))
    actions.append(f"saved as JPEG quality {q} ({len(data)} bytes) without metadata")
    if decoded.has_gps or decoded.has_serials:
        actions.append("removed location and camera serial metadata")
    after = run_checks(FaceAnalysis(load(data)), prof)
    return FixResult(after.passed, data=data if after.passed else None, actions=actions,
                     reason="" if after.passed else "the corrected copy still fails: " + ", ".join(
                         c.id for c in after.failed), before=before, after=after)


class _CallableModule(types.ModuleType):
    """``photo.fix`` is both this module and the function (see ``photo.load``)."""

    def __call__(self, source: Any, profile: Any = "mynumber-online", **kw: Any) -> FixResult:
        return fix(source, profile, **kw)


sys.modules[__name__].__class__ = _CallableModule
