"""The review image marks, in red, what made each failed check fail, where the check measured it
(photo/marks.py), with a ja/en label; a passing check draws nothing red.

Each photo is built to fail one check (variants of tests/data faces made at test time) and the
red pixels are looked for in the region the landmarks or the check's own measure give."""

from __future__ import annotations

import io
from functools import cache

import numpy as np
import pytest
from PIL import Image

from photo.annotate import RED, YELLOW, draw
from photo.marks import BUILDERS, labels, marks
from tests.photo_helpers import VARIANTS, geometry, image, jpeg, lab_of, shut_eye

PROFILE = "mynumber-online"


def _one_eye_closed() -> bytes:
    """The eye at the image's left painted shut (skin-coloured lid, lash line); the other stays open."""
    return jpeg(shut_eye(image("compliant_a"), geometry()))


SOURCES = {**VARIANTS, "one_eye_closed": _one_eye_closed}


@cache
def _drawn(key: str):
    """(analysis, report, annotated RGB array, marks) for a variant."""
    from photo import profile
    from photo.checker import analyse_and_check

    prof = profile.get(PROFILE)
    a, rep = analyse_and_check(SOURCES[key](), prof)
    img = draw(a, rep, prof)
    return a, rep, np.asarray(img.convert("RGB")).astype(int), marks(a, rep, prof)


def _near(px: np.ndarray, colour) -> np.ndarray:
    return np.abs(px - np.array(colour)).sum(axis=2) <= 6


def _box(pts: np.ndarray, pad: float) -> tuple[slice, slice]:
    x0, y0 = pts.min(axis=0) - pad
    x1, y1 = pts.max(axis=0) + pad
    return slice(max(0, int(y0)), int(y1) + 1), slice(max(0, int(x0)), int(x1) + 1)


def _failed(rep, cid: str):
    c = rep.check(cid)
    assert c is not None and not c.passed, f"the variant must fail {cid}"
    return c


def _of(found, cid: str):
    return [m for m in found if m.id == cid]


@pytest.mark.parametrize("key", ["compliant_a", "compliant_b"])
def test_a_passing_photo_has_no_red_mark(key):
    _a, rep, px, found = _drawn(key)
    assert rep.passed
    assert found == []
    assert _near(px, RED).sum() == 0  # the old image drew the head's x axis in red on every photo


def test_the_closed_eye_is_marked_and_the_open_one_is_not():
    from photo.analysis import EYE_L, EYE_R

    a, rep, px, found = _drawn("one_eye_closed")
    _failed(rep, "eyes.open")
    m = _of(found, "eyes.open")
    assert [x.key for x in m] == ["fail"] and "向かって左" in m[0].ja and m[0].en.startswith("left eye")
    red = _near(px, RED)
    closed = red[_box(a.landmarks[list(EYE_R["contour"]), :2], 3)]
    opened = red[_box(a.landmarks[list(EYE_L["contour"]), :2], 3)]
    assert closed.sum() > 20  # the lid outline and the gaps measured
    assert opened.sum() == 0  # the old mark outlined both eyes whichever failed


def test_both_closed_eyes_are_marked_with_their_lid_gaps():
    from photo.analysis import EYE_L, EYE_R

    a, rep, px, found = _drawn("closed_eyes")
    _failed(rep, "eyes.open")
    m = _of(found, "eyes.open")
    assert len(m) == 2
    for mark, eye in zip(m, (EYE_R, EYE_L), strict=True):
        # the lines are the upper/lower lid pairs eyelid_gap measures
        assert mark.lines == [[tuple(a.landmarks[u, :2]), tuple(a.landmarks[lo, :2])]
                              for u, lo in zip(eye["upper"], eye["lower"], strict=True)]
        assert _near(px, RED)[_box(a.landmarks[list(eye["contour"]), :2], 3)].sum() > 20


