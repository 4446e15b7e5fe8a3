"""Hair hanging over an eye: a fringe (bangs) that reaches the eyes (J-LIS refuses 前髪が目に
かかっている; ICAO 9303: no hair across the eyes).

A fringe is strands hanging down: across the upper eyelid they make the colour change from
column to column much more than from row to row. A bare lid is the other way round: its
crease, the lid margin, the lash line and the brow's lower edge all run across the eye, so
the colour changes most from row to row. Per eye, on the colour picture (``a.rgb``):

- the band of the upper lid: from :data:`LID_GAP_IED` eye distances above the top of the upper
  lid's landmarks up to :data:`BROW_SHARE` of the way to the lower edge of the brow (the gap
  taken as at least :data:`MIN_GAP_IED` eye distances), over the middle of the eye (less
  :data:`MARGIN_W` of its width at each end);
- the band scaled to a frontal face's proportions, whatever the photo's size and the head's
  turn: down its height so that the eye distance the face would show facing the camera
  (``FaceAnalysis.frontal_ied``) is :data:`IED_PX` pixels, and across its width so that the
  eye is as wide as a frontal eye is there (:data:`EYE_W_IED` of that distance). A turned
  head's far eye is narrower in the photo: read at the photo's own proportions its lid's
  crease and lash line, squeezed across, read as vertical edges (the profiles of the collection
  up to 4.7), and hair over one eye could only be judged by the other;
- the value is the band's horizontal colour gradient over its vertical one: at each pixel the
  length of the CIELAB gradient (3x3 Sobel of L*, a* and b*, as a colour difference), summed
  over the band, across over down. Above 1, the band is crossed by more vertical edges than
  horizontal ones. Colour, not luma: light (blonde) strands on light skin differ from the lid
  more in hue and chroma than in lightness (read on the luma, 104 of 121 drawn dark-blonde
  fringes to the pupils were caught at stop 33; on the colour, 121).

The check reads the eye with more strands: hair over one eye (a side-swept fringe) is hair
over the eyes.

A fringe that stops on the brows, which J-LIS accepts, leaves the band bare: the band ends
below the brow, wherever the mesh puts it for that person, not at a fixed height (a fixed band
refused fringes ending just under low brows). Lashes thickened with mascara stand up from the
lid margin into the band's lower edge: they raise the value, but stay under what hanging strands
read (``bench/photo_over_eyes.py`` prints both, and every real photo's value; see the profile's
``max_hair_strands``).
"""

from __future__ import annotations

import numpy as np

from photo.measures import settings

#: how this module measures: photo/data/measures.toml [hair_strands], each value explained there
_M = settings("hair_strands")
LID_GAP_IED: float = _M["lid_gap_ied"]
BROW_SHARE: float = _M["brow_share"]
MIN_GAP_IED: float = _M["min_gap_ied"]
MARGIN_W: float = _M["margin_w"]
IED_PX: float = _M["ied_px"]
EYE_W_IED: float = _M["eye_w_ied"]


def band_box(landmarks: np.ndarray, eye: dict, ied: float) -> tuple[float, float, float, float]:
    """(x0, y0, x1, y1), working px: the upper-lid band :func:`strand_ratio` reads (see the module)."""
    contour = landmarks[list(eye["contour"]), :2]
    top = float(landmarks[list(eye["upper"]), 1].min())
    brow = float(landmarks[list(eye["brow_lower"]), 1].mean())
    gap = max(top - brow, MIN_GAP_IED * ied)
    xo, xi = float(contour[:, 0].min()), float(contour[:, 0].max())
    w = xi - xo
    return xo + MARGIN_W * w, top - BROW_SHARE * gap, xi - MARGIN_W * w, top - LID_GAP_IED * ied


def strand_ratio(rgb: np.ndarray, landmarks: np.ndarray, eye: dict, ied: float,
                 frontal_ied: float | None = None) -> float | None:
    """The summed CIELAB gradient length across over down (see the module) over the upper-lid
    band of one eye (:func:`band_box`) of ``rgb`` (sRGB, h x w x 3 uint8), read at a frontal
    face's proportions (``frontal_ied``: the eye distance facing the camera, ``ied`` when
    None); None when the band leaves the picture or has no gradient to read."""
    import cv2

    sy = IED_PX / max(frontal_ied or ied, 1e-6)
    width = float(np.hypot(*(landmarks[eye["outer"], :2] - landmarks[eye["inner"], :2])))
    sx = IED_PX * EYE_W_IED / max(width, 1e-6)
    # a 2 px margin at the read scale for the Sobel kernel and the resampling
    px, py = 2.0 / sx, 2.0 / sy
    x0, y0, x1, y1 = band_box(landmarks, eye, ied)
    c0, c1 = int(np.floor(x0 - px)), int(np.ceil(x1 + px)) + 1
    r0, r1 = int(np.floor(y0 - py)), int(np.ceil(y1 + py)) + 1
    if c0 < 0 or r0 < 0 or c1 > rgb.shape[1] or r1 > rgb.shape[0] or c1 - c0 < 4 or r1 - r0 < 4:
        return None
    band = rgb[r0:r1, c0:c1].astype(np.float32) * np.float32(1 / 255)
    size = (max(6, round((c1 - c0) * sx)), max(6, round((r1 - r0) * sy)))
    band = cv2.resize(band, size, interpolation=cv2.INTER_AREA if max(sx, sy) < 1 else cv2.INTER_LINEAR)
    lab = cv2.cvtColor(band, cv2.COLOR_RGB2Lab)
    across, down = (_gradient_length(cv2.Sobel(lab, cv2.CV_32F, dx, 1 - dx, ksize=3)[2:-2, 2:-2]) for dx in (1, 0))
    if down <= 0.0:
        return None
    return across / down


def _gradient_length(g: np.ndarray) -> float:
    """The summed per-pixel length of ``g`` (h x w x 3 float32 gradients of L*, a*, b*): the square
    root of each pixel's sum of squares (OpenCV: half the time of ``np.linalg.norm`` on a band)."""
    import cv2

    return float(cv2.sqrt(cv2.transform(g * g, _ONES)).sum())


_ONES = np.ones((1, 3), np.float32)
