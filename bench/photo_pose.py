"""How well the checker measures head pose, and why FRL "frontal" photos fail a 5-degree limit.

    python bench/photo_pose.py [--every N]

1. Synthetic rotations with a known angle: each photo is texture-mapped onto its own
   mediapipe mesh (plus rings of points around the face oval at the ears' depth, so the hair
   and ears turn with the head), rotated by +/-5 and +/-8 degrees of pitch or yaw about the
   ear axis and re-rendered; the checker then measures the photo again. Prints the measured
   change (mean +/- sd) per applied angle: the estimator's gain and its noise.
2. Real turns: the FRL three-quarter views (frl_views ``_02``/``_04``) against the same
   person's frontal photo.
3. Independent evidence on the frontal set: the hand-placed .tem landmarks (not the
   checker's) give a yaw cue (nostrils' offset from the middle of the cheeks, in face widths)
   and a pitch cue (ears' height below the eyes, in eye distances: ears sit lower when the
   chin is raised). Their correlation with the checker's yaw and pitch says whether the
   spread of angles among "frontal" studio photos is real head posture.
4. The spread of yaw and pitch over the frontal photos and the share beyond 5 degrees.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench.faces import read_tem, shared_faces


def rotate_head(img: np.ndarray, lm: np.ndarray, pitch_deg: float = 0.0, yaw_deg: float = 0.0) -> np.ndarray:
    """Re-render ``img`` with the head turned by pitch/yaw degrees (piecewise-affine texture
    mapping over a Delaunay triangulation of the mesh and three rings around the face oval;
    back-facing triangles dropped, far triangles drawn first; the outer ring stays put so
    the head blends into the unchanged background)."""
    import cv2
    from scipy.spatial import Delaunay

    from photo.analysis import FACE_OVAL

    h, w = img.shape[:2]
    pts = lm[:468, :3].copy()
    oval = pts[list(FACE_OVAL)]
    c2 = oval[:, :2].mean(axis=0)
    z_ear = pts[[234, 454], 2].mean()
    rx0 = (oval[:, 0].max() - oval[:, 0].min()) / 2
    ry0 = (oval[:, 1].max() - oval[:, 1].min()) / 2
    ang = np.linspace(0, 2 * np.pi, 48, endpoint=False)
    rings = [np.stack([c2[0] + rx0 * s * np.cos(ang), c2[1] + ry0 * s * np.sin(ang),
                       np.full_like(ang, z_ear + dz * rx0 * s)], axis=1)
             for s, dz in ((1.35, 0.0), (1.8, 0.35 / 1.8), (2.4, 0.6 / 2.4))]
    allp = np.concatenate([pts, *rings])
    tri = Delaunay(allp[:, :2]).simplices
    centre = np.array([c2[0], pts[[234, 454], 1].mean(), z_ear])
    p, y = np.radians(pitch_deg), np.radians(yaw_deg)
    rot_x = np.array([[1, 0, 0], [0, np.cos(p), -np.sin(p)], [0, np.sin(p), np.cos(p)]])
    rot_y = np.array([[np.cos(y), 0, np.sin(y)], [0, 1, 0], [-np.sin(y), 0, np.cos(y)]])
    moved = (allp - centre) @ (rot_y @ rot_x).T + centre
    moved[-len(rings[-1]):] = allp[-len(rings[-1]):]
    out = img.copy()
    for t in np.argsort(-moved[tri].mean(axis=1)[:, 2]):
        src, dst = allp[tri[t], :2].astype(np.float32), moved[tri[t], :2].astype(np.float32)
        e1, e2, s1, s2 = dst[1] - dst[0], dst[2] - dst[0], src[1] - src[0], src[2] - src[0]
        if np.sign(e1[0] * e2[1] - e1[1] * e2[0]) != np.sign(s1[0] * s2[1] - s1[1] * s2[0]):
            continue
        x0, y0 = np.maximum(np.floor(dst.min(axis=0)).astype(int), 0)
        x1, y1 = np.minimum(np.ceil(dst.max(axis=0)).astype(int) + 1, [w, h])
        if x1 <= x0 or y1 <= y0:
            continue
        m = cv2.getAffineTransform(src, dst - np.float32([x0, y0]))
        patch = cv2.warpAffine(img, m, (int(x1 - x0), int(y1 - y0)), flags=cv2.INTER_LINEAR,
                               borderMode=cv2.BORDER_REFLECT)
        mask = np.zeros((y1 - y0, x1 - x0), np.uint8)
        cv2.fillConvexPoly(mask, np.round(dst - np.float32([x0, y0])).astype(np.int32), 1)
        out[y0:y1, x0:x1][mask > 0] = patch[mask > 0]
    return out


def measure(src):
    from photo.analysis import FaceAnalysis
    from photo.intake import load

    a = FaceAnalysis(load(src))
    if a.landmarks is None:
        return None, None
    p = a.pose
    return (p.yaw_deg, p.pitch_deg), a


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--every", type=int, default=4, help="synthetic rotations on every Nth frontal photo")
    args = ap.parse_args()
    import photo

    faces = shared_faces()
    t0 = time.perf_counter()
    photo.warm_up()
    frontal = sorted((faces / "frl" / "neutral_front").glob("*.jpg"))

    print(f"1. synthetic rotations (1 in {args.every} FRL frontal photos): measured change, degrees")
    changes: dict[tuple[str, int], list[float]] = {}
    for jp in frontal[:: args.every]:
        img = np.asarray(Image.open(jp).convert("RGB"))
        base, a = measure(img)
        if base is None:
            continue
        lm = a.landmarks / a.decoded.scale
        for axis in ("pitch", "yaw"):
            for deg in (-8, -5, 5, 8):
                kw = {"pitch_deg": deg} if axis == "pitch" else {"yaw_deg": deg}
                got, _ = measure(rotate_head(img, lm, **kw))
                if got is not None:
                    k = 1 if axis == "pitch" else 0
                    changes.setdefault((axis, deg), []).append(got[k] - base[k])
    for (axis, deg), v in sorted(changes.items()):
        v = np.array(v)
        print(f"  {axis:<5} {deg:+3d}: measured {v.mean():+5.1f} +/- {v.std():.1f}  (gain {v.mean() / deg:.2f}, n={len(v)})")

    print("\n2. real turns: three-quarter views against the same person's frontal photo (yaw, degrees)")
    for view in ("02", "04"):
        d = []
        for jp in sorted((faces / "more" / "frl_views").glob(f"*_{view}.jpg")):
            front = faces / "frl" / "neutral_front" / jp.name.replace(f"_{view}", "_03")
            a_, _ = measure(jp)
            b_, _ = measure(front)
            if a_ is not None and b_ is not None:
                d.append((a_[0] - b_[0], a_[1] - b_[1]))
        d = np.array(d)
        print(f"  view _{view}: yaw change {d[:, 0].mean():+5.1f} +/- {d[:, 0].std():.1f}, pitch change "
              f"{d[:, 1].mean():+4.1f} +/- {d[:, 1].std():.1f} (n={len(d)})")

    print("\n3. frontal photos: checker angles against cues from the hand-placed .tem landmarks")
    rows = []
    for jp in frontal:
        got, _ = measure(jp)
        if got is None:
            continue
        t = read_tem(jp.with_suffix(".tem"))
        nose = t[61:71].mean(axis=0)
        cheeks = (t[110] + t[113]) / 2
        yaw_cue = (nose[0] - cheeks[0]) / (t[113][0] - t[110][0])
        ied = float(np.linalg.norm(t[0] - t[1]))
        ear_cue = (np.mean(t[[117, 118, 122, 123], 1]) - (t[0][1] + t[1][1]) / 2) / ied
        rows.append((got[0], got[1], yaw_cue, ear_cue))
    r = np.array(rows)
    print(f"  yaw   vs nostrils' offset from the cheeks' middle: r = {np.corrcoef(r[:, 0], r[:, 2])[0, 1]:+.2f}")
    print(f"  pitch vs ears' height below the eyes:              r = {np.corrcoef(r[:, 1], r[:, 3])[0, 1]:+.2f}")

    print(f"\n4. spread over the FRL frontal photos (n={len(r)})")
    for k, name in ((0, "yaw"), (1, "pitch")):
        v = r[:, k]
        print(f"  {name:<5} mean {v.mean():+5.1f} sd {v.std():.1f}; beyond 5: {100 * np.mean(np.abs(v) > 5):4.1f} %, "
              f"beyond 6: {100 * np.mean(np.abs(v) > 6):4.1f} %, beyond 10: {100 * np.mean(np.abs(v) > 10):4.1f} %")
    print(f"\n{time.perf_counter() - t0:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
