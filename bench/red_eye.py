"""Flash red-eye drawn on a compliant photo: the defect ``eyes.red_eye`` must catch.

ICAO 9303 and ISO/IEC 19794-5 refuse red-eye: a flash close to the lens, in the dim light that
opens the pupils wide, lights the retina, and the pupil shows red. A phone's flash at home does
it. The collection has no photo with red-eye, so the benchmarks draw it, at the hand-placed
pupil centres (.tem points 0 and 1, no checker model involved):

- a pupil of radius 0.035-0.06 eye distances (a 4.4-7.6 mm pupil on a 63 mm eye distance:
  dilated, as in the light a flash is used in), round, with a soft rim (0.005 eye distances);
- its colour the lit retina's, drawn between a deep red (140, 22, 28) and a bright one
  (235, 75, 60), brightest at the centre and falling to 0.7 of it at the rim, mixed over the
  pupil with an opacity of 0.8-1.0 (some of the dark pupil shows through);
- the flash's catchlight, a near-white spot of 0.012 eye distances up and to one side of the
  centre;
- both eyes (three times in four) or one (the other looking a little away from the flash).
"""

from __future__ import annotations

import numpy as np
from PIL import Image

DEEP = np.array([140.0, 22.0, 28.0])
BRIGHT = np.array([235.0, 75.0, 60.0])


def red_eye(img: Image.Image, pupils: list[tuple[float, float]], rng) -> Image.Image:
    """``img`` (RGB) with flash red-eye in the pupils at ``pupils`` (image-left, image-right
    centres, px); ``rng`` draws the pupil's size and colour, which eyes and the opacity."""
    a = np.asarray(img.convert("RGB")).astype(np.float32)
    h, w = a.shape[:2]
    (lx, ly), (rx, ry) = pupils
    ied = float(np.hypot(rx - lx, ry - ly))
    radius = rng.uniform(0.035, 0.06) * ied
    colour = DEEP + (BRIGHT - DEEP) * rng.uniform(0.0, 1.0)
    opacity = rng.uniform(0.8, 1.0)
    which = [0, 1] if rng.random() < 0.75 else [int(rng.integers(2))]
    soft = max(0.6, 0.005 * ied)
    side = rng.choice([-1.0, 1.0])
    for k in which:
        cx, cy = pupils[k]
        x0, x1 = max(0, int(cx - radius - 3 * soft)), min(w, int(cx + radius + 3 * soft) + 2)
        y0, y1 = max(0, int(cy - radius - 3 * soft)), min(h, int(cy + radius + 3 * soft) + 2)
        ys, xs = np.mgrid[y0:y1, x0:x1].astype(np.float32)
        d = np.hypot(xs - cx, ys - cy)
        cover = np.clip((radius - d) / soft + 0.5, 0.0, 1.0)[..., None] * opacity
        fall = (1.0 - 0.3 * np.clip(d / radius, 0.0, 1.0) ** 2)[..., None]
        patch = a[y0:y1, x0:x1]
        a[y0:y1, x0:x1] = patch * (1 - cover) + colour * fall * cover
        gx, gy = cx + side * 0.35 * radius, cy - 0.35 * radius
        glint = np.clip((0.012 * ied - np.hypot(xs - gx, ys - gy)) / soft + 0.5, 0.0, 1.0)[..., None]
        a[y0:y1, x0:x1] = a[y0:y1, x0:x1] * (1 - glint) + 250.0 * glint
    return Image.fromarray(np.clip(a + 0.5, 0, 255).astype(np.uint8), "RGB")
