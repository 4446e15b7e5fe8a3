"""Where a card might be: quadrilaterals from edge and threshold contours, with sides refitted
as straight lines (so the rounded corners do not pull the corners inward).

Works on a down-scaled grey photo; every method is generic (no knowledge of how the photo was
made): Canny edges at two sensitivities and on colour, a local threshold for dark printed
frames, contours, convex hulls, polygon approximation and robust line fits.
"""

from __future__ import annotations

import numpy as np

from cardface.oblique.geometry import clockwise, is_convex


def _quads_from_hull(hull: np.ndarray) -> list[np.ndarray]:
    """Quadrilaterals for a convex hull: the polygon approximation when it has four corners,
    and the circumscribing quadrilateral got by repeatedly dropping the hull edge whose
    removal (extending its neighbours) adds the least area -- robust to rounded corners and
    to small bumps from whatever touches the outline."""
    import cv2

    out = []
    peri = cv2.arcLength(hull, True)
    for eps in (0.02, 0.04, 0.07):
        approx = cv2.approxPolyDP(hull, eps * peri, True)
        if len(approx) == 4:
            out.append(approx.reshape(4, 2).astype(np.float64))
            break
        if len(approx) < 4:
            break
    p = cv2.approxPolyDP(hull, 0.004 * peri, True).reshape(-1, 2).astype(np.float64)
    if len(p) < 4:
        return out
    if len(p) > 40:
        p = cv2.approxPolyDP(hull, 0.01 * peri, True).reshape(-1, 2).astype(np.float64)
    pts = [x for x in p]
    while len(pts) > 4:
        n = len(pts)
        best, best_i, best_x = None, -1, None
        for i in range(n):
            a, b, c, d = pts[(i - 1) % n], pts[i], pts[(i + 1) % n], pts[(i + 2) % n]
            x = _intersect((b, b - a), (c, d - c))
            if x is None:
                continue
            # x must lie beyond b along a->b and beyond c along d->c (the neighbours converge)
            if np.dot(x - b, b - a) < 0 or np.dot(x - c, c - d) < 0:
                continue
            added = 0.5 * abs((b[0] - x[0]) * (c[1] - x[1]) - (c[0] - x[0]) * (b[1] - x[1]))
            if best is None or added < best:
                best, best_i, best_x = added, i, x
        if best_x is None:
            return out
        i = best_i
        pts[i] = best_x
        del pts[(i + 1) % n]
    out.append(np.array(pts))
    return out


def _intersect(l1: tuple[np.ndarray, np.ndarray], l2: tuple[np.ndarray, np.ndarray]) -> np.ndarray | None:
    (p, d), (q, e) = l1, l2
    den = d[0] * e[1] - d[1] * e[0]
    if abs(den) < 1e-9:
        return None
    t = ((q[0] - p[0]) * e[1] - (q[1] - p[1]) * e[0]) / den
    return p + t * d


def fit_line(pts: np.ndarray, trim: float = 1.5) -> tuple[np.ndarray, np.ndarray]:
    """Total-least-squares line through points, refitted once without points farther than
    ``trim`` px: (point on the line, unit direction)."""
    p = np.asarray(pts, np.float64)
    for _ in range(2):
        c = p.mean(axis=0)
        _, _, vt = np.linalg.svd(p - c, full_matrices=False)
        d = vt[0]
        res = np.abs((p[:, 0] - c[0]) * d[1] - (p[:, 1] - c[1]) * d[0])
        keep = res < trim
        if keep.sum() < 5 or keep.all():
            break
        p = p[keep]
    return c, d


def refit_sides(quad: np.ndarray, points: np.ndarray, trim: float = 0.12) -> np.ndarray:
    """Refit each side of ``quad`` as the robust line through the contour ``points`` near its
    middle part, and return the four intersections (same order). Sides with too little
    support keep their original line."""
    import cv2

    q = np.asarray(quad, np.float64)
    pts = np.asarray(points, np.float64).reshape(-1, 2)
    lines = []
    for i in range(4):
        a, b = q[i], q[(i + 1) % 4]
        d = b - a
        length = float(np.hypot(*d))
        if length < 1e-6:
            return q
        u = d / length
        rel = pts - a
        t = rel @ u / length
        dist = np.abs(rel[:, 0] * u[1] - rel[:, 1] * u[0])
        tol = max(2.5, 0.03 * length)
        sel = (t > trim) & (t < 1 - trim) & (dist < tol)
        if sel.sum() >= max(8, 0.15 * length):
            lines.append(fit_line(pts[sel]))
        else:
            lines.append((a, u))
    out = []
    for i in range(4):
        p = _intersect(lines[(i - 1) % 4], lines[i])
        if p is None:
            return q
        out.append(p)
    out = np.array(out)
    # a refit that moves a corner far means the support was not the side: keep the original
    if np.max(np.linalg.norm(out - q, axis=1)) > 0.15 * np.sqrt(abs(cv2.contourArea(q.astype(np.float32)))):
        return q
    return out


