"""Snap a quadrilateral's sides to the image's edges, with sub-pixel line fits.

For each side, grey-level profiles across the side are sampled; in each profile the
significant gradient peak nearest the current line is taken (parabolic sub-pixel
interpolation), and a robust line is fitted through those peaks. Corners are the
intersections of the fitted lines, so rounded card corners do not matter.
"""

from __future__ import annotations

import numpy as np

from cardface.oblique.candidates import _intersect


def snap_quad(gray: np.ndarray, quad: np.ndarray, search: float = 0.015, samples: int = 24,
              min_grad: float = 6.0) -> np.ndarray:
    """``quad`` (4x2, any order, clockwise or not) with each side moved onto the nearest
    strong straight edge within ``search`` x side length (at least 3 px)."""
    import cv2

    q = np.asarray(quad, np.float64).reshape(4, 2)
    g = cv2.GaussianBlur(gray, (0, 0), 0.8).astype(np.float32)
    lines = []
    for i in range(4):
        a, b = q[i], q[(i + 1) % 4]
        d = b - a
        length = float(np.hypot(*d))
        if length < 8:
            return q
        u = d / length
        nrm = np.array([-u[1], u[0]])
        r = max(3.0, search * length)
        offs = np.arange(-r, r + 0.5, 0.5)
        ts = np.linspace(0.12, 0.88, samples)
        base = a[None, :] + ts[:, None] * d[None, :]
        px = base[:, None, :] + offs[None, :, None] * nrm[None, None, :]
        mapx = px[:, :, 0].astype(np.float32)
        mapy = px[:, :, 1].astype(np.float32)
        prof = cv2.remap(g, mapx, mapy, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
        grad = np.abs(np.gradient(prof, axis=1)) / 0.5  # grey levels per px
        pts = []
        for j in range(samples):
            gj = grad[j]
            m = float(gj.max())
            if m < min_grad:
                continue
            peaks = np.where((gj[1:-1] >= gj[:-2]) & (gj[1:-1] > gj[2:]) & (gj[1:-1] >= 0.35 * m))[0] + 1
            if len(peaks) == 0:
                continue
            k = peaks[np.argmin(np.abs(offs[peaks]))]
            y0, y1, y2 = gj[k - 1], gj[k], gj[k + 1]
            den = y0 - 2 * y1 + y2
            sub = 0.5 * (y0 - y2) / den if abs(den) > 1e-6 else 0.0
            o = offs[k] + 0.5 * float(np.clip(sub, -1, 1))
            pts.append(base[j] + o * nrm)
        if len(pts) < 0.4 * samples:
            lines.append((a, u))
            continue
        pts = np.array(pts, np.float32)
        vx, vy, x0, y0 = cv2.fitLine(pts, cv2.DIST_HUBER, 0, 0.01, 0.01).ravel()
        res = np.abs((pts[:, 0] - x0) * vy - (pts[:, 1] - y0) * vx)
        inl = res < 1.0
        if inl.sum() < 0.4 * samples:
            lines.append((a, u))  # the peaks do not make one straight edge: keep the side
            continue
        vx, vy, x0, y0 = cv2.fitLine(pts[inl], cv2.DIST_L2, 0, 0.01, 0.01).ravel()
        lines.append((np.array([x0, y0], np.float64), np.array([vx, vy], np.float64)))
    out = []
    for i in range(4):
        p = _intersect(lines[(i - 1) % 4], lines[i])
        if p is None:
            return q
        out.append(p)
    out = np.array(out)
    size = np.sqrt(abs(cv2.contourArea(q.astype(np.float32))))
    if np.max(np.linalg.norm(out - q, axis=1)) > 0.12 * size:
        return q
    return out
