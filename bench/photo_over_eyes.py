"""Fringes by how far they reach: where ``eyes.visible`` refuses hair over the eyes (key ``hair``).

    MYNACARD_SHARED=../shared python bench/photo_fringe.py [--profile mynumber-online]

J-LIS refuses a fringe (bangs) that reaches the eyes and accepts one that covers the brows. Every
compliant person of ``bench/data/face_labels.csv`` (121; their crops from
``bench.photo_accuracy.frame_photo``, nobody left out) is sent

- as ``bench.photo_accuracy.compliant_variants`` makes them (clean, re-compressed, resized,
  lighter, darker, turned 2-3 degrees, in clear glasses), which must pass;
- the collection's other real photos (its labelled defects, as ``bench/photo_accuracy.py`` sends
  them), which the check must not refuse for hair unless their label names it;
- with a fringe drawn by ``bench/fringe.py`` (its own seeded stream per person) down to each of
  :data:`DEPTHS` eye distances below the eye centres: stopping on the brows (-0.35, -0.25; to
  pass), on the upper lid (-0.15; reported only: the rules do not say), and reaching the pupils
  or a little below (0, 0.075, 0.15; to be refused).

Printed per group: the photos ``eyes.visible`` refuses for hair and for anything, and the value
the check reads (the upper lid's horizontal over vertical gradient of the eye with fewer strands,
``photo/hair_strands.py``). The profile's limit is set by hand; the folds line shows where
``bench/photo_accuracy.py``'s rule for calibrated limits (midway between the training people's
largest compliant value and the 3rd percentile of their fringes reaching the pupils) would put
it on each fold of people, and what those limits do to the held-out people.
"""

from __future__ import annotations

import collections
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench.faces import TEM_EYE_L, TEM_EYE_R, crop, in_crop, jpeg, shared_faces
from bench.fringe import fringe
from bench.photo_accuracy import MAX_MISSED, compliant_variants, fold_of, frame_photo, read_labels
from bench.support import profile_bench_args, wilson

#: how far below the eye centres each fringe reaches (eye distances), and what the rules say of it
DEPTHS = {-0.35: "pass", -0.25: "pass", -0.15: "reported", 0.0: "refuse", 0.075: "refuse", 0.15: "refuse"}
#: the seed of the fringes' streams (one per person: ``default_rng([SEED, row index])``)
SEED = 41


def hair_value(c) -> float | None:
    """What ``eyes.visible`` (result ``c``) read for hair: the smaller eye's ``hair_strands``."""
    vals = [x["hair_strands"] for x in (c.details or {}).values() if isinstance(x, dict) and "hair_strands" in x]
    return min(vals) if len(vals) == 2 else None


def rate(k: int, n: int) -> str:
    lo, hi = wilson(k, n)
    return f"{k:>3}/{n:<3} = {100 * k / max(n, 1):5.1f} % (CI {100 * lo:4.1f}-{100 * hi:5.1f})"