def test_teeth_are_tinted_inside_the_lips():
    from photo.analysis import LIPS_INNER

    a, rep, px, found = _drawn("smiling")
    assert _failed(rep, "expression.neutral").key == "teeth"
    (m,) = _of(found, "expression.neutral")
    (teeth, f), = m.fills
    assert f == 1.0 and teeth.sum() > 50
    ys, xs = np.nonzero(teeth)
    rows, cols = _box(a.landmarks[list(LIPS_INNER), :2], 3)
    assert rows.start <= ys.min() and ys.max() < rows.stop and cols.start <= xs.min() and xs.max() < cols.stop
    # drawn: those pixels are blended half-way to red (the old image left them as they were)
    want = a.rgb[teeth] * 0.5 + np.array(RED) * 0.5
    assert np.median(np.abs(px[teeth] - want)) < 2


def test_the_lip_gap_is_marked_where_it_was_measured():
    from photo.analysis import LIP_GAPS

    a, rep, _px, found = _drawn("smiling")
    _failed(rep, "mouth.closed")
    (m,) = _of(found, "mouth.closed")
    assert m.lines == [[tuple(a.landmarks[u, :2]), tuple(a.landmarks[lo, :2])] for u, lo in LIP_GAPS]


def test_the_darker_half_of_the_face_is_marked_alone():
    a, rep, px, found = _drawn("half_shadow")
    assert _failed(rep, "lighting.uniformity").key == "right_dark"
    red = _near(px, RED)
    x0, _, x1, _ = a.face_box
    rows = slice(int(a.eye_mid[1] - 0.3 * a.ied), int(a.chin[1] - 0.3 * a.ied))
    mid = a.eye_mid[0]
    left = red[rows, int(x0):int(mid - 0.35 * a.ied)]  # (the split follows the face's axis)
    right = red[rows, int(mid + 0.2 * a.ied):int(x1)]
    assert right.sum() > 40
    assert left.sum() == 0  # the old mark outlined the whole skin, both halves
    (m,) = _of(found, "lighting.uniformity")
    assert "向かって右" in m.ja and m.en.startswith("right half")


def test_burnt_out_eye_whites_are_tinted():
    from photo.checks.eyes import EYE_CLIP_LUMA, EYES, eye_region

    a, rep, px, found = _drawn("burnt_eyes")
    assert _failed(rep, "lighting.exposure").key == "eye_whites"
    (m,) = _of(found, "lighting.exposure")
    (burnt, _), = m.fills
    eyes = eye_region(a, EYES[0][1]) | eye_region(a, EYES[1][1])
    assert np.array_equal(burnt, eyes & (a.grey >= EYE_CLIP_LUMA))
    assert burnt.sum() > 20
    # tinted red on the review image, once: eyes.visible passes (burnt whites are the exposure's)
    assert np.median(a.rgb[burnt][:, 1]) > 240 and np.median(px[burnt][:, 1]) < 160
    assert "eyes.visible" not in {c.id for c in rep.checks if not c.passed}
    assert "白目" in m.ja and m.en.startswith("eye whites burnt out")


def test_clipped_skin_is_tinted_on_an_overexposed_face():
    from photo.checks.lighting import BRIGHT_LUMA, exposure_region

    a, rep, px, found = _drawn("bright")
    assert _failed(rep, "lighting.exposure").key == "bright"
    (m,) = _of(found, "lighting.exposure")
    (clipped, _), = m.fills
    assert np.array_equal(clipped, exposure_region(a) & (a.grey >= BRIGHT_LUMA))
    assert clipped.sum() > 0.5 * exposure_region(a).sum()
    want = a.rgb[clipped] * 0.5 + np.array(RED) * 0.5
    assert np.median(np.abs(px[clipped] - want)) < 2  # (outlines and landmark dots aside)


def test_crushed_cheeks_are_tinted_where_the_share_is_read():
    from photo.checks.lighting import DARK_LUMA, dark_region

    a, rep, px, found = _drawn("dark_cheeks")
    c = _failed(rep, "lighting.exposure")
    assert c.key == "dark"
    (m,) = _of(found, "lighting.exposure")
    (crushed, _), = m.fills
    cheeks = dark_region(a)
    assert np.array_equal(crushed, cheeks & (a.grey <= DARK_LUMA))
    # the mark gives back the reported share: the less crushed of the cheeks it outlines, not the
    # skin the fringe and beard darken
    shares = [(crushed & m).sum() / (cheeks & m).sum() for m in a.cheek_masks]
    assert c.value["dark"] == pytest.approx(min(shares), abs=0.0001)
    assert [mask for mask, _ in m.outlines] and np.array_equal(m.outlines[0][0], cheeks)
    # tinted red on the review image (outlines and landmark dots aside)
    want = a.rgb[crushed] * 0.5 + np.array(RED) * 0.5
    assert np.median(np.abs(px[crushed] - want)) < 2


