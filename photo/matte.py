"""The person's matte at hair level: the cheap person mask refined along the image's own edges.

MediaPipe's selfie segmentation runs at 256 x 256 and gives a smooth, blobby silhouette: loose
strands, curls, the edge of a ponytail and wisps above the head fall outside it, and the
background checks would read them as objects or shadow on the wall. The guided filter
(He, Sun and Tang, "Guided Image Filtering", ECCV 2010 / TPAMI 2013) transfers the photo's edges
onto the mask: inside each window the refined mask is a linear function of the photo's
lightness, so a dark strand against a light wall takes the mask value of the dark hair next to
it, not that of the wall. It only moves the mask where the cheap mask is unsure (within a
window of its edge); far inside and far outside it keeps the mask's value.
"""

from __future__ import annotations

import numpy as np


def guided_filter(guide: np.ndarray, src: np.ndarray, radius_px: int, eps: float) -> np.ndarray:
    """Grey-guide guided filter: ``src`` (float32 H x W) smoothed along the edges of ``guide``
    (float32 H x W, 0-1). ``radius_px``: half the box window; ``eps``: regularisation in guide
    units squared (a patch whose guide variance is well below ``eps`` is just box-smoothed)."""
    import cv2

    k = (2 * radius_px + 1, 2 * radius_px + 1)

    def box(x):
        return cv2.boxFilter(x, -1, k, borderType=cv2.BORDER_REFLECT)

    mean_i, mean_p = box(guide), box(src)
    cov = box(guide * src) - mean_i * mean_p
    var = box(guide * guide) - mean_i * mean_i
    a = cov / (var + eps)
    b = mean_p - a * mean_i
    return box(a) * guide + box(b)


def refine_person(rgb: np.ndarray, person: np.ndarray, radius_px: int = 8, eps: float = 1e-3) -> np.ndarray:
    """Person probability (float32 0-1, the size of ``rgb``) refined at hair level by
    :func:`guided_filter` with the photo's lightness as the guide; ``radius_px`` 8 at the 512 px
    working scale of the person mask (a strand a few px wide, in a window 17 px across)."""
    grey = rgb.astype(np.float32).mean(axis=2) * (1.0 / 255.0)
    return np.clip(guided_filter(grey, np.asarray(person, np.float32), radius_px, eps), 0.0, 1.0)
