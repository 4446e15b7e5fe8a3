"""Each check: a photo that passes it and one that fails it (variants built at test time)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.photo_helpers import path, report

# check id -> (variant that fails it, profile)
FAILS = {
    "file.format": ("png", "mynumber-online"),
    "file.size": ("tiny_file", "mynumber-online"),
    "image.dimensions": ("too_small", "mynumber-online"),
    "image.color": ("cmyk", "mynumber-online"),
    "face.count": ("second_face", "mynumber-online"),
    "pose.yaw": ("turned", "mynumber-online"),
    "pose.pitch": ("sunglasses", "icao"),  # 12.3 degrees: over ICAO's 5, inside the calibrated 14.5 of the mynumber profiles
    "pose.roll": ("roll", "mynumber-online"),
    "eyes.open": ("closed_eyes", "mynumber-online"),
    "eyes.visible": ("dark_glasses", "mynumber-online"),
    "mouth.closed": ("smiling", "mynumber-online"),
    "mouth.visible": ("masked", "mynumber-online"),
    "eyes.red_eye": ("red_eye", "mynumber-online"),
    "file.taken": ("old_photo", "mynumber-online"),
    "expression.neutral": ("smiling", "mynumber-online"),
    "head.covering": ("helmet", "mynumber-online"),
    "geometry.head_size": ("small_head", "mynumber-online"),
    "geometry.centered": ("off_centre", "mynumber-online"),
    "geometry.eye_height": ("eyes_high", "mynumber-online"),
    "geometry.margins": ("top_cut", "mynumber-online"),
    "lighting.exposure": ("dark", "mynumber-online"),
    "lighting.uniformity": ("half_shadow", "mynumber-online"),
    "background.uniformity": ("stripes", "mynumber-online"),
    "background.shadow": ("cast_shadow", "mynumber-online"),
    "image.sharpness": ("blur", "mynumber-online"),
    "image.compression": ("heavy_jpeg", "mynumber-online"),
    "color.natural": ("blue", "mynumber-online"),
}


def test_every_check_has_a_failing_case():
    from photo.checks import order

    assert set(FAILS) == set(order())


@pytest.mark.parametrize("name", ["compliant_a", "compliant_b"])
def test_compliant_photos_pass_every_check(name):
    rep = report(name)
    assert rep.error is None
    failed = {c.id: c.value for c in rep.failed}
    assert failed == {}
    assert rep.passed
    assert {c.id for c in rep.checks} == set(FAILS)


#: checks that need more than compliant_a's pixels to pass: the camera's date, recent
PASSES = {"file.taken": "recent_photo"}


@pytest.mark.parametrize("check_id", sorted(FAILS))
def test_check_passes_on_compliant(check_id):
    c = report(PASSES.get(check_id, "compliant_a")).check(check_id)
    assert c is not None and c.passed and c.evaluated
    assert c.message and c.message_en


@pytest.mark.parametrize("check_id", sorted(FAILS))
def test_check_fails_on_its_defect(check_id):
    variant, profile = FAILS[check_id]
    rep = report(variant, profile)
    assert rep.error is None
    c = rep.check(check_id)
    assert c is not None, f"{check_id} missing for {variant}"
    assert not c.passed, f"{check_id} passed on {variant}: value {c.value}, limit {c.limit}"
    assert c.evaluated
    assert c.message != c.message_en and c.message and c.message_en
    assert not rep.passed


def test_greyscale_fails_colour_only_where_colour_is_required():
    assert report("grey", "mynumber-online").check("image.color").passed
    c = report("grey", "mynumber-next").check("image.color")
    assert not c.passed and c.key == "grey"
    assert "白黒" in c.message


def test_motion_blur_is_caught_and_named():
    c = report("motion").check("image.sharpness")
    assert not c.passed
    assert c.details["blur_0deg"] > c.details["blur_90deg"]  # blurred along the horizontal


def test_camera_shake_between_the_axes_is_caught_along_its_own_direction():
    c = report("motion_22deg").check("image.sharpness")
    assert not c.passed and c.key == "motion"
    assert c.params["direction"] == "22.5"
    assert c.details["blur_22.5deg"] > c.details["blur_112.5deg"] + 0.13


def test_a_phones_noise_reduction_is_not_blur():
    """Smoothed skin on a face in focus passes, far from a defocused face (read over every pixel of
    the face, as before stop 28, such photos were taken for blur)."""
    night = report("phone_night").check("image.sharpness")
    assert night.passed, night.value
    assert night.value < report("blur").check("image.sharpness").value - 0.2


def test_a_turned_face_is_measured_at_its_frontal_size():
    """A three-quarter view's eyes are closer in the photo than the face is big: the sharpness
    crop is scaled by the template's fit, so the turned face is not enlarged (and blurred) more."""
    from photo.checker import analyse_and_check
    from photo.checks.image import face_crop, face_crop_box

    a, rep = analyse_and_check(path("turned"), "mynumber-online")
    assert abs(a.pose.yaw_deg) > 30
    assert a.frontal_ied > 1.25 * a.ied
    xa, _, xb, _ = face_crop_box(a)
    assert face_crop(a).shape[1] == round((xb - xa) * 64 / a.frontal_ied)
    assert rep.check("image.sharpness").passed
    front, _ = analyse_and_check(path("compliant_a"), "mynumber-online")
    assert front.frontal_ied == front.ied  # facing the camera: the eyes' own distance


