"""sRGB (8-bit) to CIELAB as float32, fast: OpenCV's 8-bit conversion, its codes mapped through a
256-entry table per channel (about 0.4 units a step). The checks' colour measures all read it
(``FaceAnalysis.to_lab`` and ``to_lab_planes`` are these)."""

from __future__ import annotations

import numpy as np

_LAB8_TO_LAB = np.array([[100.0 / 255.0, 0, 0, 0], [0, 1, 0, -128.0], [0, 0, 1, -128.0]], np.float32)

_LAB8_TABLE: np.ndarray | None = None


def _lab8_table() -> np.ndarray:
    """1 x 256 x 3 float32: the CIELAB value of each 8-bit Lab code per channel, made by the same
    affine map (:data:`_LAB8_TO_LAB`, OpenCV's transform) once, so the table gives the very values
    that mapping every pixel gave."""
    global _LAB8_TABLE
    if _LAB8_TABLE is None:
        import cv2

        codes = np.repeat(np.arange(256, dtype=np.float32)[None, :, None], 3, axis=2)
        _LAB8_TABLE = cv2.transform(codes, _LAB8_TO_LAB).reshape(1, 256, 3)
    return _LAB8_TABLE


def to_lab(rgb: np.ndarray) -> np.ndarray:
    """CIELAB (L 0-100, a, b) as float32 from sRGB uint8 (8-bit conversion: fast, ~0.4 unit steps)."""
    import cv2

    # the 8-bit Lab codes (L * 255/100, a + 128, b + 128) to floats through a 256-entry table
    # per channel, in one pass (half the time of converting to float and mapping each pixel)
    return cv2.LUT(cv2.cvtColor(rgb, cv2.COLOR_RGB2Lab), _lab8_table())


def to_lab_planes(rgb: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """:func:`to_lab` as three contiguous float32 planes (L, a, b): the 8-bit codes are split
    (one byte a pixel) and each mapped through its channel's table (the same values)."""
    import cv2

    table = _lab8_table()
    lc, ac, bc = cv2.split(cv2.cvtColor(rgb, cv2.COLOR_RGB2Lab))
    return (cv2.LUT(lc, np.ascontiguousarray(table[:, :, 0])), cv2.LUT(ac, np.ascontiguousarray(table[:, :, 1])),
            cv2.LUT(bc, np.ascontiguousarray(table[:, :, 2])))
