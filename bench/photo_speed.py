"""Speed and memory of ``photo.check`` on one core.

    taskset -c 0 python bench/photo_speed.py [--n 30] [--stages 15] [--malloc reuse|default]

Prints the model load time, per-photo p50/p95 for a 1350x1350 JPEG and a 12-megapixel
(4032x3024) JPEG, end to end (file bytes in, report out, every check of mynumber-online),
and the process's peak RSS. The photos are made from a compliant Face Research Lab crop.

Beside each photo it measures the floor in the same run, alternating with the checks: the
JPEG decoded at draft scale (photo.load), one Face Landmarker pass and one segmentation pass
on the same working image, and nothing else. ``x floor`` is the check's CPU p50 over the
floor's (issue target: at most 1.5 for a 12 MP photo).

Then, for the 12 MP photos, where the time goes: each step of a check timed alone on fresh
analyses (the floor's steps, the analysis properties several checks share, each check;
``--stages 0`` skips it).
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import time
from pathlib import Path

import numpy as np
from PIL import Image

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def _photos() -> dict[str, bytes]:
    from bench.faces import compliant_box, crop, hair_top, jpeg, read_tem, shared_faces

    try:
        faces = shared_faces()
        jp = faces / "frl" / "neutral_front" / "010_03.jpg"
        full = Image.open(jp).convert("RGB")
        tem = read_tem(jp.with_suffix(".tem"))
        face = crop(full, compliant_box(tem, full.size, hair_top(np.asarray(full), tem)))
        square = full
    except SystemExit:  # no ../shared: use the test photo
        face = Image.open(ROOT / "tests" / "data" / "faces" / "compliant_a.jpg").convert("RGB")
        square = face.resize((1350, 1350))
    big = face.resize((3024, 3888), Image.Resampling.BICUBIC)  # 11.8 MP portrait, 35:45
    land = Image.new("RGB", (4032, 3024), big.getpixel((5, 5)))
    land.paste(face.resize((2352, 3024), Image.Resampling.BICUBIC), (840, 0))  # 12.2 MP landscape phone shot
    return {"1350x1350": jpeg(square, 92), "3024x3888 (11.8 MP)": jpeg(big, 92), "4032x3024 (12.2 MP)": jpeg(land, 92)}


def _floor(data: bytes) -> None:
    """What no check can avoid: decode at draft scale, one landmarker pass, one segmentation pass."""
    from photo import models
    from photo.analysis import SEG_PX
    from photo.intake import load

    d = load(data)
    models.faces(d.rgb)
    import cv2

    h, w = d.rgb.shape[:2]
    f = min(1.0, SEG_PX / max(h, w))
    small = d.rgb if f >= 1.0 else cv2.resize(d.rgb, (max(1, round(w * f)), max(1, round(h * f))),
                                              interpolation=cv2.INTER_AREA)
    models.person_mask(small)


#: FaceAnalysis properties that several checks share, timed on their own (in this order) before the checks
#: (the crown reads the hair-level matte where the cheap mask is unsure, so it comes after the matte's steps:
#: timed before them it would be charged with them)
SHARED = ("grey8", "face_window", "face_mask", "skin_mask", "cheek_masks", "skin_lab", "cheek_lab", "skin_grey",
          "cheek_greys", "cheek_grey", "half_lab_planes", "small_grey8", "small_grey", "person_refined", "small_half", "small_blurred",
          "background_refined", "backdrop_refined", "small_sharp", "matte_unsure", "person_matte", "crown", "background",
          "backdrop")
#: of those, the ones computed without a face too
NO_FACE = ("half_lab_planes", "small_grey8", "small_grey", "person_refined", "small_half", "small_blurred", "background_refined",
           "backdrop_refined", "small_sharp", "matte_unsure", "person_matte", "background", "backdrop")


def stages(data: bytes, n: int, profile: str = "mynumber-online") -> list[tuple[str, str, float]]:
    """CPU p50 (ms) of each step of one check, run step by step on fresh analyses: the floor's
    steps (decode, landmarker, resize to the segmentation size, segmentation), the shared
    analysis properties (:data:`SHARED`), then every check of the profile (what it computes
    beyond those), the fixable-failure planning and the face summary. Returns (group, step, ms)."""
    from photo import checks as checks_mod
    from photo import framing
    from photo import profile as profile_mod
    from photo.analysis import FaceAnalysis
    from photo.intake import load
    from photo.report import PhotoReport

    prof = profile_mod.get(profile)
    rec: dict[tuple[str, str], list[float]] = {}

    def timed(group: str, name: str, fn, *args):
        c = time.process_time()
        out = fn(*args)
        rec.setdefault((group, name), []).append((time.process_time() - c) * 1000)
        return out

    def finish(rep, a):
        framing.settle_fixable(rep, a, prof)
        a.face_summary()

    for i in range(n + 1):
        d = timed("floor", "decode (draft scale)", load, data)
        a = FaceAnalysis(d)
        timed("floor", "face landmarker", getattr, a, "faces")
        timed("floor", "resize for segmentation", getattr, a, "small")
        timed("floor", "segmentation", getattr, a, "person")
        for prop in SHARED:
            if hasattr(FaceAnalysis, prop) and (a.has_face or prop in NO_FACE):
                timed("shared", prop, getattr, a, prop)
        rep = PhotoReport(file=None, profile=prof.name)
        for cid, limits in prof.checks.items():
            r = timed("check", cid, checks_mod.run, cid, a, limits)
            if r is not None:
                rep.checks.append(r)
        timed("check", "(fixable failures, face summary)", finish, rep, a)
        if i == 0:  # first pass: allocations of a new size
            rec.clear()
    return [(g, k, float(np.percentile(v, 50))) for (g, k), v in rec.items()]


def print_stages(name: str, rows: list[tuple[str, str, float]], top: int = 12) -> None:
    total = {g: sum(ms for gg, _, ms in rows if gg == g) for g in ("floor", "shared", "check")}
    print(f"\n{name}: CPU p50 per step (ms); sum {sum(total.values()):.1f} = floor steps {total['floor']:.1f} "
          f"+ shared analysis {total['shared']:.1f} + checks {total['check']:.1f}")
    for g in ("floor", "shared", "check"):
        items = sorted(((k, ms) for gg, k, ms in rows if gg == g), key=lambda x: -x[1])
        shown = items if g != "check" else items[:top]
        line = ", ".join(f"{k} {ms:.1f}" for k, ms in shown)
        rest = items[len(shown):]
        if rest:
            line += f", {len(rest)} others {sum(ms for _, ms in rest):.1f}"
        print(f"  {g + ':':<8} {line}")


def _rss_now() -> float:
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=30)
    ap.add_argument("--malloc", choices=("reuse", "default"), default="reuse",
                    help="reuse: keep freed image memory for the next photo, as every mynacard process that "
                    "checks many photos does (photo.models.reuse_freed_memory); default: glibc's defaults")
    ap.add_argument("--stages", type=int, default=15, metavar="N",
                    help="time each step of the check on the 12 MP photos N times (0: skip)")
    args = ap.parse_args()
    t0 = time.perf_counter()
    import photo

    t_import = time.perf_counter() - t0
    photos = _photos()
    t1 = time.perf_counter()
    if args.malloc == "reuse":
        from photo.models import reuse_freed_memory

        reuse_freed_memory()
    load_s = photo.warm_up()
    t_warm = time.perf_counter() - t1
    try:
        cpus = len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover
        cpus = os.cpu_count()
    print(f"cpus available to this process: {cpus}  (run under `taskset -c 0` for one core); "
          f"malloc: {args.malloc}")
    print(f"import photo: {t_import * 1000:.0f} ms; model load (MediaPipe face landmarker and segmenter, MODNet matting; SHA-256 checked): {load_s * 1000:.0f} ms "
          f"(warm-up incl. first inference {t_warm * 1000:.0f} ms)")
    rss_warm = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print("\nwall = elapsed time; cpu = CPU time of the whole process (all threads) per photo, which is what")
    print("one core would take without other processes competing for it")
    print(f"\n{'photo':<22} {'bytes':>9} {'wall p50':>9} {'wall p95':>9} {'cpu p50':>8} {'cpu p95':>8} "
          f"{'floor p50':>9} {'x floor':>7}  verdict")
    for name, data in photos.items():
        photo.check(data)  # first call per size
        _floor(data)
        times, cpu, floor = [], [], []
        rep = None
        for _ in range(args.n):
            t, c = time.perf_counter(), time.process_time()
            rep = photo.check(data)
            times.append((time.perf_counter() - t) * 1000)
            cpu.append((time.process_time() - c) * 1000)
            c = time.process_time()
            _floor(data)
            floor.append((time.process_time() - c) * 1000)
        p50, p95 = np.percentile(times, [50, 95])
        c50, c95 = np.percentile(cpu, [50, 95])
        f50 = float(np.percentile(floor, 50))
        print(f"{name:<22} {len(data):>9} {p50:>9.1f} {p95:>9.1f} {c50:>8.1f} {c95:>8.1f} {f50:>9.1f} "
              f"{c50 / f50:>7.2f}  {'pass' if rep.passed else 'fail: ' + ','.join(c.id for c in rep.failed)}")
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    if args.stages:
        print("\nwhere the time goes (each step timed alone on fresh analyses; shared = FaceAnalysis properties "
              "several checks read; a check's figure is what it computes beyond them):")
        for name, data in photos.items():
            if "MP" in name:
                print_stages(name, stages(data, args.stages))
    # leak check: the same photo many more times must not grow the process
    before = _rss_now()
    for _ in range(args.n * 3):
        photo.check(photos["1350x1350"])
    after = _rss_now()
    print(f"\npeak RSS: {rss:.0f} MB (after model warm-up {rss_warm:.0f} MB); "
          f"RSS before/after {args.n * 3} more checks: {before:.0f}/{after:.0f} MB")
    print(f"load average during the run: {os.getloadavg()[0]:.1f} (other processes share the machine's cores)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
