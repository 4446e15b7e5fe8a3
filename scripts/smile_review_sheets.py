"""Sheets for a blind review of the FRL smiling_front photos (bench/data/smile_review.tsv).

    python scripts/smile_review_sheets.py OUT_DIR

Each person's neutral_front (_03) and smiling_front (_08) photos are cropped alike and put side
by side as A and B in a random order, two people per sheet (``pair_CODE_CODE.png``); the key
(which side is the smiling photo) goes to ``OUT_DIR/key.json``, to be kept from the examiner.
The examiner judges every photo as a passport examiner would ("neutral expression, mouth
closed, no smile"): neutral, faint or smile. The review's verdicts decide which smiling_front
photos bench/data/face_labels.csv labels ``smile`` (a smile the examiner sees) and which
``faint_smile`` (asked to smile, but judged neutral or faint without knowing which photo was
which).
"""

from __future__ import annotations

import json
import random
import sys
from pathlib import Path

from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench.faces import shared_faces

SEED = 20261206


def face(path: Path) -> Image.Image:
    im = Image.open(path).convert("RGB")
    w, h = im.size
    im = im.crop((int(w * 0.22), int(h * 0.28), int(w * 0.78), int(h * 0.78)))
    return im.resize((380, int(380 * 0.5 * h / (0.56 * w))))


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print(__doc__)
        return 2
    out = Path(argv[0])
    out.mkdir(parents=True, exist_ok=True)
    frl = shared_faces() / "frl"
    rng = random.Random(SEED)
    pairs = []
    for s in sorted((frl / "smiling_front").glob("*_08.jpg")):
        n = frl / "neutral_front" / s.name.replace("_08", "_03")
        if n.exists():
            pairs.append((s.name[:3], n, s))
    rng.shuffle(pairs)
    key = {}
    for i in range(0, len(pairs), 2):
        rows = []
        for j, (person, n, s) in enumerate(pairs[i:i + 2]):
            code = f"{i + j + 1:03d}"
            a_smiling = rng.random() < 0.5
            key[code] = {"person": person, "A": "smiling" if a_smiling else "neutral"}
            rows.append((code, *((face(s), face(n)) if a_smiling else (face(n), face(s)))))
        h = rows[0][1].size[1]
        sheet = Image.new("RGB", (770, (h + 10) * len(rows)), "white")
        for k, (_code, a, b) in enumerate(rows):
            sheet.paste(a, (0, k * (h + 10)))
            sheet.paste(b, (390, k * (h + 10)))
        sheet.save(out / f"pair_{'_'.join(r[0] for r in rows)}.png")
    (out / "key.json").write_text(json.dumps(key, indent=1))
    print(f"{len(pairs)} people on {(len(pairs) + 1) // 2} sheets in {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
