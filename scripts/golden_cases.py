"""The golden-image cases: sample holders x layouts x sides at a modest resolution.

Shared by tests/test_card_golden.py and scripts/regen_golden.py (it imports nothing from
tests/). Holders (samples/CASES.md): 1 passport OH + remarks, 10 katakana name, 14 髙, 15 𠮷
(IPAmj), 16 葛 + IVS, 18 very long address, 19 a minor, 22 no sex given; plus holder 1 with
the test photo (production face).
"""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GOLDEN_DIR = ROOT / "tests" / "golden"
SAMPLES = ROOT / "samples" / "applicants.json"
FACE = ROOT / "tests" / "data" / "faces" / "compliant_a.jpg"
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

    if with_photo:
        return cardface.render(holder(n, photo=str(FACE)), side, layout, "png", dpi=GOLDEN_DPI, preview=False)
    return cardface.render(holder(n), side, layout, "png", dpi=GOLDEN_DPI)


def holder(n: int, **changes):
    """Sample holder number ``n`` (1-based, as in samples/CASES.md), optionally changed."""
    import json

    from cardface.holder import Holder, load_holders

    if not changes:
        return load_holders(SAMPLES)[n - 1]
    record = json.loads(SAMPLES.read_text(encoding="utf-8"))[n - 1]
    return Holder.from_dict({**record, **changes}, base_dir=SAMPLES.parent)