def test_a_dim_face_shows_the_eye_whites_it_was_judged_by():
    """Highlights under the limit: the eye openings whose whites were read are outlined beside the
    cheeks, and the label gives the whites and their limit (a dim photo, not dark skin)."""
    from photo.checks.eyes import EYES
    from photo.checks.lighting import dark_region

    a, rep, _px, found = _drawn("dim")
    c = _failed(rep, "lighting.exposure")
    assert c.key == "dark" and c.value["highlight"] < c.limit["min_highlight"]
    (m,) = _of(found, "lighting.exposure")
    outlined = [mask for mask, _ in m.outlines]
    assert len(outlined) == 3 and np.array_equal(outlined[0], dark_region(a))
    for (_side, eye, _), mask in zip(EYES, outlined[1:], strict=True):
        assert np.array_equal(mask, a.region(eye["contour"]))
    assert f"eye whites {c.value['eye_white']}" in m.en and "白目" in m.ja


def test_a_tilted_head_shows_its_eye_line_at_the_measured_angle():
    a, rep, px, found = _drawn("roll")
    c = _failed(rep, "pose.roll")
    (m,) = _of(found, "pose.roll")
    (p0, p1), = m.lines
    angle = np.degrees(np.arctan2(p1[1] - p0[1], p1[0] - p0[0]))
    assert abs(angle - c.value) < 2.5  # roll > 0: the eye line runs down to the right
    # the red line is drawn through the eyes (the old image only wrote a label)
    red = _near(px, RED)
    for eye in (a.eye_r, a.eye_l):
        x, y = int(eye[0]), int(eye[1])
        assert red[y - 8:y + 9, x - 8:x + 9].sum() > 0


def test_a_turned_head_points_an_arrow_the_way_it_turned():
    a, rep, px, found = _drawn("turned")
    assert _failed(rep, "pose.yaw").key == "left"
    (m,) = _of(found, "pose.yaw")
    (p0, p1), = m.arrows
    assert p1[0] < p0[0] - a.ied  # 39 degrees to the image's left: a long arrow leftwards
    nose = a.landmarks[1, :2]
    red = _near(px, RED)
    assert red[int(nose[1]) - 3:int(nose[1]) + 4, int(p1[0]) + 2:int(nose[0]) - 2].any(axis=0).mean() > 0.9


def test_head_size_shows_the_chin_band_the_limits_allow():
    from photo import profile as profile_mod
    from photo.checks.geometry import mm_per_px

    a, rep, px, found = _drawn("square")
    assert _failed(rep, "geometry.head_size").key == "large"
    (m,) = _of(found, "geometry.head_size")
    lim = profile_mod.get(PROFILE).checks["geometry.head_size"]
    px_mm = 1 / mm_per_px(a, lim)
    ys = sorted(g[0][1] for g in m.guides)  # where the chin would be at the profile's smallest and largest head
    assert ys == pytest.approx([a.crown[1] + lim["min_mm"] * px_mm, a.crown[1] + lim["max_mm"] * px_mm], abs=0.5)
    yellow = _near(px, YELLOW)
    cx = int(a.eye_mid[0])
    for y in ys:  # dashed, across the face
        assert yellow[int(y) - 1:int(y) + 2, cx - int(0.6 * a.ied):cx + int(0.6 * a.ied)].any(axis=0).mean() > 0.3
    red = _near(px, RED)  # the crown-chin line measured, along the face's axis
    hits = [red[int(y) - 2:int(y) + 3, int(x) - 2:int(x) + 3].any()
            for x, y in np.linspace(a.crown, a.chin, 60) if 5 < y < a.h - 5]
    assert len(hits) > 20 and np.mean(hits) > 0.9


