"""What is held in front of an eKYC camera, as data: the slab's top face, size and edge colour.

Shared by :func:`cardface.oblique.simulate` (which photographs it) and
:mod:`cardface.oblique.attacks` (which builds the copies: prints, photocopies, screens).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from cardface.oblique.config import CardSize, card_size

DEFAULT_EDGE_RGB = (236, 236, 230)  # a white PVC/PC core


@dataclass(frozen=True)
class SimObject:
    """What is held in front of the camera: a slab of ``size`` whose top shows ``rgba``.

    ``card_mm`` is where the card's face lies on that top (4x2 mm, TL TR BR BL); ``screen``
    describes an emissive display (a dict of :mod:`cardface.oblique.attacks`), None for a
    card or paper.
    """

    rgba: np.ndarray
    size: CardSize
    card_mm: np.ndarray
    edge_rgb: tuple[int, int, int]
    screen: dict | None = None


def outline_mm(n_arc: int = 8, size: CardSize | None = None) -> np.ndarray:
    """The rounded-rectangle outline of the card (or of ``size``), clockwise from the top edge, in mm."""
    c = size or card_size()
    r, w, h = max(c.corner_radius_mm, 1e-3), c.width_mm, c.height_mm
    centres = [(w - r, r, -90), (w - r, h - r, 0), (r, h - r, 90), (r, r, 180)]
    pts = []
    for cx, cy, a0 in centres:
        for a in np.radians(np.linspace(a0, a0 + 90, n_arc + 1)):
            pts.append((cx + r * np.cos(a), cy + r * np.sin(a)))
    return np.array(pts)


def rounded_alpha(h: int, w: int, size: CardSize | None = None) -> np.ndarray:
    """An anti-aliased alpha mask (0..1) of the card's (or ``size``'s) rounded corners at an image's size."""
    import cv2

    c = size or card_size()
    pts = outline_mm(24, c) * np.array([w / c.width_mm, h / c.height_mm]) - 0.5
    m = np.zeros((h, w), np.uint8)
    cv2.fillPoly(m, [np.round(pts * 16).astype(np.int32)], 255, cv2.LINE_AA, shift=4)
    return m.astype(np.float32) / 255.0
