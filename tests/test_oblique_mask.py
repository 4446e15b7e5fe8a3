"""``mask_number``: the number and QR regions of a card's back are black in the photo's own
perspective; a front, or no card, is reported as not masked."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from cardface.layout import load_layout
from cardface.oblique import mask_number, mask_report, simulate
from cardface.oblique.geometry import rect_mm
from tests.oblique_support import face, paste, random_quad, texture


def _region_mask(quad_pts, box, shape, shrink_mm=0.0):
    """Pixels of a layout box (mm, Rect) in the photo, given the true corners."""
    from cardface.oblique.geometry import Quad

    q = Quad(quad_pts)
    r = rect_mm(box.x + shrink_mm, box.y + shrink_mm, box.x1 - shrink_mm, box.y1 - shrink_mm)
    m = np.zeros(shape[:2], np.uint8)
    cv2.fillPoly(m, [np.round(q.to_image(r)).astype(np.int32)], 1)
    return m.astype(bool)


@pytest.mark.parametrize(("layout", "yaw", "roll"), [("next", 40, 160), ("current", -30, 20)])
def test_number_and_qr_are_blacked_out(layout, yaw, roll):
    img, truth = simulate(face(layout, "back"), yaw, 0, roll, size=(1000, 750), background="wood",
                          glare=0.2, seed=7)
    out, found = mask_number(img)
    assert found is True
    back = load_layout(layout).back
    number = next(f for f in back.fields if f.id == "my_number").box
    for box in (number, back.qr.box):
        inside = _region_mask(truth.points, box, img.shape)
        assert inside.sum() > 200
        assert (out[inside].max(axis=1) == 0).mean() > 0.99  # covered, all of it
    # far from the regions the photo is unchanged
    far = ~_region_mask(truth.points, number.expand(6), img.shape) & ~_region_mask(truth.points, back.qr.box.expand(6), img.shape)
    assert np.array_equal(out[far], img[far])


def test_independent_scene_is_masked():
    rng = np.random.default_rng(11)
    quad = random_quad(rng, 900, 700, 420, 200, squeeze=0.15)
    img = paste(face("next", "back", record=6), texture("photo", 700, 900), quad)
    out, found = mask_number(img, layout="next")
    assert found
    number = next(f for f in load_layout("next").back.fields if f.id == "my_number").box
    inside = _region_mask(quad, number, img.shape, shrink_mm=0.3)
    assert (out[inside].max(axis=1) == 0).mean() > 0.99


def test_front_is_not_masked_and_says_why():
    img, _ = simulate(face("next", "front"), 20, 0, 0, size=(800, 600), seed=1)
    r = mask_report(img)
    assert r.found is False and "front" in r.reason
    assert np.array_equal(r.image, img)
    _out, found = mask_number(img)
    assert found is False


def test_no_card_is_not_masked():
    r = mask_report(texture("checks", 500, 700))
    assert r.found is False and r.reason == "no card found in the photo" and r.quad is None
