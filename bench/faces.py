"""Shared helpers for the photo benchmarks: where ../shared is, .tem landmarks, the
compliant 35:45 crop, a background matte independent of the checker, defect generators."""

from __future__ import annotations

import io
import os
import sys
from pathlib import Path

import numpy as np
from PIL import Image

ROOT = Path(__file__).resolve().parents[1]


def shared_faces() -> Path:
    """../shared/data/faces beside the repository root (MYNACARD_SHARED overrides)."""
    base = Path(os.environ.get("MYNACARD_SHARED", ROOT.parent / "shared"))
    p = base / "data" / "faces"
    if not p.is_dir():
        sys.exit(f"bench: needs the face photos in {p} (the shared folder beside the repository; "
                 "set MYNACARD_SHARED to its path)")
    return p


def read_tem(path: Path) -> np.ndarray:
    lines = path.read_text().split("\n")
    n = int(lines[0])
    return np.array([[float(v) for v in ln.split()[:2]] for ln in lines[1:1 + n]])


# FRL 189-point template: 0/1 eye centres, 151 hair outline above the forehead (below tall
# hair and buns: not the crown), 129 bottom of the chin
TEM_EYE_L, TEM_EYE_R, TEM_CROWN, TEM_CHIN = 0, 1, 151, 129


def in_crop(tem: np.ndarray, box, *points: int) -> list[tuple[float, float]]:
    """The .tem ``points`` (indices) in the pixels of the crop ``box`` (x0, y0, ...)."""
    return [(float(tem[i][0] - box[0]), float(tem[i][1] - box[1])) for i in points]


#: matched features a registration needs to be trusted (see :func:`carry_tem`)
MIN_INLIERS = 100


def carry_tem(tem: np.ndarray, src: np.ndarray, dst: np.ndarray) -> tuple[np.ndarray, int]:
    """(``tem``, placed on the photo ``src``, carried to the photo ``dst`` of the same sitting;
    the features that agree): the rotation, uniform scale and shift between the two photos from
    matched ORB features (RANSAC, 3 px), the checker's models not involved. The FRL set gives
    its smiling photos no landmarks; the neutral photo's, as they are, frame the smiling photo
    where the person sat in the neutral one (they had moved: heads read 2.8 mm larger on
    average). A registration resting on fewer than MIN_INLIERS features is not trusted: ``tem``
    is returned as it is (with that count)."""
    import cv2

    grey = [cv2.cvtColor(np.ascontiguousarray(x), cv2.COLOR_RGB2GRAY) for x in (src, dst)]
    orb = cv2.ORB_create(4000)
    (k1, d1), (k2, d2) = (orb.detectAndCompute(g, None) for g in grey)
    if d1 is None or d2 is None:
        return tem, 0
    pairs = cv2.BFMatcher(cv2.NORM_HAMMING, crossCheck=True).match(d1, d2)
    if len(pairs) < 3:
        return tem, 0
    p1 = np.float32([k1[m.queryIdx].pt for m in pairs])
    p2 = np.float32([k2[m.trainIdx].pt for m in pairs])
    m, inliers = cv2.estimateAffinePartial2D(p1, p2, method=cv2.RANSAC, ransacReprojThreshold=3.0)
    n = int(inliers.sum()) if inliers is not None else 0
    if m is None or n < MIN_INLIERS:
        return tem, n
    return tem @ m[:, :2].T + m[:, 2], n


def lips_parted(tem: np.ndarray) -> float:
    """Gap between the hand-placed inner lip lines (.tem 95-97 upper, 100-102 lower) as a share
    of the eye-to-chin distance: 0 when the annotator drew one line for closed lips (median of
    the FRL frontal sets 0, 95th percentile 0.003)."""
    eye_chin = float(np.linalg.norm(tem[TEM_CHIN] - (tem[TEM_EYE_L] + tem[TEM_EYE_R]) / 2))
    return float(np.mean(tem[[100, 101, 102], 1] - tem[[95, 96, 97], 1]) / eye_chin)


