"""eyes.visible, key ``hair``: a fringe hanging over the eyes, or swept over one of them, fails;
bare lids, a fringe that stops on the brows and the test faces pass.

The measure (photo/hair_strands.py) is the upper lid's horizontal colour (CIELAB) gradient over
its vertical one. It is tested on a drawn eye (known rows and strands) and on the test faces
with a fringe drawn from their eye centres (bench/fringe.py)."""

from __future__ import annotations

import numpy as np
import pytest

from photo.analysis import EYE_R
from photo.checker import analyse_and_check
from photo.hair_strands import BROW_SHARE, LID_GAP_IED, MIN_GAP_IED, band_box, strand_ratio
from tests import photo_helpers as ph
from tests.drawn_eye import drawn_eye

PROFILE = "mynumber-online"
IED = 200.0


def _eye(strands_to: float | None = None):
    """(sRGB, landmarks): the drawn eye (tests.drawn_eye), grey, on skin at 170, the top of its upper lid
    at row 90, a lid crease 12 px above it and a brow 40 px above it (dark rows, the brow's lower
    edge at row 54), and, with ``strands_to``, dark vertical strands 2 px wide every 5 px from the
    picture's top down to that row."""
    g, lm = drawn_eye(170.0)
    for i, x in zip(EYE_R["upper"], (80, 90, 100), strict=True):
        lm[i, :2] = (x, 90)
    for k, i in enumerate(EYE_R["brow_lower"]):
        lm[i, :2] = (60 + 15 * k, 54)  # the brow's lower edge
    g[77:79, 55:125] = 120.0  # the lid crease
    g[48:54, 50:130] = 60.0  # the brow
    if strands_to is not None:
        for x in range(40, 140, 5):
            g[0:int(strands_to), x:x + 2] = 50.0
    return np.dstack([g.astype(np.uint8)] * 3), lm


def test_the_band_lies_on_the_upper_lid_below_the_brow():
    _g, lm = _eye()
    x0, y0, x1, y1 = band_box(lm, EYE_R, IED)
    assert (y0, y1) == pytest.approx((90 - BROW_SHARE * 36, 90 - LID_GAP_IED * IED))
    assert 60 < x0 < x1 < 120
    lm[list(EYE_R["brow_lower"]), 1] = 88  # a brow the mesh put on the lid: the band keeps a least height
    assert band_box(lm, EYE_R, IED)[1] == pytest.approx(90 - BROW_SHARE * MIN_GAP_IED * IED)


def test_a_bare_lid_reads_its_rows():
    assert strand_ratio(*_eye(), EYE_R, IED) < 0.5  # the crease runs across the eye


def test_strands_down_to_the_eye_read_over_one():
    assert strand_ratio(*_eye(strands_to=100), EYE_R, IED) > 2.0


def test_strands_that_stop_on_the_brow_are_not_read():
    assert strand_ratio(*_eye(strands_to=52), EYE_R, IED) < 0.5


def test_a_band_out_of_the_picture_reads_nothing():
    g, lm = _eye()
    lm[:, 1] -= 70  # the eye near the top edge: its lid band is cut off
    assert strand_ratio(g, lm, EYE_R, IED) is None
    assert strand_ratio(np.full((200, 200, 3), 128, np.uint8), _eye()[1], EYE_R, IED) is None  # flat: no gradient


@pytest.mark.parametrize("key", ["compliant_a", "compliant_b"])
def test_compliant_faces_read_well_under_the_limit(key):
    _a, rep = analyse_and_check(ph.jpeg(ph.image(key)), PROFILE)
    c = rep.check("eyes.visible")
    assert c.passed and c.limit["max_hair_strands"] == 1.1
    for side in ("image_left_eye", "image_right_eye"):
        assert 0.0 < c.details[side]["hair_strands"] < 0.7 * c.limit["max_hair_strands"]


