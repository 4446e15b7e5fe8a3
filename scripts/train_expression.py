"""Fit photo/data/expression_model.npz: the logistic smile model behind ``expression.neutral``.

Data: the Face Research Lab London set (``neutral_front`` NNN_03 and ``smiling_front`` NNN_08,
the same people) and the Canada set (neutral only), read from ../shared/data/faces. Only the
TRAINING half of the subjects is used: subject ids whose number is even (``split()``); the
odd half is left for ``bench/photo_accuracy.py`` to report on, so the benchmark's held-out
figures never saw those people. Each photo goes through the same code as the checker
(``photo.load`` -> ``FaceAnalysis`` -> ``photo.expression.raw_features``); mirrored crops are
added as extra training rows. The model: HOG of the aligned lower face projected on its first
20 principal components (fitted on the training half), the named geometry and teeth
features, standardised, and an L2-regularised logistic regression (Newton's method).

Also prints the training half's neutral scores (the profile limit ``max_smile_score`` is
chosen from them: at most 1 % of training neutral photos above it).

    MYNACARD_SHARED=../shared python scripts/train_expression.py
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
FACES = Path(os.environ.get("MYNACARD_SHARED", ROOT.parent / "shared")) / "data" / "faces" / "frl"
OUT = ROOT / "photo" / "data" / "expression_model.npz"
NAMES = ("lift", "wide", "corner_vs_mid", "up_curv", "lo_curv", "eye_gap", "cheek", "cheek2", "corner_eye",
         "gap", "corner_depth", "lip_thick", "upper_h", "lower_h", "mouth_nose", "mouth_face", "corner_z_rel",
         "teeth")
N_HOG = 20
LAMBDA = 0.1


def subject(path: Path) -> int:
    """The subject number of an FRL file name (``012_03.jpg`` -> 12, ``045f.jpg`` -> 45)."""
    return int("".join(ch for ch in path.name.split("_")[0].split(".")[0] if ch.isdigit()))


def split(path: Path) -> str:
    """"train" for even subject numbers, "test" for odd ones."""
    return "train" if subject(path) % 2 == 0 else "test"


def photos() -> list[tuple[Path, int]]:
    out = []
    for sub, label in (("neutral_front", 0), ("canada", 0), ("smiling_front", 1)):
        out += [(p, label) for p in sorted((FACES / sub).glob("*.jpg"))]
    return out


def features(path: Path):
    from photo.analysis import FaceAnalysis, template
    from photo.expression import raw_features
    from photo.intake import load

    a = FaceAnalysis(load(path))
    if a.landmarks is None:
        return None
    return raw_features(a.canonical, template()[0], a.rgb, a.landmarks)


def fit_logistic(x: np.ndarray, y: np.ndarray, lam: float, iters: int = 50):
    """L2-regularised logistic regression by Newton's method (x standardised; bias unpenalised)."""
    xa = np.c_[x, np.ones(len(y))]
    w = np.zeros(xa.shape[1])
    pen = lam * np.r_[np.ones(x.shape[1]), 0.0]
    for _ in range(iters):
        p = 1 / (1 + np.exp(-(xa @ w)))
        g = xa.T @ (p - y) / len(y) + pen * w
        h = (xa.T * (p * (1 - p))) @ xa / len(y) + np.diag(pen) + 1e-9 * np.eye(len(w))
        step = np.linalg.solve(h, g)
        w -= step
        if np.abs(step).max() < 1e-8:
            break
    return w[:-1], float(w[-1])


def main() -> int:
    if not FACES.is_dir():
        print(f"needs the Face Research Lab photos in {FACES} (set MYNACARD_SHARED)", file=sys.stderr)
        return 2
    import photo

    photo.warm_up()
    rows = []
    for p, label in photos():
        if split(p) != "train":
            continue
        r = features(p)
        if r is None:
            print(f"no face: {p.name}", file=sys.stderr)
            continue
        rows.append((p, label, *r))
    y = np.array([r[1] for r in rows], float)
    named = np.array([[r[2][n] for n in NAMES] for r in rows])
    hogs = np.array([r[3] for r in rows])
    hogs_m = np.array([r[4] for r in rows])
    both = np.r_[hogs, hogs_m]
    hog_mean = both.mean(axis=0)
    _, _, vt = np.linalg.svd(both - hog_mean, full_matrices=False)
    comps = vt[:N_HOG]
    xa = np.c_[named, (hogs - hog_mean) @ comps.T]
    xb = np.c_[named, (hogs_m - hog_mean) @ comps.T]
    x = np.r_[xa, xb]
    mu, sd = x.mean(axis=0), x.std(axis=0) + 1e-9
    w, b = fit_logistic((x - mu) / sd, np.r_[y, y], LAMBDA)
    np.savez_compressed(OUT, names=np.array(NAMES), hog_mean=hog_mean, hog_components=comps, mu=mu, sd=sd, w=w,
                        b=np.float64(b), train_subjects=np.array(sorted({subject(r[0]) for r in rows})))
    score = (((xa - mu) / sd) @ w + b + ((xb - mu) / sd) @ w + b) / 2
    neutral = np.sort(score[y == 0])
    print(f"trained on {int((y == 0).sum())} neutral and {int((y == 1).sum())} smiling photos (even subject numbers)")
    print("training neutral scores, top 5:", np.round(neutral[-5:], 2).tolist())
    print("99th percentile of training neutral scores:", round(float(np.percentile(neutral, 99)), 2))
    for lim in (0.0, 0.5, 1.0, 1.5, 2.0):
        print(f"  limit {lim:4.1f}: training neutral above {np.mean(neutral > lim):.3f}, smiling above "
              f"{np.mean(score[y == 1] > lim):.3f}")
    print(f"wrote {OUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
