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


# FRL 189-point template: 0/1 eye centres, 151 top of the hair, 129 bottom of the chin
TEM_EYE_L, TEM_EYE_R, TEM_CROWN, TEM_CHIN = 0, 1, 151, 129


def compliant_box(tem: np.ndarray, size: tuple[int, int], head_mm: float = 34.0, top_mm: float = 4.0,
                  scale_head: float = 1.0, dx_frac: float = 0.0, dy_mm: float = 0.0):
    """35:45 crop box (x0, y0, x1, y1) with the crown-to-chin height at head_mm of 45 mm and
    top_mm above the crown, centred on the eyes, from the .tem landmarks (independent of the
    checker). Tries nearby sizes/margins when the exact box leaves the frame; None if none fits."""
    w, h = size
    crown, chin = tem[TEM_CROWN], tem[TEM_CHIN]
    cx = (tem[TEM_EYE_L][0] + tem[TEM_EYE_R][0]) / 2
    head = chin[1] - crown[1]
    for hm in (head_mm, head_mm - 0.7, head_mm + 0.7, head_mm - 1.4, head_mm + 1.4):
        for tm in (top_mm, top_mm - 0.8, top_mm + 0.8, top_mm - 1.5, top_mm + 1.5):
            ch = head * 45 / hm * scale_head
            cw = ch * 35 / 45
            y0 = crown[1] - tm * ch / 45 + dy_mm * ch / 45
            x0 = cx - cw / 2 + dx_frac * cw
            if x0 >= 0 and y0 >= 0 and x0 + cw <= w and y0 + ch <= h:
                return (x0, y0, x0 + cw, y0 + ch)
    return None


def crop(img: Image.Image, box) -> Image.Image:
    return img.crop(tuple(round(v) for v in box))


def jpeg(img: Image.Image, q: int = 95) -> bytes:
    b = io.BytesIO()
    img.convert("RGB").save(b, "JPEG", quality=q)
    return b.getvalue()


def background_matte(rgb: np.ndarray) -> np.ndarray:
    """Background (1) vs person (0) by colour keying on the studio backdrop: independent of the
    checker's segmentation model. The backdrop is modelled as a smooth (quadratic) colour field,
    fitted first to the image's top and side strips, then refitted to what it keys as backdrop."""
    import cv2

    h0, w0 = rgb.shape[:2]
    f = min(1.0, 400 / max(h0, w0))
    small = cv2.resize(rgb, (round(w0 * f), round(h0 * f)), interpolation=cv2.INTER_AREA) if f < 1 else rgb
    lab = cv2.cvtColor(small, cv2.COLOR_RGB2Lab).astype(np.float32)
    h, w = lab.shape[:2]
    ys, xs = np.mgrid[0:h, 0:w]
    u, v = xs / w - 0.5, ys / h - 0.5
    design = np.stack([np.ones_like(u), u, v, u * u, v * v, u * v], axis=-1).reshape(-1, 6)
    s = max(3, w // 25)
    bg = np.zeros((h, w), bool)
    bg[: h // 12, :] = True
    bg[: h // 2, :s] = True
    bg[: h // 2, -s:] = True
    flat = lab.reshape(-1, 3)
    for _ in range(3):
        coef, *_ = np.linalg.lstsq(design[bg.ravel()], flat[bg.ravel()], rcond=None)
        d = np.linalg.norm(flat - design @ coef, axis=1).reshape(h, w)
        bg = d < 14
    m = bg.astype(np.uint8)
    m = cv2.morphologyEx(m, cv2.MORPH_OPEN, np.ones((3, 3), np.uint8))
    _, cc = cv2.connectedComponents(m)
    keep = set(cc[0, :].tolist()) | set(cc[:, 0].tolist()) | set(cc[:, -1].tolist())
    keep.discard(0)
    out = np.isin(cc, list(keep)).astype(np.float32)
    out = cv2.resize(out, (w0, h0), interpolation=cv2.INTER_LINEAR)
    return cv2.GaussianBlur(out, (0, 0), 1.0)
