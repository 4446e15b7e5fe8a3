"""Hair and glasses frames over the eyes: where ``eyes.visible`` refuses them (keys ``hair`` and ``frame``).

    MYNACARD_SHARED=../shared python bench/photo_over_eyes.py [--profile mynumber-online]

J-LIS refuses a fringe (bangs) that reaches the eyes and accepts one that covers the brows; it
refuses a glasses frame over the eyes and accepts clear glasses whose frame stays clear of
them. Every compliant person of ``bench/data/face_labels.csv`` (121; their crops from
``bench.photo_accuracy.frame_photo``, nobody left out) is sent

- as ``bench.photo_accuracy.compliant_variants`` makes them (clean, re-compressed, resized,
  lighter, darker, turned 2-3 degrees, in clear glasses), which must pass;
- with a fringe drawn by ``bench/fringe.py`` (its own seeded stream per person) down to each of
  :data:`DEPTHS` eye distances below the eye centres: stopping on the brows (-0.35, -0.25; to
  pass), on the upper lid (-0.15; reported only: the rules do not say), and reaching the pupils
  or a little below (0, 0.075, 0.15; to be refused for hair);
- with a fringe swept over one eye (``bench.fringe``'s ``side``: the image-left eye for every
  other person, the image-right for the rest; its own stream) to the brows (-0.25; to pass) and
  to the pupil or a little below (0, 0.075; to be refused for hair);
- with a fringe of light (dark-blonde) hair to the pupils (to be refused for hair; its own stream);
- in each of ``bench/glasses.py``'s three styles, worn as they should be (to pass) and worn low,
  the lenses 0.2-0.3 eye distances below the pupils so that the top rim crosses the eyes (to be
  refused for the frame; the accuracy benchmark's ``frame_over_eyes``, one style per base);

and the collection's other real photos (its labelled defects, as ``bench/photo_accuracy.py``
sends them) must not be refused for hair or a frame unless their label names it.

Printed per group: the photos ``eyes.visible`` refuses for hair, for a frame and for anything,
and the values the check reads: ``hair``, the upper lid's horizontal over vertical colour
gradient of the eye with more strands (``photo/hair_strands.py``); ``frame``, the stronger eye's
frame line (darkness), and ``colour``, the stronger eye's line by colour (``photo/frame_line.py``
``frame_chroma``). The limits are set by hand (the sweep lines show what other hair limits would
refuse); the folds line shows where ``bench/photo_accuracy.py``'s rule
for calibrated limits (midway between the training people's largest compliant value and the 3rd
percentile of their fringes reaching the pupils) would put the hair limit on each fold of
people, and what those limits do to the held-out people.
"""

from __future__ import annotations

import collections
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench.faces import TEM_EYE_L, TEM_EYE_R, crop, in_crop, jpeg, shared_faces
from bench.fringe import LIGHT_HAIR, fringe
from bench.glasses import DROP_ACROSS_EYES, STYLES, clear_glasses
from bench.photo_accuracy import MAX_MISSED, compliant_variants, fold_of, frame_photo, read_labels
from bench.support import profile_bench_args
from bench.support import rate as support_rate

#: how far below the eye centres each fringe reaches (eye distances), and what the rules say of it
DEPTHS = {-0.35: "pass", -0.25: "pass", -0.15: "reported", 0.0: "refuse", 0.075: "refuse", 0.15: "refuse"}
#: hair limits the sweep line prints the photos over
SWEEP = (0.9, 1.0, 1.1, 1.2, 1.3)
#: fringes swept over one eye: how far below the eye centres (eye distances), and what the rules say
ONE_EYE_DEPTHS = {-0.25: "pass", 0.0: "refuse", 0.075: "refuse"}
#: the seeds of the fringes', the glasses', the one-eye fringes' and the light fringes' streams (one
#: per person: ``default_rng([SEED, row index])``)
SEED, GLASSES_SEED, ONE_EYE_SEED, LIGHT_SEED = 41, 43, 53, 59
#: what each group must do: group -> (the key it must be refused for, or None: must pass)
WHAT = {"compliant": None, **{f"fringe to {d:+.3f}": {"pass": None, "refuse": "hair", "reported": "?"}[w]
                              for d, w in DEPTHS.items()},
        **{f"one eye to {d:+.3f}": {"pass": None, "refuse": "hair"}[w] for d, w in ONE_EYE_DEPTHS.items()},
        "light hair to +0.000": "hair",
        **{f"glasses worn {s}": None for s in STYLES}, **{f"glasses low {s}": "frame" for s in STYLES}}


