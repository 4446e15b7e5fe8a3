"""The background checks at hair level: the person matte (guided filter, MODNet), the backdrop's
own lighting model, vignetting that is not a shadow (variants of the licensed test faces built here)."""

from __future__ import annotations

from functools import cache

import numpy as np

from tests.photo_helpers import arr, geometry, image, img, jpeg


def _vignette(a: np.ndarray, corner_gain: float) -> np.ndarray:
    """A lens's (or a studio light's) fall-off: 1 at the centre, ``corner_gain`` in the corners."""
    h, w = a.shape[:2]
    ys, xs = np.mgrid[0:h, 0:w]
    r2 = ((xs - w / 2) / (w / 2)) ** 2 + ((ys - h / 2) / (h / 2)) ** 2
    return a * (1 - (1 - corner_gain) * r2 / 2)[..., None]


@cache
def vignetted() -> bytes:
    return jpeg(img(_vignette(arr(image("compliant_a")), 0.72)))


@cache
def analysis_a():
    """compliant_a as sent (JPEG), analysed once: the person matte the variants below are built
    on, and the tidy head the matting gate is tested on (read only)."""
    from photo.analysis import analyse
    from photo.intake import load

    return analyse(load(jpeg(image("compliant_a"))))


@cache
def vignetted_cast_shadow() -> bytes:
    """The vignetted photo with a soft shadow of the head cast on the wall to one side."""
    import cv2

    a = arr(image("compliant_a"))
    h, w = a.shape[:2]
    person = cv2.resize(analysis_a().person_matte, (w, h))
    shifted = cv2.warpAffine(person, np.float32([[1, 0, 0.07 * w], [0, 1, -0.01 * h]]), (w, h))
    shade = cv2.GaussianBlur(shifted, (0, 0), w * 0.01) * (1 - person)
    return jpeg(img(_vignette(a * (1 - 0.4 * shade)[..., None], 0.72)))


def _check(data: bytes, cid: str):
    import photo

    return photo.check(data).check(cid)


def test_guided_filter_gives_a_strand_to_the_person():
    from photo.matte import refine_person

    rgb = np.full((120, 120, 3), 210, np.uint8)
    yy, xx = np.mgrid[0:120, 0:120]
    head = (yy - 60) ** 2 + (xx - 50) ** 2 < 30**2
    rgb[head] = 60
    rgb[58:61, 80:84] = 60  # a strand 3 px thick sticking out 4 px beyond the head (and the mask)
    mask = head.astype(np.float32)
    refined = refine_person(rgb, mask)
    assert refined[59, 80:84].min() > 0.5  # the strand joins the person
    inner = (yy - 60) ** 2 + (xx - 50) ** 2 < 24**2
    assert refined[inner].min() > 0.9 and refined[:, 110:].max() < 0.05  # inside and far outside unchanged
    assert refined[40:50, 84:90].max() < 0.2  # the wall beside the strand stays wall


def test_backdrop_fit_follows_the_wall_not_the_hair_left_in_it():
    """Hair the matte misses (a dark lock) must not drag the model of the wall's light fall-off."""
    from photo.backdrop import backdrop_design, fit_backdrop

    h, w = 200, 160
    ys, xs = np.mgrid[0:h, 0:w]
    u, v = xs / w - 0.5, ys / h - 0.5
    wall = 200 - 60 * (u * u + v * v) - 20 * u  # a vignetted, side-lit wall (grey levels)
    rgb = np.repeat(wall[..., None], 3, axis=2)
    lock = (xs > 110) & (ys > 100)
    rgb[lock] = 40  # dark hair in the lower right, left in the background
    fit = fit_backdrop(rgb.astype(np.uint8), np.ones((h, w), bool))
    from photo.analysis import FaceAnalysis

    truth = FaceAnalysis.to_lab(np.repeat(wall[..., None], 3, axis=2).astype(np.uint8))
    model = backdrop_design(xs.ravel(), ys.ravel(), (h, w)) @ fit["coef"]
    err = np.abs(model[:, 0] - truth[..., 0].ravel()).reshape(h, w)
    assert err[~lock].max() < 2.0  # L units, over the whole wall, next to the lock too


def test_a_vignetted_backdrop_has_no_shadow():
    """Darkening that follows the backdrop's own smooth lighting (here 28 % in the corners) is not a shadow."""
    c = _check(vignetted(), "background.shadow")
    assert c.passed and c.value < c.limit / 4, c.value
    u = _check(vignetted(), "background.uniformity")
    assert u.passed, u.value


