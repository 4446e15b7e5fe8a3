"""Shrinking a region of the working image: pixel-area halvings, then pixel area the rest of the way.

OpenCV's ``INTER_AREA`` is fast when it halves (means of 2 x 2 blocks) and several times
slower for a large fractional factor (each output pixel weighs partial input pixels). The head
window of ``head.covering``, shrunk by about 2.8 at 12 MP, is therefore halved by block means
and then shrunk the remaining 1.4 by pixel area: each output pixel is still a mean over about
its footprint, in half the time (2.0 -> 1.0 ms on this machine). Against the one-step result
the pixels differ by 0.4 of 255 levels on average and the Laplacian texture the check reads by
a median factor of 0.95 (5th-95th percentile 0.85-1.19). Bilinear for the second step would be
faster still but moved the covering and sharpness measures by up to 0.08 and 0.06 on real
photos (bench/photo_verdicts.py), so it is not used; ``image.sharpness``, whose blur measure
reads the resampling kernel itself, keeps its one-step shrink.
"""

from __future__ import annotations

import numpy as np


def block_factor(scale: float, width_px: int, height_px: int) -> int:
    """How much the halvings shrink for an overall ``scale`` (output px per input px): the largest
    power of two m with m <= 1 / scale, and at most the region's smaller side (1: no halving)."""
    m = 1
    while scale > 0 and 2 * m * scale <= 1.0 and 2 * m <= min(width_px, height_px):
        m *= 2
    return m


def shrink_area(src: np.ndarray, size: tuple[int, int], m: int, *, bilinear_last: bool = False) -> np.ndarray:
    """``src`` (whose width and height are multiples of ``m``, a power of two from
    :func:`block_factor`) shrunk to ``size`` (w, h): halved by 2 x 2 block means until it is
    ``m`` times smaller, then ``INTER_AREA`` to ``size`` (bilinear with ``bilinear_last``: a
    thumbnail's last factor, under 2, see :func:`shrink_picture`)."""
    import cv2

    while m > 1:
        h, w = src.shape[:2]
        src = cv2.resize(src, (w // 2, h // 2), interpolation=cv2.INTER_AREA)
        m //= 2
    return cv2.resize(src, size, interpolation=cv2.INTER_LINEAR if bilinear_last else cv2.INTER_AREA)


def shrink_picture(rgb: np.ndarray, max_px: int) -> tuple[np.ndarray, float]:
    """(``rgb`` (h x w x channels) shrunk to at most ``max_px`` on its long side, its aspect kept;
    output px per input px): a thumbnail of the working image (a copy of ``rgb`` and 1.0 when it
    is no larger).

    Halved by 2 x 2 block means while a halving stays at least as large as the result (up to
    m - 1 px, 3 for 675 -> 160 px, are first dropped from the right and bottom edges so that
    every halving is exact), then bilinear for the last factor, which is under 2: 0.25 ms for
    675 -> 160 px, against 0.45 ms with pixel area for that last step and 2 ms for Pillow's
    Lanczos thumbnail."""
    h, w = rgb.shape[:2]
    if max(h, w) <= max_px:
        return np.array(rgb, copy=True), 1.0
    m = block_factor(max_px / max(h, w), w, h)
    hc, wc = h - h % m, w - w % m
    f = max_px / max(hc, wc)
    size = (max(1, round(wc * f)), max(1, round(hc * f)))
    return shrink_area(rgb[:hc, :wc], size, m, bilinear_last=True), f
