"""The review image marks the pixels that made a background check fail, not the whole background."""

from __future__ import annotations

import io

import numpy as np
from PIL import Image

from photo.annotate import RED, annotate
from tests.photo_helpers import VARIANTS, geometry, image


def _red(img) -> np.ndarray:
    a = np.asarray(img.convert("RGB")).astype(int)
    return (np.abs(a - np.array(RED)).sum(axis=2) <= 6)


def _annotated(key: str):
    data = VARIANTS[key]()
    img, rep = annotate(data)
    scale = img.width / Image.open(io.BytesIO(data)).width
    return img, rep, scale


def test_objects_are_outlined_where_they_are():
    img, rep, k = _annotated("poster")
    c = next(c for c in rep.checks if c.id == "background.uniformity")
    assert not c.passed and c.key == "objects"
    red = _red(img)
    # the poster as the test helper paints it (original px), widened a little
    g, w = geometry(), image("compliant_a").width
    x0, y0 = max(4, int(g.face_box[0] - 0.42 * w)), int(g.eye_mid[1] - 0.05 * image("compliant_a").height)
    x1, y1 = x0 + int(0.16 * w), y0 + int(0.2 * w)
    pad = 12
    box = red[int((y0 - pad) * k):int((y1 + pad) * k), int(max(0, x0 - pad) * k):int((x1 + pad) * k)]
    assert box.sum() > 40  # the poster's outline
    # the plain wall on the other side of the head carries no mark (the old mark outlined the whole background)
    right = red[int(g.eye_mid[1] * k):int(g.chin[1] * k), int((g.face_box[2] + 0.12 * w) * k):]
    assert right.sum() == 0


def test_a_cast_shadow_is_marked_on_its_side_only():
    img, rep, k = _annotated("cast_shadow")
    c = next(c for c in rep.checks if c.id == "background.shadow")
    assert not c.passed
    red = _red(img)
    g, w = geometry(), image("compliant_a").width
    rows = slice(int(max(0, g.crown[1]) * k), int(g.chin[1] * k))
    left = red[rows, : int((g.face_box[0] - 0.02 * w) * k)]
    right = red[rows, int(g.face_box[2] * k):]
    assert left.sum() > 40  # the shadow, beside the head on the side it was cast
    assert right.sum() == 0  # not the person's outline on the other side (the old mark drew the silhouette)
