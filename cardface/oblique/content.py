"""The layouts' known content, as a camera would compare it: canonical feature maps.

A :class:`Template` is one side of one layout rendered with sample holders, reduced to a
small canonical image (``canonical_px_per_mm``) and a locally normalised feature map. A
candidate card in a photo is warped to the same canonical frame in each of its four
possible orientations and compared with every template by correlation: the best match
names the layout, the side and the orientation.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from cardface.oblique.config import card_size, settings


def canonical_shape() -> tuple[int, int]:
    """(height, width) in px of the canonical card."""
    c, k = card_size(), float(settings()["locate"]["canonical_px_per_mm"])
    return round(c.height_mm * k), round(c.width_mm * k)


def px_per_mm() -> float:
    return float(settings()["locate"]["canonical_px_per_mm"])


def _border_weight(shape: tuple[int, int]) -> np.ndarray:
    """Weights that ignore the outermost ~1.5 mm, where a misplaced outline shows background."""
    h, w = shape
    b = max(1, round(1.5 * px_per_mm()))
    wt = np.zeros((h, w), np.float32)
    wt[b:h - b, b:w - b] = 1.0
    return wt


def features(gray: np.ndarray) -> np.ndarray:
    """Local contrast normalisation of a canonical grey image (float32, same shape), so a
    light gradient, glare falloff or exposure change does not move the correlation much."""
    import cv2

    g = gray.astype(np.float32)
    g = cv2.GaussianBlur(g, (0, 0), 0.8)
    mu = cv2.GaussianBlur(g, (0, 0), 5.0)
    d = g - mu
    sd = np.sqrt(cv2.GaussianBlur(d * d, (0, 0), 5.0))
    f = d / (sd + 6.0)
    wt = _border_weight(f.shape)
    f = f * wt
    m = f.sum() / wt.sum()
    f = (f - m) * wt
    n = np.sqrt((f * f).sum())
    return f / n if n > 0 else f


@dataclass
class Template:
    """One side of one layout as the locator knows it."""

    layout: str
    side: str
    gray: np.ndarray  # canonical grey image (float32 0..255), the mean over sample holders
    feat: np.ndarray  # normalised features of ``gray``
    outlines_mm: list[np.ndarray] = field(default_factory=list)  # rectangles a camera may see as outlines
    bands_mm: list[tuple[np.ndarray, float]] = field(default_factory=list)  # printed dark bands: centre rect, width
    mark_mm: np.ndarray | None = None  # polygon of the orientation mark (mm), if the layout has one
    mask_mm: dict[str, np.ndarray] = field(default_factory=dict)  # regions to black out (rect TL,TR,BR,BL in mm)

    @classmethod
    def from_faces(cls, layout: str, side: str, faces_rgb: list[np.ndarray], **kw) -> Template:
        import cv2

        h, w = canonical_shape()
        grays = []
        for rgb in faces_rgb:
            g = cv2.cvtColor(np.asarray(rgb, np.uint8), cv2.COLOR_RGB2GRAY)
            grays.append(cv2.resize(g, (w, h), interpolation=cv2.INTER_AREA).astype(np.float32))
        gray = np.mean(grays, axis=0)
        return cls(layout, side, gray, features(gray), **kw)


def mark_darkness(gray: np.ndarray, mark_mm: np.ndarray) -> tuple[float, float]:
    """Mean grey level inside the orientation mark's area of a canonical grey image, as it
    stands and turned by 180 degrees: a card the right way up is dark in the first."""
    import cv2

    h, w = gray.shape
    poly = np.asarray(mark_mm, np.float64) * px_per_mm() - 0.5
    inside = np.zeros((h, w), np.uint8)
    cv2.fillPoly(inside, [np.round(poly * 4).astype(np.int32)], 1, shift=2)
    inside = cv2.erode(inside, np.ones((2, 2), np.uint8))
    sel = inside > 0
    if not sel.any():
        return 0.0, 0.0
    return float(gray[sel].mean()), float(gray[::-1, ::-1][sel].mean())
