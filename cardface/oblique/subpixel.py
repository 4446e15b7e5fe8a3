"""A card's wall narrower than a pixel, measured by how much of the core's colour tints the edge.

At 20-25° of tilt with the card close to the camera, a 0.76 mm wall is 0.3-0.9 px wide in the
photo: too narrow for a band of its own (``evidence.measure_side`` fits face | band |
background with the band's colour free, and for a band much narrower than the blur only the
band's width times its colour is seen). The wall still puts the layout's core colour into the
pixels along the edge. Fitted over every line across the side (24 lines of 40-60 samples,
hundreds of pixels), the model

    face | wall of width w, colour k x core | background (per line)

with the wall's colour held to the core's (as photographed: the layout's core colour times
the light that the face beside it shows; ``k`` the wall's shading against the face's, about
0.5-1.1), has two unknowns where the free band has four: its width and its shading. They are
told apart because a wall both adds the core's colour and pushes the background a width w
outward (a band of paler core colour would have to be wider, and shifts the background by
more). The fit is in YCbCr as a JPEG holds it (the colour blurred ``chroma_px`` more than the
brightness), the blur measured beforehand on the sides where no wall shows.

Returned per side: the width ``width_px`` (and so a thickness through the pose), the shading
``gain``, the core's amount ``core_px`` = width x gain (px of full-strength core colour) and
the gain over a plain step in residual. The verdict (``evidence``) asks for the width, the
shading and the core's amount to agree with a 0.76 mm wall at the measured pose.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from cardface.oblique.edgemodel import YCC, distinct_steps


def solve_spd(A: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Solve ``A x = b`` for a stack of small symmetric positive definite systems (``A`` (M, k, k),
    ``b`` (M, k)) by Gaussian elimination over the stack (no pivoting: A is positive definite).
    LAPACK's batched solve goes through a multi-threaded BLAS whose threads, on a busy machine,
    cost 2-4 x the work itself at these sizes (4 x 4); this stays on one thread."""
    A = np.array(A, np.float64)
    x = np.array(b, np.float64)
    k = A.shape[1]
    for i in range(k - 1):
        f = A[:, i + 1:, i] / A[:, i, i][:, None]
        A[:, i + 1:, i:] -= f[:, :, None] * A[:, i, None, i:]
        x[:, i + 1:] -= f * x[:, i, None]
    for i in range(k - 1, -1, -1):
        x[:, i] = (x[:, i] - np.einsum("mj,mj->m", A[:, i, i + 1:], x[:, i + 1:])) / A[:, i, i]
    return x


@dataclass(frozen=True)
class CoreWall:
    """A wall of the core's colour fitted at sub-pixel width on one side."""

    width_px: float  # the wall's width (px)
    gain: float  # its colour as a multiple of the core's under the face's light (its shading)
    core_px: float  # width_px x gain: px of full-strength core colour the edge holds
    shift_px: float  # where the face ends, from the located outline (px, outward)
    fit_ratio: float  # residual of a plain step / residual of the core wall model
    rss: float