def values(c) -> tuple[float | None, float | None, float | None]:
    """(hair, frame, colour) as ``eyes.visible`` (result ``c``) read them: the larger eye's
    ``hair_strands``, ``frame_line`` and ``frame_chroma``."""
    eyes = [x for x in (c.details or {}).values() if isinstance(x, dict) and "hair_strands" in x]
    if len(eyes) != 2:
        return None, None, None
    return (max(x["hair_strands"] for x in eyes), max(x["frame_line"] for x in eyes),
            max(x["frame_chroma"] for x in eyes))


def rate(k: int, n: int) -> str:
    return support_rate(k, n, width=3, ci="CI")


def judge(photo, data: bytes, profile: str) -> tuple[str | None, bool, float | None, float | None, float | None]:
    """(the key ``eyes.visible`` refuses ``data`` for or None, whether it judged it, hair, frame,
    colour)."""
    ev = next((x for x in photo.check(data, profile).checks if x.id == "eyes.visible"), None)
    if ev is None or not ev.evaluated:
        return None, False, None, None, None
    return (None if ev.passed else ev.key), True, *values(ev)


def quantiles(vals: list[float]) -> str:
    if not vals:
        return "not read"
    q = np.percentile(vals, [5, 50, 95])
    return f"p5 {q[0]:.2f} median {q[1]:.2f} p95 {q[2]:.2f} max {max(vals):.2f}"


