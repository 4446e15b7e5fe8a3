"""Head covering: no hat, cap, helmet or hood.

J-LIS: no hat (無帽); religious or medical coverings are accepted when the outline of the
face is visible. ICAO 9303: no head covering except for religious reasons.

Without a face-parsing model the check compares colours inside the person's silhouette
(selfie segmentation), in two places a covering occupies and bare hair or skin do not:

* ``crown``: the *crown zone* (between the top of the forehead and the top of the head)
  against the forehead skin and the hair beside the temples. Hair on top of the head matches
  the hair at the temples (or the skin, for a bald head); a hat, cap or helmet is a different
  material and colour from both over most of the crown zone.
* ``sides``: a hood, a helmet's straps or a scarf *enclose the face*: they lie against the
  face outline on both sides, from the eyes down to the mouth. There a bare head shows skin
  (cheeks, ears), hair of the colours found on top of the head, or the background. The
  measure is the share of the person's pixels in a band beside the face outline that are of
  another material, on the side where it is smaller: an arm, a hand or a coloured lock on
  one side of the face does not make it large, a covering wrapped round the face does. Hair
  at the sides unlike everything on top of the head (a cap covering it) counts too.
"""

from __future__ import annotations

import numpy as np

from photo.analysis import LIPS_OUTER
from photo.checks import check
from photo.report import result

#: CIELAB Delta E within which two colours count as the same material (skin vs skin, hair vs hair)
SAME_DE = 18.0
#: lightness below which a pixel counts as black hair or deep shadow (no colour to compare)
BLACK_L = 22.0
#: the side band beside the face outline, in face widths from the outline (inner gap, outer edge)
SIDE_BAND = (0.04, 0.15)
#: a colour is one of the hair's when at least this share of the crown zone's non-skin pixels is within SAME_DE of it
HAIR_SUPPORT = 0.05
#: at most this many crown-zone pixels are compared with each side pixel (evenly subsampled)
HAIR_SAMPLES = 200
#: the side share is taken of the person's pixels in the band, but of no less than this share of
#: the band: where the background fills most of it (short hair), a few pixels make no large share
SIDE_MIN_PERSON = 0.5


def _regions(a) -> dict:
    """Masks and reference colours shared by both measures, at the small (segmentation) scale,
    in a window round the head (crown to chin, the face box widened by 0.4 face widths)."""
    import cv2

    f = a.small[1]
    h, w = a.person.shape
    x0, y0, x1, _ = a.face_box
    fw = (x1 - x0) * f
    top_face = a.pt(10) * f
    crown_y = max(0.0, a.crown[1] * f)
    eye_y = a.eye_mid[1] * f
    mouth_y = a.mean_pt(LIPS_OUTER)[1] * f
    wy0 = max(0, int(min(crown_y, y0 * f)))
    wy1 = min(h, max(wy0 + 1, int(a.chin[1] * f) + 2))
    wx0 = max(0, int(x0 * f - 0.4 * fw))
    wx1 = min(w, max(wx0 + 1, int(x1 * f + 0.4 * fw) + 2))
    win = (slice(wy0, wy1), slice(wx0, wx1))
    person = a.person[win] > 0.5
    lab = a.small_lab[win]
    ys, xs = np.ogrid[wy0:wy1, wx0:wx1]  # absolute small-scale coordinates
    zone = person & (ys >= crown_y) & (ys < top_face[1] - 0.04 * fw) & (xs > x0 * f + 0.1 * fw) & (xs < x1 * f - 0.1 * fw)
    face = cv2.resize(a.face_mask.astype(np.uint8), (w, h), interpolation=cv2.INTER_NEAREST)[win]
    # chessboard distance (px) from the face outline: the band's rings are 3x3 dilation steps
    dist = cv2.distanceTransform(np.ascontiguousarray(1 - face), cv2.DIST_C, 3)
    face_d = dist <= max(1, int(SIDE_BAND[0] * fw))
    temples = person & ~face_d & (ys > top_face[1]) & (ys < eye_y) & (
        ((xs > x0 * f - 0.25 * fw) & (xs < x0 * f + 0.1 * fw)) | ((xs > x1 * f - 0.1 * fw) & (xs < x1 * f + 0.25 * fw)))
    skin_small = cv2.resize(a.skin_mask.astype(np.uint8), (w, h), interpolation=cv2.INTER_NEAREST)[win] > 0
    forehead = skin_small & (ys < eye_y - 0.15 * fw)
    if forehead.sum() < 5:
        forehead = skin_small
    skin_ref = np.median(lab[forehead], axis=0) if forehead.any() else np.array([60.0, 12.0, 15.0])
    band = ~face_d & (dist <= max(2, int(SIDE_BAND[1] * fw))) & (ys > eye_y) & (ys < mouth_y)
    cx = a.eye_mid[0] * f
    left, right = xs < cx, xs >= cx
    return {"lab": lab, "win": win, "person": person, "zone": zone, "temples": temples, "skin_ref": skin_ref,
            "temple_sides": (temples & left, temples & right), "bands": (band & left, band & right)}


def _near(px: np.ndarray, ref: np.ndarray) -> np.ndarray:
    d = px - np.asarray(ref, np.float32)
    return np.einsum("ij,ij->i", d, d) < SAME_DE**2


