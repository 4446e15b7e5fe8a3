"""Snap a quadrilateral's sides to the image's edges, with sub-pixel line fits.

For each side, grey-level profiles across the side are sampled; in each profile the
significant gradient peak nearest the current line is taken (parabolic sub-pixel
interpolation), and a robust line is fitted through those peaks. Corners are the
intersections of the fitted lines, so rounded card corners do not matter.
"""

from __future__ import annotations

import numpy as np

from cardface.oblique.candidates import corners_of


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
    out = corners_of(lines)
    if out is None:
        return q
    size = np.sqrt(abs(cv2.contourArea(q.astype(np.float32))))
    if np.max(np.linalg.norm(out - q, axis=1)) > 0.12 * size:
        return q
    return out


def fit_band(gray: np.ndarray, h_card: np.ndarray, centre_mm: np.ndarray, width_mm: float,
             samples: int = 28) -> np.ndarray | None:
    """Refine a printed dark band (a frame of ``width_mm`` whose centre line is the rectangle
    ``centre_mm``) seen through ``h_card`` (card mm -> image px). Sides are searched close to
    the estimate first; a side not found there (the estimate was a few mm off) is searched
    wider; then every side once more close to the new estimate. Returns the centre
    rectangle's four corners in the image (None when fewer than two sides were measured) and
    the share of the frame seen as a band (0..1)."""
    from cardface.oblique.geometry import homography

    c = np.asarray(centre_mm, np.float64)
    lines, ok, _ = _band_lines(gray, h_card, c, width_mm, samples, reach=2.6)
    if not all(ok):
        wide, ok_wide, _ = _band_lines(gray, h_card, c, width_mm, samples, reach=5.0, sides=[i for i in range(4) if not ok[i]])
        for i in range(4):
            if not ok[i] and ok_wide[i]:
                lines[i], ok[i] = wide[i], True
    if sum(ok) < 2:
        return None, 0.0
    first = corners_of(lines)
    if first is None:
        return None, 0.0
    lines2, ok2, seen = _band_lines(gray, homography(c, first), c, width_mm, samples, reach=1.6)
    second = corners_of(lines2) if sum(ok2) >= 2 else None
    return (first if second is None else second), seen


def _band_lines(gray: np.ndarray, h_card: np.ndarray, c: np.ndarray, width_mm: float, samples: int,
                reach: float, sides=(0, 1, 2, 3)):
    """Per side, the line through the band's centre: along the side, the darkest point
    across the band (a matched filter one band wide) at sub-pixel precision, then a robust
    line fit. Sides not measured (not asked for, glare, a band too thin at a steep tilt)
    keep their line from ``h_card``. Returns (lines, measured flags, share of the band seen)."""
    import cv2

    from cardface.oblique.geometry import apply_h

    g = gray.astype(np.float32)
    lines = []
    ok = []
    support: list[float] = []
    for i in range(4):
        a_mm, b_mm = c[i], c[(i + 1) % 4]
        ends = apply_h(h_card, np.array([a_mm, b_mm]))
        kept = (ends[0], (ends[1] - ends[0]) / max(np.linalg.norm(ends[1] - ends[0]), 1e-9))
        if i not in sides:
            lines.append(kept)
            ok.append(False)
            continue
        ts = np.linspace(0.1, 0.9, samples)
        pts_mm = a_mm[None, :] + ts[:, None] * (b_mm - a_mm)[None, :]
        d_mm = (b_mm - a_mm) / np.linalg.norm(b_mm - a_mm)
        n_mm = np.array([-d_mm[1], d_mm[0]])
        # image positions of the centre line and of points one band width either side
        p0 = apply_h(h_card, pts_mm)
        p1 = apply_h(h_card, pts_mm + n_mm * width_mm)
        step = p1 - p0  # image vector of one band width across the band, per sample
        wpx = np.linalg.norm(step, axis=1)
        if np.median(wpx) < 0.8:
            lines.append(kept)  # the band is too thin here to be measured
            ok.append(False)
            continue  # the band is too thin in this photo to be measured
        offs = np.linspace(-reach, reach, round(reach * 20) + 1)  # in band widths
        px = p0[:, None, :] + offs[None, :, None] * step[:, None, :]
        prof = cv2.remap(g, px[:, :, 0].astype(np.float32), px[:, :, 1].astype(np.float32), cv2.INTER_LINEAR,
                         borderMode=cv2.BORDER_REPLICATE)
        # match a dark band one width wide: the mean over the sides minus the mean over it
        k = 5  # offsets per half band width (the offsets step by 0.1 width)
        csum = np.concatenate([np.zeros((samples, 1), np.float32), np.cumsum(prof, axis=1)], axis=1)
        m = np.arange(2 * k, prof.shape[1] - 2 * k)
        inner = (csum[:, m + k + 1] - csum[:, m - k]) / (2 * k + 1)
        left = (csum[:, m - k] - csum[:, m - 2 * k]) / k
        right = (csum[:, m + 2 * k + 1] - csum[:, m + k + 1]) / k
        vals = np.minimum(left, right) - inner  # lighter on BOTH sides: a band, not a step
        # the innermost strong band: the card's dark edge (its core colour, seen when
        # tilted) lies outside the printed frame and can look like one
        vmax = vals.max(axis=1)
        found = []
        for j in range(samples):
            v = vals[j]
            if vmax[j] < 12.0:
                continue
            peaks = np.where((v[1:-1] >= v[:-2]) & (v[1:-1] > v[2:]) & (v[1:-1] >= 0.55 * vmax[j]))[0] + 1
            b = int(peaks.max()) if len(peaks) else int(np.argmax(v))
            sub = 0.0
            if 0 < b < len(v) - 1:
                den = v[b - 1] - 2 * v[b] + v[b + 1]
                sub = float(np.clip(0.5 * (v[b - 1] - v[b + 1]) / den, -1, 1)) if abs(den) > 1e-9 else 0.0
            o = offs[m[b]] + sub * (offs[1] - offs[0])
            found.append(p0[j] + o * step[j])
        if len(found) < 0.4 * samples:
            lines.append(kept)
            ok.append(False)
            continue
        pts = np.array(found, np.float32)
        vx, vy, x0, y0 = cv2.fitLine(pts, cv2.DIST_HUBER, 0, 0.01, 0.01).ravel()
        res = np.abs((pts[:, 0] - x0) * vy - (pts[:, 1] - y0) * vx)
        tol = max(1.0, 0.25 * float(np.median(wpx)))
        inl = res < tol
        if inl.sum() < 0.3 * samples:
            lines.append(kept)
            ok.append(False)
            continue
        vx, vy, x0, y0 = cv2.fitLine(pts[inl], cv2.DIST_L2, 0, 0.01, 0.01).ravel()
        lines.append((np.array([x0, y0], np.float64), np.array([vx, vy], np.float64)))
        ok.append(True)
        support.append(float(inl.sum()) / samples)
    return lines, ok, float(np.sum(support)) / 4  # the share of the frame seen, 0..1
