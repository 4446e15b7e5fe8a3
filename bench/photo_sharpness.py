"""Sharp against blurred faces: where ``image.sharpness``'s limit goes, by folds of people.

    MYNACARD_SHARED=../shared python bench/photo_sharpness.py [--profile mynumber-online]

Every compliant person of ``bench/data/face_labels.csv`` (121; their crops from
``bench.photo_accuracy.frame_photo``, nobody left out) is sent as

- **sharp**, which must pass: ``clean`` (the studio crop, JPEG 95); ``phone night`` (one stop
  under, noise sd 5, non-local means strength 7, JPEG 85: ``bench/photo_conditions.py``'s
  condition); ``night strong NR`` (the same, strength 10); ``night 2 stops`` (two stops under,
  strength 7); ``skin smoothing`` (a bilateral filter, 9 px, colour sigma 40, as beauty modes
  smooth skin);
- **blurred**, which must be refused: ``defocus`` (two draws: Gaussian, sigma 0.018-0.03 of
  the inter-eye distance) and ``motion`` (four draws: a line 0.06-0.1 of the inter-eye distance
  long at a random angle), made by ``bench/photo_accuracy.py``'s own generators;
- ``mild defocus`` (sigma 0.014 of the inter-eye distance), reported only: whether so little
  blur is a defect the rules leave open.

The people are split into the accuracy benchmark's 5 folds. On each, the limit is set from the
other four folds' people as ``bench/photo_accuracy.py`` sets its calibrated limits (midway
between the largest sharp value and the value under which 3 % of the blurred ones lie, never
below the largest sharp value) and applied to the fifth; the figures are on held-out people,
with 95 % Wilson intervals. The "all people" limit is the one the profiles carry.
"""

from __future__ import annotations

import collections
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench.faces import crop, jpeg, shared_faces
from bench.photo_accuracy import MAX_MISSED, _ied, d_blur, d_motion, fold_of, frame_photo, read_labels
from bench.photo_conditions import _float, _jpeg_of, phone_night, skin_smoothing
from bench.support import profile_bench_args, wilson

SHARP = ("clean", "phone night", "night strong NR", "night 2 stops", "skin smoothing")
BLURRED = ("defocus", "motion")
REPORTED = ("mild defocus",)


def variants(full, tem, box, rng) -> list[tuple[str, bytes]]:
    """(kind, JPEG bytes) of one person, in a fixed order of draws from ``rng``."""
    from PIL import ImageFilter

    c = crop(full, box)
    a = _float(c)
    ied = _ied(tem, box)
    out = [("clean", jpeg(c)), ("phone night", _jpeg_of(phone_night(a, rng), 85)),
           ("night strong NR", _jpeg_of(phone_night(a, rng, strength=10), 85)),
           ("night 2 stops", _jpeg_of(phone_night(a, rng, stops=2), 85)),
           ("skin smoothing", _jpeg_of(skin_smoothing(a), 90))]
    out += [("defocus", d_blur(full, tem, box, rng)) for _ in range(2)]
    out += [("motion", d_motion(full, tem, box, rng)) for _ in range(4)]
    out.append(("mild defocus", jpeg(c.filter(ImageFilter.GaussianBlur(ied * 0.014)))))
    return out


def measure(data: bytes, limits: dict) -> tuple[float | None, float | None]:
    """image.sharpness's value and spread (worst - best direction) for the photo (None: no face
    found)."""
    from photo import checks
    from photo.analysis import FaceAnalysis
    from photo.intake import load

    r = checks.run("image.sharpness", FaceAnalysis(load(data)), limits)
    if r is None or not r.evaluated:
        return None, None
    return float(r.value), float(r.details["spread"])


def limit_from(rows: list[dict]) -> float:
    sharp = [r["value"] for r in rows if r["kind"] in SHARP and r["value"] is not None]
    blurred = [r["value"] for r in rows if r["kind"] in BLURRED and r["value"] is not None]
    top = max(sharp)
    low = float(np.quantile(blurred, MAX_MISSED))
    return max(top, (top + low) / 2)