def main() -> int:
    import photo
    from photo import profile

    args = profile_bench_args(__doc__)
    t0 = time.perf_counter()
    faces = shared_faces()
    rows = []  # (group, person, key refused for, hair, frame)
    real = []  # (file, key refused for, hair, frame, kinds, colour) of the other real photos judged
    for i, row in enumerate(read_labels()):
        full, tem, box = frame_photo(faces, row)
        if row["status"] != "compliant":
            data = jpeg(crop(full, box)) if box is not None else (faces / row["file"]).read_bytes()
            key, judged, hair, frame, colour = judge(photo, data, args.profile)
            if judged:  # a face found, not turned away
                real.append((Path(row["file"]).name, key, hair, frame, row["kinds"], colour))
            continue
        sent = [("compliant", d) for d in compliant_variants(full, tem, box, np.random.default_rng(i),
                                                             np.random.default_rng([13, i])).values()]
        c, eyes = crop(full, box), in_crop(tem, box, TEM_EYE_L, TEM_EYE_R)
        rng = np.random.default_rng([SEED, i])
        sent += [(f"fringe to {d:+.3f}", jpeg(fringe(c, eyes, d, rng))) for d in DEPTHS]
        rng = np.random.default_rng([ONE_EYE_SEED, i])
        side = ("left", "right")[i % 2]
        sent += [(f"one eye to {d:+.3f}", jpeg(fringe(c, eyes, d, rng, side=side))) for d in ONE_EYE_DEPTHS]
        sent.append(("light hair to +0.000",
                     jpeg(fringe(c, eyes, 0.0, np.random.default_rng([LIGHT_SEED, i]), colour=LIGHT_HAIR))))
        rng = np.random.default_rng([GLASSES_SEED, i])
        for style in STYLES:
            sent.append((f"glasses worn {style}", jpeg(clear_glasses(c, eyes, style, rng))))
            sent.append((f"glasses low {style}",
                         jpeg(clear_glasses(c, eyes, style, rng, drop=float(rng.uniform(*DROP_ACROSS_EYES))))))
        for group, data in sent:
            key, _judged, hair, frame, colour = judge(photo, data, args.profile)
            rows.append((group, row["person"], key, hair, frame, colour))
    lim = profile.get(args.profile).checks["eyes.visible"]
    print(f"profile {args.profile}; max_hair_strands {lim.get('max_hair_strands')}, max_frame_line "
          f"{lim.get('max_frame_line')}; 121 compliant people: 7 variants each, a fringe at each of {len(DEPTHS)} "
          f"depths and over one eye at {len(ONE_EYE_DEPTHS)}, glasses of {len(STYLES)} styles worn and worn low; "
          "95 % Wilson intervals")
    for g, must in WHAT.items():
        sel = [r for r in rows if r[0] == g]
        what = {None: "must pass", "?": "reported", "hair": "refuse: hair", "frame": "refuse: frame"}[must]
        print(f"  {g:22s} ({what:13s}) refused for hair {rate(sum(r[2] == 'hair' for r in sel), len(sel))}, "
              f"for a frame {sum(r[2] == 'frame' for r in sel):>3}, at all {sum(r[2] is not None for r in sel):>3}; "
              f"hair {quantiles([r[3] for r in sel if r[3] is not None])}; "
              f"frame {quantiles([r[4] for r in sel if r[4] is not None])}; "
              f"colour {quantiles([r[5] for r in sel if r[5] is not None])}")
    for name, key, col, label in (("hair", "hair", 2, "hair"), ("frame", "frame", 3, "frame"),
                                  ("colour", "frame", 5, "frame")):
        named = [r for r in real if any(k.startswith(label) for k in r[4])]
        wrong = [r[0] for r in real if r[1] == key and r not in named]
        vals = [r for r in real if r[col] is not None]
        top = max(vals, key=lambda r: r[col])
        print(f"  other real photos, {name:6s} (judged: {len(vals)}) refused for {key} without a label naming it: "
              f"{len(wrong)} {wrong}; {quantiles([r[col] for r in vals])} ({top[0]}); labelled {label}: "
              + (", ".join(f"{r[0]} {'caught' if r[1] == key else 'missed'}" for r in named) or "none"))
    reach = {g for g, m in WHAT.items() if m == "hair"}
    brows = {g for g, m in WHAT.items() if m is None and (g.startswith("fringe") or g.startswith("one eye"))}
    print("  hair: photos whose value is over each limit (the limit's choice; a photo refused first for dark "
          "lenses, glare or a frame is counted here too):")
    unlabelled = [r for r in real if r[2] is not None and not any(k.startswith("hair") for k in r[4])]

    def over(groups, lim_h):
        sel = [r for r in rows if r[0] in groups and r[3] is not None]
        return f"{sum(r[3] > lim_h for r in sel)}/{len(sel)}"

    for lim_h in SWEEP:
        names = [r[0] for r in unlabelled if r[2] > lim_h]
        print(f"    {lim_h:.2f}: compliant {over({'compliant'}, lim_h)}, fringes to the brows {over(brows, lim_h)}, "
              f"reaching the eyes {over(reach, lim_h)}; other real photos without hair in their label {len(names)} {names}")
    folds = fold_of([r["person"] for r in read_labels()])  # bench/photo_accuracy.py's folds
    lims, held = [], collections.Counter()
    for k in range(max(folds.values()) + 1):
        train = [r for r in rows if folds[r[1]] != k and r[3] is not None]
        top_c = max(r[3] for r in train if r[0] == "compliant")
        low = float(np.quantile([r[3] for r in train if r[0] in reach], MAX_MISSED))
        lims.append(max(top_c, (top_c + low) / 2))
        for r in rows:
            if folds[r[1]] == k:
                grp = "compliant" if r[0] == "compliant" else "reach" if r[0] in reach else "brows" if r[0] in brows else None
                if grp:
                    held[grp, r[3] is not None and r[3] > lims[-1]] += 1
    n = {g: held[g, True] + held[g, False] for g in ("compliant", "reach", "brows")}
    print(f"  hair: folds by person, the calibration rule's limits {' '.join(f'{x:.2f}' for x in lims)}; held out over "
          f"them: compliant {rate(held['compliant', True], n['compliant'])}, fringes to the brows "
          f"{rate(held['brows', True], n['brows'])}, fringes reaching the pupils {rate(held['reach', True], n['reach'])}")
    print(f"\n{time.perf_counter() - t0:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