def test_a_fringe_over_the_eyes_fails_with_both_eyes_marked():
    from photo import profile
    from photo.marks import marks

    prof = profile.get(PROFILE)
    a, rep = analyse_and_check(ph.VARIANTS["fringe"](), prof)
    c = rep.check("eyes.visible")
    assert not c.passed and c.evaluated and c.key == "hair"
    assert "前髪" in c.message and "fringe" in c.message_en
    assert next(x for x in rep.to_dict()["checks"] if x["id"] == "eyes.visible")["key"] == "hair"  # the code, in the JSON
    assert min(c.details[s]["hair_strands"] for s in ("image_left_eye", "image_right_eye")) > c.limit["max_hair_strands"]
    found = [m for m in marks(a, rep, prof) if m.id == "eyes.visible"]
    assert len(found) == 2 and all(m.key == "hair" for m in found)  # both eyes
    assert all(len(m.lines) == 1 and len(m.lines[0]) == 5 for m in found)  # the lid band read, outlined


def test_a_light_fringe_is_read_by_its_colour():
    """Dark-blonde strands on light skin differ from the lid in hue and chroma more than in
    lightness: read as a CIELAB colour difference, they are hair over the eyes."""
    _a, rep = analyse_and_check(ph.VARIANTS["fringe_light"](), PROFILE)
    c = rep.check("eyes.visible")
    assert not c.passed and c.key == "hair"
    assert min(c.details[s]["hair_strands"] for s in ("image_left_eye", "image_right_eye")) > c.limit["max_hair_strands"]


def test_a_fringe_that_stops_on_the_brows_is_not_hair_over_the_eyes():
    _a, rep = analyse_and_check(ph.VARIANTS["fringe_on_brows"](), PROFILE)
    c = rep.check("eyes.visible")
    assert c.key != "hair"
    assert max(c.details[s]["hair_strands"] for s in ("image_left_eye", "image_right_eye")) < c.limit["max_hair_strands"]


def test_a_fringe_over_one_eye_fails_with_that_eye_marked():
    from photo import profile
    from photo.marks import marks

    prof = profile.get(PROFILE)
    a, rep = analyse_and_check(ph.VARIANTS["fringe_left_eye"](), prof)
    c = rep.check("eyes.visible")
    assert not c.passed and c.key == "hair"
    assert c.details["image_left_eye"]["hair_strands"] > c.limit["max_hair_strands"]
    assert c.details["image_right_eye"]["hair_strands"] < 0.7 * c.limit["max_hair_strands"]  # the bare one
    found = [m for m in marks(a, rep, prof) if m.id == "eyes.visible"]
    assert len(found) == 1 and found[0].key == "hair"  # the eye under the fringe, the image-left one
    assert abs(found[0].anchor[0] - a.eye_r[0]) < abs(found[0].anchor[0] - a.eye_l[0])


def test_the_lid_is_read_at_its_frontal_width():
    """A turned head's far eye is narrower in the photo: its band is stretched back across to a
    frontal eye's width (and scaled down its height by the frontal eye distance), so its crease
    still runs across. The drawn bare lid squeezed to 60 % of its width, as the far eye of a
    head turned about 50 degrees, reads as it does unsqueezed."""
    import cv2

    g, lm = _eye()
    squeezed = cv2.resize(g, (round(g.shape[1] * 0.6), g.shape[0]), interpolation=cv2.INTER_AREA)
    lm_s = lm.copy()
    lm_s[:, 0] = (lm[:, 0] + 0.5) * 0.6 - 0.5
    bare = strand_ratio(g, lm, EYE_R, IED)
    assert bare < 0.5
    assert strand_ratio(squeezed, lm_s, EYE_R, 0.6 * IED, IED) == pytest.approx(bare, abs=0.1)


def test_a_profile_without_the_limit_does_not_judge_hair():
    from photo.checks import eyes

    a, _rep = analyse_and_check(ph.VARIANTS["fringe"](), PROFILE)
    stats = eyes.both_eye_stats(a)
    assert not eyes.hair_over_eyes(stats, {})
    assert eyes.hair_over_eyes(stats, {"max_hair_strands": 1.0})
