"""Head pose: yaw, pitch and roll from the Face Landmarker's fit of a 3D face model.

ICAO 9303 / ISO/IEC 19794-5: yaw and pitch within +/-5 degrees, roll within +/-8 degrees.
J-LIS rejects faces turned sideways or tilted. The angles come from the Face Landmarker's
facial transformation matrix (its 3D fit of the canonical face model to the 478 points), not
from 2D proxies; see ``FaceAnalysis.pose``. The limits are calibrated by person
(bench/photo_accuracy.py): people posed level in a studio spread by a few degrees.
"""

from __future__ import annotations

import numpy as np

from photo.checks import check
from photo.report import result


def face_axes(a) -> np.ndarray:
    """3 x 2: the image-plane directions (x right, y down) of the face's own axes, each a unit
    vector in 3D: row 0 its x (towards the image's right on a frontal face), row 1 its up,
    row 2 its forward (out of the face; (0, 0) when it looks straight into the camera).

    From the fit that gives ``a.pose`` (the landmarker's facial transformation matrix, or the
    template fit when there is none), so the drawn axes show the angles the checks judge."""
    m = a.pose_matrix
    if m is not None:
        r = np.asarray(m, dtype=np.float64)[:3, :3]
        r = r / np.cbrt(np.linalg.det(r))
        return np.array([[r[0, j], -r[1, j]] for j in range(3)])  # camera y is up
    _, rot, _ = a.pose_fit  # template frame: x right, y down, z away from the camera
    return np.array([[rot[0, 0], rot[1, 0]], [-rot[0, 1], -rot[1, 1]], [-rot[0, 2], -rot[1, 2]]])


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
    """Head tilted sideways at most max_abs_deg (ICAO 9303: 8 degrees; J-LIS rejects tilted heads).
    A photo on its side fails with the key ``turned`` (fixable: photo.fix rotates it), or
    ``turned_tilted`` when the head is still tilted past the limit once turned (not fixable), and
    every other check reads it turned upright; one that could not be turned (no face found turned)
    fails with ``sideways``, and the checks that need an upright face are not judged."""
    from photo.checks import sideways_roll_deg

    v = a.pose.roll_deg
    turn = a.decoded.turn
    ok = abs(v) <= limits["max_abs_deg"]
    if turn:  # the photo was on its side (photo.checker turned it upright for every check)
        # turned upright the head may still be tilted: then turning does not fix it
        return result(False, round(v, 1), limits["max_abs_deg"], "turned" if ok else "turned_tilted",
                      deg=90 if turn % 2 else 180, tilt=round(abs(v)))
    key = "ok" if ok else "sideways" if abs(v) > sideways_roll_deg() else "fail"
    return result(ok, round(v, 1), limits["max_abs_deg"], key, deg=round(abs(v)))
