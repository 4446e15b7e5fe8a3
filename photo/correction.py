"""Fix what may be fixed, never the face: ``photo.fix``.

``fix(source, profile)`` writes nothing itself: it returns a :class:`FixResult` with the
corrected JPEG bytes when every failed check is fixable (:mod:`photo.framing` says which
are, and plans the crop). Fixes: EXIF orientation applied (pixels stored upright), crop and
scale to the profile's print shape with the head size, centring and margins in range (only
when the original has enough room around the head), downscale into the pixel limits,
CMYK/PNG/other converted to an RGB JPEG re-encoded into the file-size limits, and all
metadata dropped (EXIF with GPS and camera serials, comments). Pose, expression, lighting,
eyes and background are never retouched.

A caller that has already checked the photo passes its ``analysis`` and ``report``: the
photo is then neither loaded nor analysed again (only the corrected copy is checked).
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from typing import Any

from photo import framing
from photo import profile as profile_mod
from photo.analysis import FaceAnalysis
from photo.checker import analyse, run_checks, source_name
from photo.errors import ArgumentError, InputError
from photo.intake import full_image, load
from photo.report import PhotoReport


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


def _encode(im, max_bytes: int) -> tuple[bytes, int]:
    """Baseline JPEG in sRGB (untagged, as every viewer reads it: :func:`~photo.intake.full_image`
    converted the colours), no metadata at all; quality lowered until it fits max_bytes."""
    best = b""
    for q in (95, 92, 90, 87, 84, 80, 75, 70, 65, 60):
        buf = io.BytesIO()
        im.save(buf, "JPEG", quality=q, optimize=True, progressive=False,
                subsampling="4:2:0" if q < 90 else "4:4:4")
        best = buf.getvalue()
        if len(best) <= max_bytes:
            return best, q
    return best, 60


def fix(source: Any, profile: Any = profile_mod.DEFAULT, *, force: bool = False,
        analysis: FaceAnalysis | None = None, report: PhotoReport | None = None) -> FixResult:
    """Return the corrected JPEG when every failed check of ``profile`` is fixable.

    ``force=True`` also re-encodes a passing photo (e.g. to drop its metadata).
    ``analysis`` (and its ``report`` for this profile), when given, are the check already made
    of ``source``: they are used as they are. Full-resolution pixels come from the bytes the
    check kept (``analyse_and_check(..., keep_bytes=True)``) or from ``source``. An ``analysis``
    or ``report`` of another type raises :class:`~photo.errors.ArgumentError` (``argument.invalid``).
    """
    from PIL import Image

    if analysis is not None and not isinstance(analysis, FaceAnalysis):
        raise ArgumentError(f"analysis must be a FaceAnalysis (from photo.checker.analyse_and_check) or None, "
                            f"not {type(analysis).__name__}")
    if report is not None and not isinstance(report, PhotoReport):
        raise ArgumentError(f"report must be a PhotoReport or None, not {type(report).__name__}")
    prof = profile_mod.get(profile)
    if analysis is None:
        try:
            analysis = analyse(load(source, keep_bytes=True))  # a photo on its side: turned upright
        except InputError as err:
            return FixResult(False, reason=f"{err.code}: {err.message}")
        report = None
    decoded = analysis.decoded
    before = report if report is not None else run_checks(analysis, prof)
    if before.file is None:
        before.file = source_name(source, None)
    if before.passed and not force:
        return FixResult(False, reason="nothing to fix: the photo passes", before=before)
    if not before.passed and not before.fixable:
        bad = [c.id for c in before.failed if not c.fixable]
        return FixResult(False, reason="not fixable: " + ", ".join(bad), before=before)
    try:
        im = full_image(decoded, source)
    except InputError as err:
        return FixResult(False, reason=f"{err.code}: {err.message}", before=before)
    actions = []
    if decoded.exif_orientation != 1:
        actions.append(f"rotated upright (EXIF orientation {decoded.exif_orientation})")
    if decoded.turn:
        way = {1: "a quarter turn counter-clockwise", 2: "half a turn", 3: "a quarter turn clockwise"}[decoded.turn]
        actions.append(f"turned upright, {way} (the photo was on its side)")
    if framing.needs(before, framing.CROP):
        box = framing.plan_crop(analysis, prof, original=True)
        if box is None:
            return FixResult(False, reason=framing.NO_CROP, before=before)
        box_i = tuple(round(v) for v in box)
        im = im.crop(box_i)
        actions.append(f"cropped to {im.width}x{im.height} at ({box_i[0]},{box_i[1]}) for head size and margins")
    max_px = prof.checks.get("image.dimensions", {}).get("max_px")
    if max_px and max(im.size) > max_px:
        f = max_px / max(im.size)
        im = im.resize((max(1, int(im.width * f)), max(1, int(im.height * f))), Image.Resampling.LANCZOS)
        actions.append(f"resized to {im.width}x{im.height}")
    if decoded.mode not in ("RGB", "L"):
        actions.append(f"converted {decoded.mode} to RGB")
    if decoded.colour_profile:
        actions.append(f"converted colours from {decoded.colour_profile} to sRGB")
    data, q = _encode(im, prof.checks.get("file.size", {}).get("max_bytes", 1 << 40))
    actions.append(f"saved as JPEG quality {q} ({len(data)} bytes) without metadata")
    if decoded.has_gps or decoded.has_serials:
        actions.append("removed location and camera serial metadata")
    after = run_checks(FaceAnalysis(load(data)), prof)
    return FixResult(after.passed, data=data if after.passed else None, actions=actions,
                     reason="" if after.passed else "the corrected copy still fails: " + ", ".join(
                         c.id for c in after.failed), before=before, after=after)
