"""eyes.red_eye: flash red-eye in a pupil fails; dark pupils, red-brown irises and a warm cast pass.

The measure (photo/pupils.py) is the pupil's median redness minus the iris ring's, after
balancing the colours by the eye's white. It is tested on drawn eyes (known colours, known
geometry) and on the test faces with red-eye drawn at their iris centres (bench/red_eye.py)."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from photo.analysis import EYE_L, EYE_R
from photo.checker import analyse_and_check
from photo.checks import eyes
from photo.pupils import MIN_PUPIL_SHOWN, PUPIL_R, pupil_redness, pupil_region
from tests import photo_helpers as ph

PROFILE = "mynumber-online"
SKIN, WHITE = (200, 150, 130), (235, 232, 228)


def _eye(pupil, iris, *, lid: float = 12.0, cast=(1.0, 1.0, 1.0)):
    """(image, landmarks): one drawn eye (EYE_R) at (50, 40): an opening of half-height ``lid``
    px, a white sclera, an iris of radius 10 px in ``iris`` and a pupil of radius 4 px in
    ``pupil``, the whole image multiplied by ``cast``."""
    h, w = 80, 100
    ys, xs = np.mgrid[0:h, 0:w].astype(np.float32)
    lm = np.zeros((478, 3), np.float32)
    contour = EYE_R["contour"]
    for k, i in enumerate(contour):  # an ellipse round the opening, in contour order
        t = 2 * np.pi * k / len(contour)
        lm[i, :2] = (50 + 30 * np.cos(t), 40 + lid * np.sin(t))
    lm[468, :2] = (50, 40)
    for k, (dx, dy) in enumerate(((10, 0), (0, -10), (-10, 0), (0, 10))):
        lm[469 + k, :2] = (50 + dx, 40 + dy)
    d = np.hypot(xs - 50, ys - 40)
    inside = ((xs - 50) / 30) ** 2 + ((ys - 40) / max(lid, 1e-3)) ** 2 <= 1
    img = np.empty((h, w, 3), np.float32)
    img[:] = SKIN
    img[inside] = WHITE
    img[inside & (d <= 10)] = iris
    img[inside & (d <= 4)] = pupil
    img = np.clip(img * np.array(cast, np.float32), 0, 255).astype(np.uint8)
    return img, lm


def test_a_red_pupil_reads_red_and_a_dark_one_does_not():
    red = pupil_redness(*_eye((200, 40, 40), (90, 60, 40)), EYE_R)
    dark = pupil_redness(*_eye((20, 18, 18), (90, 60, 40)), EYE_R)
    assert red["pupil"] == pytest.approx((200 - 40) / 255, abs=0.02)
    assert red["redness"] == pytest.approx(red["pupil"] - red["iris"])
    assert red["redness"] > 0.4 and dark["redness"] < 0.02


def test_a_red_brown_iris_is_not_red_eye():
    """The iris round the pupil is as red as the disc the pupil is read in: the difference
    stays small however red-brown the iris is."""
    r = pupil_redness(*_eye((120, 50, 35), (125, 52, 36)), EYE_R)
    assert r["pupil"] > 0.25  # red on its own ...
    assert abs(r["redness"]) < 0.03  # ... but no redder than its iris


def test_a_warm_cast_is_balanced_by_the_eye_white():
    plain = pupil_redness(*_eye((30, 25, 25), (90, 60, 40)), EYE_R)
    warm = pupil_redness(*_eye((30, 25, 25), (90, 60, 40), cast=(1.08, 0.85, 0.8)), EYE_R)
    assert warm["gains"][0] < 1 < warm["gains"][2]  # the white read warm, so red is turned down
    assert abs(warm["pupil"] - plain["pupil"]) < 0.02


def test_an_eye_showing_no_pupil_is_not_read():
    disc = np.pi * (PUPIL_R * 10) ** 2  # the pupil disc read, iris radius 10 px
    img, lm = _eye((200, 40, 40), (90, 60, 40), lid=0.2)  # a sliver of the pupil between the lids
    pupil, _ring = pupil_region(img.shape[:2], lm, EYE_R)
    assert 0 < np.count_nonzero(pupil) < MIN_PUPIL_SHOWN * disc
    assert pupil_redness(img, lm, EYE_R) is None
    img, lm = _eye((200, 40, 40), (90, 60, 40), lid=3.0)  # half of it shows: read
    pupil, _ring = pupil_region(img.shape[:2], lm, EYE_R)
    assert np.count_nonzero(pupil) >= MIN_PUPIL_SHOWN * disc
    assert pupil_redness(img, lm, EYE_R)["redness"] > 0.4


@pytest.mark.parametrize("key", ["compliant_a", "compliant_b"])
def test_compliant_faces_pass(key):
    _a, rep = analyse_and_check(ph.jpeg(ph.image(key)), PROFILE)
    c = rep.check("eyes.red_eye")
    assert c.passed and c.evaluated and c.key == "ok"
    assert c.value < c.limit / 2  # well clear of the limit, not just under it


def test_a_warm_cast_photo_passes():
    a = np.asarray(ph.image("compliant_a")).astype(np.float32) * np.array([1.4, 0.85, 0.85])
    _a, rep = analyse_and_check(ph.jpeg(Image.fromarray(np.clip(a, 0, 255).astype(np.uint8))), PROFILE)
    assert rep.check("eyes.red_eye").passed


def test_red_eye_fails_with_both_eyes_named():
    _a, rep = analyse_and_check(ph.VARIANTS["red_eye"](), PROFILE)
    c = rep.check("eyes.red_eye")
    assert not c.passed and c.evaluated and c.key == "red"
    assert sorted(c.details["red"]) == ["left", "right"]
    assert c.value == max(c.details["image_left_eye"]["redness"], c.details["image_right_eye"]["redness"])
    assert "赤目" in c.message and "red-eye" in c.message_en


def test_red_eye_in_one_eye_names_that_eye():
    from bench.red_eye import red_eye

    g = ph.geometry()
    img = red_eye(ph.image("compliant_a"), [g.eye_left, g.eye_right], np.random.default_rng(0))
    # keep the drawn red only in the eye at the image's right: paste the left half back
    orig = ph.image("compliant_a")
    mid = int((g.eye_left[0] + g.eye_right[0]) / 2)
    img.paste(orig.crop((0, 0, mid, orig.height)), (0, 0))
    _a, rep = analyse_and_check(ph.jpeg(img), PROFILE)
    c = rep.check("eyes.red_eye")
    assert not c.passed and c.details["red"] == ["right"]
    assert c.details["image_left_eye"]["redness"] <= c.limit


def test_a_red_eye_check_with_no_pupil_to_read_is_not_evaluated(monkeypatch):
    a, _rep = analyse_and_check(ph.VARIANTS["red_eye"](), PROFILE)
    monkeypatch.setattr(eyes.pupils, "pupil_redness", lambda *args: None)  # as for two shut eyes
    r = eyes.eyes_red_eye(a, {"max_redness": 0.12})
    assert not r.evaluated and r.key == "no_pupil" and r.value is None


def test_painted_shut_eyes_are_not_red():
    _a, rep = analyse_and_check(ph.VARIANTS["closed_eyes"](), PROFILE)
    assert rep.check("eyes.red_eye").passed  # skin where the pupils were: eyes.open's defect only


def test_the_red_pupils_are_marked():
    from photo import profile
    from photo.annotate import RED, draw
    from photo.marks import marks

    prof = profile.get(PROFILE)
    a, rep = analyse_and_check(ph.VARIANTS["red_eye"](), prof)
    found = [m for m in marks(a, rep, prof) if m.id == "eyes.red_eye"]
    assert sorted(m.en.split()[0] for m in found) == ["left", "right"]
    for m, eye in zip(sorted(found, key=lambda m: m.en), (EYE_R, EYE_L), strict=True):
        pupil, _ring = pupil_region((a.h, a.w), a.landmarks, eye)
        assert np.array_equal(m.fills[0][0], pupil) and pupil.any()
    px = np.asarray(draw(a, rep, prof).convert("RGB")).astype(int)
    (cx, cy) = a.landmarks[468, :2]
    r = int(a.ied * 0.2)
    near = np.abs(px[int(cy) - r:int(cy) + r, int(cx) - r:int(cx) + r] - np.array(RED)).sum(axis=2) <= 6
    assert near.any()
