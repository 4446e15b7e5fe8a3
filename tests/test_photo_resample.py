"""Shrinking by pixel-area halvings then pixel area (photo.resample) is the one-step pixel-area
shrink within rounding, and is what head.covering's window uses for a big head."""

from __future__ import annotations

import numpy as np
import pytest


def _texture(h: int = 764, w: int = 756) -> np.ndarray:
    rng = np.random.default_rng(7)
    ys, xs = np.mgrid[0:h, 0:w]
    base = 128 + 60 * np.sin(xs / 9.0) * np.cos(ys / 13.0)
    rgb = base[..., None] + rng.normal(0, 4, (h, w, 3))
    return np.clip(rgb, 0, 255).astype(np.uint8)


@pytest.mark.parametrize("scale, side, expected", [(0.36, 764, 2), (0.2, 764, 4), (0.12, 764, 8), (0.6, 764, 1),
                                                   (1.0, 764, 1), (0.1, 3, 2), (0.1, 1, 1)])
def test_block_factor_is_the_largest_power_of_two_within_the_shrink(scale, side, expected):
    from photo.resample import block_factor

    assert block_factor(scale, side, side) == expected


@pytest.mark.parametrize("scale", [0.36, 0.21, 0.55])
def test_two_step_shrink_is_the_one_step_pixel_area_shrink_within_rounding(scale):
    import cv2

    from photo.resample import block_factor, shrink_area

    src = _texture()
    m = block_factor(scale, src.shape[1], src.shape[0])
    h, w = src.shape[0] // m * m, src.shape[1] // m * m
    size = (round(w * scale), round(h * scale))
    got = shrink_area(src[:h, :w], size, m)
    ref = cv2.resize(src[:h, :w], size, interpolation=cv2.INTER_AREA)
    assert got.shape == ref.shape and got.dtype == np.uint8
    diff = np.abs(got.astype(float) - ref)
    assert diff.mean() < 1.0 and np.percentile(diff, 99) < 4


def test_the_head_window_of_a_big_face_is_the_one_step_shrink_within_rounding():
    import cv2
    from PIL import Image

    from photo.analysis import FaceAnalysis
    from photo.checks.head import WINDOW_FACE_PX, head_window
    from photo.intake import load
    from tests.photo_helpers import image, jpeg

    im = image("compliant_a")
    im = im.resize((im.width * 3, im.height * 3), Image.Resampling.BICUBIC)
    a = FaceAnalysis(load(jpeg(im)))
    hw = head_window(a)
    x0, y0, x1, y1 = hw.box
    fw = a.face_box[2] - a.face_box[0]
    assert fw / WINDOW_FACE_PX >= 2  # the two-step path
    ref = cv2.resize(a.rgb[y0:y1, x0:x1], hw.person.shape[::-1], interpolation=cv2.INTER_AREA)
    L_ref = FaceAnalysis.to_lab_planes(ref)[0]
    assert np.abs(hw.planes[0] - L_ref).mean() < 1.0  # CIELAB L units
