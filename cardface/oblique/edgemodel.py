"""The edge model shared by the band fit (:mod:`cardface.oblique.bandfit`) and the sub-pixel wall
fit (:mod:`cardface.oblique.subpixel`): a step blurred by a Gaussian (the normal CDF), and JPEG's
YCbCr, in which the profiles are fitted as a JPEG holds them."""

from __future__ import annotations

import numpy as np

# JPEG's YCbCr (ITU-R BT.601, full range): rows Y, Cb, Cr from R, G, B (offsets left out)
YCC = np.array([[0.299, 0.587, 0.114], [-0.168736, -0.331264, 0.5], [0.5, -0.418688, -0.081312]])


def normal_cdf(x: np.ndarray) -> np.ndarray:
    """The standard normal CDF (erf by Abramowitz & Stegun 7.1.26, error < 2e-7)."""
    z = np.abs(x) / np.sqrt(2.0)
    t = 1.0 / (1.0 + 0.3275911 * z)
    poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))))
    erf = 1.0 - poly * np.exp(-z * z)
    return 0.5 * (1.0 + np.sign(x) * erf)


def distinct_steps(s: np.ndarray, at: np.ndarray, sigma: np.ndarray, rising: bool) -> tuple[np.ndarray, np.ndarray]:
    """Blurred steps (:func:`normal_cdf`) at offsets ``s`` for each (position ``at``, blur
    ``sigma``) pair, each distinct pair computed once: (steps (U, n), the row of each pair (M,)).
    Falling (1 -> 0) at ``at``; ``rising``: 0 -> 1. A grid of shifts and widths puts many
    models' edges at one offset."""
    keys, row = np.unique(at + 1j * sigma, return_inverse=True)  # (complex: one sort, by position then blur)
    d = (s[None, :] - keys.real[:, None]) if rising else (keys.real[:, None] - s[None, :])
    return normal_cdf(d / keys.imag[:, None]), row.ravel()
