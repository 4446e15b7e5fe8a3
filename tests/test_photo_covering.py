"""head.covering finds coverings by what they are (smooth, not skin, not hair), not by colour:
hair of any shade passes, a drawn cap or a cloth round the cheeks fails, and a profile may
allow a covering that leaves the face visible from hairline to chin (variants built at test time)."""

from __future__ import annotations

import dataclasses
from functools import cache

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFilter

from tests.photo_helpers import _wrap, arr, geometry, image, img, jpeg


@cache
def _analysed():
    from photo.checker import analyse_and_check
    from tests.photo_helpers import path

    a, _ = analyse_and_check(path("compliant_a"))
    return a


def _hair_mask() -> np.ndarray:
    """compliant_a's hair (original px): above the eyes, outside the face oval, away from the
    plain backdrop's colour and from the skin's chromaticity (the forehead above the oval)."""
    from photo.analysis import FACE_OVAL, FaceAnalysis, polygon_mask

    a = _analysed()
    k = 1 / a.decoded.scale
    im = arr(image("compliant_a"))
    h, w = im.shape[:2]
    face = polygon_mask((h, w), a.landmarks[list(FACE_OVAL)] * k)
    backdrop = np.abs(im - im[5, 5]).sum(axis=2) < 45
    lab = FaceAnalysis.to_lab(np.asarray(image("compliant_a")))
    cheeks = a.cheek_masks[0] | a.cheek_masks[1]
    ab = np.median(FaceAnalysis.to_lab(a.rgb)[cheeks][:, 1:], axis=0)
    skin = np.hypot(lab[..., 1] - ab[0], lab[..., 2] - ab[1]) < 8
    rows = np.arange(h)[:, None] < a.eye_mid[1] * k
    return rows & ~face & ~backdrop & ~skin


def _recoloured_hair(gain, offset=(0, 0, 0)) -> bytes:
    a = arr(image("compliant_a"))
    m = np.asarray(Image.fromarray(_hair_mask().astype(np.uint8) * 255).filter(ImageFilter.GaussianBlur(1.5))) / 255.0
    changed = a * np.asarray(gain, np.float32) + np.asarray(offset, np.float32)
    return jpeg(img(a * (1 - m[..., None]) + changed * m[..., None]))


def _cap(colour=(35, 45, 95), low: bool = True) -> bytes:
    """A plain cloth cap over the crown; low: down over the forehead with a band across it,
    else ending at the hairline (the top of the face oval)."""
    im = image("compliant_a").copy()
    g = geometry()
    a = _analysed()
    k = 1 / a.decoded.scale
    x0, _, x1, _ = g.face_box
    fw = x1 - x0
    top_face = a.landmarks[10, 1] * k
    d = ImageDraw.Draw(im)
    if low:
        d.ellipse([x0 - 0.12 * fw, g.crown[1] - 0.05 * fw, x1 + 0.12 * fw, top_face + 0.35 * fw], fill=colour)
        d.rectangle([x0 - 0.12 * fw, top_face - 0.02 * fw, x1 + 0.12 * fw, top_face + 0.08 * fw],
                    fill=tuple(max(0, c - 20) for c in colour))
    else:
        d.chord([x0 - 0.05 * fw, g.crown[1] - 0.05 * fw, x1 + 0.05 * fw, 2 * top_face - g.crown[1]], 180, 360,
                fill=colour)
    return jpeg(im.filter(ImageFilter.GaussianBlur(0.6)))


def _scarf_over_cheeks(colour=(170, 40, 40)) -> bytes:
    """A cloth wrapped round the face that covers its outline: from just inside the face oval
    (eyes down past the chin) outwards, the hair on top left visible."""
    return _wrap(("left", "right"), colour, inner=0.8, from_eyes=True)


def _check(data: bytes, profile="mynumber-online"):
    import photo

    return photo.check(data, profile).check("head.covering")


def _religious_profile():
    from photo import profile as profile_mod

    prof = profile_mod.get("mynumber-online")
    checks = {cid: dict(lim) for cid, lim in prof.checks.items()}
    checks["head.covering"]["allow_religious"] = True
    return dataclasses.replace(prof, checks=checks)


