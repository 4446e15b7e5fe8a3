"""The file itself: format, byte size, pixel dimensions, colour mode.

Source: J-LIS online application requirements as reported by secondary sources (JPEG, RGB,
20 KB-7 MB, 480-6000 px per side); the next-generation card stores a colour photo.
"""

from __future__ import annotations

import numpy as np

from photo.checks import check
from photo.report import result


@check("file.format", limits={"allowed": "list[str]"}, needs_face=False)
def file_format(a, limits):
    """The file format must be one the application accepts (JPEG for online applications). J-LIS."""
    fmt = a.decoded.format
    if fmt is None:
        return None  # pixels handed over in memory: there is no file format to judge
    allowed = [s.upper() for s in limits["allowed"]]
    r = result("file.format", fmt.upper() in allowed, fmt, limits["allowed"], allowed=" / ".join(allowed))
    return r


@check("file.size", limits={"min_bytes": "int", "max_bytes": "int"}, needs_face=False)
def file_size(a, limits):
    """File size between the limits (20 KB-7 MB for online applications). J-LIS, secondary sources."""
    n = a.decoded.byte_size
    if n is None:
        return None  # no file
    lo, hi = limits["min_bytes"], limits["max_bytes"]
    key = "ok" if lo <= n <= hi else ("too_small" if n < lo else "too_large")
    r = result("file.size", key == "ok", n, [lo, hi], key, kb=round(n / 1000), lo_kb=round(lo / 1000),
               hi_mb=round(hi / 1e6, 1))
    return r


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
    r = result("image.dimensions", key == "ok", [w, h], limit, key, w=w, h=h, lo=lo, hi=hi,
               aspect=round(aspect, 3))
    return r


def colourfulness(a) -> float:
    """Median CIELAB chroma of the face skin (or of the whole image without a face)."""
    if a.has_face:
        m = a.skin_mask
        if m.sum() > 50:
            ab = a.lab_of(m)[:, 1:]
            return float(np.median(np.hypot(ab[:, 0], ab[:, 1])))
    ab = a.small_lab[::2, ::2, 1:].reshape(-1, 2)
    return float(np.percentile(np.hypot(ab[:, 0], ab[:, 1]), 90))


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
    r = result("image.color", key == "ok", {"mode": mode, "chroma": round(chroma, 2)},
               {"modes": limits["allowed_modes"], "min_chroma": limits["min_chroma"] if limits["require_colour"] else None},
               key, mode=mode)
    return r