def test_centring_marks_the_face_axis_that_was_measured_not_the_frame_centre():
    from photo.framing import centre_x

    a, rep, px, _found = _drawn("off_centre")
    _failed(rep, "geometry.centered")
    red = _near(px, RED)
    x = round(centre_x(a))
    assert abs(x - a.w / 2) > 10
    assert red[:, x - 2:x + 3].any(axis=1).mean() > 0.9
    assert red[:, int(a.w / 2) - 1:int(a.w / 2) + 2].any(axis=1).mean() < 0.5  # the old line ran down the centre


def test_eye_height_shows_the_band_allowed():
    a, rep, px, found = _drawn("eyes_high")
    _failed(rep, "geometry.eye_height")
    (m,) = _of(found, "geometry.eye_height")
    px_mm = a.h / 45
    ys = sorted(p[0][1] for p in m.guides)
    assert ys == pytest.approx([a.h - 31.5 * px_mm, a.h - 22.5 * px_mm], abs=0.5)
    yellow = _near(px, YELLOW)
    for y in ys:
        assert yellow[int(y) - 1:int(y) + 2].any(axis=0).mean() > 0.3


def test_sharpness_boxes_the_pixels_it_measured():
    from photo.checks.image import face_crop_box

    a, rep, px, _found = _drawn("blur")
    _failed(rep, "image.sharpness")
    x0, y0, x1, _y1 = face_crop_box(a)
    red = _near(px, RED)
    assert red[y0:y0 + 3, x0 + 10:x1 - 10].any(axis=0).mean() > 0.9
    fy = int(a.face_box[1])
    assert fy - y0 > 5
    assert red[fy - 1:fy + 2, x0 + 10:x1 - 10].any(axis=0).mean() < 0.2  # the old box was the face oval's


def test_sharpness_tints_the_edges_it_read():
    from photo.checks.image import face_crop_box

    a, rep, px, found = _drawn("motion")
    _failed(rep, "image.sharpness")
    (m,) = _of(found, "image.sharpness")
    (edges, f), = m.fills
    assert f == 1.0 and edges.shape == (a.h, a.w)
    x0, y0, x1, y1 = face_crop_box(a)
    ys, xs = np.nonzero(edges)
    assert x0 <= xs.min() and xs.max() < x1 and y0 <= ys.min() and ys.max() < y1
    assert 0.05 < edges[y0:y1, x0:x1].mean() < 0.15  # the strongest 10 % of the face's pixels
    # the eyes' outlines are among them
    from photo.analysis import EYE_L

    assert edges[_box(a.landmarks[list(EYE_L["contour"]), :2], 2)].mean() > 0.2
    want = a.rgb[edges] * 0.5 + np.array(RED) * 0.5
    assert np.median(np.abs(px[edges] - want)) < 2


def test_each_face_found_is_boxed():
    _a, rep, px, found = _drawn("second_face")
    _failed(rep, "face.count")
    (m,) = _of(found, "face.count")
    assert len(m.boxes) == 2 and "2" in m.ja and "2 faces" in m.en
    red = _near(px, RED)
    for x0, y0, x1, _y1 in m.boxes:
        assert red[int(y0) - 2:int(y0) + 3, int(x0) + 3:int(x1) - 3].any(axis=0).mean() > 0.9


def test_a_colour_cast_outlines_the_cheeks_it_measured():
    from photo.checks.color import colour_region

    a, rep, _px, found = _drawn("blue")
    _failed(rep, "color.natural")
    (m,) = _of(found, "color.natural")
    assert np.array_equal(m.outlines[0][0], colour_region(a))
    assert "b*" in m.ja and "b*" in m.en


def test_a_reflection_over_one_iris_is_marked_on_that_eye_with_the_iris_measure():
    _a, rep, _px, found = _drawn("iris_reflection")
    assert _failed(rep, "eyes.visible").key == "glare"
    (m,) = _of(found, "eyes.visible")
    assert m.en.startswith("left iris glare") and "黒目" in m.ja


def test_a_reflection_on_both_lenses_is_marked_on_both_eyes_with_the_lens_measure():
    _a, rep, _px, found = _drawn("lens_reflection")
    assert _failed(rep, "eyes.visible").key == "glare"
    marks = _of(found, "eyes.visible")
    assert sorted(m.en.split(" ")[0] for m in marks) == ["left", "right"]
    # the lens measure where the eye region's own near-white share is within its limit
    assert all("glare" in m.en and "反射" in m.ja for m in marks)
    stats = _failed(rep, "eyes.visible").details
    lim = _failed(rep, "eyes.visible").limit
    for m in marks:
        side = "image_left_eye" if m.en.startswith("left") else "image_right_eye"
        assert ("glare on the lens" in m.en) == (stats[side]["glare"] <= lim["max_glare"])


