"""Benchmark: does ``cardface.oblique.evidence`` tell a real card from prints, photocopies and screens?

Scenes (1600x1200):
- simulated by ``cardface.oblique.simulate``: the real slab with the layout's core on its
  edge, and the attacks (``print``, ``cutout``, ``photocopy``, ``phone``, ``monitor``,
  ``lined_print``: a print with a line of the core's colour round the card), at
  20-60 degrees of tilt about the card's vertical (yaw) and horizontal (pitch) axes, both
  signs, in-plane rotation all round, on every background of bench/oblique.py, lighting,
  glare, defocus, noise and JPEG varied; tilts of 0-10 degrees for the "too flat" rule;
- composed WITHOUT the simulator (``compose`` below: its own pinhole camera, a plain
  homography for the face, the visible wall drawn as a polygon, textures and a face photo
  from tests/data as backgrounds): real slabs, prints with a margin, and screens with a
  pixel grid.

Split: scenes with an even seed are the TUNING half (the thresholds of
cardface/oblique/evidence.toml were set looking only at them); odd seeds are the REPORTING
half. Rates come with Wilson 95 % intervals. Timing: CPU time of ``locate`` and of
``evidence`` on the located card (one OpenCV thread), per photo; the target is stated as
evidence <= 100 ms on top of locate, given here with its ratio to locate in the same run.

    python bench/ekyc.py              # both layouts, 2 reps (~20 min on one core)
    python bench/ekyc.py --reps 1 --layouts next
"""

from __future__ import annotations

import argparse
import functools
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from bench.support import wilson  # noqa: E402

BACKGROUNDS = ("plain", "card", "wood", "paper", "clutter")
LIGHTING = ("even", "gradient", "dim", "warm", "cool")
TILTS = (20, 30, 40, 50, 60)
FLAT_TILTS = (0, 5, 10)
ATTACKS = ("print", "cutout", "photocopy", "phone", "monitor")
# attacks added later: their cells come after the others, so the earlier scenes keep their seeds
LATE_ATTACKS = ("lined_print",)


def rate(k: int, n: int) -> str:
    lo, hi = wilson(k, n)
    return f"{100 * k / max(n, 1):5.1f} % ({k}/{n}, 95 % CI {100 * lo:.1f}-{100 * hi:.1f})"


@functools.cache
def faces(layout: str):
    sys.path.insert(0, str(ROOT / "bench"))
    from oblique import faces as oblique_faces  # the same sample holders as bench/oblique.py

    return oblique_faces(layout)


# The guided capture (the /capture page) shows a `retake`'s advice; a user who follows it once
# takes the SAME scene again (same seed, background, lighting, face, roll, axis and sign) with:
CLOSER = 1.35        # move_closer: the card's fill of the frame times this (then kept in the frame)
TILT_MORE_DEG = 10   # tilt_more: the tilt plus this many degrees
STEADY_BLUR_PX = 0.5  # hold_still: defocus/shake radius at most this
LESS_GLARE = 0.3     # less_glare: the laminate highlight times this
FOLLOWABLE = ("move_closer", "tilt_more", "hold_still", "less_glare")


def follow(advice, followable=FOLLOWABLE) -> dict:
    """What a user changes after following a retake's ``advice`` once: {closer (factor on the
    card's size in the frame), tilt_deg (added), max_blur_px, glare_factor}; empty if none of the
    advice is something to do with the same card and camera (move_back, tilt_less, ...)."""
    a = set(advice) & set(followable)
    if not a:
        return {}
    return {"closer": CLOSER if "move_closer" in a else 1.0,
            "tilt_deg": TILT_MORE_DEG if "tilt_more" in a else 0,
            "max_blur_px": STEADY_BLUR_PX if "hold_still" in a else None,
            "glare_factor": LESS_GLARE if "less_glare" in a else 1.0}


def _in_frame(p: np.ndarray) -> bool:
    return p[:, 0].min() > 40 and p[:, 1].min() > 30 and p[:, 0].max() < 1560 and p[:, 1].max() < 1170


