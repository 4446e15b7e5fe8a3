"""Light on the face: exposure and left/right uniformity.

ICAO 9303 / ISO/IEC 19794-5: face evenly lit, no shadows across the face, no hot spots,
neither under- nor over-exposed. OFIQ: under/over-exposure as the share of face pixels at
luma 0-25 / 247-255; illumination uniformity from the left and right cheek regions.
Under-exposure is judged on the skin's highlights rather than its mean, so dark skin in good
light is not called under-exposed.
"""

from __future__ import annotations

import numpy as np

from photo.analysis import BURNT_LUMA
from photo.checks import check
from photo.measures import settings
from photo.report import result

#: how this module measures: photo/data/measures.toml [lighting], each value explained there
_M = settings("lighting")
#: luma at or below which a skin pixel counts as crushed, at or above which as clipped (OFIQ)
DARK_LUMA: int = _M["dark_luma"]
BRIGHT_LUMA = BURNT_LUMA
MIN_CHEEK_PX: int = _M["min_cheek_px"]


def exposure_region(a) -> np.ndarray:
    """The pixels ``lighting.exposure`` reads (full-size bool mask): the face's skin on the skin
    grid (``a.skin_grid``: every k-th row and column of a big face), or the whole face oval
    when fewer than 50 skin pixels are left."""
    g = a.skin_grid
    m = np.zeros_like(a.skin_mask)
    m[g] = a.skin_mask[g]
    return m if np.count_nonzero(m) >= 50 else a.face_mask


def _counted_cheeks(a) -> list[int]:
    """Which cheeks (0: image-left, 1: image-right) have at least MIN_CHEEK_PX pixels on the skin
    grid (``a.cheek_greys``): the ones :func:`dark_share` reads and :func:`dark_region` draws."""
    return [i for i, px in enumerate(a.cheek_greys) if px.size >= MIN_CHEEK_PX]


def dark_region(a) -> np.ndarray:
    """The pixels whose crushed share (luma <= DARK_LUMA) ``lighting.exposure`` reads (full-size
    bool mask, for the annotation): the skin of each counted cheek on the skin grid
    (:func:`_counted_cheeks`), or :func:`exposure_region` when neither counts."""
    counted = _counted_cheeks(a)
    if not counted:
        return exposure_region(a)
    g = a.skin_grid
    m = np.zeros_like(a.skin_mask)
    for i in counted:
        m[g] |= a.cheek_masks[i][g]
    return m


def dark_share(a, skin: np.ndarray) -> float:
    """The crushed share (luma <= DARK_LUMA) of the less crushed cheek: OFIQ's under-exposure
    share, read where an under-exposed photo is dark and little else is.

    The skin mask is the face oval less eyes, brows and mouth, so a black fringe, hair over the
    face's sides and a dark beard are in it: dark, but not under-exposed skin (on the
    collection's real photos they made 4 well-exposed faces, skin highlights 174-219, "too
    dark"). The cheeks are the skin that fringes and beards leave bare; and under-exposure darkens
    both cheeks, while hair hanging over one cheek, a hand or a shadow across half the face
    (``lighting.uniformity``'s defect) darkens one, so the less crushed cheek is read. Each cheek
    counts with at least MIN_CHEEK_PX pixels on the skin grid (a turned face shows one); with
    neither, the share of ``skin`` (the exposure region's luma). Large sunglasses can still reach
    both upper cheeks (2 real photos: ``eyes.visible`` names them, this check too)."""
    counted = _counted_cheeks(a)
    if not counted:
        return float((skin <= DARK_LUMA).mean())
    return min(float(np.count_nonzero(a.cheek_greys[i] <= DARK_LUMA) / a.cheek_greys[i].size) for i in counted)


def under_exposed(high: float, white: float, dark: float, limits) -> bool:
    """``lighting.exposure``'s under-exposure verdict from its measures: the skin highlights
    ``high`` under min_highlight, unless (with min_eye_white) the eyes' white ``white`` is at least
    min_eye_white and brighter than them (dark skin, not a dark photo); or the crushed share
    ``dark`` over max_dark_share."""
    dark_skin = "min_eye_white" in limits and white >= limits["min_eye_white"] and white > high
    return (high < limits["min_highlight"] and not dark_skin) or dark > limits["max_dark_share"]


@check("lighting.exposure", limits={"min_highlight": "float", "max_mean": "float", "max_dark_share": "float",
                                    "max_bright_share": "float", "max_eye_white_clip": "float?",
                                    "max_eye_white_iris_glare": "float?", "min_eye_white": "float?"}, frontal=True)
