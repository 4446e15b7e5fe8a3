"""A face mask drawn on a photo: the defect ``mouth.visible`` must catch.

J-LIS refuses a photo whose face is partly hidden, and a mask over the nose and mouth is the
commonest way it is in Japan. The collection has no masked photo, so the benchmarks draw one,
from the hand-placed eye centres and chin (.tem, no checker model involved):

- a pleated surgical mask from 0.35-0.55 eye distances below the eyes to just under the chin,
  0.6 eye distances past each eye sideways, its lower edge drawn in towards the chin;
- the cloth's shading: darker towards the sides (it curves round the face) and towards the
  bottom, three pleats (soft darker folds with a lit edge above each), a nose wire along the
  top edge, fabric grain (noise, softened), and ear loops to the ears;
- colours (:data:`COLOURS`): white, pale blue, black, grey, pink and beige (the last two near
  skin's hue).
"""

from __future__ import annotations

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

#: mask colour name -> sRGB of its lit middle
COLOURS = {
    "white": (238, 240, 242),
    "pale blue": (170, 200, 225),
    "black": (38, 38, 42),
    "grey": (150, 150, 155),
    "pink": (235, 192, 196),
    "beige": (216, 192, 168),
}


def face_mask(img: Image.Image, eyes: list[tuple[float, float]], chin: tuple[float, float], colour: str,
              rng) -> Image.Image:
    """``img`` (RGB) with a mask of ``colour`` (:data:`COLOURS`) over the nose and mouth, placed
    from ``eyes`` (image-left, image-right centres, px) and ``chin`` (px); ``rng`` draws how
    high it sits and its grain."""
    a = np.asarray(img.convert("RGB")).astype(np.float32)
    h, w = a.shape[:2]
    (lx, ly), (rx, ry) = eyes
    ied = float(np.hypot(rx - lx, ry - ly))
    mid_x, eye_y = (lx + rx) / 2, (ly + ry) / 2
    top = eye_y + rng.uniform(0.35, 0.55) * ied
    bottom = chin[1] + 0.08 * ied
    outline = [(lx - 0.6 * ied, top + 0.12 * ied), (mid_x, top - 0.04 * ied), (rx + 0.6 * ied, top + 0.12 * ied),
               (rx + 0.5 * ied, bottom - 0.4 * ied), (mid_x, bottom), (lx - 0.5 * ied, bottom - 0.4 * ied)]
    cover = Image.new("L", (w, h), 0)
    ImageDraw.Draw(cover).polygon(outline, fill=255)
    m = np.asarray(cover.filter(ImageFilter.GaussianBlur(max(0.8, 0.01 * ied))), np.float32)[..., None] / 255
    ys, xs = np.mgrid[0:h, 0:w].astype(np.float32)
    across = np.clip((xs - mid_x) / (1.1 * ied), -1, 1)
    down = np.clip((ys - top) / max(1.0, bottom - top), 0, 1)
    shade = 1 - 0.22 * across**2 - 0.12 * down
    for k in range(3):  # pleats: a soft fold, lit just above
        y = top + (bottom - top) * (0.28 + 0.2 * k) + 0.05 * ied * across**2
        d = (ys - y) / (0.035 * ied)
        shade = shade - 0.10 * np.exp(-d**2) + 0.05 * np.exp(-((d + 1.6) ** 2))
    wire = np.exp(-(((ys - (top + 0.04 * ied + 0.12 * ied * across**2)) / (0.02 * ied)) ** 2)) * (np.abs(across) < 0.5)
    shade = shade - 0.08 * wire
    grain = Image.fromarray(np.clip(128 + rng.normal(0, 40, (h, w)), 0, 255).astype(np.uint8), "L")
    grain_a = (np.asarray(grain.filter(ImageFilter.GaussianBlur(0.7)), np.float32) - 128) / 128 * 5
    cloth = np.float32(COLOURS[colour])[None, None, :] * shade[..., None] + grain_a[..., None]
    out = a * (1 - m) + cloth * m
    loops = Image.new("L", (w, h), 0)
    ld = ImageDraw.Draw(loops)
    for x0, sign in ((lx - 0.6 * ied, -1), (rx + 0.6 * ied, 1)):
        ld.line([(x0, top + 0.12 * ied), (x0 + sign * 0.25 * ied, eye_y + 0.1 * ied)], fill=255,
                width=max(1, round(0.02 * ied)))
        ld.line([(x0 + sign * 0.05 * ied, bottom - 0.45 * ied), (x0 + sign * 0.25 * ied, eye_y + 0.15 * ied)],
                fill=255, width=max(1, round(0.02 * ied)))
    lm = np.asarray(loops.filter(ImageFilter.GaussianBlur(0.6)), np.float32)[..., None] / 255 * (1 - m)
    out = out * (1 - lm) + np.float32(COLOURS[colour]) * 0.85 * lm
    return Image.fromarray(np.clip(np.round(out), 0, 255).astype(np.uint8), "RGB")
