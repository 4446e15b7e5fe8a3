#!/usr/bin/env python3
"""Card-face rendering speed: ms per face (PNG 300 / 600 dpi, PDF) and cards/s for a proof sheet.

    .venv/bin/python bench/card_render.py            # full run (~1-2 min)
    .venv/bin/python bench/card_render.py --quick    # fewer repetitions, a 200-card sheet

Each figure is the median over the 24 sample holders (samples/applicants.json), after one
warm-up pass that loads the fonts. "cpu" is the process CPU time (one core; the renderer is
single-threaded), "wall" the elapsed time, which other load on the machine inflates. The
photo line renders holder 1 with the test photo (tests/data/faces/compliant_a.jpg): every render
checks the photo (mediapipe; no verdict is cached between renders), and the line gives the
check's own time beside it.
Target: < 150 ms per face at 600 dpi on one core.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(var, "1")

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def _time(fn, reps: int) -> tuple[float, float]:
    """(median wall ms, median cpu ms) of ``fn()``."""
    walls, cpus = [], []
    for _ in range(reps):
        w, c = time.perf_counter(), time.process_time()
        fn()
        walls.append((time.perf_counter() - w) * 1000)
        cpus.append((time.process_time() - c) * 1000)
    return statistics.median(walls), statistics.median(cpus)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="fewer repetitions and a 200-card sheet")
    args = ap.parse_args()
    import cardface
    from cardface.backends.pdf import to_pdf
    from cardface.backends.png import to_png
    from cardface.holder import Holder, load_holders
    from cardface.scene import build_scene

    holders = load_holders(ROOT / "samples" / "applicants.json")
    sheet_cards = 200 if args.quick else 1000
    reps = 1 if args.quick else 2

    def per_face(layout: str, side: str, what: str) -> tuple[float, float]:
        samples = []
        for h in holders:
            if what == "scene":
                fn = lambda h=h: build_scene(h, side, layout)  # noqa: E731
            elif what == "pdf":
                fn = lambda h=h: to_pdf(build_scene(h, side, layout))  # noqa: E731
            else:
                dpi = int(what.split("@")[1])
                fn = lambda h=h, dpi=dpi: to_png(build_scene(h, side, layout), dpi)  # noqa: E731
            samples.append(_time(fn, reps))
        return statistics.median(s[0] for s in samples), statistics.median(s[1] for s in samples)

    # warm-up: fonts, layouts, caches
    for layout in ("current", "next"):
        for side in ("front", "back"):
            to_png(build_scene(holders[0], side, layout), 600)
            to_pdf(build_scene(holders[0], side, layout))

    print(f"card faces: median over {len(holders)} sample holders, ms per face (wall / cpu)")
    print()
    print("| layout | side | scene only | PNG 300 dpi | PNG 600 dpi | PDF |")
    print("|---|---|---|---|---|---|")
    worst600 = 0.0
    for layout in ("current", "next"):
        for side in ("front", "back"):
            cells = []
            for what in ("scene", "png@300", "png@600", "pdf"):
                wall, cpu = per_face(layout, side, what)
                if what == "png@600":
                    worst600 = max(worst600, cpu)
                cells.append(f"{wall:.1f} / {cpu:.1f}")
            print(f"| {layout} | {side} | " + " | ".join(cells) + " |")
    print()

    # a face with a photo: every render checks the photo (no verdict cached between renders)
    face = ROOT / "tests" / "data" / "faces" / "compliant_a.jpg"
    import json

    rec = json.loads((ROOT / "samples" / "applicants.json").read_text(encoding="utf-8"))[0]
    with_photo = Holder.from_dict({**rec, "photo": str(face)})
    import photo

    photo.warm_up()  # model loading is per process, not per face
    _time(lambda: to_png(build_scene(with_photo, "front", "next", preview=False), 600), 1)  # first sizes
    w2, c2 = _time(lambda: to_png(build_scene(with_photo, "front", "next", preview=False), 600), 3)
    from photo.checker import analyse_and_check

    wc, cc = _time(lambda: analyse_and_check(face, "mynumber-next", keep_bytes=True), 3)  # next.toml's profile
    print(f"next front with a photo, PNG 600 dpi: {w2:.0f} / {c2:.0f} ms per render, of which the photo's "
          f"check {wc:.0f} / {cc:.0f} ms")
    print()

    # proof sheet: N cards, both sides, 10 per A4 page
    people = [holders[i % len(holders)] for i in range(sheet_cards)]
    t, tc = time.perf_counter(), time.process_time()
    data = cardface.render_sheet(people, "next", ("front", "back"))
    wall, cpu = time.perf_counter() - t, time.process_time() - tc
    print(f"proof sheet, layout next, {sheet_cards} cards x 2 sides ({2 * ((sheet_cards + 9) // 10)} A4 pages, "
          f"{len(data) / 1e6:.1f} MB): {wall:.1f} s wall, {cpu:.1f} s cpu = "
          f"{sheet_cards / wall:.0f} cards/s wall, {sheet_cards / cpu:.0f} cards/s cpu")
    print()
    verdict = "meets" if worst600 < 150 else "MISSES"
    print(f"target < 150 ms per face at 600 dpi (cpu, one core): worst layout/side median {worst600:.1f} ms "
          f"-> {verdict} the target")
    return 0


if __name__ == "__main__":
    sys.exit(main())
