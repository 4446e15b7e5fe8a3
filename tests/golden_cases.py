"""The golden-image cases: sample holders x layouts x sides at a modest resolution.

Shared by tests/test_card_golden.py and scripts/regen_golden.py. Holders (samples/CASES.md):
1 passport OH + remarks, 10 katakana name, 14 髙, 15 𠮷 (IPAmj), 16 葛 + IVS, 18 very long
address, 19 a minor, 22 no sex given; plus holder 1 with the test photo (production face).
"""

from __future__ import annotations

from pathlib import Path

GOLDEN_DIR = Path(__file__).resolve().parent / "golden"
GOLDEN_DPI = 100
HOLDERS = (1, 10, 14, 15, 16, 18, 19, 22)
LAYOUTS = ("current", "next")
SIDES = ("front", "back")
NEEDS_MJ = (15,)
PHOTO_CASE = "next-01-front-photo"


def cases() -> list[tuple[str, int, str, str, bool]]:
    """(name, holder number, layout, side, with photo)."""
    out = [(f"{lay}-{n:02d}-{side}", n, lay, side, False) for lay in LAYOUTS for n in HOLDERS for side in SIDES]
    out.append((PHOTO_CASE, 1, "next", "front", True))
    return out


def render_case(n: int, layout: str, side: str, with_photo: bool) -> bytes:
    import cardface
    from tests.card_support import FACE, holder

    if with_photo:
        return cardface.render(holder(n, photo=str(FACE)), side, layout, "png", dpi=GOLDEN_DPI, preview=False)
    return cardface.render(holder(n), side, layout, "png", dpi=GOLDEN_DPI)