def exposure(a, limits):
    """Face neither under- nor over-exposed: the skin's highlights (99th percentile of luma) at
    least min_highlight — a test that holds for dark and light skin alike, where a mean would
    call dark skin under-exposed; skin luma mean at most max_mean; at most max_dark_share of the
    less crushed cheek's skin at luma <= 25 (OFIQ's under-exposure share, read where no fringe
    or beard lies: :func:`dark_share`) and max_bright_share of the skin at >= 247 (OFIQ
    over-exposure); and the whites of the eyes not burnt out: in each eye's region (``eyes.eye_stats``) at most
    max_eye_white_clip of the pixels at luma >= 250 inside the eye opening (``whites_glare``).
    Over-exposed dark skin can keep a skin tone that reads as well exposed, but its eye whites
    clip; both eyes must be, so glare on one lens does not count, nor a reflection on the lenses
    beside the openings, nor (with max_eye_white_iris_glare) one over an iris: over-exposure
    burns the whites round a darker iris. A profile without max_eye_white_clip (one written before it
    existed) does not judge the eye whites.

    With min_eye_white, skin highlights under min_highlight are not under-exposure when the
    eyes' whites show dark skin rather than a dark photo: the brighter eye's 90th percentile of
    luma inside its opening at least min_eye_white and brighter than the skin's highlights. The
    same light takes the darkest skin's highlights under the limit a stop or more before the
    lightest's (bench/photo_conditions.py's exposure ladder); light skin's highlights are as
    bright as the whites or brighter, so this never passes a dim photo of light skin that the
    highlights refuse. The crushed share still refuses alone."""
    from photo.checks.eyes import both_eye_stats

    g = a.skin_grey
    if g.size < 50:
        g = a.grey_in_face(a.face_mask)
    mean = float(g.mean())
    high = float(np.percentile(g, 99))
    dark = dark_share(a, g)
    bright = float((g >= BRIGHT_LUMA).mean())
    iris_limit = limits.get("max_eye_white_iris_glare")
    # an eye whose iris is clipped too is under a reflection (eyes.visible), unless the skin says
    # the whole face is burnt out (the skin measures above)
    stats = both_eye_stats(a)
    eyes_clip = min(s["whites_glare"] if iris_limit is None or s["iris_glare"] <= iris_limit else 0.0 for s in stats)
    white = max(s["opening_p90"] for s in stats)
    if under_exposed(high, white, dark, limits):
        key = "dark"
    elif mean > limits["max_mean"] or bright > limits["max_bright_share"]:
        key = "bright"
    elif "max_eye_white_clip" in limits and eyes_clip > limits["max_eye_white_clip"]:
        key = "eye_whites"
    else:
        key = "ok"
    return result(key == "ok",
                  {"mean": round(mean, 1), "highlight": round(high, 1), "dark": round(dark, 4), "bright": round(bright, 4),
                   "eye_white_clip": round(eyes_clip, 4), "eye_white": round(white, 1)},
                  {k: limits[k] for k in ("min_highlight", "max_mean", "max_dark_share", "max_bright_share",
                                          "max_eye_white_clip", "max_eye_white_iris_glare", "min_eye_white")
                   if k in limits}, key)


def half_samples(a) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
    """The skin pixels ``lighting.uniformity`` compares: (ys, xs, side) of the skin mask read on
    every second row and column, or on the coarser skin grid of a big face (``a.skin_grid``)
    (working px), side -1 for the image-left half of the face, +1 for the image-right half
    (split on the face's axis through the eyes) and 0 for the strip along the nose left out
    (0.12 eye distances each side, where the nose's own shading sits). None with fewer than
    50 skin pixels."""
    rows, cols = a.skin_grid  # the skin lies inside the face window it covers
    k = max(2, rows.step or 1)
    y0, x0 = rows.start - rows.start % k, cols.start - cols.start % k  # on the image's k-px grid
    half = a.skin_mask[y0:rows.stop:k, x0:cols.stop:k]
    ys, xs = np.divmod(np.flatnonzero(half), half.shape[1])  # = np.nonzero(half), faster
    ys, xs = y0 + ys * k, x0 + xs * k
    if xs.size < 50:
        return None
    up = a.up
    normal = np.array([-up[1], up[0]])  # perpendicular to the face axis, pointing image-right when upright
    if normal[0] < 0:
        normal = -normal
    d = (xs - a.eye_mid[0]) * normal[0] + (ys - a.eye_mid[1]) * normal[1]
    strip = 0.12 * a.ied
    side = np.where(d < -strip, -1, np.where(d > strip, 1, 0)).astype(np.int8)
    return ys, xs, side


def halves(a) -> tuple[float, float]:
    """Median skin luma of the image-left and image-right halves of the face (:func:`half_samples`)."""
    s = half_samples(a)
    if s is None:
        return 1.0, 1.0
    ys, xs, side = s
    g = a.grey8[ys, xs].astype(np.float32)
    left, right = g[side < 0], g[side > 0]
    if left.size < 20 or right.size < 20:
        return 1.0, 1.0
    return float(np.median(left)), float(np.median(right))


@check("lighting.uniformity", limits={"min_ratio": "float"}, frontal=True, bare_face=True)
def uniformity(a, limits):
    """Left and right halves of the face equally lit: darker median / brighter median >= min_ratio
    (ICAO 9303: no shadow across the face; OFIQ compares the two cheeks)."""
    lft, rgt = halves(a)
    v = min(lft, rgt) / max(lft, rgt, 1e-6)
    ok = v >= limits["min_ratio"]
    return result(ok, round(v, 3), limits["min_ratio"],
                  "ok" if ok else ("left_dark" if lft < rgt else "right_dark"))
