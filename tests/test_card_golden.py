"""Golden images: sample faces rendered now match the committed references within a tolerance.

A deliberate change of layout or rendering is followed by ``scripts/regen_golden.py`` and a
review of the changed images.
"""

from __future__ import annotations

import numpy as np
import pytest

from scripts.golden_cases import GOLDEN_DIR, NEEDS_MJ, cases, render_case
from tests.card_support import has_mj, png_image

MAX_MEAN_DIFF = 1.5  # mean absolute difference per channel, 0-255
MAX_CHANGED = 0.005  # share of pixels differing by more than 64 in any channel


@pytest.mark.parametrize("name,n,layout,side,photo", cases(), ids=[c[0] for c in cases()])
def test_face_matches_its_golden_image(name, n, layout, side, photo):
    if n in NEEDS_MJ and not has_mj():
        pytest.skip("IPAmj Mincho not installed")
    ref_path = GOLDEN_DIR / f"{name}.png"
    assert ref_path.exists(), f"missing {ref_path}; run scripts/regen_golden.py"
    ref = np.asarray(png_image(ref_path.read_bytes()).convert("RGBA")).astype(int)
    now = np.asarray(png_image(render_case(n, layout, side, photo)).convert("RGBA")).astype(int)
    assert now.shape == ref.shape
    diff = np.abs(now - ref)
    assert diff.mean() <= MAX_MEAN_DIFF, f"{name}: mean difference {diff.mean():.2f}"
    changed = (diff.max(axis=2) > 64).mean()
    assert changed <= MAX_CHANGED, f"{name}: {changed:.2%} of pixels changed"


def test_golden_comparison_detects_a_change():
    """The tolerance is tight enough to see a one-character change in a field."""
    import cardface
    from scripts.golden_cases import GOLDEN_DPI
    from tests.card_support import holder

    ref = np.asarray(png_image((GOLDEN_DIR / "next-01-front.png").read_bytes()).convert("RGBA")).astype(int)
    changed = holder(1, issuer="千代田区長代理")
    now = np.asarray(png_image(cardface.render(changed, "front", "next", "png", dpi=GOLDEN_DPI))
                     .convert("RGBA")).astype(int)
    diff = np.abs(now - ref)
    assert diff.mean() > 0 and (diff.max(axis=2) > 64).mean() > 0.001