def test_every_mark_label_is_in_the_catalogue_in_both_languages():
    from photo.check_titles import check_titles
    from photo.report import messages

    cat = labels()
    for cid in BUILDERS:
        assert cid in check_titles()
        keys = set(messages()[cid]) - {"ok", "no_face", "no_zone", "no_background", "no_mouth", "no_pupil"}  # not evaluated: no mark
        if cid == "face.count":
            keys -= {"none"}  # no face: nothing to box (the image says no face was found)
        assert keys <= set(cat[cid]), cid
        for entry in cat[cid].values():
            assert entry["ja"] and entry["en"] and entry["ja"] != entry["en"]


def test_labels_name_the_check_and_the_measure_in_both_languages():
    _, rep, _, found = _drawn("closed_eyes")
    ja, en = found[0].label
    assert ja.startswith("目の開き:") and en.startswith("Eyes open:")
    assert f"{rep.check('eyes.open').value['blink']:.2f}"[:3] in en  # the measured blink score


def test_the_annotated_png_carries_no_metadata():
    from photo import profile
    from photo.checker import analyse_and_check

    im = image("compliant_a").copy()
    exif = Image.Exif()
    exif[0x010F] = "CameraMaker"
    exif[0x8825] = {1: "N", 2: (35.0, 40.0, 0.0)}  # GPS
    b = io.BytesIO()
    im.save(b, "JPEG", exif=exif.tobytes())
    prof = profile.get(PROFILE)
    a, rep = analyse_and_check(b.getvalue(), prof)
    out = io.BytesIO()
    draw(a, rep, prof).save(out, "PNG")
    back = Image.open(io.BytesIO(out.getvalue()))
    assert not back.info and not back.getexif()


@pytest.mark.parametrize("key", ["sunglasses", "helmet", "hood", "lisa3", "dark", "motion", "heavy_jpeg", "red_tint",
                                 "bun", "top_cut", "dark_glasses"])
def test_every_failed_check_with_a_mark_gets_one(key):
    """A mark is derived from the check's own measure: a check that failed always has one."""
    _a, rep, px, found = _drawn(key)
    want = {c.id for c in rep.failed if c.id in BUILDERS and c.evaluated}
    assert want
    assert {m.id for m in found} == want
    assert _near(px, RED).sum() > 0


@pytest.mark.parametrize("key", ["compliant_a", "half_shadow", "bright", "blue"])
def test_marks_read_the_pixels_their_checks_read(key):
    """The regions the marks draw give back the values the checks reported (so a change to a
    check's sampling that forgets its mark fails here)."""
    from photo.checks.color import colour_region
    from photo.checks.lighting import DARK_LUMA, dark_region, exposure_region, half_samples

    a, rep, _px, _found = _drawn(key)
    g = a.grey[exposure_region(a)]
    assert rep.check("lighting.exposure").value["mean"] == pytest.approx(float(g.mean()), abs=0.051)
    region = dark_region(a)
    crushed = [float((a.grey[region & m] <= DARK_LUMA).mean()) for m in a.cheek_masks if (region & m).any()]
    assert rep.check("lighting.exposure").value["dark"] == pytest.approx(min(crushed), abs=0.0001)
    ys, xs, side = half_samples(a)
    lum = a.grey[ys, xs]
    lo, hi = sorted((float(np.median(lum[side < 0])), float(np.median(lum[side > 0]))))
    assert rep.check("lighting.uniformity").value == pytest.approx(lo / hi, abs=0.0006)
    lab = lab_of(a, colour_region(a))
    c = rep.check("color.natural")
    if c is not None and c.evaluated:  # (not judged on a greyscale photo, nor on a badly exposed face)
        assert c.value == pytest.approx([float(np.median(lab[:, 1])), float(np.median(lab[:, 2]))], abs=0.051)
