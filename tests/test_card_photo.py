"""The holder's photo on the card: crop from landmarks, refusal with reasons (cardface.portrait)."""

from __future__ import annotations

import numpy as np
import pytest

import cardface
from cardface.errors import PhotoRefused
from cardface.layout import load_layout
from cardface.portrait import HeadGeometry, crop_box, crop_image
from cardface.scene import ImageElement, build_scene
from tests.card_support import FACE, holder


def test_crop_box_puts_crown_and_chin_on_the_layout_lines():
    spec = load_layout("next").front.photo
    geom = HeadGeometry(eye_left=(400, 500), eye_right=(600, 500), chin=(500, 900), crown=(500, 300))
    left, top, w, h = crop_box(geom, spec)
    assert w / h == pytest.approx(spec.box.w / spec.box.h)
    assert (300 - top) / h == pytest.approx(spec.crown_y)
    assert (900 - top) / h == pytest.approx(spec.chin_y)
    assert left + w / 2 == pytest.approx(500)  # centred on the eyes
    with pytest.raises(PhotoRefused):
        crop_box(HeadGeometry((0, 0), (1, 0), chin=(0, 10), crown=(0, 20)), spec)


def test_crop_pads_with_the_background_where_the_photo_ends():
    from PIL import Image

    spec = load_layout("current").front.photo
    img = Image.new("RGB", (200, 300), (10, 20, 30))
    geom = HeadGeometry((80, 120), (120, 120), chin=(100, 260), crown=(100, 20))
    out = np.asarray(crop_image(img, geom, spec))
    assert out.shape[1] / out.shape[0] == pytest.approx(spec.box.w / spec.box.h, rel=0.02)
    assert (out[0, 0] == 255).all()  # above the photo: the box background (white)
    assert (np.abs(out[out.shape[0] // 2, out.shape[1] // 2].astype(int) - (10, 20, 30)) <= 2).all()


@pytest.fixture(scope="module")
def with_photo():
    return holder(1, photo=str(FACE))


@pytest.fixture(scope="module")
def tilted_photo(tmp_path_factory):
    from PIL import Image

    p = tmp_path_factory.mktemp("faces") / "tilted.jpg"
    with Image.open(FACE) as im:
        im.rotate(18, resample=Image.Resampling.BICUBIC, fillcolor=(200, 200, 205)).save(p, quality=92)
    return holder(1, photo=str(p))


def test_a_passing_photo_is_cropped_into_the_box(with_photo):
    for lay_name in ("next", "current"):
        scene = build_scene(with_photo, "front", lay_name, preview=False)
        img = next(e for e in scene.elements if isinstance(e, ImageElement))
        spec = load_layout(lay_name).front.photo
        assert img.rect == spec.box
        assert img.image.width / img.image.height == pytest.approx(spec.box.w / spec.box.h, rel=0.02)
        # the face is where the layout says: detect it again in the crop
        import photo

        face = photo.check(np.asarray(img.image), spec.profile).face
        crown_y = face["crown"][1] / img.image.height
        chin_y = face["chin"][1] / img.image.height
        assert crown_y == pytest.approx(spec.crown_y, abs=0.04)
        assert chin_y == pytest.approx(spec.chin_y, abs=0.04)
        eyes_x = (face["eyes"][0][0] + face["eyes"][1][0]) / 2 / img.image.width
        assert eyes_x == pytest.approx(0.5, abs=0.04)
    data = cardface.render(with_photo, "front", "next", "pdf", preview=False)
    assert b"/Subtype /Image" in data


def test_a_failing_photo_is_refused_with_the_reasons(tilted_photo):
    with pytest.raises(PhotoRefused) as e:
        build_scene(tilted_photo, "front", "next")
    assert e.value.code == "card.photo_refused"
    ids = [p.code for p in e.value.problems]
    assert "pose.roll" in ids
    assert all(p.field == "photo" and p.message for p in e.value.problems)
    # a preview may use it when asked; production never
    scene = build_scene(tilted_photo, "front", "next", allow_failing_photo=True)
    assert any(isinstance(e, ImageElement) for e in scene.elements)
    with pytest.raises(PhotoRefused):
        build_scene(tilted_photo, "front", "next", preview=False, allow_failing_photo=True)


def test_a_photo_without_a_face_is_refused_even_in_previews(tmp_path):
    from PIL import Image

    p = tmp_path / "wall.jpg"
    Image.new("RGB", (600, 800), (180, 190, 200)).save(p, quality=92)
    with pytest.raises(PhotoRefused) as e:
        build_scene(holder(1, photo=str(p)), "front", "next", allow_failing_photo=True)
    assert e.value.code == "card.photo_no_face"
