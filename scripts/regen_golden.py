#!/usr/bin/env python3
"""Regenerate the golden card images in tests/golden/ on purpose (after a deliberate change).

    .venv/bin/python scripts/regen_golden.py          # every case
    .venv/bin/python scripts/regen_golden.py next-15  # cases whose name starts with this

Review the new images (git diff shows which changed) before committing them. Needs IPAmj
Mincho (fonts-ipamj-mincho) for holder 15 (𠮷).
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from scripts.golden_cases import GOLDEN_DIR, cases, render_case


def main(prefixes: list[str]) -> int:
    GOLDEN_DIR.mkdir(parents=True, exist_ok=True)
    n = 0
    for name, holder_no, layout, side, photo in cases():
        if prefixes and not any(name.startswith(p) for p in prefixes):
            continue
        (GOLDEN_DIR / f"{name}.png").write_bytes(render_case(holder_no, layout, side, photo))
        n += 1
        print(f"wrote tests/golden/{name}.png")
    print(f"{n} golden image(s)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