def test_over_exposure_is_caught():
    c = report("bright").check("lighting.exposure")
    assert not c.passed and c.key == "bright"


def test_burnt_out_eye_whites_are_over_exposure_even_when_the_skin_is_not():
    c = report("burnt_eyes").check("lighting.exposure")
    assert not c.passed and c.key == "eye_whites"
    assert c.value["bright"] <= c.limit["max_bright_share"]  # the skin alone reads well exposed
    assert c.value["eye_white_clip"] > c.limit["max_eye_white_clip"]
    assert "白目" in c.message and "whites of both eyes" in c.message_en


def test_one_burnt_out_eye_is_glare_not_exposure():
    rep = report("burnt_left_eye")
    c = rep.check("lighting.exposure")
    assert c.passed and c.value["eye_white_clip"] <= c.limit["max_eye_white_clip"]
    assert rep.check("eyes.visible").details["image_left_eye"]["glare"] > c.limit["max_eye_white_clip"]


def test_burnt_out_whites_with_readable_irises_are_exposure_not_hidden_eyes():
    rep = report("burnt_eyes")
    v = rep.check("eyes.visible")
    lim = v.limit
    assert v.passed and v.details["whites_burnt"]
    for side in ("image_left_eye", "image_right_eye"):
        assert v.details[side]["glare"] > lim["max_glare"] >= 0.0
        assert v.details[side]["iris_glare"] <= lim["max_iris_glare"]
    assert not rep.check("lighting.exposure").passed  # one defect, named once: the exposure


def test_a_face_burnt_out_with_its_irises_is_exposure_not_hidden_eyes():
    rep = report("burnt_face_light_irises")
    v = rep.check("eyes.visible")
    assert max(v.details[s]["iris_glare"] for s in ("image_left_eye", "image_right_eye")) > v.limit["max_iris_glare"]
    assert v.details["skin_burnt_share"] > v.limit["burnt_skin_share"]
    assert v.passed and v.details["whites_burnt"]
    assert not rep.check("lighting.exposure").passed


def test_a_reflection_on_the_lenses_beside_the_irises_is_glare_not_exposure():
    """Near-white lids under both lenses, the irises and the rest of the skin untouched: a
    reflection (eyes.visible names it, marking both eyes), not burnt-out whites."""
    rep = report("lens_reflection")
    v = rep.check("eyes.visible")
    assert not v.passed and v.key == "glare", (v.value, v.details)
    assert sorted(v.details["reflection_on_lens"]) == ["left", "right"]
    assert not v.details["whites_burnt"]
    for side in ("image_left_eye", "image_right_eye"):
        assert v.details[side]["lens_glare"] > v.limit["max_lens_glare"]
        assert v.details[side]["glare"] <= v.limit["max_glare"]  # too small for the region's share
        assert v.details[side]["iris_glare"] <= v.limit["max_iris_glare"]
    assert rep.check("lighting.exposure").passed, rep.check("lighting.exposure").value


def test_dark_eye_makeup_is_not_a_dark_lens():
    """Lids and skin round the eyes darkened (the region's median under min_dark_ratio) while the
    openings show their whites: not sunglasses."""
    v = report("dark_eye_makeup").check("eyes.visible")
    assert v.passed, (v.key, v.value)
    assert v.value["dark"] < v.limit["min_dark_ratio"]  # the region alone would say "dark lens"
    for side in ("image_left_eye", "image_right_eye"):
        assert v.details[side]["opening_light"] >= v.limit["max_dark_lens_opening"]


def test_dark_lenses_hide_the_openings_too():
    v = report("dark_glasses").check("eyes.visible")
    assert not v.passed and v.key == "dark"
    for side in ("image_left_eye", "image_right_eye"):
        assert v.details[side]["opening_light"] < v.limit["max_dark_lens_opening"]


