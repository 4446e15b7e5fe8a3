"""Fit photo/data/expression_model.npz: the logistic smile model behind ``expression.neutral``.

The rows are the cases bench/photo_accuracy.py checks, so the shipped model sees photos the
way the benchmark sends them: every labelled person's compliant photos as neutral (each in
seven variants, one in drawn clear glasses, which weigh as one photo) and every photo labelled ``smile`` (the FRL
smiling_front photos in which a blind review sees a smile, laughs under more/) as smiling; the
``faint_smile`` photos (asked to smile, judged neutral or faint: bench/data/smile_review.tsv)
teach it nothing. Every person is used here; the benchmark refits the same model
on four folds of people and scores the fifth, so its figures are on people the model never
saw (photo.expression_fit). The profile limit ``max_smile_score`` is the benchmark's
"all people" calibration.

    python bench/photo_accuracy.py --save /tmp/cases.pkl
    python scripts/train_expression.py /tmp/cases.pkl
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
OUT = ROOT / "photo" / "data" / "expression_model.npz"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("cases", help="a pickle written by bench/photo_accuracy.py --save")
    args = ap.parse_args()
    from bench.photo_accuracy import fit_smile, load_cases
    from photo.expression import smile_score

    mdl, train = fit_smile(load_cases(args.cases))
    y = np.array([0.0 if c["compliant"] else 1.0 for c in train])
    people = sorted({c["person"] for c in train})
    np.savez_compressed(OUT, **mdl, train_people=np.array(people))
    score = np.array([smile_score(*c["smile"], mdl=mdl) for c in train])
    print(
        f"fitted on {int((y == 0).sum())} neutral and {int((y == 1).sum())} smiling photos of {len(people)} people"
    )
    print("neutral scores, top 5:", np.round(np.sort(score[y == 0])[-5:], 2).tolist())
    print(f"wrote {OUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