def support(quad: np.ndarray, points: np.ndarray, bins: int = 16) -> np.ndarray:
    """For each side, the share of its length that has contour points on it (within 2 px or
    1.5 % of the side)."""
    q = np.asarray(quad, np.float64)
    pts = np.asarray(points, np.float64).reshape(-1, 2)
    out = np.zeros(4)
    for i in range(4):
        a, b = q[i], q[(i + 1) % 4]
        d = b - a
        length = float(np.hypot(*d))
        if length < 1e-6:
            return out
        u = d / length
        rel = pts - a
        t = rel @ u / length
        dist = np.abs(rel[:, 0] * u[1] - rel[:, 1] * u[0])
        sel = (t >= 0) & (t < 1) & (dist < max(2.0, 0.015 * length))
        if sel.any():
            out[i] = len(np.unique((t[sel] * bins).astype(int))) / bins
    return out


def edge_maps(rgb: np.ndarray, gray: np.ndarray):
    """Yield binary maps whose contours may outline a card, the cheapest and most reliable
    first: Canny edges at a contrast-adapted, a lower and a very low threshold, colour edges,
    and a local threshold (dark printed frames)."""
    import cv2

    blur = cv2.GaussianBlur(gray, (0, 0), 1.0)
    otsu, _ = cv2.threshold(blur, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    hi = max(40.0, float(otsu))
    kernel = np.ones((3, 3), np.uint8)
    yield cv2.dilate(cv2.Canny(blur, hi * 0.5, hi), kernel)
    block = int(max(15, (min(gray.shape) // 16) | 1))
    yield cv2.adaptiveThreshold(blur, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, block, 12)
    yield cv2.dilate(cv2.Canny(blur, hi * 0.2, hi * 0.4), kernel)
    lab = cv2.cvtColor(cv2.GaussianBlur(rgb, (0, 0), 1.0), cv2.COLOR_RGB2LAB)
    yield cv2.dilate(cv2.Canny(lab[:, :, 1], 6, 18) | cv2.Canny(lab[:, :, 2], 6, 18), kernel)
    yield cv2.dilate(cv2.Canny(blur, 8, 24), kernel)


def candidate_stages(rgb: np.ndarray, gray: np.ndarray, min_area: float, max_candidates: int = 40):
    """Yield, map by map (most reliable first), lists of new convex quadrilaterals (clockwise,
    4x2 float) that may be a card's outline or a printed frame; near-duplicates of earlier
    ones are left out. A caller may stop early."""
    import cv2

    h, w = gray.shape
    kept: list[np.ndarray] = []
    for m in edge_maps(rgb, gray):
        found: list[tuple[float, float, np.ndarray]] = []
        contours, _ = cv2.findContours(m, cv2.RETR_LIST, cv2.CHAIN_APPROX_NONE)
        for c in contours:
            if len(c) < 40:
                continue
            _x, _y, bw, bh = cv2.boundingRect(c)
            if bw * bh < min_area or (bw >= w - 2 and bh >= h - 2):
                continue
            hull = cv2.convexHull(c)
            area = cv2.contourArea(hull)
            if area < min_area:
                continue
            pts = c.reshape(-1, 2)
            for q in _quads_from_hull(hull):
                q = clockwise(refit_sides(clockwise(q), pts))
                if not is_convex(q):
                    continue
                qa = abs(cv2.contourArea(q.astype(np.float32)))
                if qa < min_area or qa > 0.98 * w * h:
                    continue
                # the contour must fill its quad and run along its sides: a hull over
                # scattered edges is not an outline
                if area < 0.75 * qa:
                    continue
                sup = support(q, pts)
                if sup.mean() < 0.55 or sup.min() < 0.2:
                    continue
                found.append((float(sup.mean()), qa, q))
        found.sort(key=lambda t: (-round(t[0], 1), -t[1]))
        new: list[np.ndarray] = []
        for _, _, q in found:
            scale = np.sqrt(abs(cv2.contourArea(q.astype(np.float32))))
            if any(np.max(np.linalg.norm(q - k, axis=1)) < 0.02 * scale for k in kept):
                continue
            kept.append(q)
            new.append(q)
            if len(new) >= max_candidates:
                break
        yield new


def candidate_quads(rgb: np.ndarray, gray: np.ndarray, min_area: float, max_candidates: int = 40) -> list[np.ndarray]:
    """All candidate quadrilaterals of every map (see :func:`candidate_stages`)."""
    return [q for stage in candidate_stages(rgb, gray, min_area, max_candidates) for q in stage]