def _shoot(face, yaw: float, pitch: float, roll: float, kw: dict, min_fill: float = 0.0):
    """simulate() with the whole card in view, as an app asks: (image, the kw used). A retake
    moved closer backs off no further than ``min_fill`` (the first shot's, which was in view)."""
    from cardface.oblique import simulate

    kw = dict(kw)
    img = None
    for _ in range(12):
        try:
            img, truth = simulate(face, yaw, pitch, roll, size=(1600, 1200), **kw)
        except Exception as err:  # a copy so large it passes behind the camera: move back
            if getattr(err, "code", "") != "capture.bad_parameter":
                raise
            kw["fill"] = max(kw["fill"] * 0.85, min_fill)
            continue
        if _in_frame(truth.points):
            break
        kw["fill"] = max(kw["fill"] * 0.92, min_fill)
        kw["offset"] = (kw["offset"][0] * 0.6, kw["offset"][1] * 0.6)
    return img, kw


@functools.cache
def plan_cells(reps: int) -> list[tuple[str, int, str, str]]:
    """The simulated plan's cells, (kind, tilt, axis, background): ``reps`` real cards and each
    attack at every tilt, real cards under 15 degrees, each on both axes and every background."""
    plan = [("card", t) for t in TILTS for _ in range(reps)]
    plan += [(a, t) for a in ATTACKS for t in TILTS]
    plan += [("card", t) for t in FLAT_TILTS]
    plan += [(a, t) for a in LATE_ATTACKS for t in TILTS]
    return [(kind, tilt, axis, bg) for kind, tilt in plan for axis in ("yaw", "pitch") for bg in BACKGROUNDS]


