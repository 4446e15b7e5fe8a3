"""Head pose: yaw, pitch and roll from the Face Landmarker's fit of a 3D face model.

ICAO 9303 / ISO/IEC 19794-5: yaw and pitch within +/-5 degrees, roll within +/-8 degrees.
J-LIS rejects faces turned sideways or tilted. The angles come from the Face Landmarker's
facial transformation matrix (its 3D fit of the canonical face model to the 478 points), not
from 2D proxies; see ``FaceAnalysis.pose``. The limits are calibrated by person
(bench/photo_accuracy.py): people posed level in a studio spread by a few degrees.
"""

from __future__ import annotations

from photo.checks import check
from photo.report import result


@check("pose.yaw", limits={"max_abs_deg": "float"})
def yaw(a, limits):
    """Head turned left/right at most max_abs_deg (ICAO 9303: 5 degrees)."""
    v = a.pose.yaw_deg
    ok = abs(v) <= limits["max_abs_deg"]
    return result(ok, round(v, 1), limits["max_abs_deg"], "ok" if ok else ("left" if v > 0 else "right"),
                  deg=round(abs(v)))


@check("pose.pitch", limits={"max_abs_deg": "float"})
def pitch(a, limits):
    """Head raised or lowered at most max_abs_deg (ICAO 9303: 5 degrees)."""
    v = a.pose.pitch_deg
    ok = abs(v) <= limits["max_abs_deg"]
    return result(ok, round(v, 1), limits["max_abs_deg"], "ok" if ok else ("down" if v > 0 else "up"),
                  deg=round(abs(v)))


@check("pose.roll", limits={"max_abs_deg": "float"})
def roll(a, limits):
    """Head tilted sideways at most max_abs_deg (ICAO 9303: 8 degrees; J-LIS rejects tilted heads)."""
    v = a.pose.roll_deg
    ok = abs(v) <= limits["max_abs_deg"]
    return result(ok, round(v, 1), limits["max_abs_deg"], deg=round(abs(v)))