def main() -> int:
    import photo
    from photo import profile

    args = profile_bench_args(__doc__)
    t0 = time.perf_counter()
    faces = shared_faces()
    rows = []  # (group, person, refused for hair, refused by eyes.visible, value)
    real = []  # (file, value, refused for hair, the label names hair over the eyes) of the other real photos
    for i, row in enumerate(read_labels()):
        full, tem, box = frame_photo(faces, row)
        if row["status"] != "compliant":
            data = jpeg(crop(full, box)) if box is not None else (faces / row["file"]).read_bytes()
            ev = next((x for x in photo.check(data, args.profile).checks if x.id == "eyes.visible"), None)
            if ev is not None and ev.evaluated:  # not turned away, a face found
                real.append((row["file"], hair_value(ev), not ev.passed and ev.key == "hair",
                             any(k.startswith("hair") for k in row["kinds"])))
            continue
        sent = [("compliant", d) for d in compliant_variants(full, tem, box, np.random.default_rng(i),
                                                             np.random.default_rng([13, i])).values()]
        c, rng = crop(full, box), np.random.default_rng([SEED, i])
        eyes = in_crop(tem, box, TEM_EYE_L, TEM_EYE_R)
        sent += [(f"fringe to {d:+.3f}", jpeg(fringe(c, eyes, d, rng))) for d in DEPTHS]
        for group, data in sent:
            ev = next((x for x in photo.check(data, args.profile).checks if x.id == "eyes.visible"), None)
            refused = ev is not None and ev.evaluated and not ev.passed
            rows.append((group, row["person"], refused and ev.key == "hair", refused,
                         hair_value(ev) if ev is not None else None))
    limit = profile.get(args.profile).checks["eyes.visible"].get("max_hair_strands")
    print(f"profile {args.profile}; max_hair_strands {limit}; 121 compliant people, 7 variants each and "
          f"a fringe at each of {len(DEPTHS)} depths; 95 % Wilson intervals")
    groups = ["compliant"] + [f"fringe to {d:+.3f}" for d in DEPTHS]
    for g in groups:
        sel = [r for r in rows if r[0] == g]
        vals = np.array([r[4] for r in sel if r[4] is not None])
        what = "must pass" if g == "compliant" else {"pass": "must pass", "refuse": "must be refused",
                                                     "reported": "reported"}[DEPTHS[float(g.split()[-1])]]
        q = np.percentile(vals, [5, 50, 95]) if vals.size else [np.nan] * 3
        print(f"  {g:18s} ({what:15s}) refused for hair {rate(sum(r[2] for r in sel), len(sel))}; "
              f"by eyes.visible {sum(r[3] for r in sel):>3}; value p5 {q[0]:.2f} median {q[1]:.2f} "
              f"p95 {q[2]:.2f} max {vals.max() if vals.size else np.nan:.2f} (read on {vals.size})")
    judged = [r for r in real if r[1] is not None]
    wrong = [Path(r[0]).name for r in real if r[2] and not r[3]]
    labelled = [(Path(r[0]).name, r[2]) for r in real if r[3]]
    top = max(judged, key=lambda r: r[1])
    print(f"  other real photos  (judged by eyes.visible: {len(judged)}) refused for hair without a label naming it: "
          f"{len(wrong)} {wrong}; value median {np.median([r[1] for r in judged]):.2f} max {top[1]:.2f} "
          f"({Path(top[0]).name}); labelled hair over an eye: "
          + (", ".join(f"{n} {'caught' if c else 'missed'}" for n, c in labelled) or "none"))
    reach = {f"fringe to {d:+.3f}" for d, w in DEPTHS.items() if w == "refuse"}
    brows = {f"fringe to {d:+.3f}" for d, w in DEPTHS.items() if w == "pass"}
    folds = fold_of([r["person"] for r in read_labels()])  # bench/photo_accuracy.py's folds
    lims, held = [], collections.Counter()
    for k in range(max(folds.values()) + 1):
        train = [r for r in rows if folds[r[1]] != k and r[4] is not None]
        top = max(r[4] for r in train if r[0] == "compliant")
        low = float(np.quantile([r[4] for r in train if r[0] in reach], MAX_MISSED))
        lim = max(top, (top + low) / 2)
        lims.append(lim)
        for r in rows:
            if folds[r[1]] == k:
                over = r[4] is not None and r[4] > lim
                key = "compliant" if r[0] == "compliant" else "reach" if r[0] in reach else "brows" if r[0] in brows else None
                if key:
                    held[key, over] += 1
    n = {key: held[key, True] + held[key, False] for key in ("compliant", "reach", "brows")}
    print(f"  folds by person, the calibration rule's limits: {' '.join(f'{x:.2f}' for x in lims)}; held out over "
          f"them: compliant {rate(held['compliant', True], n['compliant'])}, fringes to the brows "
          f"{rate(held['brows', True], n['brows'])}, fringes reaching the pupils {rate(held['reach', True], n['reach'])}")
    print(f"\n{time.perf_counter() - t0:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
