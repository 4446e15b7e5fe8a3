"""Fitting the smile model of :mod:`photo.expression` (used by scripts/train_expression.py and
bench/photo_accuracy.py, which fits one model per fold of people so that its figures are on
people the model never saw).

The model: the named geometry, teeth and blendshape features, plus the HOG of the aligned
lower face projected on its first ``n_hog`` principal components; standardised; an
L2-regularised logistic regression fitted by Newton's method. Each photo gives two rows, its
HOG and its mirror image's HOG, so the model is symmetric.
"""

from __future__ import annotations

import numpy as np

#: The named features of the model, in order (see :func:`photo.expression.raw_features`).
FEATURES = (
    "lift",
    "wide",
    "corner_vs_mid",
    "up_curv",
    "lo_curv",
    "eye_gap",
    "cheek",
    "cheek2",
    "corner_eye",
    "gap",
    "corner_depth",
    "lip_thick",
    "upper_h",
    "lower_h",
    "mouth_nose",
    "mouth_face",
    "corner_z_rel",
    "teeth",
    "bs_smile",
    "bs_upper_up",
    "bs_lower_down",
    "bs_dimple",
    "bs_stretch",
    "bs_press",
    "bs_squint",
    "bs_jaw_open",
    "bs_roll_lower",
    "bs_funnel",
)
N_HOG = 20
LAMBDA = 1.0  # person-split CV on the bench cases: 0.1 -> 77/115 smiles at 1 person refused, 1.0 -> 82/115


def fit_logistic(
    x: np.ndarray, y: np.ndarray, lam: float, weights: np.ndarray | None = None, iters: int = 50
) -> tuple[np.ndarray, float]:
    """L2-regularised logistic regression by Newton's method (x standardised; bias unpenalised;
    ``weights`` per row, default 1)."""
    wts = np.ones(len(y)) if weights is None else np.asarray(weights, float)
    n = wts.sum()
    xa = np.c_[x, np.ones(len(y))]
    w = np.zeros(xa.shape[1])
    pen = lam * np.r_[np.ones(x.shape[1]), 0.0]
    for _ in range(iters):
        p = 1 / (1 + np.exp(-(xa @ w)))
        g = xa.T @ (wts * (p - y)) / n + pen * w
        h = (xa.T * (wts * p * (1 - p))) @ xa / n + np.diag(pen) + 1e-9 * np.eye(len(w))
        step = np.linalg.solve(h, g)
        w -= step
        if np.abs(step).max() < 1e-8:
            break
    return w[:-1], float(w[-1])


def fit_model(
    features: list[dict[str, float]],
    hogs: np.ndarray,
    hogs_mirror: np.ndarray,
    labels: np.ndarray,
    names: tuple[str, ...] = FEATURES,
    *,
    n_hog: int = N_HOG,
    lam: float = LAMBDA,
    weights: np.ndarray | None = None,
) -> dict:
    """The model dict :func:`photo.expression.smile_score` reads, fitted on photos with
    ``labels`` 1 (smiling) and 0 (neutral). ``weights`` (per photo) balances photos that come
    in several variants, so each person counts once per expression."""
    y = np.asarray(labels, float)
    named = np.array([[f[n] for n in names] for f in features])
    both = np.r_[hogs, hogs_mirror]
    hog_mean = both.mean(axis=0)
    _, _, vt = np.linalg.svd(both - hog_mean, full_matrices=False)
    comps = vt[:n_hog]
    x = np.r_[np.c_[named, (hogs - hog_mean) @ comps.T], np.c_[named, (hogs_mirror - hog_mean) @ comps.T]]
    mu, sd = x.mean(axis=0), x.std(axis=0) + 1e-9
    yy = np.r_[y, y]
    wts = None if weights is None else np.r_[weights, weights]
    w, b = fit_logistic((x - mu) / sd, yy, lam, wts)
    return {
        "names": np.array(names),
        "hog_mean": hog_mean,
        "hog_components": comps,
        "mu": mu,
        "sd": sd,
        "w": w,
        "b": np.float64(b),
    }