def test_a_shadow_on_a_vignetted_backdrop_is_still_a_shadow():
    c = _check(vignetted_cast_shadow(), "background.shadow")
    assert not c.passed and c.value > c.limit, c.value


def test_the_matting_model_separates_the_person_from_the_wall():
    """MODNet (photo/models/modnet.onnx, checked against its SHA-256 on load): the face and hair
    are the person, the wall's corners are not."""
    from photo import models

    rgb = np.asarray(image("compliant_a").resize((398, 512)))
    g = geometry()
    k = 398 / 560
    alpha = models.portrait_matte(rgb)
    assert alpha.shape == rgb.shape[:2] and alpha.dtype == np.float32
    x0, y0, x1, y1 = (int(v * k) for v in g.face_box)
    assert np.median(alpha[y0:y1, x0:x1]) > 0.98
    assert alpha[:30, :30].max() < 0.05 and alpha[:30, -30:].max() < 0.05


def test_the_cheap_matte_is_sure_of_a_tidy_head_on_a_plain_wall():
    """No matting model for a tidy head on a plain wall: the gate stays shut (cost)."""
    from photo.analysis import MATTE_UNSURE

    a = analysis_a()
    assert a.matte_unsure < MATTE_UNSURE / 2 and a.person_matte is a.person_refined


def test_matting_keeps_only_what_is_joined_to_the_person():
    """A picture on the wall that the matting model takes for part of the portrait is dropped;
    hair joined to the head stays."""
    from photo.analysis import attached

    matte = np.zeros((100, 100), np.float32)
    matte[30:100, 30:70] = 1.0  # the person
    matte[60:90, 70:80] = 0.8  # hair hanging beside the neck, joined to it
    matte[5:20, 80:95] = 0.9  # a picture on the wall, apart
    core = np.zeros((100, 100), bool)
    core[35:100, 35:65] = True  # the cheap mask's person
    out = attached(matte, core)
    assert out[70, 75] == np.float32(0.8) and out[50, 50] == 1.0
    assert out[10, 85] == 0.0


def _lab_of(rgb) -> np.ndarray:
    import cv2

    return cv2.cvtColor(np.float32(rgb).reshape(1, -1, 3) / 255.0, cv2.COLOR_RGB2Lab)[0]


def test_a_shadow_keeps_the_walls_chromaticity_and_hair_does_not_under_any_cast():
    """The shadow test's chromaticity gate (von Kries): the wall in shadow (its sRGB scaled) keeps
    the ratios of its channels; blond hair whose a*b* a warm cast has brought within reach of the
    wall's does not, and a cast applied to wall, shadow and hair alike changes neither verdict."""
    from photo.checks.background import SHADOW_CHROMATICITY, same_chromaticity

    wall = np.float32([205, 196, 188])
    shadow = wall * 0.62
    hair = np.float32([120, 102, 78])  # light brown, 0.6 of the wall's lightness
    warm = np.float32([1.08, 1.0, 0.85])
    # the premise: a*b* alone (the test's first gate, Delta a*b* < 6) keeps this hair apart from
    # the wall in neutral light and not under the warm cast
    d_ab = [float(np.hypot(*(_lab_of(hair * c)[0, 1:] - _lab_of(wall * c)[0, 1:]))) for c in (1.0, warm)]
    assert d_ab[0] > 6 > d_ab[1], d_ab
    for cast in (np.float32([1, 1, 1]), warm, np.float32([0.9, 1.0, 1.08])):
        w, px = wall * cast, np.stack([shadow * cast, hair * cast])
        model = np.repeat(_lab_of(w), 2, axis=0)
        got = same_chromaticity(np.clip(np.round(px), 0, 255).astype(np.uint8), model, SHADOW_CHROMATICITY)
        assert got.tolist() == [True, False], (cast, got)


def test_a_warm_cast_makes_no_shadow_and_hides_none():
    """Indoor light with the camera's white balance left warm (R x 1.08, B x 0.85): the plain
    photo still has no shadow on the wall, and the cast shadow is still found."""
    import photo

    warm = np.float32([1.08, 1.0, 0.85])
    plain = jpeg(img(arr(image("compliant_a")) * warm))
    assert photo.check(plain).check("background.shadow").passed
    import io

    from PIL import Image

    shadowed = arr(Image.open(io.BytesIO(vignetted_cast_shadow())))
    c = _check(jpeg(img(shadowed * warm)), "background.shadow")
    assert not c.passed and c.value > c.limit, c.value