@pytest.mark.parametrize("name, data", [
    ("plain", lambda: jpeg(image("compliant_a"))),
    ("darker hair", lambda: _recoloured_hair((0.45, 0.45, 0.45))),
    ("black hair", lambda: _recoloured_hair((0.2, 0.2, 0.2))),
    ("blond hair", lambda: _recoloured_hair((1.5, 1.35, 0.95))),
    ("red hair", lambda: _recoloured_hair((1.2, 0.6, 0.4))),
    ("whole photo lighter", lambda: jpeg(img(arr(image("compliant_a")) * 1.15))),
    ("whole photo darker", lambda: jpeg(img(arr(image("compliant_a")) * 0.85))),
])
def test_hair_of_any_shade_is_not_a_covering(name, data):
    c = _check(data())
    assert c.passed and c.evaluated, (name, c.value, c.details)
    assert c.value["crown"] <= c.limit["max_crown_share"]


def test_grey_hair_is_not_a_covering():
    """Grey hair: the hair's luminance kept, its colour removed (strand texture stays)."""
    a = arr(image("compliant_a"))
    m = _hair_mask()
    grey = a.mean(axis=2, keepdims=True) * 1.6 + 20
    out = np.where(m[..., None], np.repeat(grey, 3, axis=2), a)
    c = _check(jpeg(img(out)))
    assert c.passed, (c.value, c.details)


def test_a_drawn_cap_fails_at_the_crown():
    c = _check(_cap())
    assert not c.passed and c.key == "crown", (c.value, c.details)
    assert c.value["crown"] > c.limit["max_crown_share"]
    assert "帽子" in c.message and "hat" in c.message_en


def test_a_cap_the_colour_of_the_hair_still_fails():
    """Found by texture, not colour: a smooth cap in the hair's own light brown (near the skin's
    chromaticity, but darker than a bald scalp would be)."""
    hair = arr(image("compliant_a"))[_hair_mask()]
    colour = tuple(int(v) for v in np.median(hair, axis=0))
    c = _check(_cap(colour))
    assert not c.passed and c.key == "crown", (colour, c.value)


def test_a_scarf_over_the_cheeks_fails_at_the_sides():
    c = _check(_scarf_over_cheeks())
    assert not c.passed and c.key == "sides", (c.value, c.details)


def test_religious_option_passes_a_covering_that_leaves_the_face_visible():
    c = _check(_cap(low=False), _religious_profile())
    assert c.passed and c.key == "allowed", (c.value, c.details)
    assert c.details["covering"] == "crown"
    assert "宗教" in c.message and "religious" in c.message_en
    assert c.details["rim_skin"] >= c.limit["min_outline_skin"]


def test_religious_option_still_fails_a_covering_over_the_forehead():
    assert not _check(_cap(low=False)).passed  # found as a covering without the option
    c = _check(_cap(), _religious_profile())
    assert not c.passed and c.key == "outline", (c.value, c.details)
    assert c.details["forehead_skin"] < c.limit["min_forehead_skin"]


def test_religious_option_still_fails_a_covering_over_the_face_outline():
    c = _check(_scarf_over_cheeks(), _religious_profile())
    assert not c.passed and c.key == "outline", (c.value, c.details)
    assert c.details["rim_skin"] < c.limit["min_outline_skin"]


def test_religious_option_changes_nothing_without_a_covering():
    c = _check(jpeg(image("compliant_a")), _religious_profile())
    assert c.passed and c.key == "ok"


def test_the_annotation_marks_the_cap_itself():
    from photo.annotate import RED, annotate

    data = _cap()
    out, rep = annotate(data)
    assert not rep.check("head.covering").passed
    k = out.width / image("compliant_a").width
    red = np.abs(np.asarray(out.convert("RGB")).astype(int) - np.array(RED)).sum(axis=2) <= 6
    g = geometry()
    a = _analysed()
    top_face = a.landmarks[10, 1] / a.decoded.scale
    x0, _, x1, _ = g.face_box
    cap = red[int(max(0, g.crown[1]) * k):int(top_face * k), int(x0 * k):int(x1 * k)]
    assert cap.mean() > 0.1  # hatched and outlined over the cap
    below = red[int((g.eye_mid[1] + 0.05 * (x1 - x0)) * k):int(g.chin[1] * k), :int((x0 - 0.05 * (x1 - x0)) * k)]
    assert below.sum() == 0  # nothing marked beside the face