def crown_foreign(a, r: dict) -> dict | None:
    """Share of the crown zone whose colour is far (Delta E > SAME_DE) from the forehead skin
    and from the temple hair (the median of both temples, and of each: lighting or a hand on
    one side changes one of them) and not near-black; None when the crown zone is not in the photo."""
    zone = r["zone"]
    if zone.sum() < 20:
        return None
    lab = r["lab"]
    px = lab[zone]
    explained = _near(px, r["skin_ref"]) | (px[:, 0] < BLACK_L)
    hair_ref = None
    if r["temples"].sum() >= 10:
        hair_ref = np.median(lab[r["temples"]], axis=0)
        explained |= _near(px, hair_ref)
        for side in r["temple_sides"]:
            if side.sum() >= 10:
                explained |= _near(px, np.median(lab[side], axis=0))
    return {"share": float(1.0 - explained.mean()), "zone_px": int(zone.sum()),
            "temple_hair": None if hair_ref is None else [round(float(v), 1) for v in hair_ref]}


def _hairlike(px: np.ndarray, hair: np.ndarray) -> np.ndarray:
    """For each CIELAB colour in ``px``: is at least HAIR_SUPPORT of ``hair`` within SAME_DE of it?
    Colours are compared once per 2-unit cell (at most 1.7 units off), not once per pixel."""
    key = np.round(px / 2).astype(np.int32)
    cells, inverse = np.unique((key[:, 0] + 64) * 65536 + (key[:, 1] + 128) * 256 + (key[:, 2] + 128),
                               return_inverse=True)
    centre = np.stack([cells // 65536 - 64, (cells // 256) % 256 - 128, cells % 256 - 128], axis=1) * 2.0
    d2 = ((centre[:, None, :].astype(np.float32) - hair[None, :, :]) ** 2).sum(axis=2)
    return ((d2 < SAME_DE**2).mean(axis=1) >= HAIR_SUPPORT)[inverse.ravel()]


def side_foreign(a, r: dict) -> dict | None:
    """Share of the person's pixels in the band beside the face outline (SIDE_BAND face widths
    out, eye to mouth level; at least SIDE_MIN_PERSON of the band counted) that are neither
    skin-coloured, nor near-black, nor one of the hair's colours (HAIR_SUPPORT of the crown
    zone's non-skin pixels within SAME_DE; the temples stand in when the crown is out of the
    photo) — the smaller of the two sides. None when there is no band or no hair colour to
    compare with."""
    lab = r["lab"]
    skin_ref = r["skin_ref"]
    source = r["zone"] if r["zone"].sum() >= 20 else r["temples"]
    hair = lab[source]
    hair = hair[~_near(hair, skin_ref)]
    if len(hair) < 10:
        return None
    hair = hair[:: max(1, len(hair) // HAIR_SAMPLES)].astype(np.float32)
    shares = []
    for band in r["bands"]:
        n = int(band.sum())
        if n < 10:
            return None
        body = band & r["person"]
        px = lab[body]
        cand = px[~(_near(px, skin_ref) | (px[:, 0] < BLACK_L))].astype(np.float32)
        if len(cand):
            cand = cand[~_hairlike(cand, hair)]
        shares.append(len(cand) / max(int(body.sum()), SIDE_MIN_PERSON * n))
    return {"share": float(min(shares)), "per_side": [round(s, 3) for s in shares],
            "hair_from": "crown" if source is r["zone"] else "temples"}


def covering_bands(a) -> tuple[np.ndarray, np.ndarray]:
    """The bands beside the face outline the ``sides`` measure reads (small scale), for the annotation."""
    r = _regions(a)
    out = []
    for band in r["bands"]:
        full = np.zeros(a.person.shape, bool)
        full[r["win"]] = band
        out.append(full)
    return out[0], out[1]


def covering_measures(a) -> dict:
    """``crown`` and ``sides`` (see the module docstring), each a dict with its ``share`` or None."""
    r = _regions(a)
    return {"crown": crown_foreign(a, r), "sides": side_foreign(a, r),
            "skin": [round(float(v), 1) for v in r["skin_ref"]]}


@check("head.covering", limits={"max_foreign_share": "float", "max_side_share": "float"})
def covering(a, limits):
    """No hat or other head covering (J-LIS 無帽; ICAO 9303): at most max_foreign_share of the
    crown zone may differ in colour from both the forehead skin and the hair at the temples
    (hats, caps, helmets), and at most max_side_share of the band beside the face outline, on
    each side, may be a material other than skin or the hair (hoods, helmet straps)."""
    m = covering_measures(a)
    crown, sides = m["crown"], m["sides"]
    limit = {"max_foreign_share": limits["max_foreign_share"], "max_side_share": limits["max_side_share"]}
    value = {"crown": None if crown is None else round(crown["share"], 3),
             "sides": None if sides is None else round(sides["share"], 3)}
    if crown is not None and crown["share"] > limits["max_foreign_share"]:
        key = "crown"
    elif sides is not None and sides["share"] > limits["max_side_share"]:
        key = "sides"
    else:
        key = "ok" if crown is not None else "no_zone"
    r = result(key in ("ok", "no_zone"), value if key != "no_zone" or sides else None, limit, key)
    # without the top of the head a covering can still be found at the sides, never ruled out
    r.evaluated = key != "no_zone"
    r.details = m
    return r
