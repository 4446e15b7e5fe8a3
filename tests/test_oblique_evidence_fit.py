"""The band fit's and the pixel-grid spectrum's fast paths give what the plain computations give:
each model fitted on its own by least squares, each ring's median taken on its own, and a wide
border search on a coarse grid finding the band the full grid finds."""

from __future__ import annotations

import numpy as np
import pytest

from cardface.oblique.bandfit import _fit_models, band_basis, band_models, fit_band
from cardface.oblique.surface import _ring_medians, _spectrum_rings


def _profiles(rng, lines=6, n=40):
    s = np.arange(-6, -6 + 0.5 * n, 0.5)
    v = np.where(s < 0, 200.0, np.where(s < 3.0, 60.0, 120.0))
    Y = v[None, :, None] * np.array([1.0, 0.9, 0.7]) + rng.normal(0, 4, (lines, n, 3))
    Y[:, s >= 3.0] += rng.normal(0, 20, (lines, 1, 3))  # a background of its own per line
    return s, Y


def test_band_models_equal_each_model_fitted_on_its_own():
    rng = np.random.default_rng(1)
    s, Y = _profiles(rng)
    S0, W, SG = (a.ravel() for a in np.meshgrid(np.arange(-1, 1.01, 0.5), np.arange(0.5, 5, 0.5), [0.6, 1.1],
                                                indexing="ij"))
    rss, coef = band_models(Y, s, S0, W, SG)
    phi_f, phi_m, phi_b = band_basis(s, S0, W, SG)
    L, n, _ = Y.shape
    for m in rng.choice(len(S0), 12, replace=False):
        # unknowns: face and band colours shared by the lines, one background colour per line
        X = np.zeros((L * n, 2 + L))
        X[:, 0], X[:, 1] = np.tile(phi_f[m], L), np.tile(phi_m[m], L)
        for i in range(L):
            X[i * n:(i + 1) * n, 2 + i] = phi_b[m]
        sol, *_ = np.linalg.lstsq(X, Y.reshape(L * n, 3), rcond=None)
        assert rss[m] == pytest.approx(((Y.reshape(L * n, 3) - X @ sol) ** 2).sum(), rel=1e-4)  # (the fit adds a 1e-6 ridge)
        np.testing.assert_allclose(coef[m, :2], sol[:2], atol=0.05)
        np.testing.assert_allclose(coef[m, 2], sol[2:].mean(axis=0), atol=0.05)


def test_shared_background_rows_equal_the_rows_written_out():
    rng = np.random.default_rng(2)
    s, Y = _profiles(rng)
    b = rng.random((5, len(s)))
    of = rng.integers(0, 5, 17)
    A = (rng.random((17, len(s))), rng.random((17, len(s))))
    for x, y in zip(_fit_models(Y, A, b, of), _fit_models(Y, A, b[of]), strict=True):
        np.testing.assert_allclose(x, y, rtol=1e-10)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_ring_medians_equal_the_median_of_each_ring(dtype):
    _, _, ring, rings, first, count = _spectrum_rings(64)
    mag = np.random.default_rng(3).random(ring.size).astype(dtype)
    want = np.array([np.median(mag[ring == r]) for r in rings])
    np.testing.assert_array_equal(_ring_medians(mag, ring, first, count), want)


def test_a_wide_search_on_a_coarse_grid_finds_the_band_the_full_grid_finds():
    import cv2

    ss = 16
    x = np.arange(-20, 40, 1 / ss)
    s = np.arange(-14, 30, 0.5)
    v = np.where(x < -1.3, 220.0, np.where(x < 8.9, 35.0, 150.0)).astype(np.float32)  # a 10.2 px band
    v = cv2.GaussianBlur(v[None, :], (0, 0), 0.7 * ss)[0]
    p = np.interp(s, x, v)
    prof = np.stack([p, p * 0.9, p * 0.8], 1)
    args = (s, np.arange(0.5, 16, 0.5), np.arange(-12.5, 3.01, 0.5), np.array([0.7]))
    full, coarse = fit_band(prof, *args), fit_band(prof, *args, stride=3)
    assert coarse.width == pytest.approx(full.width, abs=1e-9) and coarse.s0 == pytest.approx(full.s0, abs=1e-9)
    assert full.width == pytest.approx(10.2, abs=0.1)


@pytest.mark.parametrize("chroma_px", [0.0, 0.8])
def test_line_residuals_rank_lines_by_the_model_that_was_fitted(chroma_px):
    """The per-line residuals add up to the fitted band model's own residual (in YCbCr, with the
    colour's wider blur, when the fit was), so the trimmed refit drops the lines that fit worst."""
    from cardface.oblique.bandfit import line_residuals

    rng = np.random.default_rng(4)
    s, Y = _profiles(rng)
    Y[:, :, 2] += np.where(s < 0, 0, 40)[None, :]  # some colour across the edge
    fit = fit_band(Y, s, np.arange(0.5, 6, 0.5), np.arange(-2, 2.01, 0.5), np.array([0.8]), chroma_px=chroma_px)
    r = line_residuals(Y, s, fit, chroma_px)
    assert r.shape == (len(Y),)
    assert r.sum() == pytest.approx(fit.rss_band, rel=1e-3)
