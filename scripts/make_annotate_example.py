"""Write docs/annotated-example.jpg: two review images side by side (``mynacard photo check --annotate``).

    python scripts/make_annotate_example.py

Left: tests/data/faces/smiling_a.jpg as it is (teeth, lip gap, eye height, margin below the
chin). Right: compliant_a.jpg with the image-right half of the face darkened (a shadow across
the face, not the backdrop) and the image-left eye painted shut. Both Face Research Lab London Set, CC BY 4.0
(tests/data/faces/ATTRIBUTION.md).
"""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

ROOT = Path(__file__).resolve().parents[1]
FACES = ROOT / "tests" / "data" / "faces"


def _jpeg(im: Image.Image) -> bytes:
    b = io.BytesIO()
    im.save(b, "JPEG", quality=92)
    return b.getvalue()


def _shadow_and_closed_eye() -> bytes:
    import photo

    im = Image.open(FACES / "compliant_a.jpg").convert("RGB")
    g = photo.face_geometry(FACES / "compliant_a.jpg")
    ied = abs(g.eye_right[0] - g.eye_left[0])
    x, y = min((g.eye_left, g.eye_right), key=lambda p: p[0])
    skin = tuple(int(v) for v in np.asarray(im)[int(y - ied * 0.28), int(x)])
    d = ImageDraw.Draw(im)
    d.ellipse([x - ied * 0.3, y - ied * 0.17, x + ied * 0.3, y + ied * 0.13], fill=skin)
    d.arc([x - ied * 0.3, y - ied * 0.25, x + ied * 0.3, y + ied * 0.1], 20, 160, fill=(60, 45, 40), width=3)
    im = im.filter(ImageFilter.GaussianBlur(0.8))
    a = np.asarray(im).astype(np.float32)
    ys, xs = np.mgrid[0:a.shape[0], 0:a.shape[1]]
    # a shadow over the image-right half of the face only (the backdrop stays as it was)
    x0, y0, x1, y1 = g.face_box
    oval = (((xs - (x0 + x1) / 2) / ((x1 - x0) * 0.52)) ** 2 + ((ys - (y0 + y1) / 2) / ((y1 - y0) * 0.55)) ** 2) < 1
    oval = np.asarray(Image.fromarray((oval * 255).astype(np.uint8)).filter(ImageFilter.GaussianBlur(6))) / 255.0
    f = 1 - 0.5 * oval / (1 + np.exp(-(xs - g.eye_mid[0] - 0.3 * ied) / 8.0))
    return _jpeg(Image.fromarray(np.clip(a * f[..., None], 0, 255).astype(np.uint8)))


def main() -> None:
    from photo import profile
    from photo.annotate import draw
    from photo.checker import analyse_and_check

    prof = profile.get("mynumber-online")
    tiles = []
    for src in ((FACES / "smiling_a.jpg").read_bytes(), _shadow_and_closed_eye()):
        a, rep = analyse_and_check(src, prof)
        tiles.append(draw(a, rep, prof))
    h = min(t.height for t in tiles)
    tiles = [t.resize((round(t.width * h / t.height), h), Image.Resampling.LANCZOS) for t in tiles]
    out = Image.new("RGB", (sum(t.width for t in tiles) + 8, h), (255, 255, 255))
    x = 0
    for t in tiles:
        out.paste(t, (x, 0))
        x += t.width + 8
    out.save(ROOT / "docs" / "annotated-example.jpg", "JPEG", quality=85, optimize=True)


if __name__ == "__main__":
    main()
