"""Mouth visible (not covered by a mask) and closed.

``mouth.visible`` (J-LIS: the face not hidden; ICAO 9303: the full face visible) asks whether
the mouth shows at all: the lips' colour against the skin round them and the dark line where
they meet (:func:`mouth_visibility`). It runs first: when it finds the mouth covered, the checks
registered with ``bare_face`` (this module's ``mouth.closed``, the expression, the head
covering, the light's uniformity and the skin's colour) are not evaluated, since they read the
mouth or take the cheeks for skin.

ICAO 9303 / ISO/IEC 19794-5: mouth closed. OFIQ's mouth-closed measure: the inner-lip gap
divided by the eye-midpoint-to-chin distance.

The Face Landmarker sometimes parts closed lips on one encoding of a photo and not on
another (a re-compressed or resized copy of a closed mouth read 0.027-0.041 where the clean
photo read 0.016-0.022; bench/photo_accuracy.py). So a gap over the limit is measured again
on the photo's mirror image, and the mouth counts as open only when both passes see it open:
an open mouth is open in its mirror image too. The second pass costs one landmarker run, only
for photos whose first gap is over the limit.
"""

from __future__ import annotations

import numpy as np

from photo.analysis import LIP_GAPS, eye_chin_of
from photo.checks import check
from photo.measures import settings
from photo.quantiles import column_medians, percentile
from photo.report import result, unjudged


def gap_of(lm: np.ndarray) -> float:
    """Mean inner-lip gap of a 478-point mesh / its eye-midpoint-to-chin distance (OFIQ)."""
    gaps = [np.linalg.norm(lm[u, :2] - lm[lo, :2]) for u, lo in LIP_GAPS]
    return float(np.mean(gaps) / max(eye_chin_of(lm), 1e-6))


def lip_gap(a) -> float:
    return gap_of(a.landmarks)


def mirror_gap(a) -> float | None:
    """The lip gap the Face Landmarker measures on the photo's mirror image (None without a face there)."""
    face = a.mirror[1]
    return None if face is None else gap_of(face.points)


#: how this module measures: photo/data/measures.toml [mouth], each value explained there
_M = settings("mouth")
MOUTH_FACE_PX: float = _M["mouth_face_px"]
RING_PX: int = _M["ring_px"]
MOUTH_PAD: float = _M["mouth_pad"]
SKIN_L_REF: float = _M["skin_l_ref"]
MIN_SKIN_L: float = _M["min_skin_l"]


def mouth_visibility(a) -> dict[str, float] | None:
    """How plainly the mouth shows (None when the lips are not in the photo): ``lip_contrast``,
    the CIELAB distance between the lips' median colour and that of a ring of RING_PX round
    them; ``mouth_line``, how much darker the line where the lips meet (through the corners and
    the middle of the inner lips; its darkest fifth) is than that ring, in L*; ``skin_l``, the
    ring's L*; ``visibility``, the geometric mean of the two cues x SKIN_L_REF / ``skin_l``
    (``skin_l`` taken between MIN_SKIN_L and SKIN_L_REF), so that a dim photo or dark skin reads
    as a well-lit one. A bare mouth has both (lips redder or darker than the skin, a shadow
    where they meet); a mask, a scarf or a hand over the mouth has neither. Read on the lips'
    region resampled to MOUTH_FACE_PX face width, so the ring and the line are the same share of
    any face."""
    import cv2

    from photo.analysis import LIPS_INNER, LIPS_OUTER, FaceAnalysis, polygon_mask

    x0, _, x1, _ = a.face_box
    fw = max(1.0, x1 - x0)
    lips = a.landmarks[list(LIPS_OUTER), :2]
    pad = MOUTH_PAD * fw
    bx0, by0 = int(max(0, lips[:, 0].min() - pad)), int(max(0, lips[:, 1].min() - pad))
    bx1, by1 = int(min(a.w, lips[:, 0].max() + pad + 1)), int(min(a.h, lips[:, 1].max() + pad + 1))
    if bx1 - bx0 < 4 or by1 - by0 < 4:
        return None
    s = MOUTH_FACE_PX / fw
    size = (max(8, round((bx1 - bx0) * s)), max(8, round((by1 - by0) * s)))
    rgb = cv2.resize(a.rgb[by0:by1, bx0:bx1], size, interpolation=cv2.INTER_AREA)
    lm = (a.landmarks[:, :2] - [bx0, by0]) / [(bx1 - bx0) / size[0], (by1 - by0) / size[1]]
    shape = (size[1], size[0])
    outer = polygon_mask(shape, lm[list(LIPS_OUTER)])
    lips_only = outer & ~polygon_mask(shape, lm[list(LIPS_INNER)])
    ring = (cv2.dilate(outer.view(np.uint8), np.ones((RING_PX, RING_PX), np.uint8)) > 0) & ~outer
    line = np.zeros(shape, np.uint8)
    cv2.polylines(line, [np.round(lm[[61, 13, 291]]).astype(np.int32)], False, 1, 2)
    if np.count_nonzero(lips_only) < 10 or np.count_nonzero(ring) < 10 or not line.any():
        return None
    lab = FaceAnalysis.to_lab(rgb)
    lip_med, ring_med = column_medians(lab[lips_only]), column_medians(lab[ring])
    contrast = float(np.linalg.norm(lip_med - ring_med))
    line_l = float(ring_med[0] - percentile(lab[..., 0][line > 0], 20, overwrite=True))
    ring_l = float(ring_med[0])
    return {"lip_contrast": contrast, "mouth_line": line_l, "skin_l": ring_l,
            "visibility": float(np.sqrt(max(contrast, 0.0) * max(line_l, 0.0))
                                * SKIN_L_REF / min(max(ring_l, MIN_SKIN_L), SKIN_L_REF))}


@check("mouth.visible", limits={"min_visibility": "float"}, frontal=True)
def mouth_visible(a, limits):
    """The mouth is not covered (a mask, a scarf, a hand): the lips stand out from the skin
    round them and the line where they meet is darker (:func:`mouth_visibility`: the geometric
    mean of the two, scaled up for dark skin and dim photos, at least min_visibility). J-LIS: the face must not be hidden; ICAO 9303:
    the full face visible."""
    m = mouth_visibility(a)
    if m is None:
        return unjudged(None, limits["min_visibility"], "no_mouth")
    key = "ok" if m["visibility"] >= limits["min_visibility"] else "covered"
    r = result(key == "ok", round(m["visibility"], 2), limits["min_visibility"], key)
    r.details = {"lip_contrast": round(m["lip_contrast"], 2), "mouth_line": round(m["mouth_line"], 2),
                 "skin_l": round(m["skin_l"], 1)}
    return r


@check("mouth.closed", limits={"max_ratio": "float"}, frontal=True, bare_face=True)
def mouth_closed(a, limits):
    """Lips together: inner-lip gap / eye-to-chin distance <= max_ratio (OFIQ measure; ICAO 9303),
    in the photo or in its mirror image (see the module's note)."""
    v = lip_gap(a)
    if v <= limits["max_ratio"]:
        return result(True, round(v, 4), limits["max_ratio"])
    vm = mirror_gap(a)
    gap = v if vm is None else min(v, vm)
    r = result(gap <= limits["max_ratio"], round(gap, 4), limits["max_ratio"])
    r.details = {"gap_photo": round(v, 4), "gap_mirror_image": None if vm is None else round(vm, 4)}
    return r
