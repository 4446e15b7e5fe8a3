"""Compliant people's photos as taken, fixed by ``photo.fix``: how many come out accepted.

    MYNACARD_SHARED=../shared python bench/photo_fix.py [--profile mynumber-online]

An applicant sends the photo the camera took, not a 35:45 crop. ``photo.fix`` crops,
rotates, resizes and re-encodes what may be fixed and never edits the face (docs/framing.md).
Every compliant person of ``bench/data/face_labels.csv`` (121; nobody left out) is sent as
taken (FRL's square 1350 px studio frames, the Canada photos as shot) in three forms:

- ``as taken``: the file itself;
- ``phone orientation``: the pixels stored turned a quarter (as a phone held upright stores
  them) with EXIF orientation 6, which every viewer shows upright;
- ``PNG``: the same pixels as PNG (the rules ask for JPEG).

Per photo: ``photo.fix``; then the corrected copy is checked again by ``photo.fix`` itself
(``after``). A photo counts as fixed when the corrected copy passes every check; a photo that
passes as sent needs no fix. Everything else is listed with the reason ``photo.fix`` gave. The
actions taken are counted. Time is the wall time of ``photo.fix`` per photo (its own check of
the input and of the corrected copy included) as a ratio to one ``photo.check`` of the same
file, measured alternately in the same run.
"""

from __future__ import annotations

import collections
import io
import sys
import time
from pathlib import Path

import numpy as np
from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench.faces import shared_faces
from bench.photo_accuracy import read_labels
from bench.support import profile_bench_args, wilson

#: EXIF tag of the orientation, and the value that says "turn 90 degrees clockwise to show"
ORIENTATION_TAG, TURNED_CW = 0x0112, 6


def forms(data: bytes) -> dict[str, bytes]:
    """The photo as taken, stored turned with an EXIF orientation, and as PNG."""
    im = Image.open(io.BytesIO(data)).convert("RGB")
    turned = io.BytesIO()
    exif = Image.Exif()
    exif[ORIENTATION_TAG] = TURNED_CW
    im.transpose(Image.Transpose.ROTATE_90).save(turned, "JPEG", quality=95, exif=exif)
    png = io.BytesIO()
    im.save(png, "PNG")
    return {"as taken": data, "phone orientation": turned.getvalue(), "PNG": png.getvalue()}


def main() -> int:
    args = profile_bench_args(__doc__)
    import photo

    t0 = time.perf_counter()
    faces = shared_faces()
    outcome: dict[str, collections.Counter[str]] = collections.defaultdict(collections.Counter)
    actions: dict[str, collections.Counter[str]] = collections.defaultdict(collections.Counter)
    unfixed: dict[str, list[str]] = collections.defaultdict(list)
    ratios: list[float] = []
    people = 0
    for row in read_labels():
        if row["status"] != "compliant":
            continue
        people += 1
        for form, data in forms((faces / row["file"]).read_bytes()).items():
            t = time.perf_counter()
            photo.check(data, args.profile)
            t_check = time.perf_counter() - t
            t = time.perf_counter()
            r = photo.fix(data, args.profile)
            ratios.append((time.perf_counter() - t) / t_check)
            if r.before is not None and r.before.passed:
                outcome[form]["passed as sent"] += 1
            elif r.fixed and r.after is not None and r.after.passed:
                outcome[form]["fixed"] += 1
                for a in r.actions:
                    actions[form][" ".join(a.split()[:2])] += 1  # "cropped to", "rotated upright" ...
            else:
                outcome[form]["not fixed"] += 1
                unfixed[form].append(f"{row['file']}: {r.reason}")
    print(f"profile {args.profile}; {people} compliant people (bench/data/face_labels.csv), each photo as taken "
          f"in three forms; 95 % Wilson intervals")
    for form in ("as taken", "phone orientation", "PNG"):
        o = outcome[form]
        ok = o["passed as sent"] + o["fixed"]
        lo, hi = wilson(ok, people)
        print(f"  {form:<18} accepted {ok:>3}/{people} = {100 * ok / people:5.1f} % (CI {100 * lo:4.1f}-{100 * hi:5.1f})"
              f"  passed as sent {o['passed as sent']}, fixed {o['fixed']}, not fixed {o['not fixed']}")
        print(f"      actions: {dict(actions[form].most_common())}")
        for line in unfixed[form]:
            print(f"      not fixed {line}")
    q = np.percentile(ratios, [50, 95])
    print(f"photo.fix wall time / photo.check of the same file: median {q[0]:.2f}, p95 {q[1]:.2f} "
          f"(fix checks the input, cuts, and checks the corrected copy)")
    print(f"\n{time.perf_counter() - t0:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
