"""How many faces the photo shows."""

from __future__ import annotations

from photo.checks import check
from photo.report import result


@check("face.count", limits={"max_faces": "int"}, needs_face=False)
def face_count(a, limits):
    """Exactly one face: a second face anywhere in the frame fails (J-LIS: the applicant alone;
    ICAO 9303 full-frontal image). Faces are counted by the Face Landmarker (up to three)."""
    n = a.face_count
    key = "ok" if 1 <= n <= limits["max_faces"] else ("none" if n == 0 else "many")
    r = result(key == "ok", n, limits["max_faces"], key, n=n)
    r.details = {"boxes": [[round(v / a.decoded.scale) for v in box] for box in a.face_boxes]}
    return r
