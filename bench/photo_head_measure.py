"""How well the checker measures the head's height (crown to chin) against an independent reference.

    python bench/photo_head_measure.py

The geometry limits (``geometry.head_size``, ``geometry.margins``) are in millimetres of the
printed photo, and the checker reads the head from its own models: the crown from the person
mask (:attr:`photo.analysis.FaceAnalysis.crown`) and the chin from the face mesh. The reference
is independent of both: the chin the FRL annotators placed by hand (.tem point 129) and the
hair top found on the plain studio backdrop (:func:`bench.faces.hair_top`, the same 15 %-band
rule the bench's labels use). Every FRL neutral_front and canada photo whose hair top is on the
backdrop is measured (a head that touches the top edge has no reference crown and is counted).

Errors are in mm on a print where the reference head is 34 mm tall (the rules' middle), sign
+ = the checker reads the point lower in the photo. The crown's bias moves the space measured
above the head; the chin's and the crown's together move the head size. The profiles' limits
are the rules' limits moved by these biases (see photo/profiles/*.toml).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np
from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench.faces import TEM_CHIN, hair_top, read_tem, shared_faces


def bootstrap_ci(v: np.ndarray, stat=np.median, n: int = 2000, seed: int = 1) -> tuple[float, float]:
    rng = np.random.default_rng(seed)
    s = [stat(rng.choice(v, len(v))) for _ in range(n)]
    return float(np.quantile(s, 0.025)), float(np.quantile(s, 0.975))


def main() -> int:
    from photo.analysis import FaceAnalysis
    from photo.intake import load

    t0 = time.time()
    faces = shared_faces() / "frl"
    files = sorted((faces / "neutral_front").glob("*.jpg")) + sorted((faces / "canada").glob("*.jpg"))
    crown, chin, head, untouched, no_face, at_top = [], [], [], 0, [], []
    for p in files:
        tem = read_tem(p.with_suffix(".tem"))
        rgb = np.asarray(Image.open(p).convert("RGB"))
        top = hair_top(rgb, tem)
        if top is None:
            at_top.append(p.name)
            continue
        a = FaceAnalysis(load(p))
        if a.landmarks is None:
            no_face.append(p.name)
            continue
        untouched += 1
        k = rgb.shape[0] / a.h  # working px -> original px
        mm = 34.0 / (tem[TEM_CHIN][1] - top)
        crown.append((a.crown[1] * k - top) * mm)
        chin.append((a.chin[1] * k - tem[TEM_CHIN][1]) * mm)
        head.append(chin[-1] - crown[-1])
    print(f"{len(files)} FRL neutral_front + canada photos: {untouched} measured; "
          f"{len(at_top)} with the hair at the top edge (no reference crown); {len(no_face)} with no face found"
          + (f" ({', '.join(no_face)})" if no_face else ""))
    print("error of the checker against the reference, mm on a print with a 34 mm head (+ = lower in the photo)")
    for name, v in (("crown", crown), ("chin", chin), ("head size (chin - crown)", head)):
        v = np.asarray(v)
        lo, hi = bootstrap_ci(v)
        print(f"  {name:<26} median {np.median(v):+.2f} (95 % CI {lo:+.2f} to {hi:+.2f})  sd {v.std():.2f}  "
              f"5-95 % {np.quantile(v, 0.05):+.2f} to {np.quantile(v, 0.95):+.2f}  n={len(v)}")
    print(f"{time.time() - t0:.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
