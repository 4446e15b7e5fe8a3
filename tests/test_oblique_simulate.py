"""``cardface.oblique.simulate``: the true corners, the slab's visible edge, determinism, and
parameter errors; plus the quad geometry helpers."""

from __future__ import annotations

import numpy as np
import pytest

from cardface.oblique import Quad, rectify, simulate
from cardface.oblique.errors import CaptureError
from cardface.oblique.geometry import clockwise, metric_aspect
from tests.oblique_support import face

EDGE = (200, 30, 30)  # a loud core colour, easy to find on the card's side


def test_square_on_card_is_a_centred_id1_rectangle():
    img, q = simulate(face("next", "front"), 0, 0, 0, size=(800, 600), fill=0.5, noise=0, jpeg_quality=None)
    p = q.points
    w = np.linalg.norm(p[1] - p[0])
    h = np.linalg.norm(p[3] - p[0])
    assert w == pytest.approx(400, abs=0.5)
    assert w / h == pytest.approx(85.60 / 53.98, rel=1e-3)
    assert p.mean(axis=0) == pytest.approx([399.5, 299.5], abs=0.5)
    assert img.shape == (600, 800, 3) and img.dtype == np.uint8


def test_roll_turns_the_corners_with_the_card():
    _, q0 = simulate(face("next", "front"), 0, 0, 0, size=(800, 600), noise=0)
    _, q90 = simulate(face("next", "front"), 0, 0, 90, size=(800, 600), noise=0)
    c = np.array([399.5, 299.5])
    # a quarter turn clockwise in the image: (x, y) -> (-y, x) about the centre
    rot = (q0.points - c) @ np.array([[0, 1], [-1, 0]]) + c
    assert np.allclose(q90.points, rot, atol=0.5)


def test_tilted_slab_shows_its_edge_in_the_core_colour():
    grey = np.full((600, 800, 3), 128, np.uint8)
    img, q = simulate(face("next", "front"), 45, 0, 0, size=(800, 600), background=grey, edge_rgb=EDGE,
                      noise=0, jpeg_quality=None, shadow=0, seed=2)
    p = q.points
    # turned about the vertical axis, one short side recedes and the side wall shows beside
    # the nearer short side; look just outside both short sides at mid-height
    near, far = (p[1] + p[2]) / 2, (p[0] + p[3]) / 2
    out = (near - far) / np.linalg.norm(near - far)
    found = []
    for mid in (near, far):
        for d in (1.5, 2.5, 3.5):
            x, y = np.round(mid + (out if mid is near else -out) * d).astype(int)
            found.append(tuple(img[y, x]))
    reds = [c for c in found if int(c[0]) > 60 and int(c[0]) > 2 * int(c[1]) and int(c[0]) > 2 * int(c[2])]
    assert reds, found


def test_tilt_keeps_a_plausible_card_shape():
    for yaw, pitch in ((60, 0), (0, 70), (30, 30)):
        _, q = simulate(face("current", "front"), yaw, pitch, 0, size=(1600, 1200), noise=0)
        asp, _f = metric_aspect(q.points, (1600, 1200), (0.5, 4.0), 85.60 / 53.98)
        assert asp == pytest.approx(85.60 / 53.98, rel=0.02)


def test_same_seed_same_photo_other_seed_other_photo():
    a, _ = simulate(face("next", "back"), 20, 10, 5, size=(400, 300), background="clutter", seed=5)
    b, _ = simulate(face("next", "back"), 20, 10, 5, size=(400, 300), background="clutter", seed=5)
    c, _ = simulate(face("next", "back"), 20, 10, 5, size=(400, 300), background="clutter", seed=6)
    assert np.array_equal(a, b) and not np.array_equal(a, c)


@pytest.mark.parametrize("bg", ["plain", "card", "wood", "paper", "clutter"])
def test_every_background_and_effect_renders(bg):
    img, _ = simulate(face("current", "back"), 10, 20, 30, size=(320, 240), background=bg, lighting="dim",
                      glare=0.8, blur=2.5, noise=6, seed=1)
    assert img.shape == (240, 320, 3) and img.std() > 3


def test_bad_parameters_are_capture_errors():
    f = face("next", "front")
    for kw in ({"yaw": 89}, {"background": "marble"}, {"lighting": "disco"}, {"size": (10, 10)},
               {"distance": 20.0, "yaw": 80}):
        with pytest.raises(CaptureError) as e:
            simulate(f, **kw)
        assert e.value.code == "capture.bad_parameter"


def test_rectify_recovers_the_face():
    f = face("next", "front")
    img, q = simulate(f, 35, -20, 10, size=(1200, 900), noise=0, jpeg_quality=None, seed=3)
    flat = rectify(img, q, dpi=150)
    assert flat.shape == (319, 506, 3)
    ref = np.asarray(f[:, :, :3], np.float32)
    import cv2

    ref = cv2.resize(ref, (flat.shape[1], flat.shape[0]), interpolation=cv2.INTER_AREA)
    inner = (slice(20, -20), slice(20, -20))
    assert np.abs(flat[inner].astype(np.float32) - ref[inner]).mean() < 12
    with pytest.raises(CaptureError):
        rectify(img, q, dpi=5)


def test_clockwise_orders_any_permutation():
    pts = np.array([[0, 0], [10, 0], [10, 5], [0, 5]], float)
    assert np.array_equal(clockwise(pts[[2, 0, 3, 1]]), pts)
    q = Quad(pts)
    assert q.diagonal_px == pytest.approx(np.hypot(10, 5))
    assert q.scaled(2.0).points[1] == pytest.approx([20.5, 0.5])