def main() -> int:
    args = profile_bench_args(__doc__)
    from photo import profile as profile_mod

    t0 = time.perf_counter()
    limits = profile_mod.get(args.profile).checks["image.sharpness"]
    faces = shared_faces()
    rng = np.random.default_rng(23)
    rows: list[dict] = []
    labels = [r for r in read_labels() if r["status"] == "compliant"]
    for row in labels:
        full, tem, box = frame_photo(faces, row)
        for kind, data in variants(full, tem, box, rng):
            value, spread = measure(data, limits)
            rows.append({"person": row["person"], "file": row["file"], "kind": kind, "value": value, "spread": spread})
    folds = fold_of([r["person"] for r in labels])
    n_folds = max(folds.values()) + 1
    fold_limits = [limit_from([r for r in rows if folds[r["person"]] != f]) for f in range(n_folds)]
    for r in rows:
        r["held_out_limit"] = fold_limits[folds[r["person"]]]
    print(f"profile {args.profile}; {len(labels)} compliant people (bench/data/face_labels.csv), "
          f"{len(rows)} photos; {n_folds} folds by person; 95 % Wilson intervals")
    print("value per kind (min / median / max):")
    for kind in SHARP + BLURRED + REPORTED:
        v = np.array([r["value"] for r in rows if r["kind"] == kind and r["value"] is not None])
        none = sum(1 for r in rows if r["kind"] == kind and r["value"] is None)
        print(f"  {kind:<16} n={len(v):>3}  {v.min():.3f} / {np.median(v):.3f} / {v.max():.3f}"
              + (f"  (no face found: {none})" if none else ""))
    print(f"limit per fold {' '.join(f'{x:.3f}' for x in fold_limits)}   all people {limit_from(rows):.3f}   "
          f"profile {limits['max_blur']}")

    def line(name: str, sel: list[dict], refused_is_right: bool) -> None:
        k = sum(1 for r in sel if (r["value"] is None or r["value"] > r["held_out_limit"]) == refused_is_right)
        lo, hi = wilson(k, len(sel))
        word = "caught" if refused_is_right else "refused"
        k_show = k if refused_is_right else len(sel) - k
        lo, hi = (lo, hi) if refused_is_right else (1 - hi, 1 - lo)
        print(f"  {name:<16} {word} {k_show:>4}/{len(sel):<4} = {100 * k_show / max(len(sel), 1):5.1f} % "
              f"(CI {100 * lo:4.1f}-{100 * hi:5.1f})")

    print("held-out people (each fold's limit applied to the fold it did not see):")
    for kind in SHARP:
        line(kind, [r for r in rows if r["kind"] == kind], False)
    by_person = collections.defaultdict(list)
    for r in rows:
        if r["kind"] in SHARP:
            by_person[r["person"]].append(r)
    people_refused = [p for p, rs in by_person.items() if any(r["value"] is None or r["value"] > r["held_out_limit"]
                                                              for r in rs)]
    lo, hi = wilson(len(people_refused), len(by_person))
    print(f"  {'people (any sharp photo refused)':<16} {len(people_refused)}/{len(by_person)} "
          f"(CI {100 * lo:.1f}-{100 * hi:.1f})")
    for kind in BLURRED + REPORTED:
        line(kind, [r for r in rows if r["kind"] == kind], True)
    for r in rows:
        wrong = (r["kind"] in SHARP) == (r["value"] is None or r["value"] > r["held_out_limit"])
        if wrong and r["kind"] not in REPORTED:
            shown = "no face" if r["value"] is None else f"{r['value']:.3f}"
            print(f"      {'refused' if r['kind'] in SHARP else 'missed'} {r['kind']}: {r['file']} {shown} "
                  f"(limit {r['held_out_limit']:.3f})")
    from photo.checks.image import settings

    t = settings()["motion_spread"]
    print(f"named (a refused photo is 'camera shake' when worst - best > {t}, else 'out of focus'):")
    for kind, shake in (("defocus", False), ("motion", True)):
        sel = [r for r in rows if r["kind"] == kind and r["value"] is not None and r["value"] > r["held_out_limit"]]
        k = sum(1 for r in sel if (r["spread"] > t) == shake)
        print(f"  {kind:<16} named {'camera shake' if shake else 'out of focus'} {k}/{len(sel)}")
    print(f"\n{time.perf_counter() - t0:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
