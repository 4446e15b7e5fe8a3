"""The rate-quality chart: bytes against each measure, so a card designer can pick the chip's budget.

:func:`summarise` groups rows of :func:`photo.chip.rate_quality` (any number of photos) by
budget: median and worst per measure, and the share of photos meeting the target.
:func:`chart_png` draws three panels (landmark drift, skin CIEDE2000, face SSIM) with Pillow:
the median as a line, the 95th percentile over the photos (the 5th for SSIM) as a dashed
line, the target as a red rule; under the panels, the share of photos meeting the target.
"""

from __future__ import annotations

import io
import itertools

import numpy as np

MEASURES = (  # key, title, worst is max (True) or min (False), target key in chip.toml [quality]
    ("drift_p95_pct", "landmark drift p95, % of eye distance", True, "max_drift_p95_pct"),
    ("skin_delta_e00", "skin colour CIEDE2000 (worst patch)", True, "max_skin_delta_e00"),
    ("ssim_face", "SSIM on the face", False, None),
)


def summarise(rows: list[dict]) -> list[dict]:
    """One row per budget: bytes (median), per measure median and worst, share meeting the target."""
    by: dict[int, list[dict]] = {}
    for r in rows:
        by.setdefault(int(r["budget_bytes"]), []).append(r)
    out = []
    for b in sorted(by):
        rs = [r for r in by[b] if "error" not in r]
        s: dict = {"budget_bytes": b, "photos": len(by[b]), "encoded": len(rs)}
        if rs:
            s["bytes_median"] = float(np.median([r["bytes"] for r in rs]))
        for key, _, worst_is_max, _ in MEASURES:
            vals = [r[key] for r in rs if r.get(key) is not None]
            if vals:
                s[f"{key}_median"] = round(float(np.median(vals)), 3)
                s[f"{key}_worst"] = round(float(max(vals) if worst_is_max else min(vals)), 3)
                s[f"{key}_p95"] = round(float(np.percentile(vals, 95 if worst_is_max else 5)), 3)
        s["meets_target_share"] = round(sum(bool(r.get("meets_target")) for r in rs) / len(by[b]), 4)
        out.append(s)
    return out


def chart_png(rows: list[dict], targets: dict, *, title: str = "chip portrait: rate and quality") -> bytes:
    """PNG of the three panels (900 x 350 px) from rows of one or more photos."""
    from PIL import Image, ImageDraw

    summ = [s for s in summarise(rows) if s.get("encoded")]
    im = Image.new("RGB", (900, 350), "white")
    d = ImageDraw.Draw(im)
    d.text((10, 6), f"{title}  ({max((s['photos'] for s in summ), default=0)} photo(s); "
                    "line: median, dashed: 95th percentile, red: target)", fill="black")
    if not summ:
        d.text((10, 150), "no budget could be encoded", fill="black")
        return _png(im)
    xs = [s["budget_bytes"] for s in summ]
    x0, x1 = min(xs), max(xs)
    for i, (key, name, _, tkey) in enumerate(MEASURES):
        left, top, w, h = 20 + i * 295, 40, 270, 240
        px0, py0, pw, ph = left + 38, top + 18, w - 48, h - 50
        d.text((left, top), name, fill="black")
        d.rectangle((px0, py0, px0 + pw, py0 + ph), outline=(160, 160, 160))
        med = [s.get(f"{key}_median") for s in summ]
        worst = [s.get(f"{key}_p95") for s in summ]
        vals = [v for v in med + worst if v is not None]
        target = targets.get(tkey) if tkey else None
        if target is not None:
            vals.append(target)
        if not vals:
            continue
        lo, hi = min(vals), max(vals)
        if key == "ssim_face":
            hi = max(hi, 1.0)
        lo, hi = (0.0 if key != "ssim_face" else lo - 0.02), hi * 1.08 if key != "ssim_face" else hi
        span = (hi - lo) or 1.0

        def fx(x: float, px0=px0, pw=pw) -> float:
            return px0 + (x - x0) / ((x1 - x0) or 1) * pw

        def fy(v: float, py0=py0, ph=ph, lo=lo, span=span) -> float:
            return py0 + ph - (v - lo) / span * ph

        for k in range(5):
            v = lo + span * k / 4
            d.text((left, fy(v) - 6), f"{v:.2f}" if span < 10 else f"{v:.0f}", fill=(90, 90, 90))
        last = -1e9
        for x in xs:
            d.line((fx(x), py0 + ph, fx(x), py0 + ph + 4), fill="black")
            if fx(x) - last >= 26:  # no overlapping labels
                d.text((fx(x) - 10, py0 + ph + 6), f"{x / 1000:g}k", fill="black")
                last = fx(x)
        d.text((px0 + pw / 2 - 20, py0 + ph + 20), "budget, bytes", fill=(90, 90, 90))
        if target is not None:
            d.line((px0, fy(target), px0 + pw, fy(target)), fill=(210, 30, 30), width=1)
        pts = [(fx(x), fy(v)) for x, v in zip(xs, med, strict=True) if v is not None]
        if len(pts) > 1:
            d.line(pts, fill=(20, 60, 160), width=2)
        for p in pts:
            d.ellipse((p[0] - 3, p[1] - 3, p[0] + 3, p[1] + 3), fill=(20, 60, 160))
        wp = [(fx(x), fy(v)) for x, v in zip(xs, worst, strict=True) if v is not None]
        for a, b in itertools.pairwise(wp):
            _dashed(d, a, b)
    share = "   ".join(f"{s['budget_bytes']} B: {100 * s['meets_target_share']:.0f} %" for s in summ)
    d.text((10, 318), f"photos meeting the target (drift and skin colour): {share}", fill="black")
    return _png(im)


def _dashed(d, a, b, step: float = 6.0) -> None:
    n = max(1, int(np.hypot(b[0] - a[0], b[1] - a[1]) / step))
    for k in range(0, n, 2):
        t0, t1 = k / n, min(1.0, (k + 1) / n)
        d.line((a[0] + (b[0] - a[0]) * t0, a[1] + (b[1] - a[1]) * t0,
                a[0] + (b[0] - a[0]) * t1, a[1] + (b[1] - a[1]) * t1), fill=(20, 60, 160), width=1)


def _png(im) -> bytes:
    buf = io.BytesIO()
    im.save(buf, "PNG")
    return buf.getvalue()
