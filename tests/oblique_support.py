"""Helpers for tests/test_oblique_*.py: card faces, and scenes composed WITHOUT the simulator.

``paste`` lays a card face on a background with a plain homography (no slab, no shadow, no
camera model): the quad is drawn at random, so the locator is tested on geometry the
simulator never makes. Backgrounds come from simple numpy textures and from the test face
photos (tests/data/faces, see ATTRIBUTION.md there).
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import numpy as np

from bench.support import texture  # noqa: F401 - the tests' backgrounds live beside the bench's

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(__file__).resolve().parent / "data"
SAMPLES = ROOT / "samples" / "applicants.json"


@cache
def face(layout: str, side: str, record: int = 2, dpi: int = 150) -> np.ndarray:
    """RGBA render of a sample holder's card face (record numbers from 1; 2 and 6 are not
    among the locator's template holders)."""
    import io

    from PIL import Image

    import cardface

    rec = json.loads(SAMPLES.read_text(encoding="utf-8"))[record - 1]
    if rec.get("photo"):  # sample photo paths are relative to samples/
        rec["photo"] = str(SAMPLES.parent / rec["photo"])
    png = cardface.render(rec, side=side, layout=layout, fmt="png", dpi=dpi)
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGBA")).copy()


def paste(card_rgba: np.ndarray, background: np.ndarray, quad: np.ndarray, gain: float = 1.0) -> np.ndarray:
    """The card face warped onto ``quad`` (TL, TR, BR, BL in px) over ``background``; the
    face's own alpha (rounded corners) is kept; ``gain`` scales the whole photo's brightness."""
    import cv2

    h, w = background.shape[:2]
    ch, cw = card_rgba.shape[:2]
    src = np.float32([[-0.5, -0.5], [cw - 0.5, -0.5], [cw - 0.5, ch - 0.5], [-0.5, ch - 0.5]])
    m = cv2.getPerspectiveTransform(src, np.float32(quad))
    rgb = cv2.warpPerspective(card_rgba[:, :, :3].astype(np.float32), m, (w, h), flags=cv2.INTER_AREA)
    a = cv2.warpPerspective(card_rgba[:, :, 3].astype(np.float32) / 255, m, (w, h), flags=cv2.INTER_LINEAR)[:, :, None]
    out = background.astype(np.float32) * (1 - a) + rgb * a
    return np.clip(out * gain, 0, 255).astype(np.uint8)


def random_quad(rng: np.random.Generator, w: int, h: int, width_px: float, roll_deg: float,
                squeeze: float = 0.0) -> np.ndarray:
    """A card-like quad (TL, TR, BR, BL of the face): a 1.586 rectangle rotated by
    ``roll_deg``, one pair of sides shortened by ``squeeze`` (a keystone, as a tilt makes),
    corners jittered by 2 %, placed at random."""
    cw, chh = width_px, width_px / 1.586
    r = np.array([[-cw / 2, -chh / 2], [cw / 2, -chh / 2], [cw / 2, chh / 2], [-cw / 2, chh / 2]])
    r[1, 1] *= 1 - squeeze
    r[2, 1] *= 1 - squeeze
    r += rng.normal(0, 0.02 * cw, r.shape)
    a = np.radians(roll_deg)
    rot = np.array([[np.cos(a), -np.sin(a)], [np.sin(a), np.cos(a)]])
    r = r @ rot.T
    span = np.ptp(r, axis=0)
    c = np.array([rng.uniform(span[0] / 2 + 10, w - span[0] / 2 - 10), rng.uniform(span[1] / 2 + 10, h - span[1] / 2 - 10)])
    return r + c


def tolerance(quad_pts: np.ndarray) -> float:
    """1.5 % of the card's diagonal in the photo (the benchmark's criterion)."""
    p = np.asarray(quad_pts)
    return 0.015 * (np.linalg.norm(p[2] - p[0]) + np.linalg.norm(p[3] - p[1])) / 2


def corner_error(found, truth) -> float:
    return float(np.max(np.linalg.norm(np.asarray(found) - np.asarray(truth), axis=1)))
