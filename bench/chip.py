"""The chip portrait on real photos: the smallest byte budget that keeps the face, speed, read-back.

    python bench/chip.py [--kind token] [--every 1] [--budgets 3000,4000,...] [--speed-only]

Photos: every Face Research Lab neutral_front and canada photo, cropped to 35:45 as
bench/photo_accuracy.py does (hand-placed .tem eyes and chin, hair top from the backdrop;
bench.faces), saved as JPEG q95 and checked with the mynumber-next profile. A photo with no
compliant crop (hair at the top edge, no room for the margins) is used uncropped, labelled
"uncropped": the portrait makes its own frame. Photos whose .tem shows parted lips are not
compliant and are only listed. Photos the checker refuses get no portrait: they are listed,
and the shares are given both over the portraits made and counting them as failures.

Per photo and budget: the portrait (token frontal, 240x320) encoded with baseline JPEG and
with JPEG 2000, each naive (the uncompressed portrait straight to the encoder) and with the
region-of-interest pre-filter (photo/data/chip.toml [encode.roi]), JPEG with the pre-filter also
written by the project's own writer with trellis quantisation ("jpeg-trellis ROI":
photo/data/chip.toml [encode.trellis], chip_portrait(trellis=True)), and JPEG also with the
candidate search (photo/data/chip.toml [encode.search]: each candidate pre-filter encoded at
the budget, the one whose decoded landmarks stay closest kept; the default); then the decoded portrait
measured against the uncompressed one (photo.chip_quality): p95 landmark drift over the
478 points in % of the inter-eye distance, skin CIEDE2000, face SSIM. A photo meets the
target when drift <= 1.5 % and skin dE00 <= 3. The budget figure is the smallest budget
at which at least 95 % of the photos meet it (Wilson 95 % interval on the share).

The same table is also given with the stable drift (photo.chip_quality: both portraits'
landmarks averaged over four whole-pixel translations) and, for JPEG with ROI, with the shifted
drift (the three translated runs only: never the run the search chose by), and the measure's own noise floor
is measured first: each uncompressed portrait against itself with noise of one grey level,
moved by half a pixel (bicubic, moved back in the points) and re-encoded as JPEG q95 4:4:4,
with both measures. The issue's target is the first measure; the stable one is reported beside it.

Split by person (each person has one photo here: frl/neutral_front/NNN_03 and canada/NNNx are
different people): the "tune" people are every 4th person of each set from the second, as listed by
the glob (36 portraits, cropped or not: the ROI, search and rescue settings were chosen on their
portraits); the held-out people are all the others (105 portraits), none of whose portraits was looked
at while choosing. Every portrait is counted exactly once, in its person's half; "uncropped" is a tag
across both halves, not a split.

Speed: encode + measure per photo at the default budget on one core, given the analysis
(prepare without the analysis, plus encode_prepared), as a ratio to a floor measured in the
same run: one Pillow JPEG encode and decode of the portrait and one landmark-model run on it;
also without the search's rescue candidates, without the search, and the search's worst case
(every candidate its cost bound, ``photo/data/chip.toml [encode.search] max_cost_ms``, allows:
forced by a target no portrait meets), in the same run (interleaved per photo, so a load on the
machine weighs on all four alike); for the worst case also each candidate's CPU (its search log's
``cpu_ms``, median over the portraits: what the search's stated costs are read from) and the rest of the
portrait's. ``--speed-only`` measures only that (no budget sweep, no
noise floor); ``--speed-budget`` times another budget than the default.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

for _v in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_v, "1")

import numpy as np  # noqa: E402  (after the thread settings)
from PIL import Image  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import photo  # noqa: E402
from bench.faces import compliant_crop_box, crop, jpeg, lips_parted, read_tem, shared_faces  # noqa: E402
from bench.support import wilson  # noqa: E402

# (codec, ROI pre-filter, candidate search): the first is the default path; "jpeg-trellis" is baseline
# JPEG written by the project's own writer with trellis quantisation (chip_portrait(trellis=True))
VARIANTS = (("jpeg", True, True), ("jpeg", True, False), ("jpeg-trellis", True, False), ("jpeg", False, False),
            ("jpeg2000", True, False), ("jpeg2000", False, False))


def person_of(sub: str, name: str) -> str:
    """The person a photo shows: FRL's London set names its photos PERSON_03.jpg, the Canada set PERSON.jpg."""
    return f"{sub}/{Path(name).stem.split('_')[0]}"


