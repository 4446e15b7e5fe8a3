"""The background: plain (no pattern, texture or objects) and without a shadow cast behind the head.

J-LIS: plain background (無背景); rejected examples show a chair or objects behind, a
patterned background and a shadow on the background. ICAO 9303: plain, uniform background.
OFIQ's background uniformity is the mean Sobel gradient magnitude over background pixels.

Background pixels are where the person matte (``FaceAnalysis.person_matte``: the selfie
segmentation refined at hair level by a guided filter, or MODNet portrait matting where that
mask is unsure) says "not a person", eroded away from the silhouette, at a fixed working scale
(512 px on the long side), so the measures do not depend on the file's resolution. Loose hair,
ponytails, buns, a hood worn down and clothing are the person. Objects and shadows are measured
against a smooth model of the backdrop's own lighting (``FaceAnalysis.backdrop``: a quadratic
per CIELAB channel, so a light fall-off or vignetting is neither an object nor a shadow).
"""

from __future__ import annotations

import numpy as np

from photo.checks import check
from photo.measures import settings
from photo.quantiles import median
from photo.report import result, unjudged

#: how this module measures: photo/data/measures.toml [background], each value explained there
_M = settings("background")
HAIR_BAND: float = _M["hair_band"]
#: the inner lip points: below their height, pixels inside the person's silhouette are never shadow
MOUTH = (13, 14)
SHADOW_CHROMATICITY: float = _M["shadow_chromaticity"]
SHADOW_ON_WALL: float = _M["shadow_on_wall"]
CHROMATICITY_EPS: float = _M["chromaticity_eps"]


def off_backdrop(a) -> tuple[np.ndarray, np.ndarray] | None:
    """Background pixels (small scale) whose blurred colour is more than Delta E 8 from the
    smooth backdrop model, outside a band of HAIR_BAND face widths around the person's
    silhouette above the chin: loose strands and wisps of hair that the segmentation leaves
    outside the silhouette lie in that band; objects on the wall, doors and furniture do not
    (or not only). Returns (off-model pixels, pixels counted); None without a backdrop model."""
    import cv2

    step = 4  # a quarter of the background scale (about 128 px wide): objects are larger than that
    planes = a.backdrop_planes(step)
    if planes is None:
        return None
    bg = a.background[::step, ::step]
    h, w = bg.shape
    small = a.small[0]
    quarter = cv2.resize(a.small_half, (w, h), interpolation=cv2.INTER_AREA)  # from the half: 1/4 of the reads
    blurred = cv2.GaussianBlur(quarter, (0, 0), sigmaX=max(0.5, small.shape[1] / 128 / step))
    lab = a.to_lab(np.ascontiguousarray(blurred))
    d2 = np.zeros((h, w), np.float32)
    for k in range(3):  # squared Delta E, channel by channel
        d = lab[..., k] - planes[k][:h, :w]
        d2 += d * d
    dev = np.sqrt(d2)
    f = a.small[1] / step
    fw = max(2.0, (a.face_box[2] - a.face_box[0]) * f) if a.has_face else 0.0
    keep = bg.copy()
    if fw:
        dist = cv2.distanceTransform((a.person_matte[::step, ::step] <= 0.2).astype(np.uint8), cv2.DIST_L2, 3)
        rows = (np.arange(h) < a.chin[1] * f)[:, None]
        keep &= ~((dist < HAIR_BAND * fw) & rows)
    return (dev > 8.0) & keep, keep


def background_measures(a) -> dict | None:
    """``gradient``: mean Sobel magnitude over the background (texture, pattern, edges);
    ``objects``: share of the background, away from the hair (see :func:`off_backdrop`),
    whose blurred colour departs by more than Delta E 8 from the smooth backdrop model
    (``FaceAnalysis.backdrop``) — things standing behind the person; ``share``: background
    share of the frame."""
    import cv2

    g = a.small_grey
    bg = a.background
    n_bg = np.count_nonzero(bg)
    share = n_bg / bg.size
    if n_bg < 0.02 * bg.size:
        return None
    gx = cv2.Sobel(g, cv2.CV_32F, 1, 0, ksize=3)
    gy = cv2.Sobel(g, cv2.CV_32F, 0, 1, ksize=3)
    mag = cv2.magnitude(gx, gy)
    inner = cv2.erode(bg.view(np.uint8), np.ones((3, 3), np.uint8))  # drop the image border effect
    inner[:2, :] = inner[-2:, :] = 0
    inner[:, :2] = inner[:, -2:] = 0
    # mean over the mask (OpenCV, double sums), / 8: the Sobel 3x3 gain
    gradient = cv2.mean(mag, mask=inner if inner.any() else bg.view(np.uint8))[0] / 8.0
    off = off_backdrop(a)
    objects = 0.0 if off is None else float(np.count_nonzero(off[0]) / max(np.count_nonzero(off[1]), 1))
    return {"gradient": gradient, "objects": objects, "share": share}


