"""The band fit: colour profiles across a card's edge as face | band | background.

Each model is two blurred steps (:mod:`cardface.oblique.edgemodel`): where the face ends and
where a band of width w ends; the face's and the band's colours are shared by every line across
a side, the background's is free per line (next to stripes, checks or a photo every line sees
a different background). Many (shift, width, blur) models are solved at once by least squares
(:func:`fit_band`), against a plain step (:func:`fit_step`); the profiles may be fitted as a
JPEG holds them, the colour at half resolution (``chroma_px``). Used by
:mod:`cardface.oblique.wall` (one side's band) and :mod:`cardface.oblique.evidence`."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from cardface.oblique.edgemodel import YCC as _YCC
from cardface.oblique.edgemodel import distinct_steps
from cardface.oblique.edgemodel import normal_cdf as _logistic


@dataclass(frozen=True)
class BandFit:
    s0: float
    width: float
    sigma: float
    rss_step: float
    rss_band: float
    sigma_step: float
    face: np.ndarray
    band: np.ndarray | None
    bg: np.ndarray


def lines_of(profile: np.ndarray) -> np.ndarray:
    """Profiles as (lines, samples, 3) floats (one profile (samples, 3) is one line)."""
    P = np.asarray(profile, np.float64)
    return P[None] if P.ndim == 2 else P


def _fit_models(Y: np.ndarray, A: tuple[np.ndarray, ...], b: np.ndarray, b_of: np.ndarray | None = None):
    """Least squares for many models at once: every line of ``Y`` (L, n, 3) is the sum of the parts
    ``A`` (k weights (M, n), shared by all lines: the face, the band) times colours ``theta``, plus a
    background weight (n,) times a colour of its own (the background, which differs from line to
    line on stripes, checks or a photo). The background weights are the rows of ``b`` (U, n),
    model m using row ``b_of[m]`` (default: row m): many models share one (every band whose far
    edge lies at the same offset), and the costliest term, sum over lines and channels of
    (b . y)^2, is computed once per distinct row. Returns (residual (M,), shared colours theta
    (M, k, 3), mean background (M, 3))."""
    L, n, _ = Y.shape
    k = len(A)
    Ym = Y.mean(axis=0)
    # sum over lines and channels of (b . y)^2 = |b Yf|^2, Yf the profiles as (n, lines x channels)
    # (einsum, not @: a multi-threaded BLAS on a busy machine costs more than it saves at these sizes)
    Yf = Y.transpose(1, 0, 2).reshape(n, -1)
    bY = np.einsum("un,nj->uj", b, Yf)
    q = (b * b).sum(axis=1) + 1e-9
    bby = np.einsum("uj,uj->u", bY, bY) / q
    bYm = np.einsum("un,nc->uc", b, Ym)
    if b_of is not None:
        b, q, bby, bYm = b[b_of], q[b_of], bby[b_of], bYm[b_of]
    total = (Y**2).sum() - bby
    # the normal equations with the background projected out, one (k, k) system per model
    Ab = np.stack([np.einsum("mn,mn->m", a, b) for a in A], axis=1)
    AtA = np.empty((len(b), k, k))
    for i in range(k):
        for j in range(i, k):
            AtA[:, i, j] = AtA[:, j, i] = np.einsum("mn,mn->m", A[i], A[j])
    AtA -= Ab[:, :, None] * Ab[:, None, :] / q[:, None, None]
    AtA += 1e-6 * np.eye(k)
    AtY = np.stack([np.einsum("mn,nc->mc", a, Ym) for a in A], axis=1) - Ab[:, :, None] * bYm[:, None, :] / q[:, None, None]
    theta = np.linalg.solve(AtA, AtY)
    rss = total - L * np.einsum("mkc,mkc->m", theta, AtY)
    bg = (bYm - np.einsum("mk,mkc->mc", Ab, theta)) / q[:, None]
    return rss, theta, bg


def band_basis(s: np.ndarray, S0: np.ndarray, W: np.ndarray, SG: np.ndarray):
    """(face, band, background) weights (M, n) at offsets ``s`` of the face | band | background
    model, one row per (shift, width, sigma): blurred steps at the face's edge and the band's."""
    x = s[None, :]
    phi_f = _logistic((S0[:, None] - x) / SG[:, None])
    phi_b = _logistic((x - S0[:, None] - W[:, None]) / SG[:, None])
    return phi_f, np.clip(1.0 - phi_f - phi_b, 0.0, 1.0), phi_b


def band_models(Y: np.ndarray, s: np.ndarray, S0: np.ndarray, W: np.ndarray, SG: np.ndarray):
    """Residuals and colours (face, band, background) of face | band | background models, one per
    (shift, width, sigma) triple, over lines ``Y`` (L, n, 3) sharing the face and band colours.
    (The weights of :func:`band_basis`, each distinct step computed once:
    :func:`cardface.oblique.edgemodel.distinct_steps`.)"""
    fu, fi = distinct_steps(s, S0, SG, rising=False)
    bu, bi = distinct_steps(s, S0 + W, SG, rising=True)
    phi_f = fu[fi]
    phi_m = np.clip(1.0 - phi_f - bu[bi], 0.0, 1.0)
    rss, theta, bg = _fit_models(Y, (phi_f, phi_m), bu, bi)
    return rss, np.concatenate([theta, bg[:, None, :]], axis=1)


def ycc_models(Y: np.ndarray, s: np.ndarray, S0: np.ndarray, W: np.ndarray, SG: np.ndarray, chroma_px: float):
    """:func:`band_models` on lines in YCbCr (``Y`` (L, n, 3)) as a JPEG holds them: the brightness
    blurred by ``SG``, the colour (half resolution) by ``chroma_px`` more; RGB lines when 0."""
    if chroma_px <= 0:
        return band_models(Y, s, S0, W, SG)
    r1, c1 = band_models(Y[:, :, :1], s, S0, W, SG)
    r2, c2 = band_models(Y[:, :, 1:], s, S0, W, np.hypot(SG, chroma_px))
    return r1 + r2, np.concatenate([c1, c2], axis=2)


def fit_band(profile: np.ndarray, s: np.ndarray, widths: np.ndarray, shifts: np.ndarray,
             sigmas: np.ndarray, refine_px: float = 0.0625, chroma_px: float = 0.0, stride: int = 1) -> BandFit:
    """Least-squares fit of face | band (width w) | background to colour profiles sampled at
    offsets ``s`` (px, outward): ``profile`` is (n, 3), or (lines, n, 3) across the side, the
    face and the band shared by every line and the background free per line. Every (shift,
    width, sigma) of the grids is tried, then the best shift and width are refined to
    ``refine_px`` around it (and round the best of each width's own best shift, when that fits
    clearly better: :func:`_best_shift_per_width`) (sub-pixel: a band of 1.5-3 px is measured to a tenth of a pixel,
    not to the grid's step). ``chroma_px`` > 0 fits the profiles as a JPEG holds them (its colour
    at half resolution, blurred that much more than its brightness: see :func:`ycc_models`);
    ``sigma`` is then the brightness's blur. ``stride`` > 1 tries every ``stride``-th shift and
    width first, then the grid's own step within ``stride`` steps of the best (a wide search at a
    bounded cost: the models grow with the square of the widths searched). Returns the best band
    model and the best plain step (w = 0), colours in RGB."""
    Y = lines_of(profile)
    if chroma_px > 0:
        Y = Y @ _YCC.T
    S0, W, SG = (a.ravel() for a in np.meshgrid(shifts[::stride], widths[::stride], sigmas, indexing="ij"))
    rss, coef = ycc_models(Y, s, S0, W, SG, chroma_px)
    i = int(np.argmin(rss))
    if stride > 1 and len(widths) > 1:
        near = np.arange(-stride, stride + 1) * float(widths[1] - widths[0])
        S1, W1 = (a.ravel() for a in np.meshgrid(np.clip(S0[i] + near, shifts[0], shifts[-1]),
                                                  np.clip(W[i] + near, widths[0], widths[-1]), indexing="ij"))
        SG1 = np.full(len(S1), SG[i])
        rss1, coef1 = ycc_models(Y, s, S1, W1, SG1, chroma_px)
        j = int(np.argmin(rss1))
        if rss1[j] < rss[i]:
            S0, W, SG, rss, coef, i = S1, W1, SG1, rss1, coef1, j
    best = (float(S0[i]), float(W[i]), float(SG[i]), float(rss[i]), coef[i])
    if refine_px > 0 and len(widths) > 1:
        dw = float(widths[1] - widths[0])
        fine = np.arange(-dw, dw + 1e-9, refine_px)

        def refined(start):
            S1, W1 = (a.ravel() for a in np.meshgrid(start[0] + fine, np.maximum(start[1] + fine, refine_px),
                                                      indexing="ij"))
            rss1, coef1 = ycc_models(Y, s, S1, W1, np.full(len(S1), start[2]), chroma_px)
            j = int(np.argmin(rss1))
            return start if rss1[j] >= start[3] else (float(S1[j]), float(W1[j]), start[2], float(rss1[j]), coef1[j])

        best = refined(best)
        if len(shifts) > 1:
            # every width's own best shift (see _best_shift_per_width): a start that already leaves
            # under SWITCH_GAIN of the refined winner's residual is refined too and replaces it
            step = float(shifts[1] - shifts[0]) * stride  # the first grid's shift step
            other = _best_shift_per_width(Y, s, S0, W, SG, rss, step, chroma_px)
            if other[3] < SWITCH_GAIN * best[3]:
                best = refined(other)
    rss_step, sigma_step, _, _ = fit_step(Y, s, shifts, sigmas, chroma_px, ycc=True)
    c = best[4] @ np.linalg.inv(_YCC).T if chroma_px > 0 else best[4]
    return BandFit(best[0], best[1], best[2], max(rss_step, 1e-9), max(best[3], 1e-9), sigma_step, c[0], c[1], c[2])


#: how finely each width's best grid shift is searched again (px), within half a grid step of it
SHIFT_REFINE_PX = 0.125
#: a width's own best shift replaces the grid winner's refined model only when it leaves under this
#: share of that model's residual: blur and pixels are modelled, not exact, so two solutions a few
#: per cent apart are alike (a 1.6 px band drawn with a 0.5 px blur
#: fits 1.44 px at 1 % less residual than 1.6 px), while a band of the wrong width next to a
#: dark surface leaves nearly twice the residual of the right one (41,900 against 22,700)
SWITCH_GAIN = 0.9
#: the widths searched again: those whose best grid residual is within this factor of the best
#: (the dark-surface wall's true width, its edge misplaced by the grid, left 1.4 x the winner's)
SEARCH_WITHIN = 3.0


def _best_shift_per_width(Y, s, S0, W, SG, rss, shift_step: float, chroma_px: float) -> tuple:
    """The best model of the grid (shift, width and sigma arrays and their residuals) once every
    width's best shift is searched again in steps of SHIFT_REFINE_PX within half a grid step of
    it: (shift, width, sigma, residual, colours).

    Where a white face meets a dark surface, the residual changes so steeply with where the face's
    edge is placed that a quarter-pixel off the edge costs more than a band of the wrong width: on
    the grid's shifts alone a 1 px band placed well could win over the true 3-4 px band whose best
    shift falls between two grid shifts (a 3.2 px wall read as 1 px, so a real card as paper), and
    the refinement searches only round a start. So each width gets its own best shift first."""
    order = np.lexsort((rss, W))  # by width, then residual (stable: the first of equal residuals)
    ks = order[np.r_[True, W[order][1:] != W[order][:-1]]]  # each width's best grid model
    ks = ks[rss[ks] <= SEARCH_WITHIN * float(rss.min())]  # widths far worse on the grid stay out
    fine = np.arange(-shift_step / 2, shift_step / 2 + 1e-9, SHIFT_REFINE_PX)
    S1 = (S0[ks][:, None] + fine[None, :]).ravel()
    W1 = np.repeat(W[ks], len(fine))
    SG1 = np.repeat(SG[ks], len(fine))
    rss1, coef1 = ycc_models(Y, s, S1, W1, SG1, chroma_px)  # never empty: the grid's best width is searched
    j = int(np.argmin(rss1))
    return float(S1[j]), float(W1[j]), float(SG1[j]), float(rss1[j]), coef1[j]


def fit_step(profile: np.ndarray, s: np.ndarray, shifts: np.ndarray, sigmas: np.ndarray, chroma_px: float = 0.0,
             ycc: bool = False) -> tuple[float, float, np.ndarray, np.ndarray]:
    """The best plain step face | background (the background free per line, as in
    :func:`fit_band`): (residual, blur sigma px, face colour, mean background colour).
    ``chroma_px`` as in :func:`fit_band` (``ycc``: the profile is already in YCbCr)."""
    Y = lines_of(profile)
    if chroma_px > 0 and not ycc:
        Y = Y @ _YCC.T
    S0, SG = (a.ravel() for a in np.meshgrid(shifts, sigmas, indexing="ij"))

    def step(Yc: np.ndarray, sg: np.ndarray):
        pf = _logistic((S0[:, None] - s[None, :]) / sg[:, None])
        return _fit_models(Yc, (pf,), 1.0 - pf)

    if chroma_px <= 0:
        rss, theta, bg = step(Y, SG)
        j = int(np.argmin(rss))
        return float(rss[j]), float(SG[j]), theta[j, 0], bg[j]
    r1, t1, b1 = step(Y[:, :, :1], SG)
    r2, t2, b2 = step(Y[:, :, 1:], np.hypot(SG, chroma_px))
    rss = r1 + r2
    j = int(np.argmin(rss))
    inv = np.linalg.inv(_YCC).T
    return float(rss[j]), float(SG[j]), np.r_[t1[j, 0], t2[j, 0]] @ inv, np.r_[b1[j], b2[j]] @ inv


def line_residuals(profile: np.ndarray, s: np.ndarray, fit: BandFit, chroma_px: float = 0.0) -> np.ndarray:
    """Each line's residual (lines, ) under the fitted band model, its background its own. With
    ``chroma_px`` > 0 in YCbCr as :func:`fit_band` fits it (the colour blurred that much more
    than the brightness), so that the lines are ranked by the model that was fitted."""
    Y = lines_of(profile)
    band = fit.band if fit.band is not None else np.zeros(3)
    parts = [(slice(0, 3), fit.sigma, fit.face, band)]
    if chroma_px > 0:
        Y = Y @ _YCC.T
        face, band = _YCC @ fit.face, _YCC @ band
        parts = [(slice(0, 1), fit.sigma, face, band), (slice(1, 3), float(np.hypot(fit.sigma, chroma_px)), face, band)]
    out = np.zeros(len(Y))
    for ch, sigma, face, band in parts:
        phi_f, phi_m, phi_b = (w[0] for w in band_basis(s, np.array([fit.s0]), np.array([fit.width]),
                                                          np.array([sigma])))
        r = Y[:, :, ch] - (phi_f[:, None] * face[ch] + phi_m[:, None] * band[ch])[None]
        bg = np.einsum("n,lnc->lc", phi_b, r) / max(float(phi_b @ phi_b), 1e-9)
        out += ((r - phi_b[None, :, None] * bg[:, None, :]) ** 2).sum(axis=(1, 2))
    return out