def backdrop_mask(rgb: np.ndarray, px: int = 450, step: float = 2.0) -> tuple[np.ndarray, float]:
    """(backdrop mask at ``px`` on the long side, scale factor): the studio backdrop found by
    flood-filling from the top edge and the upper halves of the side edges on a lightly
    blurred copy, each pixel joining when it differs from an already-joined neighbour by at
    most ``step`` levels per channel. A plain backdrop changes slowly (light fall-off), hair,
    skin and clothes meet it at an edge. Independent of the checker's models."""
    import cv2

    h0, w0 = rgb.shape[:2]
    f = min(1.0, px / max(h0, w0))
    s = cv2.resize(rgb, (round(w0 * f), round(h0 * f)), interpolation=cv2.INTER_AREA) if f < 1 else rgb.copy()
    s = cv2.GaussianBlur(np.ascontiguousarray(s), (0, 0), 1.0)
    h, w = s.shape[:2]
    mask = np.zeros((h + 2, w + 2), np.uint8)
    flags = 4 | (255 << 8) | cv2.FLOODFILL_MASK_ONLY
    seeds = ([(x, 0) for x in range(0, w, max(1, w // 40))]
             + [(x, y) for y in range(0, h // 2, max(1, h // 40)) for x in (0, w - 1)])
    for x, y in seeds:
        if not mask[y + 1, x + 1]:
            cv2.floodFill(s, mask, (x, y), 0, (step,) * 3, (step,) * 3, flags)
    return mask[1:-1, 1:-1] > 0, f


def hair_top(rgb: np.ndarray, tem: np.ndarray, min_share: float = 0.15) -> float | None:
    """The crown (top of the head, hair included) in image rows, from the backdrop: the
    highest row where the head (the non-backdrop region holding the eyes, opened to drop
    single strands) fills at least ``min_share`` of a band 1.8 eye distances wide over the
    face (a round skull reaches 15 % within about 1 mm of its top; a lone tuft or strand does
    not). None when the head touches the top edge (no crop can put space above it)."""
    import cv2

    bg, f = backdrop_mask(rgb)
    ied = float(np.linalg.norm(tem[TEM_EYE_L] - tem[TEM_EYE_R])) * f
    person = (~bg).astype(np.uint8)
    k = max(3, int(0.06 * ied)) | 1
    person = cv2.morphologyEx(person, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (k, k)))
    _, cc = cv2.connectedComponents(person)
    eye = ((tem[TEM_EYE_L] + tem[TEM_EYE_R]) / 2 * f).astype(int)
    head = cc == cc[eye[1], eye[0]]
    band = head[:, max(0, int(eye[0] - 0.9 * ied)): int(eye[0] + 0.9 * ied)]
    rows = np.nonzero(band.mean(axis=1) >= min_share)[0]
    if rows.size == 0 or head[0].any() or rows[0] <= 1:
        return None
    return float(rows[0]) / f


def compliant_box(tem: np.ndarray, size: tuple[int, int], crown_y: float, head_mm: float = 34.0,
                  top_mm: float = 4.0, scale_head: float = 1.0, dx_frac: float = 0.0, dy_mm: float = 0.0,
                  eye_mm: tuple[float, float] = (23.0, 31.0)):
    """35:45 crop box (x0, y0, x1, y1) with the crown-to-chin height at head_mm of 45 mm and
    top_mm above the crown (``crown_y``: the hair top, see :func:`hair_top`), centred on the
    eyes (independent of the checker). When that box leaves the frame or puts the eye line
    outside ``eye_mm`` above the bottom edge (ICAO: 50-70 % of the height, here with 0.5 mm to
    spare), the nearest head size in 33-35 mm and space above the head in 3-5 mm that
    satisfies everything is used (all inside the rules with 1 mm to spare); None if none does.
    ``scale_head``, ``dx_frac`` and ``dy_mm`` make deliberately wrong boxes (defects): then
    only the frame is checked."""
    w, h = size
    chin = tem[TEM_CHIN]
    eye_y = (tem[TEM_EYE_L][1] + tem[TEM_EYE_R][1]) / 2
    cx = (tem[TEM_EYE_L][0] + tem[TEM_EYE_R][0]) / 2
    head = chin[1] - crown_y
    defect = scale_head != 1.0 or dx_frac != 0.0 or dy_mm != 0.0
    grid = [(hm, tm) for hm in np.arange(33.0, 35.01, 0.25) for tm in np.arange(3.0, 5.01, 0.25)]
    grid.sort(key=lambda p: (p[0] - head_mm) ** 2 + (p[1] - top_mm) ** 2)
    for hm, tm in grid:
        ch = head * 45 / hm * scale_head
        cw = ch * 35 / 45
        y0 = crown_y - tm * ch / 45 + dy_mm * ch / 45
        x0 = cx - cw / 2 + dx_frac * cw
        if not (x0 >= 0 and y0 >= 0 and x0 + cw <= w and y0 + ch <= h):
            continue
        eye = (y0 + ch - eye_y) * 45 / ch
        if defect or eye_mm[0] <= eye <= eye_mm[1]:
            return (x0, y0, x0 + cw, y0 + ch)
    return None


def compliant_crop_box(full: Image.Image, tem: np.ndarray):
    """The 35:45 :func:`compliant_box` round the hair top found on the backdrop (:func:`hair_top`),
    or None when the hair touches the top edge or no compliant box fits in the photo."""
    crown = hair_top(np.asarray(full), tem)
    return None if crown is None else compliant_box(tem, full.size, crown)


def crop(img: Image.Image, box) -> Image.Image:
    return img.crop(tuple(round(v) for v in box))


def jpeg(img: Image.Image, q: int = 95) -> bytes:
    b = io.BytesIO()
    img.convert("RGB").save(b, "JPEG", quality=q)
    return b.getvalue()


def analysis_of(u8: np.ndarray):
    """The checker's analysis (``photo.analysis.FaceAnalysis``) of a crop (RGB uint8) saved as
    JPEG 95, as the benches send it: landmarks to draw on it with (they are in the analysis'
    working px: divide by ``decoded.scale`` for the crop's)."""
    from photo.analysis import FaceAnalysis
    from photo.intake import load

    return FaceAnalysis(load(jpeg(Image.fromarray(u8), 95)))


def background_matte(rgb: np.ndarray) -> np.ndarray:
    """Background (1) vs person (0), float at full size with a soft 1-px edge, independent of
    the checker's segmentation model: the flood-filled backdrop (:func:`backdrop_mask`), minus
    pixels far (Delta E > 7) from a smooth model of the backdrop's colour (a normalised
    Gaussian blur of the backdrop pixels in the upper 60 % of the frame, which follows light
    fall-off and vignetting); that drops light clothing the flood may have reached through a
    soft edge."""
    import cv2

    h0, w0 = rgb.shape[:2]
    bg, f = backdrop_mask(rgb)
    h, w = bg.shape
    small = cv2.resize(rgb, (w, h), interpolation=cv2.INTER_AREA) if f < 1 else rgb
    lab = cv2.cvtColor(np.ascontiguousarray(small), cv2.COLOR_RGB2Lab).astype(np.float32)
    seed = bg.copy()
    seed[int(0.6 * h):] = False
    sig = max(2.0, w / 12)
    wsum = cv2.GaussianBlur(seed.astype(np.float32), (0, 0), sig)
    model = cv2.GaussianBlur(lab * seed[..., None], (0, 0), sig) / np.maximum(wsum, 1e-3)[..., None]
    # far from any seed the blur is unreliable: extrapolate with the row above's model
    for y in range(h):
        if wsum[y].max() < 0.05 and y > 0:
            model[y] = model[y - 1]
    bg &= np.linalg.norm(lab - model, axis=2) < 7
    out = cv2.resize(bg.astype(np.float32), (w0, h0), interpolation=cv2.INTER_LINEAR)
    return cv2.GaussianBlur(out, (0, 0), 1.0)