def test_burnt_whites_are_not_a_lens_reflection():
    v = report("burnt_eyes").check("eyes.visible")
    assert v.details["reflection_on_lens"] == []
    for side in ("image_left_eye", "image_right_eye"):
        assert v.details[side]["lens_glare"] <= v.limit["max_lens_glare"] < v.details[side]["glare"]


def test_glare_over_both_irises_still_hides_the_eyes():
    rep = report("glare_on_glasses")
    v = rep.check("eyes.visible")
    assert not v.passed and v.key == "glare" and not v.details["whites_burnt"]
    assert max(v.details[s]["iris_glare"] for s in ("image_left_eye", "image_right_eye")) > v.limit["max_iris_glare"]
    # one defect, named once: the clipped whites under the reflection are not over-exposure
    e = rep.check("lighting.exposure")
    assert e.passed, (e.key, e.value)
    assert min(v.details[s]["whites_glare"] for s in ("image_left_eye", "image_right_eye")) > e.limit["max_eye_white_clip"]


def test_a_reflection_over_one_iris_hides_that_eye_though_the_region_is_mostly_dark():
    v = report("iris_reflection").check("eyes.visible")
    left, right = v.details["image_left_eye"], v.details["image_right_eye"]
    assert left["glare"] <= v.limit["max_glare"]  # too small a share of the eye region on its own
    assert left["iris_glare"] > v.limit["max_one_iris_glare"] and right["iris_glare"] < 0.01
    assert not v.passed and v.key == "glare" and v.details["reflection_on_one_iris"]


def test_a_profile_without_the_iris_limit_calls_burnt_whites_glare(tmp_path):
    from photo import profile as profile_mod

    text = (Path(profile_mod.__file__).parent / "profiles" / "mynumber-online.toml").read_text(encoding="utf-8")
    old = "\n".join(line for line in text.splitlines() if not line.startswith("max_iris_glare"))
    p = tmp_path / "older.toml"
    p.write_text(old.replace('name = "mynumber-online"', 'name = "older"'), encoding="utf-8")
    import photo
    from tests.photo_helpers import VARIANTS

    v = photo.check(VARIANTS["burnt_eyes"](), profile=str(p)).check("eyes.visible")
    assert not v.passed and v.key == "glare" and "max_iris_glare" not in v.limit


def test_roll_direction_and_value():
    c = report("roll").check("pose.roll")
    assert 11 <= abs(c.value) <= 19


def test_real_sunglasses_hide_the_eyes():
    c = report("sunglasses").check("eyes.visible")
    assert not c.passed and c.key == "dark"


def test_real_textured_background_fails():
    assert not report("lisa").check("background.uniformity").passed


def test_aspect_ratio_is_part_of_dimensions_and_fixable():
    rep = report("square")
    c = rep.check("image.dimensions")
    assert not c.passed and c.key == "aspect"


def test_no_face_marks_face_checks_not_evaluated():
    import numpy as np

    import photo

    rng = np.random.default_rng(0)
    noise = (rng.random((600, 480, 3)) * 255).astype(np.uint8)
    rep = photo.check(noise)
    assert rep.error is None and not rep.passed
    assert rep.check("face.count").value == 0
    pose = rep.check("pose.yaw")
    assert pose.evaluated is False and pose.passed is False
    assert rep.face is None
    assert "file.size" in rep.skipped  # an in-memory array has no file


def test_cast_shadow_is_measured_as_an_area():
    c = report("cast_shadow").check("background.shadow")
    assert not c.passed and c.value > c.limit
    assert report("compliant_a").check("background.shadow").value < c.limit / 4


def test_background_object_on_the_wall_fails_as_an_object():
    c = report("poster").check("background.uniformity")
    assert not c.passed and c.value["objects"] > c.limit["max_objects"]


def test_loose_strands_of_hair_are_not_background_objects():
    c = report("loose_strands").check("background.uniformity")
    assert c.passed, c.value


def test_crown_includes_a_tall_bun():
    """The crown is the top of the head with its hair (頭頂, 髪を含む): a bun raises it."""
    import photo
    from tests.photo_helpers import VARIANTS, geometry

    plain = geometry()
    bun = photo.face_geometry(VARIANTS["bun"]())
    fw = plain.face_box[2] - plain.face_box[0]
    assert plain.crown[1] - bun.crown[1] > 0.07 * fw


def test_smile_model_file_matches_its_features():
    from photo.expression import model

    m = model()
    n = len(m["names"]) + m["hog_components"].shape[0]
    assert m["mu"].shape == m["sd"].shape == m["w"].shape == (n,)
    assert m["hog_components"].shape[1] == m["hog_mean"].shape[0]
    assert "teeth" in [str(x) for x in m["names"]]


