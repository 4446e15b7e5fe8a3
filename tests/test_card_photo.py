"""The holder's photo on the card: crop from landmarks, refusal with reasons (cardface.portrait)."""

from __future__ import annotations

import numpy as np
import pytest

import cardface
from cardface.errors import PhotoRefused
from cardface.layout import load_layout
from cardface.scene import ImageElement, build_scene
from tests.card_support import FACE, holder, sample_records


def test_the_card_frame_puts_crown_and_chin_on_the_layout_lines():
    from types import SimpleNamespace

    from cardface.portrait import frame_of
    from photo.framing import place

    spec = load_layout("next").front.photo
    a = SimpleNamespace(crown=np.array([500.0, 300.0]), chin=np.array([500.0, 900.0]),
                        eye_mid=np.array([500.0, 500.0]), face_box=(380.0, 320.0, 620.0, 900.0))
    x0, y0, x1, y1 = place(a, frame_of(spec))
    w, h = x1 - x0, y1 - y0
    assert w / h == pytest.approx(spec.box.w / spec.box.h)  # exactly the box's shape
    assert (300 - y0) / h == pytest.approx(spec.crown_y)
    assert (900 - y0) / h == pytest.approx(spec.chin_y)
    assert x0 + w / 2 == pytest.approx(500)  # centred on the face


def test_the_cut_pads_with_the_background_where_the_photo_ends():
    from PIL import Image

    from photo.framing import cut

    img = Image.new("RGB", (200, 300), (10, 20, 30))
    out = np.asarray(cut(img, (-20.0, -50.0, 180.0, 207.0), (140, 180), (255, 255, 255)))
    assert out.shape[:2] == (180, 140)
    assert (out[0, 0] == 255).all()  # above the photo: the box background (white)
    assert (np.abs(out[out.shape[0] // 2, out.shape[1] // 2].astype(int) - (10, 20, 30)) <= 2).all()


def _framed(image, spec):
    """(crown_y, chin_y, centre_x) of the face found again in a cropped photo, as fractions."""
    import photo

    face = photo.check(np.asarray(image), spec.profile).face
    return (face["crown"][1] / image.height, face["chin"][1] / image.height,
            (face["eyes"][0][0] + face["eyes"][1][0]) / 2 / image.width)


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
        crown_y, chin_y, eyes_x = _framed(img.image, spec)
        assert crown_y == pytest.approx(spec.crown_y, abs=0.04)
        assert chin_y == pytest.approx(spec.chin_y, abs=0.04)
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


def test_the_card_does_not_judge_the_photos_age(tmp_path):
    """A photo dated long ago by its camera is the application's business (file.taken, judged on
    the application's date): the card, printed later, crops it like any other."""
    import photo
    from tests.photo_helpers import VARIANTS

    p = tmp_path / "dated.jpg"
    p.write_bytes(VARIANTS["old_photo"]())  # compliant_a (the card tests' face), dated 2020

    assert not photo.check(p, "mynumber-next").check("file.taken").passed
    scene = build_scene(holder(1, photo=str(p)), "front", "next", preview=False)
    assert any(isinstance(e, ImageElement) for e in scene.elements)


def test_a_photo_without_a_face_is_refused_even_in_previews(tmp_path):
    from PIL import Image

    p = tmp_path / "wall.jpg"
    Image.new("RGB", (600, 800), (180, 190, 200)).save(p, quality=92)
    with pytest.raises(PhotoRefused) as e:
        build_scene(holder(1, photo=str(p)), "front", "next", allow_failing_photo=True)
    assert e.value.code == "card.photo_no_face"


def test_a_square_studio_photo_is_framed_by_the_card_not_refused(tmp_path):
    """A square photo with room round the head fails the application photo's framing (aspect,
    head size, margins) -- what the card's own crop fixes: ``card render`` frames it."""
    import json

    from PIL import Image

    from tests.conftest import invoke_cli

    with Image.open(FACE) as im:
        src = im.convert("RGB")
    square = Image.new("RGB", (1000, 1000), src.getpixel((3, 3)))
    square.paste(src, ((1000 - src.width) // 2, 1000 - src.height))
    p = tmp_path / "studio.jpg"
    square.save(p, quality=92)
    import photo

    spec = load_layout("next").front.photo
    rep = photo.check(p, spec.profile)
    failed = {c.id for c in rep.failed}
    assert {"image.dimensions", "geometry.head_size", "geometry.margins"} <= failed  # the photo's own framing
    assert all(c.fixable for c in rep.failed)
    rec = {**sample_records()[0], "photo": str(p)}
    holders_file = tmp_path / "holders.json"
    holders_file.write_text(json.dumps([rec], ensure_ascii=False), encoding="utf-8")
    out = tmp_path / "out"
    r = invoke_cli("card", "render", str(holders_file), "-o", str(out), "--side", "front", "--format", "png",
                   "--production", "--dpi", "300")
    assert r.exit_code == 0, r.stderr
    card = Image.open(out / "next-001-front.png").convert("RGB")
    k = 300 / 25.4
    b = spec.box
    box_img = card.crop((round(b.x * k), round(b.y * k), round(b.x1 * k), round(b.y1 * k)))
    crown_y, chin_y, eyes_x = _framed(box_img, spec)
    assert crown_y == pytest.approx(spec.crown_y, abs=0.04)
    assert chin_y == pytest.approx(spec.chin_y, abs=0.04)
    assert eyes_x == pytest.approx(0.5, abs=0.04)