def split_of(index: int) -> str:
    """The person's half: "tune" for every 4th person of a set from the second (the settings were chosen
    on their portraits), "held-out" for every other."""
    return "tune" if index % 4 == 1 else "held-out"


def photos(faces: Path, every: int):
    """(label, split, JPEG bytes or None, why not) for every neutral_front and canada photo; split is
    "tune" or "held-out" by person, with " uncropped" added for a photo used uncropped."""
    for sub in ("neutral_front", "canada"):
        files = sorted((faces / "frl" / sub).glob("*.jpg"))
        # each person's half, from their place among the set's people: every photo of a person in one half
        half = {p: split_of(k) for k, p in enumerate(sorted({person_of(sub, f.name) for f in files}))}
        for i, jp in enumerate(files):
            if i % every:
                continue
            label, split = f"{sub}/{jp.name}", half[person_of(sub, jp.name)]
            tem = read_tem(jp.with_suffix(".tem"))
            full = Image.open(jp).convert("RGB")
            if lips_parted(tem) > 0.015:
                yield label, split, None, "lips parted in the .tem"
                continue
            box = compliant_crop_box(full, tem)
            if box is None:
                yield label, split + " uncropped", jpeg(full), None
                continue
            yield label, split, jpeg(crop(full, box)), None


def noise_floor(prep, shifts, seed: int) -> dict:
    """p95 drift (% IED) of the uncompressed portrait against itself slightly disturbed, both measures."""
    import io

    import cv2

    from photo.chip_quality import landmarks, landmarks_stable

    u, ied = prep.uncompressed, prep.placement.ied
    rng = np.random.default_rng(seed)
    buf = io.BytesIO()
    Image.fromarray(u).save(buf, "JPEG", quality=95, subsampling=0)
    half = cv2.warpAffine(u, np.float32([[1, 0, 0.5], [0, 1, 0.5]]), (u.shape[1], u.shape[0]),
                          flags=cv2.INTER_CUBIC, borderMode=cv2.BORDER_REPLICATE)
    cases = {"grey noise +-1": (np.clip(u.astype(np.int16) + rng.integers(-1, 2, u.shape), 0, 255).astype(np.uint8), 0.0),
             "moved 0.5 px": (half, 0.5),
             "JPEG q95 4:4:4": (np.asarray(Image.open(io.BytesIO(buf.getvalue())).convert("RGB")), 0.0)}
    out = {}
    for name, (img, sh) in cases.items():
        plain = landmarks(img)
        stable = landmarks_stable(img, shifts, plain) if plain is not None else None
        for measure, pts, ref in (("issue", plain, prep.reference_landmarks),
                                  ("stable", stable, prep.reference_landmarks_stable)):
            if pts is None or ref is None:
                continue
            d = np.linalg.norm(pts[:, :2] - sh - ref[:, :2], axis=1) / ied * 100
            out[name, measure] = float(np.percentile(d, 95))
    return out


@contextmanager
def every_candidate():
    """The search's worst case: no candidate is good enough to stop at, no portrait meets the target
    and every one counts as a near miss, so the search tries every candidate its cost bound allows."""
    from unittest.mock import patch

    from photo.chip import settings

    cfg = settings()
    with patch.dict(cfg["encode"]["search"], good_enough_drift_pct=-1.0, rescue_below_drift_pct=1e9), \
            patch.dict(cfg["quality"], max_drift_p95_pct=-1.0):
        yield


def portrait_at(analysed, kind: str, budget: int, codec: str, variant: str):
    """The portrait given the analysis, as the API makes it ("search"), without the search's
    rescue candidates ("no_rescue"), without the search ("plain") or with every candidate the
    search's cost bound allows ("worst", :func:`every_candidate`): what the speed lines time."""
    from photo.chip import encode_prepared, prepare

    if variant == "worst":
        with every_candidate():
            return portrait_at(analysed, kind, budget, codec, "search")
    prep = prepare(analysed, kind=kind)
    if variant == "no_rescue":
        prep = replace(prep, alternatives=[c for c in prep.alternatives if not c.rescue])
    return encode_prepared(prep, budget_bytes=budget, codec=codec, search=variant != "plain")


