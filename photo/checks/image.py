"""The picture: pixel dimensions and shape, colour mode, focus and motion blur, compression artefacts.

Dimensions and colour: J-LIS online application requirements as reported by secondary
sources (RGB, 480-6000 px per side); the next-generation card stores a colour photo; a
print shape of 35:45 where the profile asks for one.

ICAO 9303 / ISO/IEC 19794-5: in focus, no motion blur, no compression artefacts. J-LIS
rejects out-of-focus and camera-shake photos.

Sharpness is measured on the face at a fixed scale (inter-eye distance = 64 px) with a
directional no-reference blur measure (Crete et al., 2007): the image is re-blurred along
a direction with a 9-tap line filter and the share of its neighbour differences that the
re-blur removes is compared; a sharp image loses much, a blurred one little. Computed along
0, 45, 90 and 135 degrees, the worst direction catches motion blur (blur along one
direction) as well as defocus (blur in all directions).

Compression is measured on the pixels as the 8x8 JPEG block grid's discontinuity: mean
absolute step across block boundaries / mean step inside blocks (1.0 = no grid). In big
JPEGs decoded at 1/2 or 1/4 scale the grid is 4 or 2 working pixels. The file's own
quantisation table (estimated IJG quality) is reported as a detail.
"""

from __future__ import annotations

import numpy as np

from photo.checks import check
from photo.quantiles import median
from photo.report import result

NORM_IED_PX = 64.0
_DIRS = {0: (0, 1), 45: (1, 1), 90: (1, 0), 135: (1, -1)}


@check("image.dimensions", limits={"min_px": "int", "max_px": "int", "aspect_min": "float?", "aspect_max": "float?"},
       needs_face=False)
def image_dimensions(a, limits):
    """Width and height each within [min_px, max_px] (480-6000 px online) and, where the profile
    asks for a print shape, width/height within [aspect_min, aspect_max] (35:45 = 0.778). J-LIS / ICAO."""
    w, h = a.decoded.width, a.decoded.height
    lo, hi = limits["min_px"], limits["max_px"]
    aspect = w / h
    key = "ok"
    if min(w, h) < lo:
        key = "too_small"
    elif max(w, h) > hi:
        key = "too_large"
    elif "aspect_min" in limits and not (limits["aspect_min"] <= aspect <= limits.get("aspect_max", 99)):
        key = "aspect"
    limit = {"min_px": lo, "max_px": hi}
    if "aspect_min" in limits:
        limit["aspect"] = [limits["aspect_min"], limits.get("aspect_max")]
    r = result(key == "ok", [w, h], limit, key, w=w, h=h, lo=lo, hi=hi,
               aspect=round(aspect, 3))
    return r


def colourfulness(a) -> float:
    """Median CIELAB chroma of the face skin (or of the whole image without a face)."""
    if a.has_face:
        ab = a.skin_lab[:, 1:]
        if len(ab) > 50:
            return float(median(np.hypot(ab[:, 0], ab[:, 1]), overwrite=True))
    return float(np.percentile(a.half_chroma, 90))


@check("image.color", limits={"allowed_modes": "list[str]", "require_colour": "bool", "min_chroma": "float"},
       needs_face=False)
def image_color(a, limits):
    """RGB pixels (CMYK refused); where the profile requires colour, the skin must show colour
    (median CIELAB chroma >= min_chroma: a greyscale photo saved as RGB fails). J-LIS next card."""
    mode = a.decoded.mode
    chroma = colourfulness(a)
    allowed = [m.upper() for m in limits["allowed_modes"]]
    if mode.upper() not in allowed and not (mode in ("P", "RGBA") and "RGB" in allowed):
        key = "cmyk" if mode == "CMYK" else "mode"
    elif limits["require_colour"] and chroma < limits["min_chroma"]:
        key = "grey"
    else:
        key = "ok"
    r = result(key == "ok", {"mode": mode, "chroma": round(chroma, 2)},
               {"modes": limits["allowed_modes"], "min_chroma": limits["min_chroma"] if limits["require_colour"] else None},
               key, mode=mode)
    return r


def face_crop_box(a) -> tuple[int, int, int, int]:
    """(x0, y0, x1, y1) working px of the pixels ``image.sharpness`` measures: the face oval's
    box widened by 10 % of its width, inside the image."""
    x0, y0, x1, y1 = a.face_box
    pad = 0.1 * (x1 - x0)
    return max(0, int(x0 - pad)), max(0, int(y0 - pad)), min(a.w, int(x1 + pad)), min(a.h, int(y1 + pad))


