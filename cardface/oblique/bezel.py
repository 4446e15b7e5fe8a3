"""A phone's bezel round a card shown on its screen.

A card's picture on a phone lies in the screen's plane, so the card's homography maps the
screen too. Seen in the card's own millimetres (the photo rectified by that homography), a
phone that shows the card across its width has its black bezel running straight past both
of the card's short sides (or both long sides, a phone held the other way), a few mm out,
the whole height of the view: a dark, uniform, narrow stripe on each side, beyond the
card's corners as well as beside it. A real card's surroundings (a table, a pattern, a hand)
do not put such a pair of stripes at both of its sides.
"""

from __future__ import annotations

import numpy as np

from cardface.oblique.config import card_size
from cardface.oblique.geometry import Quad


def _strip(img: np.ndarray, quad: Quad, along: np.ndarray, across: np.ndarray, vertical: bool) -> np.ndarray:
    """Grey levels of the photo on a grid of card mm: ``across`` (outward) x ``along`` the side;
    NaN where the grid leaves the photo or passes behind the camera."""
    import cv2

    A, B = np.meshgrid(across, along, indexing="ij")
    uv = np.c_[A.ravel(), B.ravel()] if vertical else np.c_[B.ravel(), A.ravel()]
    h = quad.homography()
    q = np.c_[uv, np.ones(len(uv))] @ h.T
    ok = q[:, 2] > 1e-9
    p = q[:, :2] / np.where(ok, q[:, 2], 1.0)[:, None]
    H, W = img.shape[:2]
    ok &= (p[:, 0] >= 0) & (p[:, 0] <= W - 1) & (p[:, 1] >= 0) & (p[:, 1] <= H - 1)
    p = np.where(ok[:, None], p, 0).astype(np.float32).reshape(len(across), len(along), 2)
    v = cv2.remap(img, p[..., 0], p[..., 1], cv2.INTER_LINEAR).astype(np.float32)
    v = v.mean(axis=2) if v.ndim == 3 else v
    return np.where(ok.reshape(v.shape), v, np.nan)


def _dark_run_mm(vals: np.ndarray, across: np.ndarray, lim: dict) -> float:
    """Width (mm) of the first run of dark, uniform lines (each ``vals`` row is one line along
    the side, at ``across`` mm outside it) that starts within ``bezel_start_mm`` of the side and
    ends before ``reach_mm`` (something lighter beyond it); 0 when there is none."""
    valid = np.isfinite(vals).mean(axis=1) >= float(lim["bezel_min_coverage"])
    srt = np.sort(vals, axis=1)  # NaN (out of the photo) sorts last
    n = np.maximum(np.isfinite(vals).sum(axis=1), 1)
    rows = np.arange(len(vals))

    def q(f: float) -> np.ndarray:
        return srt[rows, np.floor(f * (n - 1)).astype(int)]

    level, spread = q(0.5), q(0.9) - q(0.1)
    dark = valid & (level <= float(lim["bezel_max_level"])) & (spread <= float(lim["bezel_max_spread"]))
    idx = np.flatnonzero(dark)
    if len(idx) == 0 or across[idx[0]] > float(lim["bezel_start_mm"]):
        return 0.0
    i0 = idx[0]
    i1 = i0
    while i1 + 1 < len(dark) and dark[i1 + 1]:
        i1 += 1
    if i1 + 1 >= len(dark) or not valid[i1 + 1]:
        return 0.0  # the dark run does not end in view: a dark surface, not a bezel
    # ... and it ends in a step up (the phone's body or what lies behind it), not by a dark
    # surface's shading drifting past the level
    n_after = max(1, round(2.0 / float(lim["bezel_step_mm"])))  # 2 mm past the run
    after = np.where(valid[i1 + 1:i1 + 1 + n_after], level[i1 + 1:i1 + 1 + n_after], -np.inf)
    if after.max() < np.median(level[i0:i1 + 1]) + float(lim["bezel_min_step"]):
        return 0.0
    return float(across[i1] - across[i0] + (across[1] - across[0]))


def bezel_mm(img: np.ndarray, quad: Quad, lim: dict) -> float:
    """The narrower of the two dark stripes found along a pair of opposite sides of the card
    (left and right, or top and bottom), mm of the card's scale; 0 when neither pair has one
    on both sides. ``lim``: the ``[screen]`` thresholds of ``evidence.toml``."""
    cs = card_size()
    step = float(lim["bezel_step_mm"])
    reach = float(lim["bezel_reach_mm"])
    beyond = float(lim["bezel_beyond_mm"])
    across = np.arange(step / 2, reach, step)
    best = 0.0
    for vertical, length, extent in ((True, cs.height_mm, cs.width_mm), (False, cs.width_mm, cs.height_mm)):
        along = np.arange(-beyond, length + beyond + 1e-9, step)
        runs = [_dark_run_mm(_strip(img, quad, along, -across, vertical), across, lim),
                _dark_run_mm(_strip(img, quad, along, extent + across, vertical), across, lim)]
        w = min(runs)
        if float(lim["bezel_min_mm"]) <= w:
            best = max(best, w)
    return best