def _bald_scalp_lit_from_above(shift_forehead: float = 7.0, shift_scalp: float = 15.0) -> bytes:
    """compliant_a with a bald scalp: the hair over the face's middle (from the top of the head
    down to the top of the face oval) replaced by smooth skin, lit from above so that the
    forehead's a* is ``shift_forehead`` below the cheeks' and the scalp's ``shift_scalp`` below
    (a cooler, brighter light on the top of the head, as a window or a ceiling lamp gives)."""
    import cv2

    a = _analysed()
    k = 1 / a.decoded.scale
    px = arr(image("compliant_a")).astype(np.uint8)
    lab = cv2.cvtColor(px, cv2.COLOR_RGB2Lab).astype(np.float32)  # 8-bit Lab: a* = a - 128
    lm = a.landmarks[:, :2] * k
    x0, x1 = lm[[234, 454], 0]
    top, brow = lm[10, 1], lm[[105, 334], 1].mean()
    g = geometry()
    fw = x1 - x0
    forehead = np.zeros(px.shape[:2], bool)
    forehead[int(top):int(brow - 0.04 * fw), int(x0 + 0.2 * fw):int(x1 - 0.2 * fw)] = True
    lab[forehead, 1] -= shift_forehead
    skin = np.median(lab[forehead], axis=0)
    scalp = np.zeros(px.shape[:2], bool)
    scalp[int(g.crown[1] * k):int(top), int(x0 + 0.15 * fw):int(x1 - 0.15 * fw)] = True
    noise = np.random.default_rng(3).normal(0, 1.0, (int(scalp.sum()),)).astype(np.float32)
    lab[scalp] = skin + np.array([8.0, -(shift_scalp - shift_forehead), 0.0], np.float32)
    lab[scalp, 0] += noise
    out = cv2.cvtColor(np.clip(lab, 0, 255).astype(np.uint8), cv2.COLOR_Lab2RGB)
    return jpeg(img(out.astype(np.float32)))


def test_skin_above_the_forehead_lit_unlike_the_cheeks_is_not_a_covering():
    """The scalp's chromaticity is further from the cheeks' than ``skin_chroma`` (the cheeks
    alone would call it a covering) but near the forehead's: skin continuing up the head."""
    from photo.analysis import FaceAnalysis
    from photo.checks.head import forehead_lab, head_window
    from photo.intake import load

    data = _bald_scalp_lit_from_above()
    c = _check(data)
    assert c.passed and c.value["crown"] <= c.limit["max_crown_share"], (c.value, c.details)
    hw = head_window(FaceAnalysis(load(data)))
    zone = hw.crown_zone
    lab = np.stack([p[zone] for p in hw.planes], axis=1)
    scalp_ab = np.median(lab[:, 1:], axis=0)
    assert np.hypot(*(scalp_ab - hw.skin_lab[1:])) > 12.0  # not the cheeks' chromaticity
    assert forehead_lab(hw, 12.0) is not None  # the forehead is skin: the second reference


def test_a_dark_band_over_the_forehead_is_no_skin_reference():
    """A helmet's rim or its shadow over the forehead (dark: little chroma) does not stand in for
    skin, so the covering above it is still judged against the cheeks."""
    from photo.analysis import FaceAnalysis
    from photo.checks.head import forehead_lab, head_window
    from photo.intake import load

    a = _analysed()
    k = 1 / a.decoded.scale
    im = image("compliant_a").copy()
    lm = a.landmarks[:, :2] * k
    x0, x1 = lm[[234, 454], 0]
    top, brow = lm[10, 1], lm[[105, 334], 1].mean()
    ImageDraw.Draw(im).rectangle([x0, top - 5, x1, brow - 0.05 * (x1 - x0)], fill=(40, 34, 32))
    hw = head_window(FaceAnalysis(load(jpeg(im))))
    assert forehead_lab(hw, 12.0) is None


def _window(lightness: np.ndarray, texture: np.ndarray):
    """A synthetic head window (photo.checks.head.HeadWindow) 200 x 200 px: the face oval a box
    from x 20-180, y 100-200 (landmark 10 on its top), every pixel the person's, the cheeks'
    skin at L* 60, a* 15, b* 20 with texture 1, and the given lightness and texture maps with
    a neutral colour (a* = b* = 0)."""
    from photo.analysis import FACE_OVAL
    from photo.checks.head import HeadWindow

    h, w = lightness.shape
    lm = np.zeros((478, 2), np.float32)
    lm[list(FACE_OVAL)] = (100, 150)
    lm[[234, 127]] = (20, 150)
    lm[[454, 356]] = (180, 150)
    lm[10] = (100, 100)
    lm[152] = (100, 199)
    lm[[105, 334]] = (100, 130)
    lm[[468, 473]] = (100, 140)
    zeros = np.zeros((h, w), np.float32)
    face = np.zeros((h, w), bool)
    face[100:, 20:180] = True
    return HeadWindow(box=(0, 0, w, h), rgb=None, lab=(lightness.astype(np.float32), zeros.copy(), zeros.copy()),
                      person=np.ones((h, w), bool), face=face, dist=zeros.copy(), landmarks=lm,
                      texture=texture.astype(np.float32), texture_ref=1.0,
                      skin_lab=np.array([60, 15, 20], np.float32), crown_y=0.0)


