"""What the card's face shows besides the edge: a display's pixel grid (a peak in the
colour-difference spectrum) and glare clipped white along the edge. Read by
:func:`cardface.oblique.evidence.evidence`."""

from __future__ import annotations

from functools import cache

import numpy as np

from cardface.oblique.config import card_size
from cardface.oblique.evidence_limits import limits
from cardface.oblique.geometry import Quad


@cache
def _spectrum_rings(n: int):
    """For an ``n`` px patch's spectrum: (Hann window, the frequencies kept (a mask), their ring (the
    distance from the centre, rounded), the rings, and where each ring's values start and how
    many there are once sorted by ring): the 2-D FFT's frequencies over 2.5 cycles, JPEG's 8-px block frequencies left out, one
    half-plane (the spectrum of a real signal is symmetric)."""
    win = np.outer(np.hanning(n), np.hanning(n)).astype(np.float32)
    k = np.fft.fftfreq(n) * n
    ky, kx = np.meshgrid(k, k, indexing="ij")
    keep = (np.hypot(kx, ky) > 2.5) & (kx % 8 != 0) & (ky % 8 != 0)
    keep &= ky >= 0
    ring = np.round(np.hypot(kx, ky)).astype(int)[keep]
    rings, count = np.unique(ring, return_counts=True)
    first = np.r_[0, np.cumsum(count)[:-1]]
    return win, keep, ring, rings, first, count


def _ring_medians(mag: np.ndarray, ring: np.ndarray, first: np.ndarray, count: np.ndarray) -> np.ndarray:
    """The median of ``mag`` over each ring (``ring`` the ring of each value; ``first`` and
    ``count`` where each ring's values start and how many there are once sorted by ring), by one
    sort: what ``np.median(mag[ring == r])`` gives for every ring r at once."""
    v = mag[np.lexsort((mag, ring))]
    lo, hi = first + (count - 1) // 2, first + count // 2
    return (v[lo] + v[hi]) / 2


def screen_peak_ratio(img: np.ndarray, quad: Quad) -> float:
    """Median over patches inside the card of: the highest peak of the colour-difference
    spectrum (R-G and B-G, high-passed, JPEG block frequencies left out) over the median at
    the same spatial frequency."""
    import cv2

    n = int(limits()["screen"]["patch_px"])
    h, w = img.shape[:2]
    centres = quad.to_image(np.array([[25, 20], [60, 20], [25, 38], [60, 38], [42.8, 27]], np.float64))
    win, keep, ring, rings, first, count = _spectrum_rings(n)
    ratios = []
    for cx, cy in centres:
        x0, y0 = round(cx - n / 2), round(cy - n / 2)
        if x0 < 0 or y0 < 0 or x0 + n > w or y0 + n > h:
            continue
        p = img[y0:y0 + n, x0:x0 + n].astype(np.float32)
        best = 0.0
        for d in (p[:, :, 0] - p[:, :, 1], p[:, :, 2] - p[:, :, 1]):
            d = d - cv2.GaussianBlur(d, (0, 0), 6)
            mag = np.abs(np.fft.fft2((d - d.mean()) * win))[keep]
            # each frequency against the typical one at its distance from the centre (natural
            # pictures fall off smoothly with frequency; a grid stands out at one)
            med = np.zeros(ring.max() + 1)
            med[rings] = _ring_medians(mag, ring, first, count)
            best = max(best, float((mag / np.maximum(med[ring], 1e-3 + 1e-3 * mag.mean())).max()))
        ratios.append(best)
    return float(np.median(ratios)) if ratios else 0.0


def glare_share(img: np.ndarray, quad: Quad, sides: tuple[int, ...] = (0, 1, 2, 3)) -> float:
    """Share of the face's strip along ``sides`` (``quality.strip_mm`` wide: where the edge is
    judged) clipped white (every channel at or above ``clip_level``)."""
    import cv2

    h, w = img.shape[:2]
    s = min(1.0, 800.0 / max(h, w))
    small = cv2.resize(img, (max(8, round(w * s)), max(8, round(h * s))), interpolation=cv2.INTER_AREA) if s < 1 else img
    mask = np.zeros(small.shape[:2], np.uint8)
    cs = card_size()
    d = float(limits()["quality"]["strip_mm"])
    W, Hc = cs.width_mm, cs.height_mm
    strips = [(0, 0, W, d), (W - d, 0, W, Hc), (0, Hc - d, W, Hc), (0, 0, d, Hc)]
    for i in sides:
        x0, y0, x1, y1 = strips[i]
        poly = quad.to_image(np.array([[x0, y0], [x1, y0], [x1, y1], [x0, y1]], np.float64))
        cv2.fillConvexPoly(mask, np.round((poly + 0.5) * s - 0.5).astype(np.int32), 1)
    face = small[mask > 0]
    if len(face) == 0:
        return 0.0
    return float((face.min(axis=1) >= int(limits()["quality"]["clip_level"])).mean())
