"""A drawn eye for the measures that read one (photo/frame_line.py, photo/hair_strands.py): known
rows, known landmarks, no model."""

from __future__ import annotations

import numpy as np

from photo.analysis import EYE_R


def drawn_eye(skin: float) -> tuple[np.ndarray, np.ndarray]:
    """(luma 200 x 200 float32, landmarks 478 x 3): skin at ``skin`` with an eye opening (EYE_R's
    contour on an ellipse centred at (90, 100), half-axes 30 and 10: corners at x 60 and 120, y
    100) whose inside is white at 220; every other landmark at (0, 0)."""
    g = np.full((200, 200), skin, np.float32)
    lm = np.zeros((478, 3), np.float32)
    contour = EYE_R["contour"]
    for k, i in enumerate(contour):
        t = 2 * np.pi * k / len(contour)
        lm[i, :2] = (90 - 30 * np.cos(t), 100 + 10 * np.sin(t))
    lm[EYE_R["outer"], :2] = (60, 100)  # contour's first point: the outer corner, on the image's left
    lm[EYE_R["inner"], :2] = (120, 100)
    ys, xs = np.mgrid[0:200, 0:200]
    g[((xs - 90) / 30) ** 2 + ((ys - 100) / 10) ** 2 <= 1] = 220.0
    return g, lm
