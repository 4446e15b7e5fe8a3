"""Finding a card by its printed content: SIFT keypoints of each layout side matched to the
photo, a homography by RANSAC, the card's outline from it.

The last resort of :func:`cardface.oblique.locate`, for a card whose edges do not show (a
light card on light paper, on a desk of its own colour): static print (labels, boxes, the
title, the chip, the photo box) is the same on every card of a layout.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from cardface.oblique.config import settings

_DPI = 150.0


@lru_cache(maxsize=8)
def _template(layout: str, side: str):
    import cv2

    from cardface.oblique.templates import render_faces

    faces = render_faces(layout, side, _DPI)
    gray = cv2.cvtColor(faces[1], cv2.COLOR_RGB2GRAY)  # first holder, without the sample mark
    sift = cv2.SIFT_create(nfeatures=1500)
    kp, des = sift.detectAndCompute(gray, None)
    h, w = gray.shape
    corners = np.array([[-0.5, -0.5], [w - 0.5, -0.5], [w - 0.5, h - 0.5], [-0.5, h - 0.5]], np.float64)
    return np.array([k.pt for k in kp], np.float32), des, corners


def content_quads(gray: np.ndarray, templates, min_inliers: int | None = None) -> list[np.ndarray]:
    """Card outlines (TL, TR, BR, BL of the face, work-image px) found by matching each
    template side's keypoints to the photo."""
    import cv2

    cfg = settings()["locate"]
    need = int(min_inliers or cfg["content_min_inliers"])
    sift = cv2.SIFT_create(nfeatures=2000)
    kp, des = sift.detectAndCompute(gray, None)
    if des is None or len(kp) < need:
        return []
    pts = np.array([k.pt for k in kp], np.float32)
    matcher = cv2.BFMatcher(cv2.NORM_L2)
    out = []
    seen = set()
    for t in templates:
        key = (t.layout, t.side)
        if key in seen:
            continue
        seen.add(key)
        tpts, tdes, corners = _template(t.layout, t.side)
        if tdes is None or len(tpts) < need:
            continue
        pairs = matcher.knnMatch(tdes, des, k=2)
        good = [m for m, n in (p for p in pairs if len(p) == 2) if m.distance < 0.75 * n.distance]
        if len(good) < need:
            continue
        src = tpts[[m.queryIdx for m in good]]
        dst = pts[[m.trainIdx for m in good]]
        # two robust estimators: RANSAC, and MAGSAC++ (which weighs each match by its residual
        # instead of a hard inlier threshold); where the matches cluster on part of the face (its
        # photo, a pattern) their homographies' perspective can differ by 15-20° of tilt for a card
        # held flat, so both outlines are offered and the layout's content decides between them
        found: list[np.ndarray] = []
        for method in (cv2.RANSAC, cv2.USAC_MAGSAC):
            hm, inl = cv2.findHomography(src, dst, method, 4.0)
            if hm is None or int(inl.sum()) < need:
                continue
            q = cv2.perspectiveTransform(corners.reshape(-1, 1, 2), hm).reshape(4, 2).astype(np.float64)
            if all(np.abs(q - f).max() > 1.0 for f in found):
                found.append(q)
        out.extend(found)
    return out