def test_hair_crushed_to_black_counts_neither_way_at_the_crown():
    """Clipped black (L* < CLIPPED_L) has no texture or colour to read: a crown zone that is half
    clipped black and half textured hair is not a covering; a smooth dark-grey cap still is."""
    from photo import profile as profile_mod
    from photo.checks.head import CLIPPED_L, crown_covering

    limits = profile_mod.get("mynumber-online").checks["head.covering"]
    light = np.full((200, 200), 12.0)
    tex = np.full((200, 200), 4.0)  # strands: 4 x the cheeks' texture
    light[:, :100] = 0.0  # clipped black: no texture either
    tex[:, :100] = 0.0
    share, _ = crown_covering(_window(light, tex), limits)
    assert share == 0.0 and CLIPPED_L > 0.0
    cap = crown_covering(_window(np.full((200, 200), 12.0), np.full((200, 200), 0.5)), limits)
    assert cap is not None and cap[0] > limits["max_crown_share"]
    assert crown_covering(_window(np.zeros((200, 200)), np.zeros((200, 200))), limits) is None


def _oval_window(seed: int):
    """A synthetic head window made from the photo path's pieces: a random ellipse as the face oval,
    random fractional landmark heights, every pixel the person's, random RGB pixels."""
    import cv2

    from photo.analysis import FACE_OVAL
    from photo.checks.head import HeadWindow

    rng = np.random.default_rng(seed)
    h, w = int(rng.integers(180, 300)), int(rng.integers(180, 300))
    face = np.zeros((h, w), np.uint8)
    cx, cy = w / 2 + rng.uniform(-20, 20), h * 0.6 + rng.uniform(-20, 20)
    cv2.ellipse(face, (int(cx), int(cy)), (80, int(rng.integers(90, 110))), float(rng.uniform(-10, 10)), 0, 360, 1, -1)
    lm = np.zeros((478, 2))
    lm[list(FACE_OVAL)] = (cx, cy)
    lm[list(FACE_OVAL)[:2]] = [(cx - 80.3, cy), (cx + 79.6, cy)]
    lm[10] = (cx, cy - 100 + rng.uniform(-1, 1))
    lm[[468, 473]] = [(cx - 30, cy - 20 + rng.uniform(0, 1)), (cx + 30.4, cy - 20 + rng.uniform(0, 1))]
    lm[[13, 14]] = [(cx, cy + 40.3 + rng.uniform(0, 1)), (cx, cy + 45 + rng.uniform(0, 1))]
    lm[[105, 334]] = (cx, cy - 50.5 + rng.uniform(0, 1))
    rgb = rng.integers(0, 256, (h, w, 3), dtype=np.uint8)
    return HeadWindow(box=(0, 0, w, h), rgb=rgb, person=np.ones((h, w), bool), face=face > 0, landmarks=lm,
                      texture=rng.random((h, w), dtype=np.float32), texture_ref=0.5,
                      skin_lab=np.array([60, 15, 20], np.float32), crown_y=float(rng.uniform(0, 20)))


