"""Where a chip portrait's landmark drift comes from: the coding of the face, or of what lies around it.

    MYNACARD_SHARED=../shared python bench/chip_drift_sources.py [--budget 6000] [--every 1]

Photos, crops, profile and split by person: those of bench/chip.py (every compliant Face Research
Lab neutral_front and canada photo; "uncropped" where no compliant crop exists). For each, the
default portrait at the budget (token, baseline JPEG, ROI pre-filter, candidate search) is decoded,
and regions of it are put back as they were before coding; the landmark model runs once on each
such image, and its p95 drift (the issue's measure: % of the inter-eye distance, against the
uncompressed portrait's landmarks) is printed:

- ``coded``: the portrait as the chip holds it;
- ``face``: inside the face outline (landmarks FACE_OVAL) put back from the uncompressed portrait;
- ``band``: the untouched band outside the outline (``[encode.roi] face_margin_ied``) put back;
- ``outside (pre-filtered)``: everything outside the outline put back as the pre-filter left it,
  not coded (so only the face is coded);
- ``outside``: everything outside the outline put back from the uncompressed portrait;
- ``pre-filter only``: the pre-filtered portrait, not coded (what the pre-filter itself costs).

Prints, for all portraits and per split, each image's median drift and the share within the
target's 1.5 %; then every portrait that misses the target, with its row. A diagnostic: nothing
here is a target. It says which part of the portrait an encoder would have to code better.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

for _v in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_v, "1")

import numpy as np  # noqa: E402  (after the thread settings)

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import photo  # noqa: E402
from bench.chip import photos  # noqa: E402
from bench.faces import shared_faces  # noqa: E402

#: the images measured, in the order printed
IMAGES = ("coded", "face", "band", "outside (pre-filtered)", "outside", "pre-filter only")


def regions(prep) -> dict[str, np.ndarray]:
    """Boolean portrait masks: inside the face outline, the untouched band outside it, and all outside it."""
    from photo.analysis import FACE_OVAL
    from photo.chip import settings
    from photo.chip_encode import outline_distance

    pl = prep.placement
    dist = outline_distance(prep.uncompressed.shape[:2], pl.landmarks[list(FACE_OVAL)])
    inside = dist <= 0
    band = ~inside & (dist <= settings()["encode"]["roi"]["face_margin_ied"] * pl.ied)
    return {"face": inside, "band": band, "outside": ~inside}


def restored(coded: np.ndarray, source: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """``coded`` with the pixels under ``mask`` taken from ``source`` (same shape)."""
    out = coded.copy()
    out[mask] = source[mask]
    return out


def sources(prep, decoded: np.ndarray) -> dict[str, float | None]:
    """p95 drift (% IED) of each of :data:`IMAGES` (None where the landmark model finds no face)."""
    from photo.chip_quality import drift_pct, landmarks

    r = regions(prep)
    images = {
        "coded": decoded,
        "face": restored(decoded, prep.uncompressed, r["face"]),
        "band": restored(decoded, prep.uncompressed, r["band"]),
        "outside (pre-filtered)": restored(decoded, prep.prefiltered, r["outside"]),
        "outside": restored(decoded, prep.uncompressed, r["outside"]),
        "pre-filter only": prep.prefiltered,
    }
    out: dict[str, float | None] = {}
    for name in IMAGES:
        lm = landmarks(images[name])
        out[name] = None if lm is None else drift_pct(lm, prep.reference_landmarks, prep.placement.ied)[0]
    return out


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--budget", type=int, default=6000, help="bytes (default 6000, the issue's goal)")
    ap.add_argument("--every", type=int, default=1, help="use every Nth photo of each set (default all)")
    args = ap.parse_args()
    import cv2

    cv2.setNumThreads(1)
    from photo.checker import analyse_and_check
    from photo.chip import ChipError, encode_prepared, prepare, settings
    from photo.chip_encode import decode

    limit = settings()["quality"]["max_drift_p95_pct"]
    photo.warm_up()
    t0 = time.perf_counter()
    rows, left = [], []  # rows: (label, split, {image: drift}); left: (label, why) not made
    for label, split, data, why in photos(shared_faces(), args.every):
        if data is None:
            left.append((label, why))
            continue
        analysis, rep = analyse_and_check(data, "mynumber-next")
        try:
            prep = prepare((analysis, rep), kind="token")
            p = encode_prepared(prep, budget_bytes=args.budget)
        except ChipError as err:  # ChipRefused included
            left.append((label, err.code))
            continue
        rows.append((label, split, sources(prep, decode(p.image))))
        print(f"  {len(rows):>3} {label}", file=sys.stderr, flush=True)
    print(f"chip drift sources: token, {args.budget} B, {len(rows)} portraits"
          + (f"; not made: {', '.join(f'{lab} ({w})' for lab, w in left)}" if left else ""))
    print(f"p95 landmark drift (% IED) of the decoded portrait with regions put back as before coding; "
          f"within {limit} % = meets the drift target")

    def table(title: str, sel) -> None:
        rs = [r for r in rows if sel(r[1])]
        if not rs:
            return
        print(f"\n[{title}: {len(rs)} portraits]")
        print(f"  {'image':<24} {'median':>7} {'p90':>6}  within {limit} %")
        for name in IMAGES:
            v = np.array([r[2][name] if r[2][name] is not None else np.inf for r in rs])
            ok = int(np.count_nonzero(v <= limit))
            print(f"  {name:<24} {np.median(v):>7.2f} {np.percentile(v, 90):>6.2f}  {ok}/{len(rs)}")

    table("all", lambda s: True)
    table("tune people", lambda s: s.startswith("tune"))
    table("held-out people", lambda s: s.startswith("held-out"))
    table("uncropped (in both halves)", lambda s: "uncropped" in s)
    miss = [r for r in rows if r[2]["coded"] is None or r[2]["coded"] > limit]
    print(f"\nportraits missing the drift target as coded ({len(miss)}):")
    print(f"  {'photo':<28} {'split':<20} " + " ".join(f"{n[:12]:>12}" for n in IMAGES))
    for label, split, d in miss:
        print(f"  {label:<28} {split:<20} " + " ".join(
            f"{'no face' if d[n] is None else f'{d[n]:.2f}':>12}" for n in IMAGES))
    print(f"\n{time.perf_counter() - t0:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
