"""The card seen square on: warp a photo so the located face fills an ID-1 sized image."""

from __future__ import annotations

import numpy as np

from cardface.geometry import MM_PER_INCH
from cardface.oblique.config import card_size
from cardface.oblique.errors import CaptureError
from cardface.oblique.geometry import Quad, homography
from cardface.oblique.imageio import load_rgb


def rectify(image, quad: Quad | np.ndarray, dpi: float = 300) -> np.ndarray:
    """The fronto-parallel card face at ``dpi`` as an RGB array (85.60 x 53.98 mm; 1011 x 638
    px at 300 dpi), upright as the face is read. ``quad`` is a :class:`Quad` or a 4x2 array of
    corners (top-left, top-right, bottom-right, bottom-left of the face)."""
    import cv2

    if not (30 <= float(dpi) <= 1200):
        raise CaptureError(f"dpi must be between 30 and 1200, not {dpi}", code="capture.bad_parameter")
    rgb = load_rgb(image)
    pts = quad.points if isinstance(quad, Quad) else np.asarray(quad, np.float64).reshape(4, 2)
    c = card_size()
    w = round(c.width_mm / MM_PER_INCH * dpi)
    h = round(c.height_mm / MM_PER_INCH * dpi)
    dst = np.array([[-0.5, -0.5], [w - 0.5, -0.5], [w - 0.5, h - 0.5], [-0.5, h - 0.5]])
    m = homography(pts, dst)
    return cv2.warpPerspective(rgb, m, (w, h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
