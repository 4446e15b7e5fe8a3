"""``cardface.oblique.evidence.printed_band_check``: on today's layout (no core colour), a line printed
round a copy's picture is told from a card's wall by the sides where no wall can show, the band's own
colour standing in for the core's. Scenes are simulated at test time."""

from __future__ import annotations

from cardface.oblique import locate, printedline, simulate
from cardface.oblique.evidence import camera_pose, evidence, layout_colours, printed_band_check
from cardface.oblique.evidence_limits import limits
from cardface.oblique.subpixel import CoreWall
from tests.oblique_support import face

CFG = limits()["band_line"]


def wall(width_px: float, gain: float = 1.0, fit_ratio: float = 4.0) -> CoreWall:
    return CoreWall(width_px, gain, width_px * gain, 0.0, fit_ratio, 1.0)


def test_without_a_core_the_line_must_show_on_two_sides_where_it_is_narrow():
    main = wall(1.8)  # the band where the wall would be; the face's scale there: 13 px/mm
    line = wall(1.4, fit_ratio=3.0)  # what a printed line leaves on a side at 10 px/mm
    assert CFG["min_sides"] == 2
    # one side is a shadow or a stripe of the background as well as a line
    assert not printedline.judge(main, 13.0, [(0, line, 10.0), (2, wall(0.1, fit_ratio=1.0), 10.0)], CFG).printed
    assert printedline.judge(main, 13.0, [(0, line, 10.0), (2, line, 10.0)], CFG).printed
    # a line predicted wider than max_predicted_px keeps its own colour: the printed-border check's, not this
    wide = wall(8.0)
    assert 8.0 * 10.0 / 13.0 > CFG["max_predicted_px"]
    assert not printedline.judge(wide, 13.0, [(0, wall(6.0), 10.0), (2, wall(6.0), 10.0)], CFG).printed
    # the core colour's test ([line]) keeps its one side and no cap
    assert printedline.judge(main, 13.0, [(0, line, 10.0)], limits()["line"]).printed


# bench/ekyc.py's tuning-half print on today's layout (seed 1104, 20° yaw on clutter) after its guided
# retake (30°, the card 1.35 x larger): the outline printed round the card's picture (about 0.15 mm
# outside it) reads as a 0.76-0.81 mm wall on the right, where the face's scale is 5 x the wall's px
# per mm of thickness; it was `card`
SCENE = dict(size=(1600, 1200), background="clutter", lighting="cool", glare=0.0063, blur=0.983, noise=3.23,
             fill=0.549, offset=(-0.0159, -0.0136), jpeg_quality=91, seed=1104)


def scene(attack):
    img, _ = simulate(face("current", "front", record=9, dpi=300), 30.0, 0.0, 61.68, attack=attack, **SCENE)
    return img, locate(img)  # located as the bench locates it (its outline lies on the printed line)


def test_the_print_a_retake_let_through_is_flat(monkeypatch):
    img, q = scene("print")
    ev = evidence(img, quad=q, layout="current")
    assert ev.verdict == "flat" and ev.reasons[0].code == "evidence.printed_band", ev.to_dict()["reasons"]
    assert "no wall can show" in ev.reasons[0].message
    # its band alone says card: a card's thickness where the wall would be
    assert ev.edge is not None and ev.edge.present and 0.65 <= ev.thickness_mm <= 1.16
    monkeypatch.setattr(printedline, "judge", lambda *a: printedline.LineCheck(0.0, ()))
    assert evidence(img, quad=q, layout="current").verdict == "card"


def test_the_real_card_in_the_same_scene_is_a_card():
    img, q = scene(None)
    ev = evidence(img, quad=q, layout="current")
    assert ev.verdict == "card", ev.to_dict()["reasons"]
    main = max(ev.sides, key=lambda s: s.expected_px)
    line = printed_band_check(img, camera_pose(q, (img.shape[1], img.shape[0])), [s.expected_px for s in ev.sides],
                              [s.face_rgb for s in ev.sides], ev.blur_sigma_px, main, layout_colours("current")[1])
    assert len(line.sides) >= 2 and sum(s.shows_line for s in line.sides) < CFG["min_sides"]