def test_smile_score_separates_the_test_photos():
    neutral = report("compliant_a").check("expression.neutral")
    smiling = report("smiling").check("expression.neutral")
    assert smiling.value["score"] > neutral.value["score"] + 1.0


def test_a_smile_score_over_the_limit_is_confirmed_on_the_mirror_image():
    """Over the limit, the score read is the smaller of the photo's and its mean with the mirror
    image's: one reading of the mesh over the limit and the other far under it is not a smile."""
    from photo.checks.expression import confirmed_score

    assert confirmed_score(-0.2, -0.6, -0.31) == pytest.approx(-0.4)  # passes on the mean
    assert confirmed_score(0.5, 0.4, -0.31) == pytest.approx(0.45)  # a smile reads high in both
    assert confirmed_score(0.2, 0.9, -0.31) == pytest.approx(0.2)  # never above the photo's own
    assert confirmed_score(-0.5, 0.9, -0.31) == -0.5  # under the limit: the photo's alone
    assert confirmed_score(0.2, None, -0.31) == 0.2  # no face in the mirror image


def test_the_check_reads_both_scores_when_the_photo_is_over_the_limit():
    import dataclasses

    import photo
    from photo import profile as profile_mod

    base = profile_mod.get("mynumber-online")
    strict = dataclasses.replace(base, checks={**base.checks, "expression.neutral": {
        **base.checks["expression.neutral"], "max_smile_score": -5.0}})  # every face is over it
    c = photo.check(path("compliant_a"), strict).check("expression.neutral")
    own, mirrored = c.details["score_photo"], c.details["score_mirror_image"]
    assert mirrored is not None and abs(own - mirrored) < 0.5  # the same face read twice
    assert c.value["score"] == pytest.approx(min(own, (own + mirrored) / 2), abs=2e-3)
    assert "score_photo" not in (report("compliant_a").check("expression.neutral").details or {})  # under the limit: one reading


def test_red_tint_on_skin_and_backdrop_is_a_colour_cast():
    """Skin a* alone stays inside the studio range; the backdrop turning red with it shows the cast."""
    c = report("red_tint").check("color.natural")
    assert c.value[0] <= c.limit["a"][1]  # the skin range alone would pass it
    assert not c.passed and c.details["backdrop_a"] > c.limit["backdrop_a"]
    assert "red" in c.message_en


def test_helmet_on_top_of_the_head_fails_at_the_crown():
    c = report("helmet").check("head.covering")
    assert not c.passed and c.key == "crown"
    assert c.value["crown"] > c.limit["max_crown_share"]


def test_hood_round_the_face_fails_at_the_sides():
    """A hood leaves the hair on top visible: the crown zone passes, the face's sides do not."""
    c = report("hood").check("head.covering")
    assert not c.passed and c.evaluated and c.key == "sides"
    assert c.value["crown"] <= c.limit["max_crown_share"]
    assert c.value["sides"] > c.limit["max_side_share"]
    assert "フード" in c.message and "hood" in c.message_en


def test_cloth_round_both_sides_of_the_face_is_a_covering():
    assert not report("wrap_both_sides").check("head.covering").passed


def test_something_beside_one_side_of_the_face_is_not_a_covering():
    """An arm, a hand or a collar on one side does not enclose the face (the sides measure
    takes the smaller side)."""
    c = report("wrap_one_side").check("head.covering")
    assert c.passed, c.details
    assert max(c.details["per_side"]) > c.limit["max_side_share"]  # one side is covered ...
    assert c.value["sides"] <= c.limit["max_side_share"]  # ... the other is not


def test_eye_line_low_in_a_crowded_frame_says_the_head_is_too_large():
    """A head that fills the frame puts the eyes low AND leaves no room above it: the two
    framing messages must not give opposite advice."""
    import photo

    face = Path(__file__).resolve().parent / "data" / "serve" / "face.jpg"
    rep = photo.check(face, "mynumber-next")
    by_id = {c.id: c for c in rep.checks}
    eye, margins = by_id["geometry.eye_height"], by_id["geometry.margins"]
    assert not eye.passed and not margins.passed
    assert eye.key == "low_crowded" and "step back or zoom out" in eye.message_en
    assert "less space above" not in eye.message_en


