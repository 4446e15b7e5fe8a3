"""The pupils' colour: flash red-eye (ICAO 9303 and ISO/IEC 19794-5: no red-eye).

A flash close to the lens, in the dim light that opens the pupils wide, lights the retina, and
the pupil shows red. It is read per eye on the Face Landmarker's iris disc (centre 468 or 473,
radius the mean distance of its four iris points), on the eye opening's pixels only:

- the colours are balanced by the eye's own white (the sclera: the brighter half of the eye
  opening beyond 1.1 iris radii, its per-channel median), so a warm cast or warm light reads
  as neutral; a pixel's redness is then (R - max(G, B)) / 255;
- the value is the redness of the pupil's reddest quarter (the 75th percentile over the disc
  within :data:`PUPIL_R` iris radii of the centre) minus the iris round it (its median over
  :data:`RING` radii): a red-brown iris is as red next to the pupil as across it, a red pupil
  is redder than its iris. The disc is wide and its reddest quarter is read because the iris
  centre may be off the pupil: the collection's hand-placed pupils lie 0.2 iris radii from the
  landmarker's centre in the median, 0.38 at the 90th percentile, and the median of a tighter
  disc (0.3 radii) missed a small red pupil 0.38 radii off it.

Measured on the 121 compliant people (bench/photo_accuracy.py's crops), with a warm cast
(x1.4 red) and on every other real photo of the collection: at most 0.056 (compliant, in
bench/photo_accuracy.py's seven variants; 0.051 with the cast) and 0.095 (other photos);
drawn red-eye (bench/red_eye.py, 484 renderings) at least 0.202. Without the eye-white balance, the cast's brown irises read as red; without the iris
ring, the red-brown irises of the Canada set's flash photos and two real Flickr portraits did
(0.13-0.17).
"""

from __future__ import annotations

import numpy as np

from photo.analysis import polygon_mask
from photo.measures import settings
from photo.quantiles import column_medians, median, percentile

#: how this module measures: photo/data/measures.toml [pupils], each value explained there
_M = settings("pupils")
PUPIL_R: float = _M["pupil_r"]
PUPIL_PERCENTILE: int = _M["pupil_percentile"]
RING: tuple[float, float] = _M["ring"]
SCLERA_R: float = _M["sclera_r"]
MIN_PX: int = _M["min_px"]
MIN_PUPIL_SHOWN: float = _M["min_pupil_shown"]
GAIN_RANGE: tuple[float, float] = _M["gain_range"]


def iris_disc(landmarks: np.ndarray, eye: dict) -> tuple[np.ndarray, float]:
    """(centre, radius) of the iris in working px: landmark ``eye["iris"]`` and the mean distance
    of the four iris points after it."""
    i = eye["iris"]
    pts = landmarks[i:i + 5, :2]
    return pts[0], float(np.linalg.norm(pts[1:] - pts[0], axis=1).mean())


def _regions(shape: tuple[int, int], landmarks: np.ndarray, eye: dict):
    """(box (x0, y0, x1, y1), the eye opening in it, each pixel's distance from the iris centre
    in iris radii, the iris radius in px) for one eye, or None when the box is degenerate."""
    centre, r = iris_disc(landmarks, eye)
    contour = landmarks[list(eye["contour"]), :2]
    h, w = shape
    x0 = max(0, int(min(contour[:, 0].min(), centre[0] - r)) - 1)
    y0 = max(0, int(min(contour[:, 1].min(), centre[1] - r)) - 1)
    x1 = min(w, int(max(contour[:, 0].max(), centre[0] + r)) + 2)
    y1 = min(h, int(max(contour[:, 1].max(), centre[1] + r)) + 2)
    if x1 - x0 < 3 or y1 - y0 < 3 or r < 1:
        return None
    opening = polygon_mask((y1 - y0, x1 - x0), contour, (x0, y0))
    dy = np.arange(y0, y1, dtype=np.float32)[:, None] - np.float32(centre[1])
    dx = np.arange(x0, x1, dtype=np.float32)[None, :] - np.float32(centre[0])
    return (x0, y0, x1, y1), opening, np.sqrt(dx * dx + dy * dy) / np.float32(r), r


def pupil_region(shape: tuple[int, int], landmarks: np.ndarray, eye: dict) -> tuple[np.ndarray, np.ndarray]:
    """(the pupil's pixels, the iris ring's) that :func:`pupil_redness` reads, as full-size
    bool masks (empty when the eye cannot be read)."""
    pupil, ring = np.zeros(shape, bool), np.zeros(shape, bool)
    got = _regions(shape, landmarks, eye)
    if got is not None:
        (x0, y0, x1, y1), opening, d, _r = got
        pupil[y0:y1, x0:x1] = opening & (d <= PUPIL_R)
        ring[y0:y1, x0:x1] = opening & (d > RING[0]) & (d <= RING[1])
    return pupil, ring


def pupil_redness(rgb: np.ndarray, landmarks: np.ndarray, eye: dict) -> dict | None:
    """One eye's red-eye measure (see the module): ``redness`` (pupil minus iris), ``pupil`` (the
    pupil disc's 75th percentile of redness after the eye-white balance), ``iris`` (the ring's
    median) and ``gains`` (the balance); None when the eye opening shows too little of the
    pupil or the iris to read."""
    got = _regions(rgb.shape[:2], landmarks, eye)
    if got is None:
        return None
    (x0, y0, x1, y1), opening, d, r = got
    pupil, ring = opening & (d <= PUPIL_R), opening & (d > RING[0]) & (d <= RING[1])
    shown = max(MIN_PX, MIN_PUPIL_SHOWN * np.pi * (PUPIL_R * r) ** 2)
    if np.count_nonzero(pupil) < shown or np.count_nonzero(ring) < MIN_PX:
        return None
    px = rgb[y0:y1, x0:x1]
    white = px[opening & (d > SCLERA_R)].astype(np.float32)
    gains = np.ones(3, np.float32)
    if len(white) >= MIN_PX:
        luma = white.sum(axis=1)
        white = white[luma >= median(luma)]
        ref = column_medians(white)
        gains = np.clip(ref.mean() / np.maximum(ref, 1.0), *GAIN_RANGE).astype(np.float32)

    def redness(mask: np.ndarray) -> np.ndarray:
        q = px[mask].astype(np.float32) * gains
        return (q[:, 0] - np.maximum(q[:, 1], q[:, 2])) / np.float32(255.0)

    p = float(percentile(redness(pupil), PUPIL_PERCENTILE, overwrite=True))
    i = float(median(redness(ring), overwrite=True))
    return {"redness": p - i, "pupil": p, "iris": i, "gains": [float(g) for g in gains]}
