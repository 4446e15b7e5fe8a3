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
