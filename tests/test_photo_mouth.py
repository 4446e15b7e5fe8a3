"""mouth.closed: an open mouth fails in the photo and in its mirror image; a gap the
landmarker sees in the photo alone (a closed mouth parted by one encoding) does not fail."""

from __future__ import annotations

import pytest

from photo.checker import analyse_and_check
from photo.checks import mouth
from tests import photo_helpers as ph


def _mouth(key):
    a, rep = analyse_and_check(ph.jpeg(ph.image(key)), "mynumber-online")
    return a, rep.check("mouth.closed")


def test_an_open_mouth_is_open_in_both_passes():
    _a, c = _mouth("smiling_a")
    assert not c.passed
    assert c.details["gap_photo"] > c.limit and c.details["gap_mirror_image"] > c.limit
    assert c.value == min(c.details["gap_photo"], c.details["gap_mirror_image"])


def test_a_closed_mouth_needs_no_second_pass(monkeypatch):
    calls = []
    monkeypatch.setattr(mouth, "mirror_gap", lambda a: calls.append(a) or 1.0)
    _a, c = _mouth("compliant_a")
    assert c.passed and c.value <= c.limit
    assert calls == []  # the mirror image is measured only for a gap over the limit


def test_a_gap_the_mirror_image_does_not_confirm_passes(monkeypatch):
    a, _ = analyse_and_check(ph.jpeg(ph.image("smiling_a")), "mynumber-online")
    limits = {"max_ratio": 0.025}
    monkeypatch.setattr(mouth, "mirror_gap", lambda a: 0.01)
    r = mouth.mouth_closed(a, limits)
    assert r.passed and r.value == 0.01 and r.details["gap_photo"] > 0.025
    monkeypatch.setattr(mouth, "mirror_gap", lambda a: 0.05)
    r = mouth.mouth_closed(a, limits)
    assert not r.passed


def test_teeth_are_confirmed_on_the_mirror_image(monkeypatch):
    from photo.checks import expression

    a, rep = analyse_and_check(ph.jpeg(ph.image("smiling_a")), "mynumber-online")
    c = rep.check("expression.neutral")
    assert not c.passed and c.key == "teeth"  # real teeth: over the limit in both passes
    assert c.details["teeth_photo"] > c.limit["max_teeth"] and c.details["teeth_mirror_image"] > c.limit["max_teeth"]
    limits = {"max_smile_score": 1e9, "max_teeth": c.limit["max_teeth"]}
    monkeypatch.setattr(expression, "mirror_teeth", lambda a: 0.0)
    r = expression.expression_neutral(a, limits)
    assert r.passed and r.value["teeth"] == 0.0 and r.details["teeth_photo"] > limits["max_teeth"]


def _masked(name: str, colour: str) -> bytes:
    import numpy as np

    from bench.masks import face_mask

    g = ph.geometry(name)
    return ph.jpeg(face_mask(ph.image(name), [g.eye_left, g.eye_right], g.chin, colour, np.random.default_rng(2)))


def test_a_bare_mouth_is_visible():
    for name in ("compliant_a", "compliant_b", "smiling_a"):
        _a, rep = analyse_and_check(ph.jpeg(ph.image(name)), "mynumber-online")
        c = rep.check("mouth.visible")
        assert c.passed and c.evaluated and c.value >= c.limit, (name, c.value)
        assert c.details["lip_contrast"] > 0 and c.details["mouth_line"] > 0


@pytest.mark.parametrize("colour", ["white", "black", "pink"])
def test_a_mask_over_the_mouth_fails_mouth_visible(colour):
    _a, rep = analyse_and_check(_masked("compliant_a", colour), "mynumber-online")
    c = rep.check("mouth.visible")
    assert not c.passed and c.key == "covered" and c.value < c.limit
    assert "mask" in c.message_en and "マスク" in c.message


def test_mouth_visibility_is_the_geometric_mean_of_its_cues_scaled_for_dark_skin():
    a, _ = analyse_and_check(ph.jpeg(ph.image("compliant_b")), "mynumber-online")
    m = mouth.mouth_visibility(a)
    skin = min(max(m["skin_l"], mouth.MIN_SKIN_L), mouth.SKIN_L_REF)
    assert m["visibility"] == pytest.approx((m["lip_contrast"] * m["mouth_line"]) ** 0.5 * mouth.SKIN_L_REF / skin)


def test_a_dim_photo_keeps_its_mouth_visible():
    """Two stops under, the lips' contrast and the line's depth shrink with the skin's lightness;
    the visibility is scaled back to a well-lit skin's."""
    from bench.support import linear_to_srgb, srgb_to_linear

    dim = ph.img(linear_to_srgb(srgb_to_linear(ph.arr(ph.image("compliant_a"))) / 4))
    _a, rep = analyse_and_check(ph.jpeg(dim), "mynumber-online")
    c = rep.check("mouth.visible")
    assert c.passed and c.value >= c.limit, c.value
    assert rep.check("lighting.exposure").evaluated  # exposure is judged whatever the mouth shows


def test_a_covered_mouth_leaves_the_checks_that_read_the_mouth_or_cheeks_unjudged():
    """A mask's colour taken for the skin's read as a hat, a colour cast or a smile."""
    from photo.checks import registry

    _a, rep = analyse_and_check(_masked("compliant_a", "black"), "mynumber-online")
    assert rep.check("mouth.visible").key == "covered"
    gated = {cid for cid, spec in registry().items() if spec.bare_face}
    assert {"mouth.closed", "expression.neutral", "head.covering", "lighting.uniformity", "color.natural"} <= gated
    for cid in gated:
        c = rep.check(cid)
        assert not c.evaluated and c.key == "mouth_covered" and "mask" in c.message_en, cid
    assert rep.check("lighting.exposure").evaluated and rep.check("eyes.visible").evaluated
    assert {c.id for c in rep.failed if c.evaluated} == {"mouth.visible"}


def test_mouth_visible_runs_before_every_check_it_gates():
    """run_checks learns that the mouth is covered from mouth.visible's result, so every
    bare_face check must come after it in the report order (which every profile follows)."""
    from photo.checks import order, registry

    ids = order()
    gated = [cid for cid, spec in registry().items() if spec.bare_face]
    assert gated and all(ids.index(cid) > ids.index("mouth.visible") for cid in gated)
