"""bench.faces.carry_tem: landmarks placed on one photo carried to another of the same sitting."""

from __future__ import annotations

import numpy as np
from PIL import Image

from tests.photo_helpers import path


def _moved(a: np.ndarray, angle_deg: float, scale: float, shift: tuple[float, float]) -> tuple[np.ndarray, np.ndarray]:
    import cv2

    h, w = a.shape[:2]
    m = cv2.getRotationMatrix2D((w / 2, h / 2), angle_deg, scale)
    m[:, 2] += shift
    return cv2.warpAffine(a, m, (w, h), flags=cv2.INTER_CUBIC, borderMode=cv2.BORDER_REPLICATE), m


def test_points_follow_the_person_who_moved():
    from bench.faces import carry_tem

    a = np.asarray(Image.open(path("compliant_a")).convert("RGB"))
    b, m = _moved(a, 2.0, 1.04, (-14.0, 21.0))
    h, w = a.shape[:2]
    pts = np.array([[0.35 * w, 0.4 * h], [0.65 * w, 0.4 * h], [0.5 * w, 0.75 * h]])
    got, inliers = carry_tem(pts, a, b)
    want = pts @ m[:, :2].T + m[:, 2]
    assert inliers >= 100
    assert np.abs(got - want).max() < 1.5, (got, want)


def test_an_unrelated_photo_leaves_the_points_where_they_were():
    from bench.faces import MIN_INLIERS, carry_tem

    a = np.asarray(Image.open(path("compliant_a")).convert("RGB"))
    noise = np.random.default_rng(3).integers(0, 256, a.shape, dtype=np.uint8)
    pts = np.array([[10.0, 20.0], [30.0, 40.0]])
    got, inliers = carry_tem(pts, a, noise)
    assert inliers < MIN_INLIERS
    assert np.array_equal(got, pts)