def fit_core_wall(profile: np.ndarray, s: np.ndarray, core_rgb: np.ndarray, sigma_px: float, chroma_px: float,
                  shifts: np.ndarray, widths: np.ndarray) -> CoreWall:
    """Least-squares fit of face | wall (width w, colour k x ``core_rgb``) | background to the
    lines ``profile`` (lines, samples, 3 RGB) sampled at offsets ``s`` (px, outward from the
    located edge): the face's colour shared by all lines, the background free per line, the
    brightness blurred by ``sigma_px`` and the colour by ``chroma_px`` more. Every (shift, width)
    of the grids is tried, the best refined to 1/16 px. ``core_rgb`` is the core's colour as
    it would look under the face's light."""
    Y = np.asarray(profile, np.float64)
    Y = (Y[None] if Y.ndim == 2 else Y) @ YCC.T
    core = YCC @ np.asarray(core_rgb, np.float64)
    sig = (sigma_px, float(np.hypot(sigma_px, chroma_px)))

    def steps(at: np.ndarray, sg: float, rising: bool) -> np.ndarray:
        u, row = distinct_steps(s, at, np.full(len(at), sg), rising)
        return u[row]

    def solve(S0: np.ndarray, W: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        L = len(Y)
        M = len(S0)
        # normal equations over (face Y, Cb, Cr, k) with each line's background projected out
        AtA = np.zeros((M, 4, 4))
        Aty = np.zeros((M, 4))
        total = np.zeros(M)
        parts: dict[float, tuple] = {}
        for c in range(3):
            sg = sig[0] if c == 0 else sig[1]
            if sg not in parts:  # Cb and Cr share the colour's blur, so its steps and their products
                pf = steps(S0, sg, rising=False)
                pb = steps(S0 + W, sg, rising=True)
                pm = np.clip(1.0 - pf - pb, 0.0, 1.0)
                q = (pb * pb).sum(axis=1) + 1e-9
                fb, mb = (pf * pb).sum(axis=1), (pm * pb).sum(axis=1)
                ff = (pf * pf).sum(axis=1) - fb * fb / q
                fm = (pf * pm).sum(axis=1) - fb * mb / q
                mm = (pm * pm).sum(axis=1) - mb * mb / q
                parts[sg] = (pf, pb, pm, q, fb, mb, ff, fm, mm)
            pf, pb, pm, q, fb, mb, ff, fm, mm = parts[sg]
            yc = Y[:, :, c]  # (L, n)
            by = np.einsum("mn,ln->ml", pb, yc)  # (M, L) (einsum, not @: one thread, as solve_spd)
            total += (yc * yc).sum() - (by * by).sum(axis=1) / q
            ym = yc.sum(axis=0)  # (n,) summed over lines
            bym = by.sum(axis=1)
            fy = np.einsum("mn,n->m", pf, ym) - fb * bym / q
            my = np.einsum("mn,n->m", pm, ym) - mb * bym / q
            AtA[:, c, c] = L * ff
            AtA[:, c, 3] = AtA[:, 3, c] = L * core[c] * fm
            AtA[:, 3, 3] += L * core[c] ** 2 * mm
            Aty[:, c] = fy
            Aty[:, 3] += core[c] * my
        AtA += 1e-6 * np.eye(4)
        theta = solve_spd(AtA, Aty)
        return total - np.einsum("mk,mk->m", theta, Aty), theta

    def best(S: np.ndarray, W: np.ndarray) -> tuple[np.ndarray, np.ndarray, int]:
        rss, th = solve(S, W)
        rss = np.where(th[:, 3] > 0, rss, np.inf)  # a wall adds the core's colour, never takes it away
        return rss, th, int(np.argmin(rss))

    S0, W = (a.ravel() for a in np.meshgrid(shifts, widths, indexing="ij"))
    rss, th, i = best(S0, W)
    if np.isfinite(rss[i]):
        fine = np.arange(-0.25, 0.25 + 1e-9, 0.0625)
        S1, W1 = (a.ravel() for a in np.meshgrid(S0[i] + fine, np.maximum(W[i] + fine, 0.0625), indexing="ij"))
        rss1, th1, j = best(S1, W1)
        if rss1[j] < rss[i]:
            S0, W, rss, th, i = S1, W1, rss1, th1, j
    step, _ = solve(shifts, np.zeros(len(shifts)))
    rss_step = float(np.min(step))
    if not np.isfinite(rss[i]):
        return CoreWall(0.0, 0.0, 0.0, 0.0, 1.0, rss_step)
    k = float(th[i, 3])
    return CoreWall(float(W[i]), k, float(W[i]) * k, float(S0[i]), rss_step / max(float(rss[i]), 1e-9), float(rss[i]))


@dataclass(frozen=True)
class SubpixelWall:
    """What the edge shows where a card's wall would be under a pixel wide (see the module)."""

    side: int  # the side where the wall would be widest
    wall: CoreWall
    thickness_mm: float  # wall.width_px through the pose
    band_rgb: tuple[int, int, int]  # the band's own colour at the fitted width (free fit), as photographed
    face_rgb: tuple[int, int, int]  # the face beside it, as fitted with that band
    hidden_core_px: float  # the most core colour a side where no wall can show holds (a printed line)
