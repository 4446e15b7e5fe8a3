"""Clear glasses drawn on a compliant photo: the glasses an applicant may keep on.

J-LIS and ICAO accept clear glasses whose frames do not cover the eyes and whose lenses show
no glare or tint. None of the collection's compliant people wears glasses, so the benchmarks
draw them, from the hand-placed eye centres (.tem, no checker model involved):

- a lens of 0.80 x 0.50 eye distances (about 50 x 32 mm on an adult) in front of each eye,
  its centre 0.04 eye distances below the pupil, with rounded corners;
- a rim of the style's width and colour, a bridge between the lenses and the temples' first
  0.12 eye distances, softened by a 0.6 px blur;
- inside each lens the face seen through it: a short-sighted lens shrinks what is behind it
  about the lens centre (by the style's factor, 0.95-0.97), and a faint reflection of a window
  (+10 to +18 levels, a broad diagonal band, far from clipping) lies on it.

Styles (:data:`STYLES`): thin metal, black acetate (a 4 mm rim), brown tortoiseshell.

``drop`` lowers the lenses: at 0.2-0.3 eye distances below the pupils (glasses worn low down the
nose, or big frames) the top rim crosses the eyes, the defect J-LIS calls a frame over the eyes.
"""

from __future__ import annotations

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

#: style -> (lens half-width and half-height, rim width: in eye distances; rim sRGB; lens minification)
STYLES = {
    "metal": (0.40, 0.25, 0.012, (150, 140, 120), 0.96),
    "acetate": (0.41, 0.26, 0.05, (28, 24, 24), 0.95),
    "tortoise": (0.40, 0.24, 0.035, (95, 60, 35), 0.97),
}


#: the range of ``drop`` (eye distances below the pupils) at which the top rim crosses the eyes:
#: the benchmarks' frame over the eyes (bench/photo_accuracy.py, bench/photo_over_eyes.py)
DROP_ACROSS_EYES = (0.2, 0.3)


def clear_glasses(img: Image.Image, eyes: list[tuple[float, float]], style: str, rng, drop: float = 0.04) -> Image.Image:
    """``img`` (RGB) with clear glasses of ``style`` (:data:`STYLES`) in front of ``eyes`` (the
    image-left and image-right eye centres, px), each lens centred ``drop`` eye distances below
    its pupil; ``rng`` draws the reflection's strength."""
    import cv2

    a = np.asarray(img.convert("RGB")).astype(np.float32)
    h, w = a.shape[:2]
    (lx, ly), (rx, ry) = eyes
    ied = float(np.hypot(rx - lx, ry - ly))
    half_w, half_h, rim_w, colour, minify = STYLES[style]
    rim = max(1, round(rim_w * ied))
    frame = Image.new("L", (w, h), 0)
    fd = ImageDraw.Draw(frame)
    lens = Image.new("L", (w, h), 0)
    ld = ImageDraw.Draw(lens)
    boxes = []
    for x, y in ((lx, ly), (rx, ry)):
        cx, cy = x, y + drop * ied
        box = (cx - half_w * ied, cy - half_h * ied, cx + half_w * ied, cy + half_h * ied)
        boxes.append((cx, cy, box))
        fd.rounded_rectangle(box, radius=0.12 * ied, outline=255, width=rim)
        ld.rounded_rectangle(box, radius=0.12 * ied, fill=255)
    ys, xs = np.mgrid[0:h, 0:w].astype(np.float32)
    map_x, map_y = xs.copy(), ys.copy()
    for cx, cy, (x0, y0, x1, y1) in boxes:
        inside_box = (xs >= x0) & (xs <= x1) & (ys >= y0) & (ys <= y1)
        map_x[inside_box] = cx + (xs[inside_box] - cx) / minify
        map_y[inside_box] = cy + (ys[inside_box] - cy) / minify
    seen = cv2.remap(a, map_x, map_y, cv2.INTER_LINEAR)
    inside = np.asarray(lens) > 0
    out = a.copy()
    out[inside] = seen[inside]
    band = np.clip(1 - np.abs((xs - w / 2) / w + ys / h - 0.6) * 3, 0, 1)  # a window's reflection
    out[inside] += ((10 + 8 * rng.random()) * band)[inside, None]
    top = min(boxes[0][2][1], boxes[1][2][1]) + 0.1 * ied
    fd.line([(boxes[0][2][2], top), (boxes[1][2][0], top)], fill=255, width=rim)  # the bridge
    for (_cx, _cy, (x0, y0, x1, _y1)), sign in zip(boxes, (-1, 1), strict=True):
        xo = x0 if sign < 0 else x1
        fd.line([(xo, y0 + 0.06 * ied), (xo + sign * 0.12 * ied, y0 + 0.08 * ied)], fill=255, width=rim)
    f = np.asarray(frame.filter(ImageFilter.GaussianBlur(0.6)), np.float32)[..., None] / 255
    out = out * (1 - f) + np.float32(colour) * f
    return Image.fromarray(np.clip(np.round(out), 0, 255).astype(np.uint8), "RGB")
