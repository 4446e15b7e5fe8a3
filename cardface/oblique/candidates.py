"""Where a card might be: quadrilaterals from edge and threshold contours, with sides refitted
as straight lines (so the rounded corners do not pull the corners inward).

Works on a down-scaled grey photo; every method is generic (no knowledge of how the photo was
made): Canny edges at three sensitivities and on colour, a local threshold for dark printed
frames, contours, convex hulls, polygon approximation and robust line fits; and, when no
contour closes, quadrilaterals of straight line segments.
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


def _long_edge_quads(contour: np.ndarray, scale: float, max_lines: int = 9) -> list[np.ndarray]:
    """Quadrilaterals bounded by four long straight runs of a contour. When something
    touches or crosses a card's outline (a line on the desk, another object), the contour
    runs out along it and back, so its hull is wrong; its long straight runs still include
    the card's four sides, and the four that close a convex quadrilateral without running
    past its corners are kept."""
    import itertools

    import cv2

    peri = cv2.arcLength(contour, True)
    poly = cv2.approxPolyDP(contour, max(1.5, 0.006 * peri), True).reshape(-1, 2).astype(np.float64)
    n = len(poly)
    if n < 4:
        return []
    segs = []
    for i in range(n):
        a, b = poly[i], poly[(i + 1) % n]
        length = float(np.hypot(*(b - a)))
        if length >= 0.18 * scale:
            segs.append((length, a, b))
    # merge collinear runs (a thin edge's contour passes each side twice)
    lines: list[tuple[float, np.ndarray, np.ndarray]] = []
    for length, a, b in sorted(segs, key=lambda t: -t[0]):
        d = (b - a) / length
        for j, (ll, la, lb) in enumerate(lines):
            ld = (lb - la) / np.hypot(*(lb - la))
            if abs(d[0] * ld[1] - d[1] * ld[0]) < 0.05 and abs((a - la) @ np.array([-ld[1], ld[0]])) < 3.0:
                t = [(p - la) @ ld for p in (la, lb, a, b)]
                lines[j] = (max(ll, length), la + min(t) * ld, la + max(t) * ld)
                break
        else:
            lines.append((length, a, b))
    lines = lines[:max_lines]
    if len(lines) < 4:
        return []
    out = []
    for combo in itertools.combinations(range(len(lines)), 4):
        ls = [lines[i] for i in combo]
        mids = np.array([(a + b) / 2 for _, a, b in ls])
        c = mids.mean(axis=0)
        order = np.argsort(np.arctan2(mids[:, 1] - c[1], mids[:, 0] - c[0]))
        ls = [ls[i] for i in order]
        q = corners_of([(a, b - a) for _, a, b in ls])
        if q is None:
            continue
        if not is_convex(q):
            continue
        good = True
        for i in range(4):  # side i runs from corner i to corner i+1 and carries line i
            p0, p1 = q[i], q[(i + 1) % 4]
            side = p1 - p0
            sl = float(np.hypot(*side))
            if sl < 0.15 * scale:
                good = False
                break
            u = side / sl
            _, a, b = ls[i]
            t0, t1 = sorted(((a - p0) @ u / sl, (b - p0) @ u / sl))
            # the run covers much of its side and does not run far past the corners
            if t1 - t0 < 0.45 or t0 < -0.15 or t1 > 1.15:
                good = False
                break
        if good:
            out.append(q)
    return out


def _intersect(l1: tuple[np.ndarray, np.ndarray], l2: tuple[np.ndarray, np.ndarray]) -> np.ndarray | None:
    (p, d), (q, e) = l1, l2
    den = d[0] * e[1] - d[1] * e[0]
    if abs(den) < 1e-9:
        return None
    t = ((q[0] - p[0]) * e[1] - (q[1] - p[1]) * e[0]) / den
    return p + t * d


def corners_of(lines) -> np.ndarray | None:
    """The four corners of the quadrilateral whose sides are ``lines`` (point, direction) in
    order: corner i is where side i-1 meets side i; None when two neighbours are parallel."""
    out = []
    for i in range(4):
        p = _intersect(lines[i - 1], lines[i])
        if p is None:
            return None
        out.append(p)
    return np.array(out)


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
    out = corners_of(lines)
    if out is None:
        return q
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
            quads = _quads_from_hull(hull)
            if len(c) > 150:
                quads += _long_edge_quads(c, np.sqrt(area))
            for q in quads:
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


def _coverage(intervals: list[tuple[float, float]]) -> float:
    """Length of the union of intervals clipped to [0, 1]."""
    iv = sorted((max(0.0, a), min(1.0, b)) for a, b in intervals if b > 0 and a < 1)
    total, end = 0.0, 0.0
    for a, b in iv:
        if b <= end:
            continue
        total += b - max(a, end)
        end = b
    return total


def line_quads(gray: np.ndarray, min_area: float, max_lines: int = 20, max_quads: int = 30) -> list[np.ndarray]:
    """Quadrilaterals closed by four straight lines of the photo (line segments grouped by
    direction and offset, so a side broken by glare, a striped desk or print is one line).
    Used when contours fail: when the outline is interrupted or merges with its surroundings.
    Each side must be covered by its line's segments over at least 40 % of its length."""
    import cv2

    h, w = gray.shape
    fld = cv2.ximgproc.createFastLineDetector(int(max(10, 0.03 * min(h, w))), 1.414, 15, 40, 3, True)
    segs = fld.detect(gray)
    if segs is None:
        return []
    segs = segs.reshape(-1, 4).astype(np.float64)
    lengths = np.hypot(segs[:, 2] - segs[:, 0], segs[:, 3] - segs[:, 1])
    lines: list[dict] = []
    for k in np.argsort(-lengths)[:300]:
        x0, y0, x1, y1 = segs[k]
        u = np.array([x1 - x0, y1 - y0]) / lengths[k]
        if u[0] < 0 or (u[0] == 0 and u[1] < 0):
            u = -u
        nrm = np.array([-u[1], u[0]])
        mid = np.array([(x0 + x1) / 2, (y0 + y1) / 2])
        for ln in lines:
            if abs(ln["u"] @ nrm) < 0.035 and abs((mid - ln["p"]) @ ln["n"]) < 2.5:
                ln["segs"].append((x0, y0, x1, y1))
                ln["support"] += lengths[k]
                break
        else:
            lines.append({"u": u, "n": nrm, "p": mid, "segs": [(x0, y0, x1, y1)], "support": lengths[k]})
    # the strongest few lines of each direction: a striped or ruled surface must not crowd
    # the card's sides out
    by_dir: dict[int, list[dict]] = {}
    for ln in sorted(lines, key=lambda ln: -ln["support"]):
        b = int((np.degrees(np.arctan2(ln["u"][1], ln["u"][0])) % 180) // 15)
        if len(by_dir.setdefault(b, [])) < 5:
            by_dir[b].append(ln)
    lines = sorted((ln for v in by_dir.values() for ln in v), key=lambda ln: -ln["support"])[:max_lines]
    for ln in lines:
        ln["arr"] = np.array(ln["segs"], np.float64)
    min_side = np.sqrt(min_area) * 0.4
    pairs = []
    for i in range(len(lines)):
        for j in range(i + 1, len(lines)):
            a, b = lines[i], lines[j]
            if abs(a["u"] @ b["u"]) < np.cos(np.radians(40)):
                continue  # not roughly opposite sides
            if abs((b["p"] - a["p"]) @ a["n"]) < min_side:
                continue
            pairs.append((i, j))
    found = []
    for pi in range(len(pairs)):
        for pj in range(pi + 1, len(pairs)):
            i1, j1 = pairs[pi]
            i2, j2 = pairs[pj]
            if len({i1, j1, i2, j2}) < 4:
                continue
            if abs(lines[i1]["u"] @ lines[i2]["u"]) > np.cos(np.radians(25)):
                continue  # the two pairs must cross
            order = [i1, i2, j1, j2]
            q = corners_of([(lines[k]["p"], lines[k]["u"]) for k in order])
            if q is None:
                continue
            # the card is wholly in view
            if q[:, 0].min() < -0.02 * w or q[:, 1].min() < -0.02 * h or q[:, 0].max() > 1.02 * w or q[:, 1].max() > 1.02 * h:
                continue
            if not is_convex(q):
                continue
            area = abs(cv2.contourArea(q.astype(np.float32)))
            if area < min_area or area > 0.98 * w * h:
                continue
            covs = []
            for k in range(4):
                p0, p1 = q[k], q[(k + 1) % 4]
                side = p1 - p0
                sa = lines[order[k]]["arr"]
                t0 = (sa[:, :2] - p0) @ side / (side @ side)
                t1 = (sa[:, 2:] - p0) @ side / (side @ side)
                covs.append(_coverage(list(zip(np.minimum(t0, t1), np.maximum(t0, t1), strict=True))))
                if covs[-1] < 0.4:
                    break
            if min(covs) < 0.4:
                continue
            found.append((float(np.mean(covs)), clockwise(q)))
    found.sort(key=lambda t: -t[0])
    return [q for _, q in found[:max_quads]]
