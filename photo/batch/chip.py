"""``photo batch --chip``: the chip portrait of each photo, beside the results.

:func:`chip_outputs` runs in the worker on the analysis and report the batch already made
(nothing is analysed twice): the portrait at the default budget (files
``chip/<application_id>/<name>.jpg``, ``.fac``, ``.dg2``), and the rate-quality rows at the
chart's budgets for the report. A photo failing a subject check gets ``{"refused": [ids]}``.
:class:`ChipRates` gathers those rows while the report streams the result lines, and
:meth:`ChipRates.html` draws the section of report.html (the chart as an inline PNG).
"""

from __future__ import annotations

import base64
import html
from collections.abc import Callable


def chip_outputs(analysis, report, prof, name_for: Callable[[str, str], str]) -> tuple[dict, dict[str, bytes]]:
    """(the result line's ``chip`` entry, files relative to OUT). ``name_for(folder, suffix)``
    names an output file as the batch names its fixed and annotated images."""
    from photo.chip import ChipError, ChipRefused, encode_prepared, prepare, rate_quality, settings

    cfg = settings()
    try:
        prep = prepare((analysis, report), kind="token", profile=prof)
        p = encode_prepared(prep, budget_bytes=cfg["token"]["default_budget_bytes"],
                            codec=cfg["encode"]["default_codec"])
    except ChipRefused as err:
        return {"refused": [r["id"] for r in err.reasons]}, {}
    except ChipError as err:
        return {"error": {"code": err.code, "message": err.message}}, {}
    image = name_for("chip", p.suffix)
    stem = image[: -len(p.suffix)]
    files = {image: p.image, stem + ".fac": p.record, stem + ".dg2": p.dg2}
    q = p.quality
    entry = {"image": image, "record": stem + ".fac", "dg2": stem + ".dg2", "codec": p.codec,
             "bytes": len(p.image), "budget_bytes": p.budget_bytes,
             "quality": {k: q[k] for k in ("drift_p95_pct", "skin_delta_e00", "ssim_face", "meets_target")},
             "rates": [{k: r.get(k) for k in ("budget_bytes", "bytes", "drift_p95_pct", "skin_delta_e00",
                                              "ssim_face", "meets_target", "error") if k in r}
                       for r in rate_quality(prep)]}
    return entry, files


class ChipRates:
    """The rate-quality rows of every result line that has them (kept small: plain tuples)."""

    def __init__(self) -> None:
        self.rows: list[tuple] = []
        self.made = self.refused = 0

    def add(self, record: dict) -> None:
        chip = record.get("chip")
        if not chip:
            return
        if "refused" in chip or "error" in chip:
            self.refused += 1
            return
        self.made += 1
        for r in chip.get("rates") or []:
            if "error" not in r:
                self.rows.append((r["budget_bytes"], r["bytes"], r["drift_p95_pct"], r["skin_delta_e00"],
                                  r["ssim_face"], r["meets_target"]))

    def html(self) -> str:
        """The report's section ("" when the batch made no chip portraits)."""
        if not self.made and not self.refused:
            return ""
        from photo.chip import settings
        from photo.chip_chart import chart_png, summarise

        keys = ("budget_bytes", "bytes", "drift_p95_pct", "skin_delta_e00", "ssim_face", "meets_target")
        rows = [dict(zip(keys, t, strict=True)) for t in self.rows]
        png = base64.b64encode(chart_png(rows, settings()["quality"], title="chip portrait, token")).decode("ascii")
        lines = "".join(
            f"<tr><td>{s['budget_bytes']}</td><td>{100 * s['meets_target_share']:.1f}%</td>"
            f"<td>{s.get('drift_p95_pct_median', '—')}</td><td>{s.get('drift_p95_pct_worst', '—')}</td>"
            f"<td>{s.get('skin_delta_e00_worst', '—')}</td><td>{s.get('ssim_face_median', '—')}</td></tr>"
            for s in summarise(rows))
        return (f'<h2>ICチップ用顔画像 / chip portraits</h2><p>作成 {self.made} 件、拒否・作成不能 '
                f'{html.escape(str(self.refused))} 件。予算（バイト）ごとの画質:</p>'
                f'<img src="data:image/png;base64,{png}" alt="rate-quality chart" style="max-width:100%">'
                '<table><thead><tr><th class="nosort">budget B</th><th class="nosort">target met</th>'
                '<th class="nosort">drift p95 median %</th><th class="nosort">drift worst %</th>'
                '<th class="nosort">skin dE00 worst</th><th class="nosort">SSIM median</th></tr></thead>'
                f'<tbody>{lines}</tbody></table>')
