"""Light on the face: exposure and left/right uniformity.

ICAO 9303 / ISO/IEC 19794-5: face evenly lit, no shadows across the face, no hot spots,
neither under- nor over-exposed. OFIQ: under/over-exposure as the share of face pixels at
luma 0-25 / 247-255; illumination uniformity from the left and right cheek regions.
Under-exposure is judged on the skin's highlights rather than its mean, so dark skin in good
light is not called under-exposed.
"""

from __future__ import annotations

import numpy as np

from photo.checks import check
from photo.report import result


@check("lighting.exposure", limits={"min_highlight": "float", "max_mean": "float", "max_dark_share": "float",
                                    "max_bright_share": "float"})
def exposure(a, limits):
    """Face neither under- nor over-exposed: the skin's highlights (99th percentile of luma) at
    least min_highlight — a test that holds for dark and light skin alike, where a mean would
    call dark skin under-exposed; skin luma mean at most max_mean; at most max_dark_share of the
    skin at luma <= 25 and max_bright_share at >= 247 (OFIQ under/over-exposure)."""
    g = a.skin_grey
    if g.size < 50:
        g = a.grey_in_face(a.face_mask)
    mean = float(g.mean())
    high = float(np.percentile(g, 99))
    dark = float((g <= 25).mean())
    bright = float((g >= 247).mean())
    if high < limits["min_highlight"] or dark > limits["max_dark_share"]:
        key = "dark"
    elif mean > limits["max_mean"] or bright > limits["max_bright_share"]:
        key = "bright"
    else:
        key = "ok"
    return result(key == "ok",
                  {"mean": round(mean, 1), "highlight": round(high, 1), "dark": round(dark, 4), "bright": round(bright, 4)},
                  {k: limits[k] for k in ("min_highlight", "max_mean", "max_dark_share", "max_bright_share")}, key)


def halves(a) -> tuple[float, float]:
    """Median skin luma of the image-left and image-right halves of the face (split on the face's axis),
    read on every second row and column, or on the coarser skin grid of a big face (``a.skin_grid``)."""
    rows, cols = a.skin_grid  # the skin lies inside the face window it covers
    k = max(2, rows.step or 1)
    y0, x0 = rows.start - rows.start % k, cols.start - cols.start % k  # on the image's k-px grid
    half = a.skin_mask[y0:rows.stop:k, x0:cols.stop:k]
    ys, xs = np.divmod(np.flatnonzero(half), half.shape[1])  # = np.nonzero(half), faster
    ys, xs = y0 + ys * k, x0 + xs * k
    if xs.size < 50:
        return 1.0, 1.0
    up = a.up
    normal = np.array([-up[1], up[0]])  # perpendicular to the face axis, pointing image-right when upright
    if normal[0] < 0:
        normal = -normal
    side = (xs - a.eye_mid[0]) * normal[0] + (ys - a.eye_mid[1]) * normal[1]
    g = a.grey8[ys, xs].astype(np.float32)
    # leave out a strip along the nose, where the nose's own shading sits
    strip = 0.12 * a.ied
    left, right = g[side < -strip], g[side > strip]
    if left.size < 20 or right.size < 20:
        return 1.0, 1.0
    return float(np.median(left)), float(np.median(right))


@check("lighting.uniformity", limits={"min_ratio": "float"})
def uniformity(a, limits):
    """Left and right halves of the face equally lit: darker median / brighter median >= min_ratio
    (ICAO 9303: no shadow across the face; OFIQ compares the two cheeks)."""
    lft, rgt = halves(a)
    v = min(lft, rgt) / max(lft, rgt, 1e-6)
    ok = v >= limits["min_ratio"]
    return result(ok, round(v, 3), limits["min_ratio"],
                  "ok" if ok else ("left_dark" if lft < rgt else "right_dark"))