def face_crop(a) -> np.ndarray:
    """The face (oval box + 10 %) as luma, resampled so the inter-eye distance is NORM_IED_PX."""
    import cv2

    xa, ya, xb, yb = face_crop_box(a)
    crop = a.grey8[ya:yb, xa:xb].astype(np.float32)
    f = NORM_IED_PX / max(a.ied, 1.0)
    interp = cv2.INTER_AREA if f < 1 else cv2.INTER_LINEAR
    return cv2.resize(crop, (max(8, round(crop.shape[1] * f)), max(8, round(crop.shape[0] * f))), interpolation=interp)


def _step(g: np.ndarray, dy: int, dx: int) -> np.ndarray:
    """g[y, x] - g[y + dy, x + dx] over the valid area (dy >= 0)."""
    h, w = g.shape
    x0, x1 = max(0, -dx), w - max(0, dx)
    return g[0:h - dy, x0:x1] - g[dy:h, x0 + dx:x1 + dx]


def directional_blur(g: np.ndarray) -> dict[int, float]:
    """Crete-style blur per direction (0 = sharp ... 1 = fully blurred)."""
    import cv2

    out = {}
    for ang, (dy, dx) in _DIRS.items():
        if dy == 0 or dx == 0:  # along a row or a column: the 9-tap line alone (the same sums)
            k = np.full((1, 9) if dy == 0 else (9, 1), 1.0 / 9, np.float32)
        else:
            k = np.zeros((9, 9), np.float32)
            for t in range(-4, 5):
                k[4 + t * dy, 4 + t * dx] = 1.0 / 9
        b = cv2.filter2D(g, -1, k, borderType=cv2.BORDER_REFLECT)
        d_i = np.abs(_step(g, dy, dx))
        d_b = np.abs(_step(b, dy, dx))
        s_i = float(d_i.sum())
        s_v = float(np.maximum(0, d_i - d_b).sum())
        out[ang] = (s_i - s_v) / s_i if s_i > 0 else 1.0
    return out


@check("image.sharpness", limits={"max_blur": "float"})
def sharpness(a, limits):
    """Face in focus and without motion blur: worst directional blur <= max_blur (ICAO 9303, J-LIS)."""
    blur = directional_blur(face_crop(a))
    worst = max(blur, key=blur.get)
    v = blur[worst]
    ok = v <= limits["max_blur"]
    key = "ok"
    if not ok:
        spread = v - min(blur.values())
        key = "motion" if spread > 0.12 else "focus"
    r = result(ok, round(v, 3), limits["max_blur"], key, direction=worst)
    r.details = {f"blur_{k}deg": round(x, 3) for k, x in blur.items()}
    return r


def blockiness(g: np.ndarray, period: int) -> float:
    """Mean |step| across the block grid / mean |step| elsewhere, horizontal and vertical together.

    ``g`` is whole-level luma (uint8, or floats holding whole levels). The steps are summed per
    column and per row (OpenCV), then split into grid and inner lines: no copy of the image per
    line kind."""
    import cv2

    if period < 2 or min(g.shape) < 4 * period:
        return 1.0
    g = np.ascontiguousarray(g if g.dtype == np.uint8 else np.clip(np.round(g), 0, 255).astype(np.uint8))
    h, w = g.shape
    col = cv2.reduce(cv2.absdiff(g[:, 1:], g[:, :-1]), 0, cv2.REDUCE_SUM, dtype=cv2.CV_32S).ravel().astype(np.int64)
    row = cv2.reduce(cv2.absdiff(g[1:, :], g[:-1, :]), 1, cv2.REDUCE_SUM, dtype=cv2.CV_32S).ravel().astype(np.int64)
    bx = (np.arange(w - 1) % period) == period - 1
    by = (np.arange(h - 1) % period) == period - 1
    edge = col[bx].sum() / (h * bx.sum()) + row[by].sum() / (w * by.sum())
    inner = col[~bx].sum() / (h * (~bx).sum()) + row[~by].sum() / (w * (~by).sum())
    return float(edge / inner) if inner > 1e-6 else 1.0


@check("image.compression", limits={"max_blockiness": "float", "min_jpeg_quality": "float?"}, needs_face=False)
def compression(a, limits):
    """No visible JPEG block artefacts: block-grid step ratio <= max_blockiness; where the profile
    sets min_jpeg_quality, a JPEG's estimated quality must reach it (ICAO 9303)."""
    period = a.decoded.block_px
    v = blockiness(a.grey8, period) if period else 1.0
    q = a.decoded.jpeg_quality
    key = "ok"
    if v > limits["max_blockiness"]:
        key = "blocks"
    elif "min_jpeg_quality" in limits and q is not None and q < limits["min_jpeg_quality"]:
        key = "quality"
    r = result(key == "ok", round(v, 3),
               {"max_blockiness": limits["max_blockiness"], "min_jpeg_quality": limits.get("min_jpeg_quality")},
               key, quality=round(q) if q else "?")
    r.details = {"block_px": period, "jpeg_quality": round(q, 1) if q else None}
    return r