@check("background.uniformity", limits={"max_gradient": "float", "max_objects": "float"}, needs_face=False)
def uniformity(a, limits):
    """Plain background: mean gradient over background pixels <= max_gradient (OFIQ measure:
    texture, patterns) and share of background off a smooth light fall-off <= max_objects (objects,
    furniture, doors, a clock on the wall). J-LIS, ICAO 9303."""
    m = background_measures(a)
    if m is None:
        return unjudged(None, None, "no_background")
    if m["gradient"] > limits["max_gradient"]:
        key = "texture"
    elif m["objects"] > limits["max_objects"]:
        key = "objects"
    else:
        key = "ok"
    return result(key == "ok", {k: round(v, 3) for k, v in m.items()},
                  {"max_gradient": limits["max_gradient"], "max_objects": limits["max_objects"]}, key)


def shadow_pixels(a, min_patch: float = 0.0) -> tuple[np.ndarray, float] | None:
    """Backdrop-coloured, smooth, darker pixels beside and above the head: a shadow cast on the wall keeps the wall's colour and smoothness but not
    its brightness (45-88 % of the smooth backdrop model's lightness there; its a*b* within 6 of the model's and its
    chromaticity within SHADOW_CHROMATICITY, :func:`same_chromaticity`). Counted whether or not the person segmentation took the
    shadow into the silhouette (it often does for a dark shadow touching the hair), but inside the silhouette only above
    the mouth: below it, the silhouette beside the face is the neck, clothing or hair (a grey hood on a grey wall read
    as a shadow). A shadow is a region: only patches (8-connected) of at least ``min_patch`` face widths squared are
    kept, so the specks a phone's noise reduction makes of loose strands against the wall, wall-coloured and darker,
    are not counted, while a thin crescent cast along the head's outline, one long patch, still is. And a shadow lies
    on the wall: a patch with less than SHADOW_ON_WALL of its pixels outside the silhouette is the person's own skin
    or hair in the wall's colour (a scalp against a pink wall, blond hair against a beige one), not counted.

    Returns (the shadow pixels at half the background scale, the face width in those pixels),
    or None without a backdrop; :func:`shadow_area` measures it, the annotation draws it."""
    import cv2

    f = a.small[1] / 2  # at half the background scale
    bg = a.person_matte[::2, ::2] < 0.2
    if np.count_nonzero(bg) < 50:
        return None
    lum, lab_a, lab_b = a.half_lab_planes
    planes = a.backdrop_planes(2)
    if planes is None:
        return None
    model_l, model_a, model_b = (p[: lum.shape[0], : lum.shape[1]] for p in planes)
    mean = cv2.blur(lum, (3, 3))
    tex = np.sqrt(np.maximum(cv2.blur(lum * lum, (3, 3)) - mean * mean, 0))
    bg_tex = float(median(np.take(tex, np.flatnonzero(bg)), overwrite=True))  # = median of tex[bg], gathered by index
    h, w = lum.shape
    face = cv2.resize(a.face_mask.view(np.uint8), (w, h), interpolation=cv2.INTER_NEAREST)
    fw = max(4.0, (a.face_box[2] - a.face_box[0]) * f)
    dist = cv2.distanceTransform(1 - face, cv2.DIST_L2, 3)
    rows = (np.arange(h) < a.chin[1] * f)[:, None]
    ring = (dist > 0.08 * fw) & (dist < 0.7 * fw) & rows
    dark = lum / np.maximum(model_l, 1.0)
    da, db = lab_a - model_a, lab_b - model_b
    chroma2 = da * da + db * db  # squared a*b* distance from the backdrop model
    cand = (ring & (dark > 0.45) & (dark < 0.88) & (chroma2 < 36.0)  # within Delta a*b* 6
            & (tex < max(2.0, 2.5 * bg_tex)))
    idx = np.flatnonzero(cand)
    if len(idx):
        ys, xs = np.divmod(idx, w)
        # inside the person's silhouette only above the mouth: a shadow the segmentation took into
        # the silhouette touches the head (the hair); below the mouth, what lies inside it beside
        # the face is the neck, clothing or hanging hair, never the wall (a grey hood against a
        # grey wall, a shaded neck), and a shadow on the wall beside the neck lies outside it.
        # Then, of those left, the ones that keep the wall's chromaticity: a Delta a*b* shrinks
        # with lightness, so dark hair of another hue passes the tests above once a colour cast
        # brings its a*b* near the wall's; the ratios of the channels tell the two apart under
        # any light. (Both read at the few candidates only: person_matte[::2, ::2] and
        # small[::2, ::2] there.)
        inside = (a.person_matte[2 * ys, 2 * xs] >= 0.5) & (ys > a.landmarks[list(MOUTH), 1].mean() * f)
        rgb = a.small[0][2 * ys, 2 * xs]
        model = np.stack([model_l[ys, xs], model_a[ys, xs], model_b[ys, xs]], axis=1)
        cand.flat[idx[inside | ~same_chromaticity(rgb, model, SHADOW_CHROMATICITY)]] = False
        if cand.any():
            _, labels, stats, _ = cv2.connectedComponentsWithStats(cand.view(np.uint8), connectivity=8)
            area = stats[:, cv2.CC_STAT_AREA]
            keep = area >= min_patch * fw * fw
            # a shadow lies on the wall: a patch wholly or mostly inside the silhouette is the
            # person's own skin or hair in the wall's colour (a bald scalp against a pink wall,
            # blond hair against a beige one), not a shadow the segmentation took in with the hair
            outside = np.bincount(labels[cand & (a.person_matte[::2, ::2] < 0.5)], minlength=len(area))
            keep &= outside >= SHADOW_ON_WALL * area
            keep[0] = False  # label 0: not a candidate
            cand = keep[labels]
    return cand, fw