def simulated_scene(layout: str, reps: int, seed0: int, n: int, change: dict | None = None):
    """Cell ``n`` of the simulated plan: (kind, tilt, axis, background, seed, image). With
    ``change`` (from ``follow``) the same scene retaken after following the advice: the card
    ``change['closer']`` times larger in the frame than in the first photo (moved back into the
    frame if that cuts it off), tilted ``change['tilt_deg']`` further the same way, steadier,
    less glare."""
    from cardface.oblique.templates import edge_rgb

    fc = faces(layout)
    kind, tilt, axis, bg = plan_cells(reps)[n]
    seed = seed0 + n
    rng = np.random.default_rng(seed)
    side = ("front", "back")[(n // 2) % 2]  # not the seed's parity: that splits tuning from reporting
    face = fc[side][n % len(fc[side])]
    sign = 1 if rng.random() < 0.5 else -1
    kw = dict(background=bg, lighting=LIGHTING[n % len(LIGHTING)], glare=float(rng.uniform(0, 0.5)),
              blur=float(rng.uniform(0, 1.5)), noise=float(rng.uniform(1, 4)),
              fill=float(rng.uniform(0.4, 0.65)), offset=tuple(rng.uniform(-0.08, 0.08, 2)),
              jpeg_quality=int(rng.integers(75, 95)), edge_rgb=edge_rgb(layout), seed=seed,
              attack=None if kind == "card" else kind)
    roll = float(rng.uniform(0, 360))

    def pose(t):
        return (sign * t if axis == "yaw" else 0.0), (sign * t if axis == "pitch" else 0.0)

    yaw, pitch = pose(tilt)
    img, used = _shoot(face, yaw, pitch, roll, kw)
    if change:
        kw = dict(used, fill=used["fill"] * change["closer"],
                  glare=used["glare"] * change["glare_factor"],
                  blur=min(used["blur"], change["max_blur_px"]) if change["max_blur_px"] is not None else used["blur"])
        yaw, pitch = pose(min(tilt + change["tilt_deg"], 80))
        img, _ = _shoot(face, yaw, pitch, roll, kw, min_fill=used["fill"])
    return kind, tilt, axis, bg, seed, img


def simulated_scenes(layout: str, reps: int, seed0: int, skip: set, keep=None):
    """(kind, tilt, axis, background, seed, image) for every simulated scene, in a shuffled order
    (so that a partial run is a fair sample); scenes whose seed is in ``skip`` are not made, nor
    those ``keep(kind, tilt, seed)`` refuses (a subset while developing)."""
    cells = plan_cells(reps)
    order = np.random.default_rng(seed0).permutation(len(cells))
    for n in order:
        n = int(n)
        kind, tilt, _axis, _bg = cells[n]
        seed = seed0 + n
        if seed in skip or (keep is not None and not keep(kind, tilt, seed)):
            continue
        yield simulated_scene(layout, reps, seed0, n)


def compose(kind: str, face: np.ndarray, rng: np.random.Generator, core_rgb, texture: np.ndarray,
            tilt: float, closer: float = 1.0) -> np.ndarray:
    """A scene made without the simulator: its own pinhole camera and drawing.

    ``card``: the face by homography plus the visible wall of a 0.76 mm box in ``core_rgb``
    (or white); ``print``: the face on a white sheet with a 4-15 mm margin, lifted blacks, no
    wall of its own but the paper's 0.1 mm; ``screen``: the face under an RGB stripe grid of
    2-4 px with a black surround, lit evenly. ``closer``: the card that many times larger in
    the frame than the scene would have it (moved back into the frame if that cuts it off).
    """
    import cv2

    H, W = 1200, 1600
    f = W / (2 * np.tan(np.radians(rng.uniform(55, 80)) / 2))
    cw_mm, ch_mm, t_mm = 85.6, 53.98, 0.76
    margin = rng.uniform(4, 15) if kind == "print" else 0.0
    if kind == "print":
        t_mm = 0.1
    if kind == "screen":
        margin, t_mm = rng.uniform(3, 8), 0.0
    ow, oh = cw_mm + 2 * margin, ch_mm + 2 * margin
    a = np.radians(tilt) * (1 if rng.random() < 0.5 else -1)
    b = np.radians(rng.uniform(-5, 5))
    if rng.random() < 0.5:
        rot = np.array([[np.cos(a), 0, np.sin(a)], [0, 1, 0], [-np.sin(a), 0, np.cos(a)]])
    else:
        rot = np.array([[1, 0, 0], [0, np.cos(a), -np.sin(a)], [0, np.sin(a), np.cos(a)]])
    rz = rng.uniform(0, 2 * np.pi)
    rot = np.array([[np.cos(rz), -np.sin(rz), 0], [np.sin(rz), np.cos(rz), 0], [0, 0, 1]]) @ rot
    rot = np.array([[1, 0, 0], [0, np.cos(b), -np.sin(b)], [0, np.sin(b), np.cos(b)]]) @ rot
    dist = f * cw_mm / (rng.uniform(0.4, 0.6) * W)

    def proj(pts3):
        p = (pts3 - [ow / 2, oh / 2, 0]) @ rot.T + [0, 0, dist]
        return np.c_[f * p[:, 0] / p[:, 2] + W / 2 - 0.5, f * p[:, 1] / p[:, 2] + H / 2 - 0.5]

    box = np.array([[0, 0], [ow, 0], [ow, oh], [0, oh]], float)
    far = np.inf
    for factor in (1.0, closer) if closer != 1.0 else (1.0,):
        dist /= factor
        for _ in range(20):  # the whole card in view, as an app asks (and as the simulated scenes are)
            top, bottom = proj(np.c_[box, np.zeros(4)]), proj(np.c_[box, np.full(4, t_mm)])
            p = np.r_[top, bottom]
            if p[:, 0].min() > 40 and p[:, 1].min() > 30 and p[:, 0].max() < W - 40 and p[:, 1].max() < H - 30:
                break
            dist = min(dist / 0.92, far)  # a retake moved closer backs off no further than the first shot
        far = dist
    img = texture.astype(np.float32).copy()
    ss = 4
    if t_mm > 0:  # the box's silhouette in the edge colour, then the face over it
        big = np.zeros((H * ss, W * ss), np.uint8)
        hull = cv2.convexHull(np.round(((np.r_[top, bottom] + 0.5) * ss - 0.5) * 8).astype(np.int32))
        cv2.fillConvexPoly(big, hull, 255, shift=3)
        m = cv2.resize(big, (W, H), interpolation=cv2.INTER_AREA).astype(np.float32)[:, :, None] / 255
        edge = np.asarray(core_rgb if (kind == "card" and core_rgb is not None) else (235, 235, 228), np.float32)
        img = img * (1 - m) + edge * rng.uniform(0.6, 1.0) * m
    fh, fw = face.shape[:2]
    k = fw / cw_mm
    sheet = np.empty((round(oh * k), round(ow * k), 3), np.float32)
    sheet[:] = (0, 0, 0) if kind == "screen" else (245, 244, 238)
    x0 = round(margin * k)
    al = face[:, :, 3:4].astype(np.float32) / 255
    fc = face[:, :, :3].astype(np.float32)
    if kind == "print":
        fc = 30 + fc * 0.85
    sheet[x0:x0 + fh, x0:x0 + fw] = fc * al + sheet[x0:x0 + fh, x0:x0 + fw] * (1 - al)
    sh, sw = sheet.shape[:2]
    hm = cv2.getPerspectiveTransform(np.float32([[-0.5, -0.5], [sw - 0.5, -0.5], [sw - 0.5, sh - 0.5], [-0.5, sh - 0.5]]),
                                     top.astype(np.float32))
    warped = cv2.warpPerspective(sheet, hm, (W, H), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
    mask = cv2.warpPerspective(np.ones((sh, sw), np.float32), hm, (W, H))[:, :, None]
    img = img * (1 - mask) + warped * mask
    if kind == "screen":
        period = rng.uniform(2.2, 4.0)
        yy, xx = np.mgrid[0:H, 0:W].astype(np.float32)
        ang = rng.uniform(0, np.pi)
        u = (xx * np.cos(ang) + yy * np.sin(ang)) / period
        for c in range(3):
            img[:, :, c] *= 1 + mask[:, :, 0] * 0.35 * np.cos(2 * np.pi * (u - c / 3))
        img = img * rng.uniform(0.9, 1.1) + 10 * mask
    else:
        img *= rng.uniform(0.75, 1.1)
    img = cv2.GaussianBlur(img, (0, 0), rng.uniform(0.4, 1.0))
    img += rng.normal(0, rng.uniform(1, 3), img.shape).astype(np.float32)
    out = np.clip(img, 0, 255).astype(np.uint8)
    _ok, buf = cv2.imencode(".jpg", out[:, :, ::-1], [cv2.IMWRITE_JPEG_QUALITY, int(rng.integers(80, 95))])
    return cv2.imdecode(buf, cv2.IMREAD_COLOR)[:, :, ::-1].copy()


def textures(rng: np.random.Generator) -> list[tuple[str, np.ndarray]]:
    from bench.support import texture

    return [(k, texture(k, 1200, 1600, seed=int(rng.integers(1000)))) for k in ("stripes", "checks", "noise", "photo", "white")]


@functools.cache
def _textures(seed0: int):
    return textures(np.random.default_rng(seed0))


def composed_scene(layout: str, seed0: int, i: int, change: dict | None = None):
    """Composed scene ``i``: (kind, tilt, axis "-", texture name, seed, image). ``change`` (from ``follow``): the same scene retaken
    after following the advice (closer, tilted further; blur and glare are not composed, so
    hold_still and less_glare are not retaken here)."""
    from cardface.oblique.templates import edge_rgb

    fc = faces(layout)
    seed = seed0 + i
    rng = np.random.default_rng(seed)
    kind = ("card", "card", "print", "screen")[(i // 2) % 4]  # both halves get every kind
    name, t = _textures(seed0)[(i // 8) % 5]
    tilt = float(rng.uniform(20, 60))
    side = ("front", "back")[(i // 3) % 2]
    face = fc[side][i % len(fc[side])]
    if change:
        img = compose(kind, face, rng, edge_rgb(layout), t, min(tilt + change["tilt_deg"], 80), closer=change["closer"])
    else:
        img = compose(kind, face, rng, edge_rgb(layout), t, tilt)
    return kind, round(tilt), "-", name, seed, img


def composed_scenes(layout: str, count: int, seed0: int, skip: set, keep=None):
    for i in range(count):
        seed = seed0 + i
        kind = ("card", "card", "print", "screen")[(i // 2) % 4]
        tilt = float(np.random.default_rng(seed).uniform(20, 60))
        if seed in skip or (keep is not None and not keep(kind, round(tilt), seed)):
            continue
        yield composed_scene(layout, seed0, i)


def run(scenes, results: list, log: Path | None, source: str) -> None:
    import json

    from cardface.oblique import locate
    from cardface.oblique.evidence import evidence

    t0 = time.perf_counter()
    for kind, tilt, axis, bg, seed, img in scenes:
        c0 = time.process_time()
        q = locate(img)
        c1 = time.process_time()
        ev = evidence(img, quad=q) if q is not None else evidence(img, quad=None)
        c2 = time.process_time()
        results.append({"kind": kind, "tilt": tilt, "axis": axis, "bg": bg, "seed": seed, "verdict": ev.verdict,
                        "codes": [r.code for r in ev.reasons], "advice": list(ev.advice),
                        "thickness": ev.thickness_mm, "angle": ev.core_angle_deg, "peak": ev.screen_peak_ratio,
                        "expected_px": max((s.expected_px for s in ev.sides), default=None),
                        "locate_ms": (c1 - c0) * 1000, "evidence_ms": (c2 - c1) * 1000 if q is not None else None,
                        "source": source})
        if log is not None:
            with log.open("a") as f:
                f.write(json.dumps(results[-1]) + "\n")
        if len(results) % 25 == 0:
            print(f"  ... {len(results)} {source} scenes, {time.perf_counter() - t0:.0f} s", file=sys.stderr, flush=True)


def in_split(seed: int, split: str) -> bool:
    """Whether a scene's seed is in ``split``: "tuning" the even seeds, "reporting" the odd ones,
    "both" every seed."""
    return split == "both" or (seed % 2 == 0) == (split == "tuning")


def report(name: str, layout: str, res: list, split: str) -> None:
    from cardface.oblique.evidence_limits import min_expected_px
    from cardface.oblique.templates import edge_rgb

    sel = [r for r in res if in_split(r["seed"], split)]
    print(f"\n### {name}: {split} half ({len(sel)} scenes)")
    real = [r for r in sel if r["kind"] == "card" and r["tilt"] >= 20]
    k = sum(r["verdict"] == "card" for r in real)
    print(f"real cards at 20-60 deg -> card: {rate(k, len(real))}")
    by = defaultdict(Counter)
    for r in real:
        by[r["tilt"]][r["verdict"]] += 1
    for t in sorted(by):
        c = by[t]
        print(f"  tilt {t:>2}: card {rate(c['card'], sum(c.values()))}; others {dict(c - Counter(card=c['card']))}")
    # the wall a 0.76 mm card would show at the measured pose: under the layout's bound
    # (evidence.min_expected_px) no photo can prove thickness (the right answer is a retake: tilt
    # further or bring the card closer); under 1 px the wall is not even one pixel wide
    min_px = min_expected_px(edge_rgb(layout) is not None)
    res = [r for r in real if (r.get("expected_px") or 0) >= min_px]
    if res:
        k = sum(r["verdict"] == "card" for r in res)
        thin = [r for r in real if (r.get("expected_px") or 0) < min_px]
        asked = sum(r["verdict"] == "retake" and "tilt_more" in r["advice"] for r in thin)
        sub1 = sum((r.get("expected_px") or 0) < 1.0 for r in real)
        print(f"  of which resolvable (a 0.76 mm wall >= {min_px:g} px at the measured pose) -> card: {rate(k, len(res))}; "
              f"the other {len(thin)} (wall narrower, facing away, or card not found) -> retake asking for more tilt / "
              f"a closer card: {asked}; walls under 1 px among all {len(real)}: {sub1}")
    bybg = defaultdict(Counter)
    for r in real:
        bybg[r["bg"]][r["verdict"]] += 1
    print("  by background: " + "; ".join(f"{b} {100 * c['card'] / max(1, sum(c.values())):.0f} %"
                                          for b, c in sorted(bybg.items())))
    why = Counter(code for r in real if r["verdict"] != "card" for code in r["codes"])
    if why:
        print(f"  real cards refused because: {dict(why)}")
    atk = [r for r in sel if r["kind"] != "card"]
    if atk:
        k = sum(r["verdict"] != "card" for r in atk)
        print(f"copies (prints, photocopies, screens) refused: {rate(k, len(atk))}")
        for kind in sorted({r["kind"] for r in atk}):
            rs = [r for r in atk if r["kind"] == kind]
            c = Counter(r["verdict"] for r in rs)
            print(f"  {kind:>9}: refused {rate(len(rs) - c['card'], len(rs))}; verdicts {dict(c)}")
    flat = [r for r in sel if r["kind"] == "card" and r["tilt"] < 15]
    if flat:
        k = sum(r["verdict"] == "retake" and "tilt_more" in r["advice"] for r in flat)
        c = Counter(r["verdict"] + ":" + ",".join(r["advice"]) for r in flat)
        print(f"tilt < 15 deg -> retake asking for more tilt: {rate(k, len(flat))}; {dict(c)}")


def retakes(first: list, seed0: int, render, followable=FOLLOWABLE):
    """The scenes of ``first`` (results) that a user can retake by following the advice (those of
    it in ``followable``): each re-rendered by ``render(index, change)`` as that retake (the tilt
    kept as the first shot's, to report by it). Real cards at 0-10 deg (the too-flat rule) are
    not retaken."""
    for r in first:
        change = follow(r["advice"], followable) if r["verdict"] == "retake" else {}
        if change and not (r["kind"] == "card" and r["tilt"] < 15):
            yield render(r["seed"] - seed0, change)


def guided(name: str, first: list, again: list, split: str) -> None:
    """The guided capture: each scene's verdict after at most one retake that follows the advice."""
    sel = [r for r in first if in_split(r["seed"], split)]
    redo = {r["seed"]: r for r in again}
    final = {r["seed"]: (redo.get(r["seed"], r) if r["verdict"] == "retake" else r) for r in sel}
    real = [r for r in sel if r["kind"] == "card" and r["tilt"] >= 20]
    if real:
        ok = [r for r in real if final[r["seed"]]["verdict"] == "card"]
        needed = [r for r in real if r["seed"] in redo and r["verdict"] == "retake"]
        print(f"\n### {name}: {split} half, GUIDED capture (not the headline: at most one retake that follows "
              f"the advice once; move_closer: card {CLOSER:g}x larger in the frame, kept in view; tilt_more: "
              f"+{TILT_MORE_DEG} deg; hold_still: blur <= {STEADY_BLUR_PX:g} px; less_glare: glare x{LESS_GLARE:g})")
        print(f"real cards at 20-60 deg -> card within one retake that follows the advice: {rate(len(ok), len(real))}")
        for d in sorted({r["tilt"] // 10 * 10 for r in real}):  # composed tilts are continuous: by decade
            rs = [r for r in real if r["tilt"] // 10 * 10 == d]
            t = str(d) if all(r["tilt"] == d for r in rs) else f"{d}-{d + 9}"
            print(f"  tilt {t:>2}: card {rate(sum(final[r['seed']]['verdict'] == 'card' for r in rs), len(rs))}")
        adv = Counter(",".join(r["advice"]) for r in needed)
        won = sum(final[r["seed"]]["verdict"] == "card" for r in needed)
        px = [(r.get("expected_px") or 0, redo[r["seed"]].get("expected_px") or 0) for r in needed]
        print(f"  retaken (first shot `retake` with advice to follow): {len(needed)} {dict(adv)}; card on the retake: {won}"
              + (f"; the wall a 0.76 mm card shows at the measured pose, median {np.median([a for a, _ in px]):.2f} px -> "
                 f"{np.median([b for _, b in px]):.2f} px" if px else ""))
        still = [final[r["seed"]] for r in real if final[r["seed"]]["verdict"] != "card"]
        if still:
            c = Counter(f"{'retaken' if f['seed'] in redo and f is redo[f['seed']] else 'first shot'} "
                        f"{f['verdict']}:{'+'.join(f['codes'])}" + (f" ({','.join(f['advice'])})" if f["advice"] else "")
                        for f in still)
            print(f"  still not card: {len(still)}: {dict(c)}")
    atk = [r for r in sel if r["kind"] != "card"]
    if atk:
        retaken = [r for r in atk if r["seed"] in redo and r["verdict"] == "retake"]
        k = sum(final[r["seed"]]["verdict"] != "card" for r in atk)
        adv = Counter(",".join(r["advice"]) for r in retaken)
        verd = Counter(r["kind"] + ":" + redo[r["seed"]]["verdict"] for r in retaken)
        print(f"copies refused after at most one guided retake: {rate(k, len(atk))}; retaken {len(retaken)} "
              f"{dict(sorted(adv.items()))}: verdicts on the retake {dict(sorted(verd.items()))}")


def thickness_summary(res: list) -> None:
    th = np.array([r["thickness"] for r in res if r["kind"] == "card" and r["thickness"] and r["tilt"] >= 20])
    if len(th):
        print(f"measured thickness of real cards (where an edge was seen): median {np.median(th):.2f} mm, "
              f"5-95 % {np.percentile(th, 5):.2f}-{np.percentile(th, 95):.2f} mm (true 0.76 mm; {len(th)} photos)")


def timing(res: list) -> None:
    loc = np.array([r["locate_ms"] for r in res if r["evidence_ms"] is not None])
    ev = np.array([r["evidence_ms"] for r in res if r["evidence_ms"] is not None])
    if len(ev):
        print(f"CPU ms per 1600x1200 photo (one thread): locate median {np.median(loc):.0f}, p95 "
              f"{np.percentile(loc, 95):.0f}; evidence on top: median {np.median(ev):.0f}, p95 {np.percentile(ev, 95):.0f}, "
              f"max {ev.max():.0f} (median ratio evidence/locate {np.median(ev / loc):.2f}; {len(ev)} photos)")


def subset(kinds: str | None, tilts: str | None, split: str):
    """A predicate (kind, tilt, seed) -> bool for developing on part of the plan, or None (all)."""
    if kinds is None and tilts is None and split == "both":
        return None
    ks = None if kinds is None else set(kinds.split(","))
    ranges = []
    for t in (tilts or "").split(","):
        if t:
            lo, _, hi = t.partition("-")
            ranges.append((float(lo), float(hi or lo)))

    def keep(kind: str, tilt: float, seed: int) -> bool:
        return (ks is None or kind in ks) and (not ranges or any(lo <= tilt <= hi for lo, hi in ranges)) and \
            in_split(seed, split)

    return keep


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--reps", type=int, default=2, help="real-card photos per tilt, axis, background")
    ap.add_argument("--composed", type=int, default=80, help="scenes composed without the simulator, per layout")
    ap.add_argument("--layouts", default="next,current")
    ap.add_argument("--seed", type=int, default=1000)
    ap.add_argument("--split", default="both", choices=("tuning", "reporting", "both"))
    ap.add_argument("--failures", action="store_true", help="list real cards refused and copies accepted")
    ap.add_argument("--kinds", help="develop on a subset: only these kinds (card,print,cutout,photocopy,phone,"
                    "monitor,screen), comma-separated; the report then covers only them")
    ap.add_argument("--tilts", help="develop on a subset: only these tilts (deg, comma-separated; composed scenes "
                    "are rounded to the degree, so use ranges lo-hi there)")
    ap.add_argument("--log", type=Path, help="append each scene's result to this JSONL file; scenes already "
                    "in it are not run again (a long run can be resumed)")
    ap.add_argument("--report-only", action="store_true", help="with --log: report the scenes logged so far "
                    "(a partial run, in shuffled order: the count run is printed) without running more")
    args = ap.parse_args()

    import cv2

    cv2.setNumThreads(1)
    from cardface.oblique import locate
    from cardface.oblique.templates import default_templates

    default_templates()
    locate(np.zeros((1200, 1600, 3), np.uint8))
    splits = ("tuning", "reporting") if args.split == "both" else (args.split,)
    keep = subset(args.kinds, args.tilts, args.split)
    import json

    for layout in args.layouts.split(","):
        log = None
        done: list = []
        if args.log:
            log = args.log.with_name(f"{args.log.stem}-{layout}{args.log.suffix}")
            if log.exists():
                done = [json.loads(line) for line in log.read_text().splitlines() if line.strip()]
        sim = [r for r in done if r["source"] == "simulated"]
        comp = [r for r in done if r["source"] == "composed"]
        t0 = time.perf_counter()
        planned = len(plan_cells(args.reps))
        if not args.report_only:  # the composed scenes first: they are quick
            run(composed_scenes(layout, args.composed, args.seed + 50_000, {r["seed"] for r in comp}, keep), comp, log,
                "composed")
            run(simulated_scenes(layout, args.reps, args.seed, {r["seed"] for r in sim}, keep), sim, log,
                "simulated")
        print(f"\n## layout {layout}: {len(sim)} of {planned} simulated + {len(comp)} of {args.composed} composed "
              f"scenes{' (PARTIAL run: a random sample of the plan)' if len(sim) < planned else ''}"
              f"{'' if args.report_only else f' in {time.perf_counter() - t0:.0f} s'}")
        for split in splits:
            report(f"{layout}, simulated", layout, sim, split)
            report(f"{layout}, composed without the simulator", layout, comp, split)
        thickness_summary(sim)
        timing(sim + comp)
        # the guided capture: the scenes asked to retake, retaken once as the advice says
        sim2 = [r for r in done if r["source"] == "simulated-retake"]
        comp2 = [r for r in done if r["source"] == "composed-retake"]
        if not args.report_only:
            seen = {r["seed"] for r in sim2}
            run(retakes([r for r in sim if r["seed"] not in seen], args.seed,
                        lambda n, ch, layout=layout: simulated_scene(layout, args.reps, args.seed, n, ch)), sim2, log, "simulated-retake")
            seen = {r["seed"] for r in comp2}
            run(retakes([r for r in comp if r["seed"] not in seen], args.seed + 50_000,
                        lambda i, ch, layout=layout: composed_scene(layout, args.seed + 50_000, i, ch),
                        ("move_closer", "tilt_more")), comp2, log, "composed-retake")  # no blur or glare composed
        for split in splits:
            guided(f"{layout}, simulated", sim, sim2, split)
            guided(f"{layout}, composed without the simulator (no blur or glare to follow)", comp, comp2, split)
        if args.failures:
            for r in sim + comp:
                if (r["kind"] == "card" and r["tilt"] >= 20 and r["verdict"] != "card") or \
                        (r["kind"] != "card" and r["verdict"] == "card"):
                    print("  failure:", {k: (round(v, 2) if isinstance(v, float) else v) for k, v in r.items()
                                         if not k.endswith("_ms")})


if __name__ == "__main__":
    main()
