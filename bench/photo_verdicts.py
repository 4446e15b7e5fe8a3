"""Verdict snapshot of photo.check on real photos, to prove a speed change keeps every verdict.

    python bench/photo_verdicts.py save OUT.json [--every 2] [--big-every 8]
    python bench/photo_verdicts.py compare BEFORE.json AFTER.json
    python bench/photo_verdicts.py            # save to a temporary file and print the summary

``save`` analyses every ``--every``-th photo under ../shared/data/faces (sorted paths), and
its compliant 35:45 crop where it has FRL 189-point landmarks (.tem), once each and runs every
profile's checks on that analysis; every ``--big-every``-th photo is also
checked upscaled to 12 MP (4032 px long side, JPEG q92), where the checks' sampling grids
differ most from the photo's own. ``compare`` prints each status that differs (verdict,
fixable, a check's passed/key/evaluated/fixable) and the largest change of each check's value.
Both print, per profile, how many photos pass and how often each check fails.
"""

from __future__ import annotations

import argparse
import io
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def _cases(every: int, big_every: int):
    from PIL import Image

    from bench.faces import compliant_crop_box, crop, jpeg, read_tem, shared_faces

    files = sorted(p for p in shared_faces().rglob("*") if p.suffix.lower() in (".jpg", ".jpeg", ".png"))
    for i, p in enumerate(files[::every]):
        rel = str(p.relative_to(shared_faces()))
        yield rel, p.read_bytes()
        tem = p.with_suffix(".tem")
        if tem.is_file():  # the compliant crop, where every check sits near its compliant values
            full = Image.open(p).convert("RGB")
            pts = read_tem(tem)
            if len(pts) != 189:  # only the FRL 189-point template names the eyes and chin used here
                continue
            box = compliant_crop_box(full, pts)
            if box is not None:
                yield rel + "@crop", jpeg(crop(full, box), 92)
        if big_every and i % big_every == 0:
            im = Image.open(p).convert("RGB")
            k = 4032 / max(im.size)
            im = im.resize((round(im.width * k), round(im.height * k)), Image.Resampling.BICUBIC)
            buf = io.BytesIO()
            im.save(buf, "JPEG", quality=92)
            yield rel + "@12MP", buf.getvalue()


def save(out: str, every: int, big_every: int) -> None:
    from photo import profile as profile_mod
    from photo.analysis import FaceAnalysis
    from photo.checker import run_checks
    from photo.errors import InputError
    from photo.intake import load

    profiles = [profile_mod.get(n) for n in sorted(profile_mod.available())]
    snap = {}
    for name, data in _cases(every, big_every):
        try:
            a = FaceAnalysis(load(data))
        except InputError as err:
            snap[name] = {"error": err.code}
            continue
        snap[name] = {}
        for prof in profiles:
            rep = run_checks(a, prof)
            snap[name][prof.name] = {
                "passed": rep.passed, "fixable": rep.fixable,
                "checks": {c.id: {"passed": c.passed, "key": c.key, "evaluated": c.evaluated, "fixable": c.fixable,
                                  "value": c.to_dict()["value"]} for c in rep.checks}}
        print(name, "pass" if snap[name]["mynumber-online"]["passed"] else "fail", flush=True)
    Path(out).write_text(json.dumps(snap, indent=0))
    print(f"snapshot written to {out}")
    summary(snap)


def summary(snap: dict) -> None:
    """Per profile: photos passed of those checked, and the checks that fail most often."""
    reports = [r for r in snap.values() if "error" not in r]
    print(f"{len(snap)} photos ({len(snap) - len(reports)} refused at intake)")
    for prof in sorted(reports[0]) if reports else []:
        passed = sum(r[prof]["passed"] for r in reports)
        fails: dict[str, int] = {}
        for r in reports:
            for cid, c in r[prof]["checks"].items():
                if not c["passed"]:
                    fails[cid] = fails.get(cid, 0) + 1
        top = ", ".join(f"{k} {v}" for k, v in sorted(fails.items(), key=lambda x: -x[1])[:6])
        print(f"  {prof}: {passed}/{len(reports)} pass; most failed: {top}")


def _numbers(v, prefix=""):
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        yield prefix, float(v)
    elif isinstance(v, dict):
        for k, x in v.items():
            yield from _numbers(x, f"{prefix}.{k}")
    elif isinstance(v, list):
        for i, x in enumerate(v):
            yield from _numbers(x, f"{prefix}[{i}]")


def compare(before: str, after: str) -> int:
    b, a = json.loads(Path(before).read_text()), json.loads(Path(after).read_text())
    flips, checks, moved = [], 0, {}
    for name in sorted(set(b) | set(a)):
        pb, pa = b.get(name), a.get(name)
        if pb is None or pa is None or "error" in pb or "error" in pa:
            if pb != pa:
                flips.append(f"{name}: {pb and pb.get('error')} -> {pa and pa.get('error')}")
            continue
        for prof in pb:
            rb, ra = pb[prof], pa[prof]
            for k in ("passed", "fixable"):
                if rb[k] != ra[k]:
                    flips.append(f"{name} [{prof}] verdict {k}: {rb[k]} -> {ra[k]}")
            for cid in sorted(set(rb["checks"]) | set(ra["checks"])):
                cb, ca = rb["checks"].get(cid), ra["checks"].get(cid)
                checks += 1
                if cb is None or ca is None:
                    flips.append(f"{name} [{prof}] {cid}: {cb} -> {ca}")
                    continue
                for k in ("passed", "key", "evaluated", "fixable"):
                    if cb[k] != ca[k]:
                        flips.append(f"{name} [{prof}] {cid} {k}: {cb[k]} -> {ca[k]} (value {cb['value']} -> {ca['value']})")
                nb, na = dict(_numbers(cb["value"])), dict(_numbers(ca["value"]))
                for k in nb.keys() & na.keys():
                    d = abs(nb[k] - na[k])
                    key = cid + k
                    if d > moved.get(key, (0.0, ""))[0]:
                        moved[key] = (d, f"{name} [{prof}] {nb[k]} -> {na[k]}")
                for k in nb.keys() ^ na.keys():
                    flips.append(f"{name} [{prof}] {cid}{k}: value present in one run only")
    print("before:")
    summary(b)
    print("after:")
    summary(a)
    print(f"{len(set(b) | set(a))} photos, {checks} check results compared; {len(flips)} status differences")
    for f in flips:
        print("  FLIP", f)
    print("largest value changes:")
    for k, (d, where) in sorted(moved.items(), key=lambda x: -x[1][0]):
        print(f"  {k}: {d:.4g} ({where})")
    return 1 if flips else 0


def main() -> int:
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd")
    s = sub.add_parser("save")
    s.add_argument("out")
    s.add_argument("--every", type=int, default=2)
    s.add_argument("--big-every", type=int, default=8)
    c = sub.add_parser("compare")
    c.add_argument("before")
    c.add_argument("after")
    args = ap.parse_args()
    if args.cmd is None:  # as `make bench` runs it
        import tempfile

        save(str(Path(tempfile.mkdtemp(prefix="photo_verdicts_")) / "verdicts.json"), 2, 8)
        return 0
    if args.cmd == "save":
        save(args.out, args.every, args.big_every)
        return 0
    return compare(args.before, args.after)


if __name__ == "__main__":
    sys.exit(main())
