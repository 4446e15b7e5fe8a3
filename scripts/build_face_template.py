"""Build photo/data/face_template.npz: the frontal reference shape for head-pose estimation.

The template is the mean MediaPipe Face Landmarker mesh (468 points, 3D) over the 102 frontal studio
photos of the Face Research Lab London set (camera at eye level), aligned by Procrustes,
rotated so its plane of symmetry is x = 0 and made exactly symmetric by averaging each
point with its mirrored partner. ``photo.analysis`` fits it to each photo's mesh (Kabsch),
so yaw and roll are zero for a symmetric face pose and pitch is zero for the studio mean.

Run from the repository root (needs ../shared/data/faces): ``python scripts/build_face_template.py``
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import numpy as np
from PIL import Image

ROOT = Path(__file__).resolve().parents[1]
# ../shared beside the repository root; MYNACARD_SHARED overrides (e.g. for a git worktree)
SHARED = Path(os.environ.get("MYNACARD_SHARED", ROOT.parent / "shared")) / "data" / "faces" / "frl" / "neutral_front"


def _normalise(x: np.ndarray) -> np.ndarray:
    x = x - x.mean(axis=0)
    return x / np.sqrt((x**2).sum(axis=1).mean())


def _kabsch(src: np.ndarray, dst: np.ndarray) -> np.ndarray:
    """Rotation R with dst ~ src @ R.T (both centred)."""
    u, _, vt = np.linalg.svd(src.T @ dst)
    d = np.sign(np.linalg.det(vt.T @ u.T))
    return vt.T @ np.diag([1, 1, d]) @ u.T


def main() -> int:
    if not SHARED.is_dir():
        print(f"needs the Face Research Lab photos in {SHARED}", file=sys.stderr)
        return 2
    sys.path.insert(0, str(ROOT))
    from photo import models
    from photo.analysis import _MOVING

    shapes = []
    for p in sorted(SHARED.glob("*.jpg")):
        rgb = np.asarray(Image.open(p).convert("RGB"))
        found = models.faces(rgb)
        if found:
            shapes.append(_normalise(found[0].points[:468]))
    ref = shapes[0]
    for _ in range(3):
        aligned = [s @ _kabsch(s, ref).T for s in shapes]
        ref = _normalise(np.mean(aligned, axis=0))
    # mirror partner of each point: nearest point of the x-mirrored shape
    mirrored = ref * np.array([-1, 1, 1])
    d2 = ((ref[:, None, :] - mirrored[None, :, :]) ** 2).sum(axis=2)
    from scipy.optimize import linear_sum_assignment  # build-time only (scipy comes with the test tools)

    _, pairs = linear_sum_assignment(d2)
    mutual = pairs[pairs] == np.arange(len(pairs))
    pairs = np.where(mutual, pairs, np.arange(len(pairs)))  # unmatched points keep themselves
    # plane of symmetry: normal = main direction of the differences between partners
    diff = ref - ref[pairs]
    _, _, vt = np.linalg.svd(diff[np.linalg.norm(diff, axis=1) > 1e-6], full_matrices=False)
    n = vt[0] * np.sign(vt[0][0])
    # rotate n onto +x with the smallest rotation
    x = np.array([1.0, 0, 0])
    v = np.cross(n, x)
    c = float(n @ x)
    vx = np.array([[0, -v[2], v[1]], [v[2], 0, -v[0]], [-v[1], v[0], 0]])
    rot = np.eye(3) + vx + vx @ vx / (1 + c)
    ref = ref @ rot.T
    sym = ref.copy()
    sym[mutual] = (ref[mutual] + ref[pairs[mutual]] * np.array([-1, 1, 1])) / 2
    sym = _normalise(sym)
    # pitch zero = the mean pitch of the studio photos (Procrustes keeps the first photo's pitch)
    stable = np.array([i for i in range(468) if i not in _MOVING])
    pitches = []
    for s_ in shapes:
        r = _kabsch(sym[stable] - sym[stable].mean(0), s_[stable] - s_[stable].mean(0))
        pitches.append(np.arctan2(r[2, 1], r[2, 2]))
    t = float(np.mean(pitches))
    rx = np.array([[1, 0, 0], [0, np.cos(t), -np.sin(t)], [0, np.sin(t), np.cos(t)]])
    sym = sym @ rx.T
    out = ROOT / "photo" / "data" / "face_template.npz"
    np.savez_compressed(out, template=sym.astype(np.float32), pairs=pairs.astype(np.int16),
                        photos=np.int16(len(shapes)))
    asym = np.abs(ref - sym).mean()
    print(f"{len(shapes)} photos -> {out.relative_to(ROOT)} ({int(mutual.sum())} points paired, "
          f"mean asymmetry removed {asym:.4f})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
