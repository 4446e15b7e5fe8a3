"""Speed and memory of ``photo.check`` on one core.

    taskset -c 0 python bench/photo_speed.py [--n 30] [--malloc reuse|default]

Prints the model load time, per-photo p50/p95 for a 1350x1350 JPEG and a 12-megapixel
(4032x3024) JPEG, end to end (file bytes in, report out, every check of mynumber-online),
and the process's peak RSS. The photos are made from a compliant Face Research Lab crop.
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
    print(f"import photo: {t_import * 1000:.0f} ms; model load (2 MediaPipe Tasks models, SHA-256 checked): {load_s * 1000:.0f} ms "
          f"(warm-up incl. first inference {t_warm * 1000:.0f} ms)")
    rss_warm = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print("\nwall = elapsed time; cpu = CPU time of the whole process (all threads) per photo, which is what")
    print("one core would take without other processes competing for it")
    print(f"\n{'photo':<22} {'bytes':>9} {'wall p50':>9} {'wall p95':>9} {'cpu p50':>8} {'cpu p95':>8}  verdict")
    for name, data in photos.items():
        photo.check(data)  # first call per size
        times, cpu = [], []
        rep = None
        for _ in range(args.n):
            t, c = time.perf_counter(), time.process_time()
            rep = photo.check(data)
            times.append((time.perf_counter() - t) * 1000)
            cpu.append((time.process_time() - c) * 1000)
        p50, p95 = np.percentile(times, [50, 95])
        c50, c95 = np.percentile(cpu, [50, 95])
        print(f"{name:<22} {len(data):>9} {p50:>9.1f} {p95:>9.1f} {c50:>8.1f} {c95:>8.1f}  "
              f"{'pass' if rep.passed else 'fail: ' + ','.join(c.id for c in rep.failed)}")
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
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
