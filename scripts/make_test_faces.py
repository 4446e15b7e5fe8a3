"""Make the small test photos in tests/data/faces/ and the framed sample photos in
samples/photos/ from ../shared/data/faces (run once; the outputs are committed with their
licence and attribution in the ATTRIBUTION.md beside them). The compliant crops put the head,
hair included (the hair top found on the studio backdrop), at 34 mm of 45 mm with 4 mm above it."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
from PIL import Image

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from bench.faces import compliant_box, crop, hair_top, read_tem, shared_faces  # noqa: E402

OUT = ROOT / "tests" / "data" / "faces"
SAMPLES = ROOT / "samples" / "photos"


def main() -> int:
    f = shared_faces()
    OUT.mkdir(parents=True, exist_ok=True)
    for name, sample, src, tem_src in (
            ("compliant_a", "compliant_010", "frl/neutral_front/010_03.jpg", "frl/neutral_front/010_03.tem"),
            ("compliant_b", "compliant_005", "frl/neutral_front/005_03.jpg", "frl/neutral_front/005_03.tem"),
            ("smiling_a", "smiling_010", "frl/smiling_front/010_08.jpg", "frl/neutral_front/010_03.tem")):
        full = Image.open(f / src).convert("RGB")
        tem = read_tem(f / tem_src)
        box = compliant_box(tem, full.size, hair_top(np.asarray(full), tem))
        framed = crop(full, box)
        framed.resize((560, 720), Image.Resampling.LANCZOS).save(OUT / f"{name}.jpg", quality=92)
        framed.save(SAMPLES / f"{sample}.jpg", quality=92)
    Image.open(f / "frl/lisa/lisa1.jpg").convert("RGB").save(OUT / "lisa1.jpg", quality=85)
    Image.open(f / "frl/lisa/lisa3.jpg").convert("RGB").save(OUT / "lisa3.jpg", quality=85)
    Image.open(f / "more/flickr_cc/acani_07.jpg").convert("RGB").save(OUT / "sunglasses.jpg", quality=85)
    Image.open(f / "more/frl_views/005_02.jpg").convert("RGB").resize((600, 600), Image.Resampling.LANCZOS).save(
        OUT / "turned.jpg", quality=88)
    Image.open(f / "more/video_cc/tang_newfacevideo_f060.png").convert("RGB").save(OUT / "helmet.jpg", quality=88)
    for p in sorted(OUT.glob("*.jpg")):
        print(p.name, p.stat().st_size)
    return 0


if __name__ == "__main__":
    sys.exit(main())