def test_the_registry_is_the_report_order_and_ids_match_modules():
    """A check's id is written once (its decorator); its subject is its module; the registry
    order is the report order, and a check module missing from the registry is an error."""
    import pkgutil

    import photo.checks
    from photo.checks import SUBJECTS, order, registry
    from photo.profile import get

    reg = registry()
    assert {m.name for m in pkgutil.iter_modules(photo.checks.__path__)} == set(SUBJECTS)
    for cid, spec in reg.items():
        assert spec.func.__module__ == f"photo.checks.{cid.split('.')[0]}", cid
    subjects = [cid.split(".")[0] for cid in order()]
    assert subjects == sorted(subjects, key=SUBJECTS.index)  # grouped by module, modules in order
    prof = get("icao")
    assert list(prof.checks) == [cid for cid in order() if cid in prof.checks]
    rep = report("compliant_a")
    assert [c.id for c in rep.checks] == [cid for cid in order() if cid in {c.id for c in rep.checks}]
    with pytest.raises(ValueError, match="must live in"):
        photo.checks.check("pose.sideways", limits={})(lambda a, limits: None)


def test_a_profile_written_before_the_eye_white_limit_still_loads_and_skips_it(tmp_path):
    from photo import profile as profile_mod
    from tests.photo_helpers import VARIANTS

    for name in ("mynumber-online", "mynumber-next", "passport-jp", "icao"):  # the built-ins judge it
        assert "max_eye_white_clip" in profile_mod.get(name).checks["lighting.exposure"]
    text = (Path(profile_mod.__file__).parent / "profiles" / "mynumber-online.toml").read_text(encoding="utf-8")
    old = "\n".join(line for line in text.splitlines() if not line.startswith("max_eye_white_clip"))
    p = tmp_path / "older.toml"
    p.write_text(old.replace('name = "mynumber-online"', 'name = "older"'), encoding="utf-8")
    import photo

    c = photo.check(VARIANTS["burnt_eyes"](), profile=str(p)).check("lighting.exposure")
    assert c.passed and "max_eye_white_clip" not in c.limit
    assert c.value["eye_white_clip"] > 0.03  # measured and shown, not judged


def test_a_face_turned_into_profile_is_not_judged_by_the_frontal_checks():
    """Past photo/data/frontal.toml's yaw, the checks that read a frontal face report 'not
    checked' (not evaluated, with the reason) instead of measuring a profile's mesh; pose.yaw
    refuses the photo and the other checks run as usual."""
    from photo import checks as checks_mod
    from photo import profile as profile_mod
    from photo.analysis import FaceAnalysis, Pose
    from photo.checker import run_checks
    from photo.intake import load

    limit = checks_mod.max_frontal_yaw_deg()
    a = FaceAnalysis(load(path("compliant_a")))
    a.__dict__["pose"] = Pose(yaw_deg=limit + 10.0, pitch_deg=0.0, roll_deg=0.0)  # as a profile reads
    rep = run_checks(a, profile_mod.get("mynumber-online"))
    frontal = {cid for cid, spec in checks_mod.registry().items() if spec.frontal}
    assert {"eyes.open", "eyes.visible", "mouth.closed", "expression.neutral", "head.covering"} <= frontal
    for c in rep.checks:
        if c.id in frontal:
            assert not c.evaluated and not c.passed and c.key == "turned_away", c.id
            deg = round(limit + 10)
            assert f"about {deg} degrees" in c.message_en and f"約 {deg}°" in c.message and "正面" in c.message
        elif c.id != "file.taken":  # the test file carries no date taken: not evaluated, whatever the pose
            assert c.evaluated, c.id
    assert not rep.check("pose.yaw").passed and not rep.passed


def test_a_three_quarter_turn_is_still_judged_by_every_check():
    from photo import checks as checks_mod
    from photo import profile as profile_mod
    from photo.analysis import FaceAnalysis, Pose
    from photo.checker import run_checks
    from photo.intake import load

    a = FaceAnalysis(load(path("compliant_a")))
    a.__dict__["pose"] = Pose(yaw_deg=checks_mod.max_frontal_yaw_deg() - 5.0, pitch_deg=0.0, roll_deg=0.0)
    rep = run_checks(a, profile_mod.get("mynumber-online"))
    assert all(c.evaluated for c in rep.checks if c.id != "file.taken")  # the file carries no date taken


def test_closed_eyes_are_not_also_hidden_eyes():
    """A closed eye shows no white, so its region's contrast is low: that is eyes.open's defect,
    and eyes.visible judges contrast only on eyes whose lids are apart (one message per defect)."""
    rep = report("closed_eyes")
    assert not rep.check("eyes.open").passed
    v = rep.check("eyes.visible")
    assert v.key != "hidden", (v.value, v.details)
    gaps = [v.details[s]["gap"] for s in ("image_left_eye", "image_right_eye")]
    assert min(gaps) < v.limit["min_open_gap"]
    assert len(v.details["contrast_judged"]) < 2


