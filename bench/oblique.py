"""Benchmark: how often the card is found at every tilt, on every background, for both layouts.

A photo counts as located when every corner is within 1.5 % of the card's diagonal of the
truth AND the side and orientation are right (the corners come back in the face's reading
order, so a card read upside down fails the corner test). Photos are 1600x1200, made by
``cardface.oblique.simulate``: tilt 0-70 degrees in steps of 10 about the card's vertical
(yaw) and horizontal (pitch) axes, both signs, in-plane rotation all round, five
backgrounds, lighting, glare and defocus varied; the whole card is in view (as an app
requires), spanning 40-65 % of the photo's width when square on. A second table lays the card on textures
with a plain homography (no slab, no shadow, no camera model), built without the simulator.

    python bench/oblique.py            # 4 photos per tilt, axis and background (~15 min)
    python bench/oblique.py --reps 1   # a quick look

Timing is locate() alone (decoding excluded: the photo is an array), one OpenCV thread,
after a warm-up, as wall time and process CPU time; the machine is shared, so the CPU
column is the one to read.
"""

from __future__ import annotations

import argparse
import io
import json
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

BACKGROUNDS = ("plain", "card", "wood", "paper", "clutter")
LIGHTING = ("even", "gradient", "dim", "warm", "cool")
TILTS = tuple(range(0, 80, 10))
RECORDS = (2, 6, 9)  # sample holders that are not the locator's template holders


def faces(layout: str) -> dict[str, list[np.ndarray]]:
    from PIL import Image

    import cardface

    recs = cardface.load_holders(ROOT / "samples" / "applicants.json")  # photo paths resolved beside the file
    out = {}
    for side in ("front", "back"):
        out[side] = [np.asarray(Image.open(io.BytesIO(cardface.render(recs[r - 1], side=side, layout=layout, dpi=300)))
                                .convert("RGBA")) for r in RECORDS]
    return out


def ok(found, truth, side) -> bool:
    if found is None or found.side != side:
        return False
    tol = 0.015 * truth.diagonal_px
    return found.max_corner_error(truth) < tol


SAVE: Path | None = None


def _save(name: str, img: np.ndarray, truth) -> None:
    if SAVE is not None:
        from PIL import Image

        SAVE.mkdir(parents=True, exist_ok=True)
        Image.fromarray(img).save(SAVE / f"{name}.png")
        (SAVE / f"{name}.json").write_text(json.dumps(truth.points.tolist()))


def run_layout(layout: str, reps: int, seed: int) -> dict:
    from cardface.oblique import locate, simulate
    from cardface.oblique.templates import edge_rgb

    rng = np.random.default_rng(seed)
    fc = faces(layout)
    edge = edge_rgb(layout)
    res: dict = {"cells": {}, "ms": [], "cpu": [], "fail": []}
    n = 0
    for tilt in TILTS:
        for axis in ("yaw", "pitch"):
            for bg in BACKGROUNDS:
                for rep in range(reps):
                    side = ("front", "back")[(rep + n) % 2]
                    face = fc[side][n % len(RECORDS)]
                    sign = 1 if (rep + n) % 2 == 0 else -1
                    yaw = sign * tilt if axis == "yaw" else 0.0
                    pitch = sign * tilt if axis == "pitch" else 0.0
                    roll = float(rng.uniform(0, 360))
                    kw = dict(background=bg, lighting=LIGHTING[n % len(LIGHTING)], glare=float(rng.uniform(0, 0.6)),
                              blur=float(rng.uniform(0, 2.0)), noise=float(rng.uniform(1, 4)),
                              fill=float(rng.uniform(0.4, 0.65)), offset=tuple(rng.uniform(-0.08, 0.08, 2)),
                              jpeg_quality=int(rng.integers(75, 95)), edge_rgb=edge, seed=int(n + 1000 * seed))
                    n += 1
                    # the whole card in view (an app asks for that): shrink and re-centre until it is
                    for _ in range(12):
                        img, truth = simulate(face, yaw, pitch, roll, size=(1600, 1200), **kw)
                        p = truth.points
                        if p[:, 0].min() > 48 and p[:, 1].min() > 36 and p[:, 0].max() < 1552 and p[:, 1].max() < 1164:
                            break
                        kw["fill"] *= 0.92
                        kw["offset"] = (kw["offset"][0] * 0.6, kw["offset"][1] * 0.6)
                    t0, c0 = time.perf_counter(), time.process_time()
                    found = locate(img)
                    res["ms"].append((time.perf_counter() - t0) * 1000)
                    res["cpu"].append((time.process_time() - c0) * 1000)
                    good = ok(found, truth, side)
                    cell = res["cells"].setdefault((tilt, bg), [0, 0])
                    cell[0] += good
                    cell[1] += 1
                    if not good:
                        _save(f"{layout}-{tilt}-{axis}-{bg}-{side}-{round(roll)}", img, truth)
                        res["fail"].append((tilt, axis, bg, side, round(roll), None if found is None else
                                            (found.side, round(found.max_corner_error(truth), 1), round(0.015 * truth.diagonal_px, 1))))
    return res


