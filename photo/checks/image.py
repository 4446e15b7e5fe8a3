"""The picture: pixel dimensions and shape, colour mode, focus and motion blur, compression artefacts.

Dimensions and colour: J-LIS online application requirements as reported by secondary
sources (RGB, 480-6000 px per side); the next-generation card stores a colour photo; a
print shape of 35:45 where the profile asks for one.

ICAO 9303 / ISO/IEC 19794-5: in focus, no motion blur, no compression artefacts. J-LIS
rejects out-of-focus and camera-shake photos.

Sharpness is measured on the face at a fixed scale (inter-eye distance = 64 px) with a
directional no-reference blur measure (Crete et al., 2007) read on the face's strongest
edges: along each of 8 directions the face is re-blurred with a 9-tap line filter, and of its
strongest neighbour differences (the top 10 %: eyelids, lashes, irises, nostrils, lips, the
face's outline) the share the re-blur removes is compared; a sharp edge loses much, a blurred
one little. Skin texture is left out, so a phone's noise reduction, which smooths the skin of
a face in focus, is not read as blur. The worst direction catches defocus (blur in all
directions) and motion blur (blur along one; named camera shake when the worst direction
exceeds the best by more than ``motion_spread``). The face is scaled by the size it would show
frontal, so a turned head is not enlarged more. The measure's settings are in
``photo/data/sharpness.toml``; the limit, ``max_blur``, is in each profile.

Compression is measured on the pixels as the 8x8 JPEG block grid's discontinuity: mean
absolute step across block boundaries / mean step inside blocks (1.0 = no grid). In big
JPEGs decoded at 1/2 or 1/4 scale the grid is 4 or 2 working pixels. The file's own
quantisation table (estimated IJG quality) is reported as a detail.
"""

from __future__ import annotations

import tomllib
from functools import lru_cache
from importlib import resources

import numpy as np

from photo.checks import check
from photo.quantiles import median
from photo.report import result


@lru_cache(maxsize=1)
def settings() -> dict[str, float]:
    """How the blur is measured (``photo/data/sharpness.toml``)."""
    with resources.files("photo").joinpath("data/sharpness.toml").open("rb") as f:
        return {k: float(v) for k, v in tomllib.load(f).items()}


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
    """The face (oval box + 10 %) as luma, resampled so the frontal inter-eye distance is
    ``norm_ied_px``."""
    import cv2

    xa, ya, xb, yb = face_crop_box(a)
    crop = a.grey8[ya:yb, xa:xb].astype(np.float32)
    f = settings()["norm_ied_px"] / max(a.frontal_ied, 1.0)
    interp = cv2.INTER_AREA if f < 1 else cv2.INTER_LINEAR
    return cv2.resize(crop, (max(8, round(crop.shape[1] * f)), max(8, round(crop.shape[0] * f))), interpolation=interp)


@lru_cache(maxsize=32)
def _line_kernel(deg: float, taps: int) -> np.ndarray:
    """A ``taps``-long averaging line through the centre of a square kernel, along ``deg``
    (image coordinates: 0 along rows, 90 down the columns), bilinearly drawn."""
    import cv2

    k = np.zeros((taps, taps), np.float32)
    k[taps // 2, :] = 1.0
    c = (taps - 1) / 2
    k = cv2.warpAffine(k, cv2.getRotationMatrix2D((c, c), -deg, 1.0), (taps, taps))
    return k / k.sum()


@lru_cache(maxsize=32)
def _step_kernel(deg: float) -> np.ndarray:
    """3x3 kernel of g[y, x] - g(y + sin, x + cos): the step to the neighbour one pixel along
    ``deg`` (image coordinates), the neighbour read bilinearly."""
    dx, dy = float(np.cos(np.radians(deg))), float(np.sin(np.radians(deg)))
    k = np.zeros((3, 3), np.float32)
    k[1, 1] = 1.0
    x0, y0 = int(np.floor(dx)), int(np.floor(dy))
    fx, fy = dx - x0, dy - y0
    for oy, wy in ((y0, 1 - fy), (y0 + 1, fy)):
        for ox, wx in ((x0, 1 - fx), (x0 + 1, fx)):
            if wy * wx > 1e-6:
                k[1 + oy, 1 + ox] -= wy * wx
    return k


def strong_edges(g: np.ndarray, share: float) -> np.ndarray:
    """The pixels the blur is read at (bool): those whose gradient magnitude (Sobel) is among the
    ``share`` largest of the face, less a 2 px border."""
    import cv2

    mag = cv2.magnitude(cv2.Sobel(g, cv2.CV_32F, 1, 0), cv2.Sobel(g, cv2.CV_32F, 0, 1)).ravel()
    k = min(mag.size - 1, int((1.0 - share) * mag.size))
    top = np.partition(mag, k)[k]
    m = (mag >= top).reshape(g.shape)
    m[:2] = False
    m[-2:] = False
    m[:, :2] = False
    m[:, -2:] = False
    return m


def edge_pixels(a) -> np.ndarray:
    """The pixels ``image.sharpness`` reads (bool, working px): the strongest edges of its face
    crop, mapped back from the measuring scale."""
    import cv2

    xa, ya, xb, yb = face_crop_box(a)
    crop = strong_edges(face_crop(a), settings()["edge_share"]).view(np.uint8)
    out = np.zeros((a.h, a.w), bool)
    out[ya:yb, xa:xb] = cv2.resize(crop, (xb - xa, yb - ya), interpolation=cv2.INTER_NEAREST) > 0
    return out


def directional_blur(g: np.ndarray) -> dict[float, float]:
    """Blur per direction (degrees in image coordinates -> 0 = sharp ... 1 = fully blurred):
    over the face's strongest edges (``edge_share`` of its pixels by gradient magnitude), the
    share of the steps along the direction that a re-blur along it leaves in place (Crete et
    al., 2007)."""
    import cv2

    st = settings()
    taps, n_dir = int(st["taps"]), int(st["directions"])
    at = np.flatnonzero(strong_edges(g, st["edge_share"]))  # the steps are read at these pixels only
    out = {}
    for i in range(n_dir):
        deg = 180.0 * i / n_dir
        step = _step_kernel(deg)
        b = cv2.filter2D(g, -1, _line_kernel(deg, taps), borderType=cv2.BORDER_REFLECT)
        d_i = np.abs(cv2.filter2D(g, -1, step, borderType=cv2.BORDER_REFLECT).ravel()[at])
        d_b = np.abs(cv2.filter2D(b, -1, step, borderType=cv2.BORDER_REFLECT).ravel()[at])
        s_i = float(d_i.sum())
        s_v = float(np.maximum(0, d_i - d_b).sum())
        out[deg] = (s_i - s_v) / s_i if s_i > 0 else 1.0
    return out


@check("image.sharpness", limits={"max_blur": "float"})
def sharpness(a, limits):
    """Face in focus and without motion blur: the worst direction's blur <= max_blur (ICAO 9303, J-LIS)."""
    blur = directional_blur(face_crop(a))
    worst = max(blur, key=blur.__getitem__)
    v = blur[worst]
    spread = v - min(blur.values())
    ok = v <= limits["max_blur"]
    key = "ok"
    if not ok:
        key = "motion" if spread > settings()["motion_spread"] else "focus"
    r = result(ok, round(v, 3), limits["max_blur"], key, direction=f"{worst:g}")
    r.details = {f"blur_{k:g}deg": round(x, 3) for k, x in blur.items()}
    r.details["spread"] = round(spread, 3)
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