def floor_ms(portrait: np.ndarray) -> float:
    import io

    from photo.chip_quality import landmarks

    t = time.perf_counter()
    buf = io.BytesIO()
    Image.fromarray(portrait).save(buf, "JPEG", quality=75)
    np.asarray(Image.open(io.BytesIO(buf.getvalue())).convert("RGB"))
    landmarks(portrait)
    return (time.perf_counter() - t) * 1000


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--kind", default="token", choices=("token", "full"))
    ap.add_argument("--every", type=int, default=1, help="use every Nth photo of each set (default all)")
    ap.add_argument("--budgets", default="3000,3500,4000,4500,5000,6000,7000,8000,10000,12000")
    ap.add_argument("--chart", help="write the rate-quality chart (ROI JPEG) to this PNG")
    ap.add_argument("--dump", help="write per-photo measures as JSON lines to this file")
    ap.add_argument("--speed-only", action="store_true",
                    help="only the speed lines (no budget sweep, no noise floor): a few minutes")
    ap.add_argument("--speed-budget", type=int, help="the budget the speed lines time (default: the default budget)")
    args = ap.parse_args()
    import cv2

    cv2.setNumThreads(1)
    from photo.checker import analyse_and_check
    from photo.chip import ChipError, ChipRefused, encode_prepared, prepare, read_back, settings
    from photo.chip_quality import meets

    cfg = settings()
    budgets = [int(b) for b in args.budgets.split(",")]
    default_budget = cfg[args.kind]["default_budget_bytes"]
    photo.warm_up()
    t_start = time.perf_counter()
    excluded, refused, results = [], [], []  # results: (label, split, {(codec, roi, search, budget): quality dict})
    speed, speed_plain, speed_no_rescue, speed_worst, floors, noise = [], [], [], [], [], []
    # CPU ms (all threads) and candidates encoded
    speed_cpu, plain_cpu, no_rescue_cpu, worst_cpu, tried, tried_worst = [], [], [], [], [], []
    cand_cpu: dict[str, list[float]] = {}  # the worst case's CPU ms per candidate (its search log's cpu_ms)
    rest_cpu: list[float] = []  # and the rest of its time (frame, pre-filter, reference landmarks, measures)
    speed_budget = args.speed_budget or default_budget
    shifts = cfg["quality"]["stable_shifts_px"]
    readback_ok = readback_n = 0
    for label, split, data, why in photos(shared_faces(), args.every):
        if data is None:
            excluded.append(f"{label} ({why})")
            continue
        analysis, rep = analyse_and_check(data, "mynumber-next")
        try:
            for variant, wall, cpu in (("search", speed, speed_cpu), ("plain", speed_plain, plain_cpu),
                                       ("no_rescue", speed_no_rescue, no_rescue_cpu),
                                       ("worst", speed_worst, worst_cpu)):
                t0, c0 = time.perf_counter(), time.process_time()
                p = portrait_at((analysis, rep), args.kind, speed_budget, cfg["encode"]["default_codec"], variant)
                wall.append((time.perf_counter() - t0) * 1000)
                cpu.append((time.process_time() - c0) * 1000)
                if variant in ("search", "worst"):
                    (tried if variant == "search" else tried_worst).append(len(p.encoder["search"]) or 1)
                if variant == "worst":  # what each candidate cost, and the rest of the portrait's time
                    for e in p.encoder["search"]:
                        cand_cpu.setdefault(e["name"], []).append(e["cpu_ms"])
                    rest_cpu.append(cpu[-1] - sum(e["cpu_ms"] for e in p.encoder["search"]))
            # the reference's stable and shifted landmarks too (three more landmark runs), for the tables
            prep = prepare((analysis, rep), kind=args.kind, stable_drift=not args.speed_only)
            floors.append(floor_ms(prep.uncompressed))
        except ChipRefused as err:
            refused.append((label, split, [r["id"] for r in err.reasons]))
            continue
        except ChipError as err:
            refused.append((label, split, [err.code]))
            continue
        if args.speed_only:
            print(f"  {len(speed):>3} {label}", file=sys.stderr, flush=True)
            continue
        noise.append(noise_floor(prep, shifts, len(results)))
        naive = replace(prep, prefiltered=prep.uncompressed, roi=False, alternatives=[])
        row: dict = {}
        for codec, roi, search in VARIANTS:
            for b in budgets:
                try:
                    p = encode_prepared(prep if roi else naive, budget_bytes=b, codec=codec.removesuffix("-trellis"),
                                        search=search, trellis=codec == "jpeg-trellis")
                except ChipError:
                    row[codec, roi, search, b] = None
                    continue
                readback_n += 1
                try:
                    read_back(p.record, p.dg2)
                    readback_ok += 1
                except photo.PhotoError as err:
                    print(f"  read-back failed: {label} {codec} {b}: {err.code}: {err.message}")
                assert len(p.image) <= b
                row[codec, roi, search, b] = {k: p.quality.get(k) for k in (
                    "drift_p95_pct", "skin_delta_e00", "ssim_face", "meets_target", "drift_p95_stable_pct",
                    "meets_target_stable", "drift_p95_shifted_pct")} | {"bytes": len(p.image),
                                                                       "candidate": p.encoder["candidate"]}
        results.append((label, split, row))
        print(f"  {len(results):>3} {label}", file=sys.stderr, flush=True)

    n_made = len(results)
    n_unc = sum("uncropped" in r[1] for r in results)
    if args.speed_only:
        print(f"chip portrait bench, speed only: {args.kind}, {len(speed)} portraits, "
              f"{len(refused)} refused by the checker, {len(excluded)} not compliant")
    else:
        print(f"chip portrait bench: {args.kind}, {n_made} portraits made ({n_unc} from uncropped photos), "
              f"{len(refused)} refused by the checker, {len(excluded)} not compliant")
    for lab, _, why in refused:
        print(f"  refused: {lab}: {', '.join(why)}")
    print(f"  not compliant: {', '.join(excluded) or '-'}")
    if noise:
        print("\nthe drift measure's noise floor: p95 drift (% IED) of each uncompressed portrait against itself"
              "\ndisturbed, over the portraits: median / 95th percentile / max (the target allows 1.5)")
        for key in sorted({k for n in noise for k in n}, key=lambda k: (k[1], k[0])):
            v = np.array([n[key] for n in noise if key in n])
            print(f"  {key[1] + ' measure':<16}{key[0]:<18}{np.median(v):6.2f} {np.percentile(v, 95):6.2f} {v.max():6.2f}")
    if not args.speed_only:
        print("\nshare of photos meeting the target (p95 drift <= 1.5 % IED and skin dE00 <= 3), Wilson 95 % CI,"
              "\nover the portraits made; 'with refused' counts the refused photos as failures;"
              "\n'drift p95 over' is the 95th percentile over the photos of each photo's p95 drift;"
              "\n'stable measure': the same with the stable drift (landmarks averaged over 4 one-pixel translations);"
              "\n'shifted measure' (JPEG with ROI): averaged over the 3 translated runs only, never the run the search"
              "\nchose by; 'search': each candidate pre-filter encoded, the one keeping the landmarks closest kept")
    groups = (("all", lambda s: True),
              ("tune people: the settings were chosen on these (cropped and uncropped)", lambda s: s.startswith("tune")),
              ("held-out people: none looked at while choosing (cropped and uncropped)",
               lambda s: s.startswith("held-out")),
              ("uncropped (in both halves)", lambda s: "uncropped" in s))
    for split_name, member in groups:
        rs = [r for r in results if member(r[1])]
        nref = sum(1 for r in refused if member(r[1]))
        n = len(rs)
        if not n:
            continue
        print(f"\n[{split_name}: {n} portraits, {nref} refused]")
        print(f"  {'variant':<20}" + "".join(f"{b:>8}" for b in budgets) + "   smallest budget >= 95 %")
        measures = ("issue", "stable", "shifted")
        for (codec, roi, search), measure in ((v, m) for v in VARIANTS for m in measures):
            if measure == "shifted" and not (codec in ("jpeg", "jpeg-trellis") and roi):
                continue
            drift_key = {"issue": "drift_p95_pct", "stable": "drift_p95_stable_pct",
                         "shifted": "drift_p95_shifted_pct"}[measure]
            shares, drift95 = [], []
            smallest = smallest_ref = None
            for b in budgets:
                qs = [r[2].get((codec, roi, search, b)) for r in rs]
                k = sum(1 for q in qs if q and meets(q[drift_key], q["skin_delta_e00"], cfg["quality"]))
                shares.append(k / n)
                drift95.append(np.percentile([q[drift_key] if q and q[drift_key] is not None else 99
                                              for q in qs], 95))
                if smallest is None and k / n >= 0.95:
                    lo, hi = wilson(k, n)
                    smallest = f"{b} B ({100 * k / n:.1f} %, CI {100 * lo:.1f}-{100 * hi:.1f} %)"
                if smallest_ref is None and k / (n + nref) >= 0.95:
                    smallest_ref = f"{b} B"
            name = (f"{codec}{' ROI' if roi else ' naive'}{' search' if search else ''}" if measure == "issue"
                    else f"  {measure} measure")
            print(f"  {name:<20}" + "".join(f"{100 * s:7.1f}%" for s in shares)
                  + f"   {smallest or 'none'}; with refused: {smallest_ref or 'none'}")
            print(f"  {'  drift p95 over':<20}" + "".join(f"{d:8.2f}" for d in drift95))
        if split_name == "all":
            for v in VARIANTS[:3]:
                de = [np.percentile([r[2][(*v, b)]["skin_delta_e00"] for r in rs if r[2].get((*v, b))], 95)
                      for b in budgets]
                ss = [np.median([r[2][(*v, b)]["ssim_face"] for r in rs if r[2].get((*v, b))]) for b in budgets]
                tag = "search" if v[2] else ("trellis" if v[0] == "jpeg-trellis" else "ROI")
                print(f"  {'  jpeg ' + tag + ' dE00 p95':<20}" + "".join(f"{x:8.2f}" for x in de))
                print(f"  {'  jpeg ' + tag + ' SSIM med':<20}" + "".join(f"{x:8.3f}" for x in ss))
            picks = [r[2][(*VARIANTS[0], b)]["candidate"] for r in rs for b in budgets if r[2].get((*VARIANTS[0], b))]
            print("  search's choices over all budgets: " + ", ".join(
                f"{c} {100 * picks.count(c) / len(picks):.0f} %" for c in sorted(set(picks))))
    if args.dump:
        import json

        with open(args.dump, "w") as f:
            for (lab, split, row), nf in zip(results, noise, strict=True):
                f.write(json.dumps({"file": lab, "split": split,
                                    "noise_floor": {f"{m} {k}": v for (k, m), v in nf.items()}, "rows": [
                    {"codec": c, "roi": roi, "search": se, "budget_bytes": b, **(q or {"error": "budget"})}
                    for (c, roi, se, b), q in row.items()]}) + "\n")
    if speed:
        s, f = np.array(speed), np.array(floors)

        def stats(v) -> str:
            return f"median {np.median(v):.0f} ms, p95 {np.percentile(v, 95):.0f} ms, max {np.max(v):.0f} ms"

        which = "default budget" if speed_budget == default_budget else "budget"
        print(f"\nspeed (one core, given the analysis; {which} {speed_budget} B, {cfg['encode']['default_codec']}): "
              f"encode + measure {stats(s)}; "
              f"floor (one JPEG encode+decode + one landmark run) median {np.median(f):.0f} ms; "
              f"ratio {np.median(s / f):.2f}   target <= 150 ms"
              f"\n  without the rescue candidates: {stats(speed_no_rescue)}"
              f"\n  without the search: {stats(speed_plain)}"
              f"\n  CPU time (all threads: one core's work, whatever the load): {stats(speed_cpu)}; without the rescue "
              f"candidates {stats(no_rescue_cpu)}; without the search {stats(plain_cpu)}"
              f"\n  candidates encoded and run through the landmark model: " + ", ".join(
                  f"{k}: {tried.count(k)}" for k in sorted(set(tried)))
              + f"\n  worst case (every candidate the search's cost bound allows, max_cost_ms "
              f"{cfg['encode']['search'].get('max_cost_ms')}: {', '.join(sorted({str(k) for k in tried_worst}))} "
              f"candidates): CPU {stats(worst_cpu)}; wall clock {stats(speed_worst)}; ratio to the floor "
              f"(wall clock, per photo) median {np.median(np.array(speed_worst) / f):.2f}, "
              f"max {np.max(np.array(speed_worst) / f):.2f}   target <= 150 ms"
              + "\n    its CPU per candidate (median ms; the search's stated costs, max_cost_ms, come from these): "
              + ", ".join(f"{k.removeprefix('roi_') if k != 'roi' else 'plain'} {np.median(v):.1f}"
                          for k, v in cand_cpu.items())
              + f"; the rest of the portrait {np.median(rest_cpu):.1f}")
    if not args.speed_only:
        print(f"read-back: {readback_ok}/{readback_n} records and DG2 parsed back (image decoded, sizes agree)")
    if args.chart and results:
        from photo.chip_chart import chart_png

        rows = [{"budget_bytes": b, **q} for _, _, r in results for (c, roi, se, b), q in r.items()
                if (c, roi, se) == VARIANTS[0] and q]
        Path(args.chart).write_bytes(chart_png(rows, cfg["quality"], title=f"{args.kind}, JPEG with ROI and search, FRL"))
        print(f"chart -> {args.chart}")
    print(f"\n{time.perf_counter() - t_start:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
