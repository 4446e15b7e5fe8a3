"""Mouth closed.

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
from photo.report import result


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


@check("mouth.closed", limits={"max_ratio": "float"}, frontal=True)
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
