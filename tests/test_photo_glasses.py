"""Clear glasses are allowed: a compliant face in clear glasses (bench.glasses) passes every check,
and a smile in glasses is still refused."""

from __future__ import annotations

import numpy as np
import pytest

from tests.photo_helpers import geometry, image, jpeg


def _in_glasses(name: str, style: str) -> bytes:
    from bench.glasses import clear_glasses

    g = geometry(name)
    return jpeg(clear_glasses(image(name), [g.eye_left, g.eye_right], style, np.random.default_rng(1)))


@pytest.mark.parametrize("style", ["metal", "acetate", "tortoise"])
@pytest.mark.parametrize("name", ["compliant_a", "compliant_b"])
def test_clear_glasses_pass_every_check(name, style):
    import photo

    rep = photo.check(_in_glasses(name, style), "mynumber-online")
    failed = {c.id: c.value for c in rep.checks if not c.passed}
    assert not failed, failed
    assert next(c for c in rep.checks if c.id == "eyes.visible").evaluated


def test_glasses_change_the_picture_only_round_the_eyes():
    from bench.glasses import clear_glasses

    im = image("compliant_a")
    g = geometry("compliant_a")
    a = np.asarray(im).astype(int)
    b = np.asarray(clear_glasses(im, [g.eye_left, g.eye_right], "acetate", np.random.default_rng(1))).astype(int)
    rows = np.flatnonzero(np.abs(a - b).max(axis=(1, 2)) > 2)
    ied = abs(g.eye_right[0] - g.eye_left[0])
    eye_y = (g.eye_left[1] + g.eye_right[1]) / 2
    assert len(rows) > 0
    assert rows.min() > eye_y - 0.4 * ied and rows.max() < eye_y + 0.4 * ied


def test_a_smile_in_glasses_is_still_refused():
    import photo

    rep = photo.check(_in_glasses("smiling_a", "acetate"), "mynumber-online")
    failed = {c.id for c in rep.checks if not c.passed}
    assert failed & {"expression.neutral", "mouth.closed"}, failed


def _frame_over_eyes(name: str, style: str, drop: float = 0.25) -> bytes:
    from bench.glasses import clear_glasses

    g = geometry(name)
    return jpeg(clear_glasses(image(name), [g.eye_left, g.eye_right], style, np.random.default_rng(1), drop=drop))


def test_a_thick_frame_across_the_eyes_is_refused():
    """J-LIS: no frame over the eyes. Black acetate glasses worn low, their top rim across both
    eyes, fail eyes.visible for the frame, with the line marked across the eye and the skin."""
    from photo import profile
    from photo.checker import analyse_and_check
    from photo.marks import marks

    prof = profile.get("mynumber-online")
    a, rep = analyse_and_check(_frame_over_eyes("compliant_a", "acetate"), prof)
    c = rep.check("eyes.visible")
    assert not c.passed and c.key == "frame"
    assert "フレーム" in c.message and "frame" in c.message_en
    lines = [x["frame_line"] for x in c.details.values() if isinstance(x, dict) and "frame_line" in x]
    assert max(lines) > c.limit["max_frame_line"]
    found = [m for m in marks(a, rep, prof) if m.id == "eyes.visible"]
    assert found and all(m.lines and abs(m.lines[0][0][1] - m.lines[0][1][1]) < 1e-6 for m in found)  # level


def test_a_thin_metal_frame_across_the_eyes_is_refused_by_its_colour():
    """A thin grey metal rim across the eyes is hardly darker than the skin (the frame line does
    not find it) but of another colour: eyes.visible fails for the frame, marked with the colour
    line's label and row."""
    from photo import profile
    from photo.checker import analyse_and_check
    from photo.marks import marks

    prof = profile.get("mynumber-online")
    a, rep = analyse_and_check(_frame_over_eyes("compliant_a", "metal"), prof)
    c = rep.check("eyes.visible")
    assert not c.passed and c.key == "frame"
    eyes = [x for x in c.details.values() if isinstance(x, dict) and "frame_chroma" in x]
    assert max(x["frame_chroma"] for x in eyes) > c.limit["max_frame_chroma"]
    found = [m for m in marks(a, rep, prof) if m.id == "eyes.visible"]
    assert found and all(m.lines for m in found)
    assert any("色" in m.ja and "colour" in m.en for m in found)


def test_a_profile_with_only_the_colour_limit_marks_the_rim_it_finds():
    """A profile may judge the frame by colour alone (no max_frame_line): the eye is still marked."""
    from photo.checker import analyse_and_check
    from photo.checks.eyes import hidden_eyes, visible_stats

    _a, rep = analyse_and_check(_frame_over_eyes("compliant_a", "metal"), "mynumber-online")
    c = rep.check("eyes.visible")
    limits = {k: v for k, v in c.limit.items() if k != "max_frame_line"}
    assert hidden_eyes(visible_stats(c), limits, "frame")


@pytest.mark.parametrize("style", ["metal", "acetate", "tortoise"])
def test_glasses_as_worn_draw_no_frame_line(style):
    """The same glasses worn as they should be (the rim clear of the eyes) read far under the limit."""
    import photo

    c = photo.check(_in_glasses("compliant_a", style), "mynumber-online").check("eyes.visible")
    assert c.passed
    lines = [x["frame_line"] for x in c.details.values() if isinstance(x, dict) and "frame_line" in x]
    assert len(lines) == 2 and max(lines) < c.limit["max_frame_line"] / 2
    colours = [x["frame_chroma"] for x in c.details.values() if isinstance(x, dict) and "frame_chroma" in x]
    assert len(colours) == 2 and max(colours) < c.limit["max_frame_chroma"]