def test_low_contrast_is_a_hidden_eye_only_where_the_lids_are_apart():
    from photo import profile as profile_mod
    from photo.checks.eyes import hidden_eyes, lids_apart

    lim = profile_mod.get("mynumber-online").checks["eyes.visible"]
    flat = {"dark": 0.5, "contrast": 0.1, "glare": 0.0, "iris_glare": 0.0, "lens_glare": 0.0, "opening_light": 0.9}
    stats = {"left": {**flat, "gap": lim["min_open_gap"] / 2}, "right": {**flat, "gap": lim["min_open_gap"] * 1.5}}
    assert not lids_apart(stats["left"], lim) and lids_apart(stats["right"], lim)
    assert hidden_eyes(stats, lim, "hidden") == ["right"]
    without = {k: v for k, v in lim.items() if k != "min_open_gap"}  # a profile written before the limit
    assert hidden_eyes(stats, without, "hidden") == ["left", "right"]


@pytest.mark.parametrize("profile", ["mynumber-online", "mynumber-next", "passport-jp", "icao"])
def test_skin_b_star_from_zero_is_natural_and_below_it_blue(profile):
    """color.natural's lower b* limit (0 in every profile: compliant people read 5 and up, a mild
    cool cast takes pale skin to 2, generated blue casts read -8 and below), on cheek CIELAB values
    set directly."""
    from types import SimpleNamespace

    import numpy as np

    from photo import profile as profile_mod
    from photo.checks.color import natural

    limits = profile_mod.get(profile).checks["color.natural"]

    def judged(b: float):
        lab = np.tile(np.float32([[60.0, 12.0, b]]), (200, 1))
        half = np.zeros((8, 8, 3), np.float32)
        half[..., 1:] = (12.0, b)  # a colour photo (not greyscale)
        return natural(SimpleNamespace(cheek_lab=lab, skin_lab=lab, half_lab=half, backdrop=None), limits)

    assert judged(1.0).passed and judged(2.0).passed
    low = judged(-1.0)
    assert not low.passed and low.key == "blue", (low.value, low.key)


def test_black_hair_inside_the_face_oval_is_not_under_exposure():
    """A black fringe over the forehead and a full beard are dark but not under-exposed skin:
    the crushed share is read on the cheeks, which hair and beards leave bare (the skin mask
    would have counted them: well over max_dark_share of it is black here)."""
    from photo.checker import analyse_and_check
    from photo.checks.lighting import DARK_LUMA
    from tests.photo_helpers import VARIANTS

    a, rep = analyse_and_check(VARIANTS["fringe_and_beard"]())
    c = rep.check("lighting.exposure")
    assert float((a.skin_grey <= DARK_LUMA).mean()) > 2 * c.limit["max_dark_share"]
    assert c.passed and c.value["dark"] < 0.01, c.value


def test_one_dark_cheek_is_not_under_exposure():
    """Hair over one cheek (or a hand, or a shadow across half the face, which lighting.uniformity
    names) darkens one cheek; under-exposure darkens both, so the less crushed cheek is read."""
    c = report("hair_over_one_cheek").check("lighting.exposure")
    assert c.passed and c.value["dark"] < 0.01, c.value


def test_crushed_cheeks_are_under_exposure_though_highlights_remain():
    """The crushed share still refuses a face whose cheeks are black, with the highlight test
    passing on the rest of the skin (the share is not a check that cannot fail)."""
    c = report("dark_cheeks").check("lighting.exposure")
    assert c.value["highlight"] >= c.limit["min_highlight"]
    assert not c.passed and c.key == "dark" and c.value["dark"] > c.limit["max_dark_share"], c.value


def test_dark_skin_with_bright_eye_whites_is_not_under_exposure():
    """Skin highlights under min_highlight with the whites of the eyes at a good exposure and far
    brighter than the skin: dark skin, not a dark photo (the same light takes the darkest skin's
    highlights under the limit a stop or more before the lightest's); with the whites as dark as
    the skin, it is under-exposure."""
    kept = report("dim_skin_bright_whites").check("lighting.exposure")
    assert kept.value["highlight"] < kept.limit["min_highlight"], kept.value
    assert kept.value["eye_white"] >= kept.limit["min_eye_white"], kept.value
    assert kept.passed and kept.key == "ok", kept.value
    dim = report("dim").check("lighting.exposure")
    assert dim.value["highlight"] < dim.limit["min_highlight"], dim.value
    assert dim.value["eye_white"] < dim.limit["min_eye_white"], dim.value
    assert not dim.passed and dim.key == "dark", dim.value


