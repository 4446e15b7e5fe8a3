"""bench/ekyc.py's guided capture: a retake's advice -> what the re-rendered scene changes."""

from __future__ import annotations

import numpy as np

from bench.ekyc import CLOSER, FOLLOWABLE, TILT_MORE_DEG, compose, follow
from cardface.oblique.evidence import ADVICE


def test_every_followable_advice_is_one_evidence_gives():
    given = {a for v in ADVICE.values() for a in (v if isinstance(v, tuple) else (v,))}
    assert set(FOLLOWABLE) <= given  # a renamed advice code would otherwise never be retaken


def test_thin_edge_advice_moves_closer_and_tilts_further():
    ch = follow(["tilt_more", "move_closer"])
    assert ch == {"closer": CLOSER, "tilt_deg": TILT_MORE_DEG, "max_blur_px": None, "glare_factor": 1.0}
    assert CLOSER > 1 and TILT_MORE_DEG > 0
    assert follow(["tilt_more"])["closer"] == 1.0 and follow(["move_closer"])["tilt_deg"] == 0


def test_steadier_and_less_glare():
    assert follow(["hold_still"])["max_blur_px"] is not None and follow(["hold_still"])["closer"] == 1.0
    assert follow(["less_glare"])["glare_factor"] < 1.0


def test_advice_not_followed_with_the_same_scene_is_not_retaken():
    for advice in (["move_back"], ["tilt_less"], ["other_background"], ["show_card"], []):
        assert follow(advice) == {}
    assert follow(["hold_still"], ("move_closer", "tilt_more")) == {}


def test_composed_retake_is_the_same_scene_closer_never_farther():
    face = np.zeros((200, 317, 4), np.uint8)
    face[:] = (250, 250, 250, 255)
    dark = np.zeros((1200, 1600, 3), np.uint8)

    def area(seed, closer):
        img = compose("card", face, np.random.default_rng(seed), (200, 60, 40), dark, 30, closer=closer)
        return int((img.mean(axis=2) > 160).sum())

    first, again = area(3, 1.0), area(3, CLOSER)
    assert first > 10_000 and again > 1.3 * first  # ~CLOSER**2 when the frame leaves room
    assert area(0, CLOSER) >= area(0, 1.0)  # at the frame's edge already: no closer, but never farther
