"""The backdrop's own lighting: a smooth model (a quadratic in x and y per CIELAB channel) fitted
to the background pixels, robust to hair and objects the matte left there. ``FaceAnalysis``
fits it (:attr:`photo.analysis.FaceAnalysis.backdrop`); the background, shadow and covering
checks measure against it (a shadow is darker than the backdrop's own gradient, not than its
mean)."""

from __future__ import annotations

import numpy as np

from photo.lab import to_lab
from photo.measures import settings
from photo.quantiles import column_medians

#: how this module measures: photo/data/measures.toml [backdrop], each value explained there
_M = settings("backdrop")
BACKDROP_SAMPLES: int = _M["backdrop_samples"]
ROBUST_ROUNDS: int = _M["robust_rounds"]


def _least_squares(design: np.ndarray, values: np.ndarray) -> np.ndarray:
    """Least-squares coefficients by the normal equations (a few well-scaled columns: as exact
    as an SVD here, and several times faster); falls back to lstsq when they are singular."""
    x = design.astype(np.float64, copy=False)
    try:
        return np.linalg.solve(x.T @ x, x.T @ values.astype(np.float64, copy=False))
    except np.linalg.LinAlgError:
        return np.linalg.lstsq(x, values, rcond=None)[0]


def row_norm(v: np.ndarray) -> np.ndarray:
    """Euclidean length of each row of an N x 3 array (np.linalg.norm(v, axis=1), in one pass)."""
    return np.sqrt(np.einsum("ij,ij->i", v, v))


def backdrop_design(xs, ys, shape) -> np.ndarray:
    """The quadratic's terms ``[1, u, v, u^2, v^2, uv]`` (u, v = x/w - 0.5, y/h - 0.5) at pixels xs, ys."""
    h, w = shape
    u, v = np.asarray(xs) / w - 0.5, np.asarray(ys) / h - 0.5
    out = np.empty((*u.shape, 6), np.float64)  # filled in place: the same values as stacking, 3x faster
    out[..., 0] = 1.0
    out[..., 1] = u
    out[..., 2] = v
    np.multiply(u, u, out=out[..., 3])
    np.multiply(v, v, out=out[..., 4])
    np.multiply(u, v, out=out[..., 5])
    return out


def fit_backdrop(blurred: np.ndarray, bg: np.ndarray) -> dict | None:
    """A smooth model of the backdrop's own lighting at the small scale: a quadratic in x, y per
    CIELAB channel (a light fall-off, a gradient, vignetting), fitted to an even sample of the
    background (BACKDROP_SAMPLES to twice that many pixels, or all of them when fewer) of
    ``blurred`` (RGB: the size of ``bg``, or smaller and then read bilinearly at ``bg``'s
    positions) within Delta E 25 of their median colour by least absolute
    deviations (ROBUST_ROUNDS reweighted rounds, so hair or an object the matte left in the
    background does not drag it), then twice by
    least squares without the pixels more than Delta E 8 off. ``coef`` (6 x 3) maps
    :func:`backdrop_design` to L, a, b; ``dev`` is each sampled pixel's Delta E from the fit.
    None when there is too little background (< 2 % of the frame)."""
    if np.count_nonzero(bg) < 0.02 * bg.size:
        return None
    h, w = bg.shape
    idx = np.flatnonzero(bg)  # row-major, as np.nonzero, and several times faster
    idx = idx[:: max(1, idx.size // BACKDROP_SAMPLES)]
    ys, xs = np.divmod(idx, w)
    # the samples as one row of pixels (1 x N)
    if blurred.shape[:2] == (h, w):
        px = np.ascontiguousarray(blurred[ys, xs][None])
    else:  # a smaller blurred image: bilinear at the same places (as an INTER_LINEAR upscale would give)
        import cv2

        bh, bw = blurred.shape[:2]
        mx = ((xs + 0.5) * (bw / w) - 0.5).astype(np.float32)[None]
        my = ((ys + 0.5) * (bh / h) - 0.5).astype(np.float32)[None]
        px = cv2.remap(blurred, mx, my, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
    lab = to_lab(px)[0]
    design = backdrop_design(xs, ys, (h, w))
    # start from the pixels near the background's median colour (the wall is most of it), so a
    # lock of hair or an object in a corner, where a quadratic has leverage, cannot tilt the fit
    weight = (np.linalg.norm(lab - column_medians(lab), axis=1) < 25.0).astype(np.float64)
    if weight.sum() < 12:
        weight[:] = 1.0
    coef = np.zeros((6, 3))
    lab = lab.astype(np.float64)
    for _ in range(ROBUST_ROUNDS):  # least absolute deviations (reweighted least squares)
        coef = _least_squares(design * weight[:, None], lab * weight[:, None])
        weight = (weight > 0) / np.sqrt(np.maximum(row_norm(lab - design @ coef), 1.0))
    dev = row_norm(lab - design @ coef)
    for _ in range(2):
        keep = np.flatnonzero(dev < 8.0)  # gathered by index: the same rows as a boolean mask, faster
        if keep.size < 12:
            break
        coef = _least_squares(np.take(design, keep, axis=0), np.take(lab, keep, axis=0))
        dev = row_norm(lab - design @ coef)
    return {"coef": coef, "dev": dev, "shape": (h, w)}