def test_the_covering_masks_drawn_in_their_rows_equal_their_whole_window_definitions():
    """The crown zone, the forehead and the side bands are drawn in the rows (and columns) they
    cover, the distance from the oval found on the band's rows only, and CIELAB converted at the
    pixels read: each equals its plain definition over the whole window."""
    import cv2

    from photo.analysis import FaceAnalysis
    from photo.checks.head import SIDE_BAND, WINDOW_FACE_PX, side_bands

    for seed in range(6):
        hw = _oval_window(seed)
        ys, xs = hw.rows_cols()
        lm = hw.landmarks
        x0, x1 = hw.oval_x
        zone = hw.person & (ys >= hw.crown_y) & (ys < lm[10, 1] - 0.04 * WINDOW_FACE_PX) & (
            xs > x0 + 0.1 * WINDOW_FACE_PX) & (xs < x1 - 0.1 * WINDOW_FACE_PX)
        assert np.array_equal(hw.crown_zone, zone) and zone.any()
        brow = lm[[105, 334], 1].mean()
        assert np.array_equal(hw.forehead, hw.face & (ys < brow - 0.04 * WINDOW_FACE_PX) & (ys > lm[10, 1]))
        dist = cv2.distanceTransform(np.ascontiguousarray((~hw.face).astype(np.uint8)), cv2.DIST_L2, 3)
        band = (dist > SIDE_BAND[0] * WINDOW_FACE_PX) & (dist <= SIDE_BAND[1] * WINDOW_FACE_PX) & (
            ys > hw.eye_y) & (ys < lm[[13, 14], 1].mean())
        cx = lm[[468, 473], 0].mean()
        left, right = side_bands(hw)
        assert np.array_equal(left, band & (xs < cx)) and np.array_equal(right, band & (xs >= cx)) and band.any()
        near = dist <= SIDE_BAND[1] * WINDOW_FACE_PX
        for r0, r1 in ((0, 40), (90, 130), (150, hw.face.shape[0])):  # rows the crop does or does not reach the edge from
            part = hw.dist_rows(r0, r1)
            assert np.array_equal(part[near[r0:r1]], dist[r0:r1][near[r0:r1]])
            assert (part[~near[r0:r1]] > SIDE_BAND[1] * WINDOW_FACE_PX).all()
        idx = np.flatnonzero(zone)
        whole = FaceAnalysis.to_lab_planes(hw.rgb)
        assert np.array_equal(hw.lab_at(idx), np.stack([p[zone] for p in whole], axis=1))


def test_a_blend_of_skin_or_hair_with_the_wall_is_the_outline():
    """On the silhouette's edge a pixel blends the person with the wall behind: against a photo
    booth's blue, an ear's rim is neither skin nor hair in colour, but it lies on the line from
    the skin's colour to the wall's. A navy hood's colour does not."""
    from photo.checks.head import MIX_DE, _on_mix

    skin = np.float32([65, 14, 16])
    wall = np.float32([[72, -4, -28]] * 4)
    px = np.float32([
        0.6 * skin + 0.4 * wall[0],  # 40 % wall
        0.2 * skin + 0.8 * wall[0] + [0, 0, 0.7 * MIX_DE],  # mostly wall, a little off the line
        [30, 8, -30],  # navy cloth
        [50, 0, 0],  # grey cloth, off the line by more than MIX_DE
    ])
    assert _on_mix(px, skin, wall).tolist() == [True, True, False, False]


def test_a_photo_booth_blue_wall_passes():
    """compliant_b in front of a photo booth's blue wall (repainted through MODNet's matte, as
    bench/photo_conditions.py does): every check passes, the side measure included."""
    import photo
    from bench.photo_conditions import shot_of, walls

    out = walls(shot_of(arr(image("compliant_b"))))
    for name in ("wall booth blue", "wall pale blue"):
        rep = photo.check(out[name])
        assert rep.passed, (name, [(c.id, c.value) for c in rep.checks if not c.passed])


@pytest.mark.parametrize("dye", ["purple", "blue", "pink", "green"])
def test_dyed_hair_is_not_a_covering(dye):
    """Hair of any colour is not a covering: compliant_b's hair dyed as bench/photo_conditions.py
    dyes it (bench/hair_dye.py: the hue and chroma replaced through MODNet's matte, the lightness
    and so the strands kept) passes head.covering, and the dye did reach the hair."""
    from bench.faces import analysis_of
    from bench.hair_dye import dyed, hair_alpha
    from photo.analysis import FaceAnalysis
    from photo.models import portrait_matte

    u8 = np.asarray(image("compliant_b").convert("RGB"))
    lab = FaceAnalysis.to_lab(u8)
    alpha = hair_alpha(lab, portrait_matte(u8), analysis_of(u8))
    assert alpha is not None and np.count_nonzero(alpha > 0.5) > 0.03 * alpha.size
    out = dyed(lab, alpha, dye)
    hair = alpha > 0.9
    before, after = FaceAnalysis.to_lab(u8)[hair], FaceAnalysis.to_lab(np.asarray(img(out)))[hair]
    assert np.median(np.abs(after[:, 0] - before[:, 0])) <= 2.0  # the strands' lightness kept
    assert np.median(np.hypot(*(after[:, 1:] - before[:, 1:]).T)) >= 8.0  # and their colour changed
    c = _check(jpeg(img(out)))
    assert c.passed and c.evaluated, (dye, c.value, c.details)
