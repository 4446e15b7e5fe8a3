"""mouth.closed: an open mouth fails in the photo and in its mirror image; a gap the
landmarker sees in the photo alone (a closed mouth parted by one encoding) does not fail."""

from __future__ import annotations

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