def test_eye_whites_darker_than_the_skin_do_not_excuse_dim_skin():
    """Whites over min_eye_white but no brighter than the skin's highlights: light skin in a dim
    photo (its highlights are as bright as its whites), refused as the highlights alone refuse it."""
    c = report("dim_whites_under_skin").check("lighting.exposure")
    assert c.value["highlight"] < c.limit["min_highlight"], c.value
    assert c.limit["min_eye_white"] <= c.value["eye_white"] < c.value["highlight"], c.value
    assert not c.passed and c.key == "dark", c.value


def test_a_collar_of_the_walls_colour_is_not_a_shadow():
    """A high collar in the wall's colour, shaded darker, from the mouth down (a grey hoodie on a
    grey wall; canada 147m was refused for its hood): inside the person's silhouette below the
    mouth nothing is the wall, so nothing there is a shadow; a shadow cast on the wall is still
    caught (``cast_shadow`` in FAILS)."""
    rep = report("wall_grey_collar")
    c = rep.check("background.shadow")
    assert c.passed, c.value
    assert rep.check("background.uniformity").passed


@pytest.mark.parametrize("angle", [90, 270])
def test_a_photo_on_its_side_is_checked_turned_upright_and_fix_writes_it_upright(tmp_path, angle):
    from PIL import Image

    import photo
    from photo.check_titles import reason_title

    p = tmp_path / "side.jpg"
    upright = Image.open(path("compliant_a")).convert("RGB")
    upright.rotate(angle, expand=True).save(p, quality=95)
    rep = photo.check(p)
    roll = rep.check("pose.roll")
    assert (roll.passed, roll.key, roll.fixable) == (False, "turned", True)
    assert "turned upright" in roll.message_en and "回して判定" in roll.message
    # every other check read the upright face (no 772 mm head, no ghost frame over the eyes)
    assert [c.id for c in rep.failed] == ["pose.roll"] and rep.fixable
    assert all(c.evaluated for c in rep.checks if c.id != "file.taken")
    assert reason_title("pose.roll", "turned", "en") == "photo on its side (read turned)"
    res = photo.fix(p)
    assert res.fixed and any("turned upright, a quarter turn" in a for a in res.actions), res.actions
    out = Image.open(__import__("io").BytesIO(res.data))
    assert out.size == upright.size
    assert photo.check(res.data).passed


def test_a_photo_on_its_side_that_cannot_be_read_turned_is_not_judged_for_the_upright_checks(tmp_path, monkeypatch):
    from PIL import Image

    import photo
    from photo import checks as checks_mod
    from photo.check_titles import reason_title

    monkeypatch.setattr(checks_mod, "upright_turn", lambda analysis: 0)  # as if turning found no face
    p = tmp_path / "side.jpg"
    Image.open(path("compliant_a")).convert("RGB").rotate(90, expand=True).save(p, quality=92)
    rep = photo.check(p)
    by = {c.id: c for c in rep.checks}
    assert not by["pose.roll"].passed and by["pose.roll"].key == "sideways" and not by["pose.roll"].fixable
    assert "rotate it upright" in by["pose.roll"].message_en and "回転" in by["pose.roll"].message
    for cid in ("geometry.head_size", "geometry.margins", "eyes.open", "head.covering"):
        c = by[cid]
        assert not c.evaluated and c.key == "sideways" and c.value is None, cid
        assert c.message.startswith("写真が横向き") and c.message_en.startswith("Not checked: the photo is on its side")
    assert reason_title("geometry.margins", "sideways", "en") == "not checked: photo on its side"
    assert reason_title("pose.roll", "sideways") == "写真が横向き"


def test_every_not_checked_reason_has_its_message_and_title_in_both_languages():
    import re

    from photo.checks import not_checked_texts

    texts = not_checked_texts()
    assert set(texts) == {"no_face", "mouth_covered", "turned_away", "sideways", "exposure"}
    for key, t in texts.items():
        for part in (t, t["title"]):
            assert part["ja"] and part["en"] and part["ja"] != part["en"], key
            assert re.search(r"[\u3040-\u30ff\u4e00-\u9fff]", part["ja"]), key


def test_a_file_too_small_for_its_few_pixels_asks_for_the_original_not_less_compression(tmp_path):
    from PIL import Image

    import photo

    img = Image.open(path("compliant_a")).convert("RGB")
    tiny, squashed = tmp_path / "tiny.jpg", tmp_path / "squashed.jpg"
    img.resize((200, 260)).save(tiny, quality=90)  # ~10 KB: dense, but few pixels
    img.save(squashed, quality=5)  # ~8 KB of many pixels: over-compressed
    t, q = photo.check(tiny).check("file.size"), photo.check(squashed).check("file.size")
    assert (t.key, t.fixable) == ("few_pixels", False) and "200 x 260" in t.message_en and "元の写真" in t.message
    assert (q.key, q.fixable) == ("too_small", True) and "less compression" in q.message_en


