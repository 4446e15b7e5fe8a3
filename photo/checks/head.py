"""Head covering: no hat, cap, helmet or hood.

J-LIS: no hat (無帽); religious or medical coverings are accepted when the outline of the
face is visible. ICAO 9303: no head covering except for religious reasons.

Without a face-parsing model the check compares colours inside the person's silhouette:
the *crown zone* (between the top of the forehead and the top of the head) against the
forehead skin and against the hair beside the temples. Hair on top of the head matches the
hair at the temples (or the skin, for a bald head); a hat, cap, helmet or hood is a
different material and colour from both over most of the crown zone, and a hood also
replaces the hair beside the face.
"""

from __future__ import annotations

import numpy as np

from photo.checks import check
from photo.report import result


def covering_measures(a) -> dict | None:
    """``foreign``: share of the crown zone whose colour is far (CIELAB Delta E > 18) from the
    forehead skin and from the temple hair and not near-black; ``zone_px`` its size."""
    import cv2

    f = a.small[1]
    lab = a.small_lab
    person = a.person > 0.5
    h, w = person.shape
    x0, _, x1, _ = a.face_box
    fw = (x1 - x0) * f
    top_face = a.pt(10) * f
    crown_y = max(0.0, a.crown[1] * f)
    ys, xs = np.ogrid[0:h, 0:w]
    zone = person & (ys >= crown_y) & (ys < top_face[1] - 0.04 * fw) & (xs > x0 * f + 0.1 * fw) & (xs < x1 * f - 0.1 * fw)
    if zone.sum() < 20:
        return None
    eye_y = a.eye_mid[1] * f
    face = cv2.resize(a.face_mask.astype(np.uint8), (w, h), interpolation=cv2.INTER_NEAREST) > 0
    face_d = cv2.dilate(face.astype(np.uint8), np.ones((3, 3), np.uint8), iterations=max(1, int(0.04 * fw))) > 0
    temples = person & ~face_d & (ys > top_face[1]) & (ys < eye_y) & (
        ((xs > x0 * f - 0.25 * fw) & (xs < x0 * f + 0.1 * fw)) | ((xs > x1 * f - 0.1 * fw) & (xs < x1 * f + 0.25 * fw)))
    skin_small = cv2.resize(a.skin_mask.astype(np.uint8), (w, h), interpolation=cv2.INTER_NEAREST) > 0
    forehead = skin_small & (ys < eye_y - 0.15 * fw)
    if forehead.sum() < 5:
        forehead = skin_small
    skin_ref = np.median(lab[forehead], axis=0) if forehead.any() else np.array([60.0, 12.0, 15.0])
    px = lab[zone]
    d_skin = np.linalg.norm(px - skin_ref, axis=1)
    explained = (d_skin < 18) | (px[:, 0] < 22)
    hair_ref = None
    if temples.sum() >= 10:
        hair_ref = np.median(lab[temples], axis=0)
        explained |= np.linalg.norm(px - hair_ref, axis=1) < 18
    return {"foreign": float(1.0 - explained.mean()), "zone_px": int(zone.sum()),
            "temple_hair": None if hair_ref is None else [round(float(v), 1) for v in hair_ref],
            "skin": [round(float(v), 1) for v in skin_ref]}


@check("head.covering", limits={"max_foreign_share": "float"})
def covering(a, limits):
    """No hat or other head covering: at most max_foreign_share of the crown zone may differ in
    colour from both the forehead skin and the hair at the temples (J-LIS 無帽; ICAO 9303)."""
    m = covering_measures(a)
    if m is None:
        r = result("head.covering", True, None, limits["max_foreign_share"], "no_zone")
        r.evaluated = False
        return r
    v = m["foreign"]
    r = result("head.covering", v <= limits["max_foreign_share"], round(v, 3), limits["max_foreign_share"])
    r.details = m
    return r