def test_the_shadow_measure_counts_only_pixels_of_the_walls_chromaticity(monkeypatch):
    """The gate is wired in: with every candidate refused by it, the cast shadow measures 0."""
    from photo.checks import background

    monkeypatch.setattr(background, "same_chromaticity", lambda rgb, model, limit: np.zeros(len(rgb), bool))
    c = _check(vignetted_cast_shadow(), "background.shadow")
    assert c.passed and c.value == 0, c.value


@cache
def flyaway_smudges() -> bytes:
    """The compliant photo with loose strands against the wall as a phone's noise reduction leaves
    them: soft smudges of the wall's own colour at up to 60 % of its light, fanning out from the
    hair above and beside the head. Their ridges are smooth (the shadow measure's texture gate
    lets them through) and about a pixel across at the measure's scale."""
    import cv2

    a = arr(image("compliant_a"))
    an = analysis_a()
    h, w = a.shape[:2]
    x0, _, x1, y1 = an.face_box
    cx, top = (x0 + x1) / 2, an.crown[1]
    shade = np.zeros((h, w), np.float32)
    for k, ang in enumerate(np.linspace(-2.5, 2.5, 14)):  # radians from straight up, both sides of the head
        r0 = 0.5 * (x1 - x0) + 0.12 * (x1 - x0) * (k % 3)
        pts = [(cx + (r0 + t) * np.sin(ang), (top + y1) / 2 - (r0 + t) * np.cos(ang) * 0.9) for t in (0, 150)]
        cv2.line(shade, tuple(int(v) for v in pts[0]), tuple(int(v) for v in pts[1]), 1.0, 12, cv2.LINE_AA)
    shade = cv2.GaussianBlur(shade, (0, 0), 6.0)
    shade *= (1 - cv2.resize(an.person_matte, (w, h))) / shade.max()
    return jpeg(img(a * (1 - 0.4 * shade)[..., None]))


def test_thin_smudges_of_loose_strands_are_not_a_shadow():
    """A shadow is a region: strands smeared against the wall are wall-coloured and darker like a
    shadow, but the measure finds them as specks along their ridges, each under min_shadow_patch.
    Counted pixel by pixel (min_shadow_patch 0) the same specks would be over the limit, so the
    rule is what passes them."""
    from photo import profile as profile_mod
    from photo.analysis import analyse
    from photo.checks.background import shadow_area
    from photo.intake import load

    limit = profile_mod.get("mynumber-online").checks["background.shadow"]
    c = _check(flyaway_smudges(), "background.shadow")
    assert c.passed, c.value
    raw = shadow_area(analyse(load(flyaway_smudges())), 0.0)
    assert raw > limit["max_shadow_area"], raw  # the premise: counted pixel by pixel they are a "shadow"
    # the cast shadow, one patch many times that size, is measured whole
    cast = analyse(load(vignetted_cast_shadow()))
    assert shadow_area(cast, limit["min_shadow_patch"]) > 0.95 * shadow_area(cast, 0.0)


def _wall_coloured_patch_in_the_hair() -> bytes:
    """compliant_a with a smooth patch of the wall's grey, 30 % darker, in the hair above the
    forehead: inside the person's silhouette, what a bald scalp against a pink wall or blond hair
    against a beige one looks like to the shadow measure (the wall's colour, darker, smooth)."""
    a = arr(image("compliant_a")).copy()
    g = geometry()
    fw = g.face_box[2] - g.face_box[0]
    y0 = int(g.crown[1] + 0.06 * fw)
    x0 = int(g.eye_mid[0] - 0.12 * fw)
    a[y0:y0 + int(0.12 * fw), x0:x0 + int(0.24 * fw)] = a[5, 5].astype(np.float32) * 0.7
    return jpeg(img(a))


def test_the_walls_colour_inside_the_silhouette_is_the_person_not_a_shadow(monkeypatch):
    """A shadow lies on the wall: a patch with no part outside the person's silhouette is skin or
    hair in the wall's colour. Counted as before (any patch above the mouth), the same patch
    would be over the limit."""
    from photo import profile as profile_mod
    from photo.analysis import analyse
    from photo.checks import background
    from photo.intake import load

    lim = profile_mod.get("mynumber-online").checks["background.shadow"]
    an = analyse(load(_wall_coloured_patch_in_the_hair()))
    assert background.shadow_area(an, lim["min_shadow_patch"]) <= lim["max_shadow_area"]
    monkeypatch.setattr(background, "SHADOW_ON_WALL", 0.0)
    assert background.shadow_area(an, lim["min_shadow_patch"]) > lim["max_shadow_area"]  # the premise