def test_head_size_and_space_above_are_shown_against_the_rules_own_limits(tmp_path):
    from PIL import Image

    import photo

    p = tmp_path / "small_head.jpg"
    img = Image.open(path("compliant_a")).convert("RGB")
    canvas = Image.new("RGB", (img.width * 2, img.height * 2), img.getpixel((3, 3)))
    canvas.paste(img, (img.width // 2, img.height // 2))
    canvas.save(p, quality=92)
    c = photo.check(p).check("geometry.head_size")
    assert c.key == "small" and c.limit == [31.5, 35.5]  # the measure's own figures: it reads heads 0.5 mm short
    import re

    mm = float(re.search(r"\(([\d.]+) mm crown to chin; 32-36 mm needed\)", c.message_en).group(1))
    assert c.value + 0.5 - 0.15 <= mm <= c.value + 0.5 + 0.05  # the bias added back, rounded away from the range
    assert "32〜36 mm 必要" in c.message
    m = photo.check(path("compliant_a")).check("geometry.margins")
    top = float(re.search(r"\(([\d.]+) mm above it\)", m.message_en).group(1))
    assert abs(top - (m.value["top"] - 0.25)) <= 0.06  # less the crown's bias


def test_eyes_low_with_too_little_room_above_never_advise_less_room_above():
    """The space above the head between 1 and 2.25 mm (too little for geometry.margins) used to
    get 'leave less space above the head' from eye_height beside 'leave more' from margins."""
    from types import SimpleNamespace

    import numpy as np

    from photo import profile
    from photo.checks.geometry import eye_height

    lim = profile.get("mynumber-online").checks["geometry.eye_height"]
    px = 1000 / 45  # a 1000 px tall photo: px per mm
    for top_mm, key in ((1.8, "low_crowded"), (0.5, "low_crowded"), (4.0, "low")):
        a = SimpleNamespace(h=1000, w=778, eye_mid=np.array([389.0, 1000 - 20 * px]),
                            crown=np.array([389.0, top_mm * px]))
        r = eye_height(a, lim)
        assert r.key == key, (top_mm, r.key)


def test_a_failing_figure_is_never_shown_rounded_into_the_range_beside_it():
    from photo.checks.geometry import shown

    assert shown(35.51, 0.5, 31.5, 35.5) == 36.1  # too large: not "36 mm; 32-36 mm needed"
    assert shown(31.49, 0.5, 31.5, 35.5) == 31.9
    assert shown(2.24, -0.25, 2.25, 6.25) == 1.9  # too little room above: not "2 mm; 2-6 mm"
    assert shown(40.0, 0.5, 31.5, 35.5) == 40.5 and shown(33.04, 0.5, 31.5, 35.5) == 33.5
    assert shown(31.5, 0.5) == 32 and isinstance(shown(31.5, 0.5), int)  # a limit: no decimals


@pytest.mark.parametrize("angle", [100, 78])
def test_a_photo_on_its_side_with_the_head_still_tilted_once_turned_is_not_fixable(tmp_path, angle):
    from PIL import Image

    import photo

    p = tmp_path / "side_tilted.jpg"
    img = Image.open(path("compliant_a")).convert("RGB")
    img.rotate(angle, expand=True, fillcolor=img.getpixel((3, 3))).save(p, quality=95)
    c = photo.check(p).check("pose.roll")
    assert (c.passed, c.key, c.fixable) == (False, "turned_tilted", False), (c.key, c.value)
    assert "still tilted" in c.message_en and abs(c.value) > 8


def test_the_skin_colour_is_not_judged_on_a_badly_exposed_face(tmp_path):
    """Burnt-out skin read as a green cast (29 of 36 over-exposed photos): with lighting.exposure
    failing, color.natural is not judged and does not fail the photo; a cast on a well-exposed face still fails."""
    import numpy as np
    from PIL import Image

    import photo

    img = np.asarray(Image.open(path("compliant_a")).convert("RGB")).astype(np.float32)
    over, cast = tmp_path / "over.jpg", tmp_path / "cast.jpg"
    Image.fromarray(np.clip(img * 2.2, 0, 255).astype(np.uint8)).save(over, quality=92)
    Image.fromarray(np.clip(img * [0.85, 1.1, 0.85], 0, 255).astype(np.uint8)).save(cast, quality=92)
    rep = photo.check(over)
    assert not rep.check("lighting.exposure").passed
    c = rep.check("color.natural")
    assert (c.evaluated, c.passed, c.key) == (False, True, "exposure") and "exposure" in c.message_en
    g = photo.check(cast)
    assert g.check("lighting.exposure").passed and not g.check("color.natural").passed