def run_composed(layout: str, count: int, seed: int) -> tuple[int, int]:
    """Cards pasted by a plain homography on textures and photos-like noise: located share."""
    import cv2

    from cardface.oblique import Quad, locate

    rng = np.random.default_rng(seed)
    fc = faces(layout)
    good = 0
    for i in range(count):
        side = ("front", "back")[i % 2]
        face = fc[side][i % len(RECORDS)]
        h, w = 1200, 1600
        kind = i % 4
        yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
        if kind == 0:
            bg = np.dstack([128 + 90 * np.sign(np.sin((xx * 0.6 + yy * 0.4) / rng.uniform(5, 20)))] * 3)
        elif kind == 1:
            bg = cv2.GaussianBlur(rng.uniform(0, 255, (h, w, 3)).astype(np.float32), (0, 0), rng.uniform(1, 6)) * 2 - 128
        elif kind == 2:
            bg = np.full((h, w, 3), np.median(face[:, :, :3].reshape(-1, 3), axis=0), np.float32)
        else:
            bg = np.full((h, w, 3), rng.uniform(0, 255, 3), np.float32)
        cw = rng.uniform(500, 900)
        r = np.array([[-cw / 2, -cw / 3.172], [cw / 2, -cw / 3.172], [cw / 2, cw / 3.172], [-cw / 2, cw / 3.172]])
        sq = rng.uniform(0, 0.35)
        if rng.random() < 0.5:
            r[[1, 2], 1] *= 1 - sq
        else:
            r[[2, 3], 0] *= 1 - sq
        r += rng.normal(0, 0.015 * cw, r.shape)
        a = rng.uniform(0, 2 * np.pi)
        r = r @ np.array([[np.cos(a), -np.sin(a)], [np.sin(a), np.cos(a)]]).T
        span = np.ptp(r, axis=0)
        r += [rng.uniform(span[0] / 2, w - span[0] / 2), rng.uniform(span[1] / 2, h - span[1] / 2)]
        fh, fw = face.shape[:2]
        m = cv2.getPerspectiveTransform(np.float32([[-0.5, -0.5], [fw - 0.5, -0.5], [fw - 0.5, fh - 0.5], [-0.5, fh - 0.5]]),
                                        np.float32(r))
        col = cv2.warpPerspective(face[:, :, :3].astype(np.float32), m, (w, h), flags=cv2.INTER_AREA)
        al = cv2.warpPerspective(face[:, :, 3].astype(np.float32) / 255, m, (w, h))[:, :, None]
        img = np.clip((np.clip(bg, 0, 255) * (1 - al) + col * al) * rng.uniform(0.7, 1.15), 0, 255).astype(np.uint8)
        found = locate(img)
        g = ok(found, Quad(r), side)
        if not g:
            _save(f"{layout}-composed-{i}-{side}-kind{kind}", img, Quad(r))
        good += g
    return good, count


