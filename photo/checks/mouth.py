"""Mouth closed.

ICAO 9303 / ISO/IEC 19794-5: mouth closed. OFIQ's mouth-closed measure: the inner-lip gap
divided by the eye-midpoint-to-chin distance.
"""

from __future__ import annotations

import numpy as np

from photo.analysis import LIP_GAPS
from photo.checks import check
from photo.report import result


def lip_gap(a) -> float:
    lm = a.landmarks
    gaps = [np.linalg.norm(lm[u, :2] - lm[lo, :2]) for u, lo in LIP_GAPS]
    return float(np.mean(gaps) / max(a.eye_chin, 1e-6))


@check("mouth.closed", limits={"max_ratio": "float"})
def mouth_closed(a, limits):
    """Lips together: inner-lip gap / eye-to-chin distance <= max_ratio (OFIQ measure; ICAO 9303)."""
    v = lip_gap(a)
    return result(v <= limits["max_ratio"], round(v, 4), limits["max_ratio"])