def same_chromaticity(rgb: np.ndarray, model_lab: np.ndarray, limit: float) -> np.ndarray:
    """For N sRGB pixels (uint8, N x 3) and the backdrop model's CIELAB there (N x 3): are both
    ln(R/G) and ln(B/G) within ``limit`` of the model's? A shadow is the same wall under less
    light, so its channels keep their ratios whatever the light's colour; a colour cast
    multiplies every surface's channels alike and leaves the difference between two surfaces'
    ratios as it was (von Kries), so hair stays apart from the wall under a warm or cool cast."""
    import cv2

    wall = cv2.cvtColor(np.ascontiguousarray(model_lab, np.float32)[None], cv2.COLOR_Lab2RGB)[0]  # 0-1 sRGB
    px = rgb.astype(np.float32) / 255.0 + CHROMATICITY_EPS
    wall = np.clip(wall, 0.0, 1.0) + CHROMATICITY_EPS
    d_rg = np.abs(np.log(px[:, 0] / px[:, 1]) - np.log(wall[:, 0] / wall[:, 1]))
    d_bg = np.abs(np.log(px[:, 2] / px[:, 1]) - np.log(wall[:, 2] / wall[:, 1]))
    return (d_rg < limit) & (d_bg < limit)


def shadow_area(a, min_patch: float = 0.0) -> float | None:
    """Area of :func:`shadow_pixels` in face widths squared; None without a backdrop."""
    found = shadow_pixels(a, min_patch)
    if found is None:
        return None
    cand, fw = found
    return float(np.count_nonzero(cand) / (fw * fw))


@check("background.shadow", limits={"max_shadow_area": "float", "min_shadow_patch": "float"})
def shadow(a, limits):
    """No shadow cast on the background behind the head (J-LIS rejects a shadow on the
    background): at most max_shadow_area (in face widths squared) of wall-coloured (a*b* and
    chromaticity of the wall's), smooth pixels beside or above the head that are 12-55 % darker
    than the smooth backdrop model there, in patches of at least min_shadow_patch (face widths squared)."""
    area = shadow_area(a, limits["min_shadow_patch"])
    if area is None:
        return unjudged(None, None, "no_background")
    return result(area <= limits["max_shadow_area"], round(area, 4), limits["max_shadow_area"])