def run_negatives(per_background: int, seed: int, shared: Path) -> str:
    """Photos with no card: the simulator's backgrounds alone, and the shared face photos
    (../shared/data/faces, when present). Every located card is a false positive."""
    import glob

    from cardface.oblique import locate
    from cardface.oblique.backgrounds import BACKGROUNDS as GEN

    rng = np.random.default_rng(seed)
    fp, n = 0, 0
    for gen in GEN.values():
        for _ in range(per_background):
            img = np.clip(gen(1200, 1600, rng, rng.uniform(200, 250, 3)), 0, 255).astype(np.uint8)
            fp += locate(img) is not None
            n += 1
    shared = shared / "data" / "faces"
    faces_n = 0
    if shared.is_dir():
        for f in sorted(glob.glob(str(shared / "**" / "*.jp*g"), recursive=True))[:: 7][:40]:
            fp += locate(f) is not None
            n += 1
            faces_n += 1
    note = f" (incl. {faces_n} face photos from {shared})" if faces_n else f" ({shared} absent: no face photos)"
    return f"no-card photos: {fp} false positive(s) in {n}{note}"


def table(layout: str, res: dict) -> str:
    lines = [f"| {layout} tilt | " + " | ".join(BACKGROUNDS) + " | all |", "|---" * (len(BACKGROUNDS) + 2) + "|"]
    for tilt in TILTS:
        row, tot = [], [0, 0]
        for bg in BACKGROUNDS:
            g, n = res["cells"].get((tilt, bg), [0, 0])
            tot[0] += g
            tot[1] += n
            row.append(f"{100 * g / max(n, 1):.0f}")
        lines.append(f"| {tilt}° | " + " | ".join(row) + f" | {100 * tot[0] / max(tot[1], 1):.1f} |")
    return "\n".join(lines)


def summary(layout: str, res: dict) -> str:
    upto60 = {bg: [0, 0] for bg in BACKGROUNDS}
    at70 = {bg: [0, 0] for bg in BACKGROUNDS}
    for (tilt, bg), (g, n) in res["cells"].items():
        d = upto60 if tilt <= 60 else at70
        d[bg][0] += g
        d[bg][1] += n
    def share(d):
        g = sum(v[0] for v in d.values())
        n = sum(v[1] for v in d.values())
        worst = min(d.items(), key=lambda kv: kv[1][0] / max(kv[1][1], 1))
        return f"{100 * g / n:.1f} % (worst background {worst[0]}: {100 * worst[1][0] / max(worst[1][1], 1):.1f} %)"
    ms, cpu = np.array(res["ms"]), np.array(res["cpu"])
    return (f"{layout}: located <=60°: {share(upto60)}; at 70°: {share(at70)}\n"
            f"{layout}: ms per 1600x1200 photo, wall / CPU: median {np.median(ms):.0f} / {np.median(cpu):.0f}, "
            f"p95 {np.percentile(ms, 95):.0f} / {np.percentile(cpu, 95):.0f}, max {ms.max():.0f} / {cpu.max():.0f} "
            f"({len(ms)} photos)")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--reps", type=int, default=4, help="photos per tilt, axis and background")
    ap.add_argument("--composed", type=int, default=60, help="independently composed photos per layout")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--layouts", default="current,next")
    ap.add_argument("--failures", action="store_true", help="list every failure")
    ap.add_argument("--negatives", type=int, default=8, help="no-card photos per background")
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared",
                    help="the shared folder (face photos for the no-card test); default: beside the repository")
    ap.add_argument("--save", type=Path, help="write every failing photo and its true corners here")
    args = ap.parse_args()
    global SAVE
    SAVE = args.save

    import cv2

    cv2.setNumThreads(1)
    from cardface.oblique import locate
    from cardface.oblique.templates import default_templates

    t0 = time.perf_counter()
    default_templates()
    locate(np.zeros((1200, 1600, 3), np.uint8))  # warm-up
    print(f"templates built in {time.perf_counter() - t0:.1f} s (once per process)")
    if args.negatives:
        print(run_negatives(args.negatives, args.seed, args.shared))
    out = []
    for layout in args.layouts.split(","):
        res = run_layout(layout, args.reps, args.seed)
        out.append((layout, res))
        print()
        print(table(layout, res))
        print()
        print(summary(layout, res))
        if args.failures:
            for f in res["fail"]:
                print("  fail:", f)
        if args.composed:
            g, n = run_composed(layout, args.composed, args.seed)
            print(f"{layout}: independently composed scenes (homography paste, no slab): {g}/{n} = {100 * g / n:.1f} %")


if __name__ == "__main__":
    main()
