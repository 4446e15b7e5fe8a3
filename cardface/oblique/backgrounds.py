"""Procedural backgrounds for simulated card photos: plain, card-coloured, wood, paper, clutter.

Each generator takes (height, width), a numpy ``Generator`` and the card's main colour and
returns an (H, W, 3) float32 RGB image in 0..255. Nothing is downloaded.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np


def _lowfreq(rng: np.random.Generator, h: int, w: int, cells: int = 6) -> np.ndarray:
    """Smooth noise in -1..1 with about ``cells`` blobs across the longer side."""
    import cv2

    gh = max(2, round(cells * h / max(h, w)) + 1)
    gw = max(2, round(cells * w / max(h, w)) + 1)
    g = rng.uniform(-1, 1, (gh, gw)).astype(np.float32)
    return cv2.resize(g, (w, h), interpolation=cv2.INTER_CUBIC)


def plain(h: int, w: int, rng: np.random.Generator, card_rgb: np.ndarray) -> np.ndarray:
    """A plain surface of a random colour with a faint, smooth unevenness."""
    palette = np.array([
        [40, 40, 45], [90, 90, 95], [150, 150, 150], [200, 200, 195], [245, 245, 240],
        [30, 60, 120], [40, 110, 60], [150, 40, 40], [210, 190, 150], [120, 80, 140],
    ], np.float32)
    base = palette[rng.integers(len(palette))] + rng.normal(0, 8, 3)
    img = np.empty((h, w, 3), np.float32)
    img[:] = base
    img *= (1 + 0.04 * _lowfreq(rng, h, w, 4))[:, :, None]
    return img


def card_coloured(h: int, w: int, rng: np.random.Generator, card_rgb: np.ndarray) -> np.ndarray:
    """A surface the colour of the card itself (the case that defeats a thickness check)."""
    img = np.empty((h, w, 3), np.float32)
    img[:] = np.asarray(card_rgb, np.float32) + rng.normal(0, 3, 3)
    img *= (1 + 0.03 * _lowfreq(rng, h, w, 5))[:, :, None]
    img += rng.normal(0, 1.5, (h, w, 1)).astype(np.float32)
    return img


def wood(h: int, w: int, rng: np.random.Generator, card_rgb: np.ndarray) -> np.ndarray:
    """Wood grain: warped rings along a random direction, fine streaks, a random species."""
    import cv2

    species = [((205, 165, 115), (165, 120, 75)), ((120, 75, 45), (80, 48, 28)),
               ((225, 200, 160), (190, 160, 115)), ((150, 90, 55), (105, 60, 35))]
    light, dark = (np.array(c, np.float32) for c in species[rng.integers(len(species))])
    theta = rng.uniform(0, np.pi)
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    along = xx * np.cos(theta) + yy * np.sin(theta)
    across = -xx * np.sin(theta) + yy * np.cos(theta)
    period = rng.uniform(25, 70) * max(h, w) / 1600
    warp = 2.5 * _lowfreq(rng, h, w, 5) + 0.6 * _lowfreq(rng, h, w, 14)
    rings = 0.5 + 0.5 * np.sin(2 * np.pi * (across / period + warp + 0.002 * along))
    rings = rings**1.8
    # streaks: noise stretched along the grain
    sw, sh = max(4, w // 60), max(4, h // 2)
    streak = rng.normal(0, 1, (sh, sw)).astype(np.float32)
    streak = cv2.resize(streak, (max(h, w) * 2, max(h, w) * 2), interpolation=cv2.INTER_LINEAR)
    m = cv2.getRotationMatrix2D((streak.shape[1] / 2, streak.shape[0] / 2), -np.degrees(theta) + 90, 1.0)
    streak = cv2.warpAffine(streak, m, (streak.shape[1], streak.shape[0]))
    oy, ox = (streak.shape[0] - h) // 2, (streak.shape[1] - w) // 2
    streak = streak[oy:oy + h, ox:ox + w]
    t = np.clip(rings + 0.12 * streak, 0, 1)[:, :, None]
    return light * (1 - t) + dark * t


def paper(h: int, w: int, rng: np.random.Generator, card_rgb: np.ndarray) -> np.ndarray:
    """White paper with fibres, often printed lines of text or rules, sometimes a sheet edge on a desk."""
    import cv2

    img = np.empty((h, w, 3), np.float32)
    img[:] = np.array([243, 241, 234], np.float32) + rng.normal(0, 4, 3)
    fib = cv2.GaussianBlur(rng.normal(0, 1, (h, w)).astype(np.float32), (0, 0), 1.2)
    img += 6 * fib[:, :, None]
    canvas = np.clip(img, 0, 255).astype(np.uint8)
    kind = rng.integers(3)
    scale = max(h, w) / 1600
    if kind == 0:  # printed text lines
        y = rng.uniform(20, 80) * scale
        step = rng.uniform(22, 40) * scale
        ink = tuple(int(v) for v in rng.integers(10, 70, 3))
        while y < h - 10:
            x = rng.uniform(20, 120) * scale
            end = w - rng.uniform(20, 300) * scale
            while x < end:
                word = int(rng.uniform(20, 110) * scale)
                cv2.rectangle(canvas, (int(x), int(y)), (int(min(x + word, end)), int(y + step * 0.35)), ink, -1)
                x += word + rng.uniform(8, 16) * scale
            y += step
    elif kind == 1:  # ruled paper
        step = rng.uniform(25, 45) * scale
        for y in np.arange(rng.uniform(10, 50), h, step):
            cv2.line(canvas, (0, int(y)), (w, int(y)), (150, 170, 215), max(1, int(2 * scale)))
    img = canvas.astype(np.float32)
    if rng.random() < 0.5:  # the sheet lies on a darker desk: a long straight edge crosses the photo
        desk = np.array([90, 70, 55], np.float32) + rng.normal(0, 15, 3)
        a = rng.uniform(0, 2 * np.pi)
        yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
        d = (xx - w / 2) * np.cos(a) + (yy - h / 2) * np.sin(a) - rng.uniform(0.3, 0.45) * max(h, w)
        m = np.clip(d + 0.5, 0, 1)[:, :, None]
        img = img * (1 - m) + desk * m
    return img


def clutter(h: int, w: int, rng: np.random.Generator, card_rgb: np.ndarray) -> np.ndarray:
    """A busy desk: rectangles (some card-shaped, some card-coloured), discs, lines and print."""
    import cv2

    base = rng.uniform(60, 200, 3)
    canvas = np.empty((h, w, 3), np.uint8)
    canvas[:] = base.astype(np.uint8)
    scale = max(h, w) / 1600
    n = int(rng.integers(18, 34))
    for _ in range(n):
        kind = rng.integers(5)
        colour = tuple(int(v) for v in (card_rgb + rng.normal(0, 10, 3) if rng.random() < 0.2 else rng.integers(0, 256, 3)))
        cx, cy = rng.uniform(0, w), rng.uniform(0, h)
        if kind <= 1:
            rw = rng.uniform(60, 500) * scale
            rh = rw / (1.586 if rng.random() < 0.3 else rng.uniform(0.3, 3))
            box = cv2.boxPoints(((cx, cy), (rw, rh), rng.uniform(0, 180)))
            cv2.fillConvexPoly(canvas, np.round(box).astype(np.int32), colour, cv2.LINE_AA)
        elif kind == 2:
            cv2.circle(canvas, (int(cx), int(cy)), int(rng.uniform(15, 150) * scale), colour, -1, cv2.LINE_AA)
        elif kind == 3:
            p2 = (int(cx + rng.normal(0, 400 * scale)), int(cy + rng.normal(0, 400 * scale)))
            cv2.line(canvas, (int(cx), int(cy)), p2, colour, int(rng.integers(1, 8)), cv2.LINE_AA)
        else:
            text = "".join(chr(int(c)) for c in rng.integers(65, 91, int(rng.integers(3, 12))))
            cv2.putText(canvas, text, (int(cx), int(cy)), cv2.FONT_HERSHEY_SIMPLEX, float(rng.uniform(0.6, 3) * scale),
                        colour, int(rng.integers(1, 5)), cv2.LINE_AA)
    return canvas.astype(np.float32)


BACKGROUNDS: dict[str, Callable[..., np.ndarray]] = {
    "plain": plain,
    "card": card_coloured,
    "wood": wood,
    "paper": paper,
    "clutter": clutter,
}
