"""``OUT/report.html``: one self-contained page for a reviewer (no network, no external file).

Totals and the pass rate; failures per check as a bar chart (inline SVG); a table of the
photos that failed or could not be checked, with a thumbnail of the photo and of its
annotated image (small JPEGs made by the workers, base64-inlined: never the full photo),
the reasons in Japanese, a filter by check (the select box, or a click on a bar) and
columns sortable by a click on their header. Plain HTML, CSS and JavaScript, all inline.

A batch of millions can fail by the hundred thousand; the table then shows the first
``max_rows`` (sorted by application id and file) and says so: summary.csv lists them all.
"""

from __future__ import annotations

import base64
import datetime as _dt
import heapq
import html
import os
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

from photo.batch.thumbs import thumb_path

MAX_ROWS = 2000
#: A thumbnail larger than this is not inlined (the workers make ~5 KB ones).
MAX_THUMB_BYTES = 48 * 1024

#: Reasons for photos that could not be checked, by error code (Japanese, for the reviewer).
ERROR_REASONS_JA = {
    "input.unreadable": "ファイルを読み込めません（存在しない・権限がない）",
    "input.empty": "ファイルが空です",
    "input.not_image": "画像ファイルではありません",
    "input.unsupported_format": "対応していない画像形式です（JPEGで提出してください）",
    "input.heic": "HEIC形式です。JPEGに変換して提出してください",
    "input.animated": "動画・アニメーション画像です。静止画のJPEGで提出してください",
    "input.truncated": "ファイルが途中で切れています（送信をやり直してください）",
    "input.corrupt": "画像データが壊れています",
    "input.too_many_pixels": "画素数が多すぎます",
    "input.file_too_large": "ファイルが大きすぎます",
    "batch.worker_crashed": "確認中に処理が異常終了しました（再実行で再確認します）",
    "check.internal_error": "確認処理の内部エラーです（再実行で再確認します）",
}


class _Row:
    """A failed photo as the table needs it (not the whole result line), ordered for a max-heap."""

    __slots__ = ("data", "key")

    def __init__(self, data: dict):
        self.data = data
        self.key = (data["application_id"], data["file"])

    def __lt__(self, other: _Row) -> bool:  # reversed: heapq keeps the largest key on top
        return self.key > other.key

    def __gt__(self, other: _Row) -> bool:
        return self.key < other.key


def _slim(r: dict) -> _Row:
    err = r.get("error")
    failed_checks = [c for c in r.get("checks") or [] if not c.get("passed")]
    if err:
        code = err.get("code", "?")
        ids = [f"error:{code}"]
        reasons = [f"{ERROR_REASONS_JA.get(code, '確認できませんでした')} [{code}]"]
    else:
        ids = [c["id"] for c in failed_checks]
        reasons = [f"{c.get('message') or c.get('message_en') or ''} [{c['id']}]" for c in failed_checks]
    return _Row({"application_id": r.get("application_id") or "", "file": r["file"], "sha256": r.get("sha256"),
                 "ids": ids, "reasons": reasons})


def _data_uri(out_dir: Path, rel: str) -> str | None:
    p = out_dir / rel
    try:
        if p.stat().st_size > MAX_THUMB_BYTES:
            return None
        return "data:image/jpeg;base64," + base64.b64encode(p.read_bytes()).decode("ascii")
    except OSError:
        return None


def _img(uri: str | None, alt: str) -> str:
    if uri is None:
        return '<span class="none">—</span>'
    return f'<img src="{uri}" alt="{html.escape(alt)}" loading="lazy">'


def _common_folder(files: list[str]) -> str:
    """The folder all ``files`` share ("" when none), so the table shows short names."""
    if not files:
        return ""
    try:
        return os.path.commonpath([os.path.dirname(f) for f in files])
    except ValueError:  # mixed absolute and relative
        return ""


def _bar_chart(counts: list[tuple[str, int]], total: int) -> str:
    """Horizontal bars, one per check id; each bar filters the table when clicked."""
    if not counts:
        return '<p class="none">不合格の項目はありません。</p>'
    row_h, label_w, bar_w = 24, 230, 420
    top = max(c for _, c in counts)
    parts = [f'<svg class="chart" width="{label_w + bar_w + 110}" height="{row_h * len(counts) + 4}" '
             f'role="img" aria-label="項目ごとの不合格数">']
    for i, (check_id, n) in enumerate(counts):
        y = i * row_h + 2
        w = max(2, round(bar_w * n / top))
        share = 100.0 * n / total if total else 0.0
        cid = html.escape(check_id)
        parts.append(
            f'<g class="bar" data-check="{cid}"><title>{cid}: {n}</title>'
            f'<text x="{label_w - 8}" y="{y + 16}" text-anchor="end">{cid}</text>'
            f'<rect x="{label_w}" y="{y + 3}" width="{w}" height="{row_h - 8}" rx="2"></rect>'
            f'<text x="{label_w + w + 6}" y="{y + 16}">{n} ({share:.1f}%)</text></g>')
    parts.append("</svg>")
    return "".join(parts)


def write_report(records: Iterable[dict], out_dir: str | Path, *, path: str | Path | None = None,
                 title: str = "写真チェック結果", max_rows: int = MAX_ROWS) -> Path:
    """Write report.html (atomically) from result lines; thumbnails are read from ``out_dir``."""
    out_dir = Path(out_dir)
    path = Path(path) if path else out_dir / "report.html"
    total = passed = failed = errors = 0
    per_check: Counter[str] = Counter()
    per_error: Counter[str] = Counter()
    profiles: Counter[str] = Counter()
    heap: list[tuple] = []  # the max_rows first rows by (application id, file), as a max-heap
    nbad = 0
    from photo.batch.chip import ChipRates

    chip = ChipRates()
    for r in records:
        total += 1
        chip.add(r)
        profiles[r.get("profile") or "?"] += 1
        if r.get("error"):
            errors += 1
            per_error[r["error"].get("code", "?")] += 1
        elif r.get("passed"):
            passed += 1
            continue
        else:
            failed += 1
            for c in r.get("checks") or []:
                if not c.get("passed"):
                    per_check[c["id"]] += 1
        nbad += 1
        row = _slim(r)
        if len(heap) < max_rows:
            heapq.heappush(heap, row)
        elif max_rows and row > heap[0]:
            heapq.heapreplace(heap, row)
    shown = [row.data for row in sorted(heap, reverse=True)]
    rate = 100.0 * passed / total if total else 0.0
    chart_counts = sorted(per_check.items(), key=lambda kv: (-kv[1], kv[0]))
    chart_counts += [(f"error:{code}", n) for code, n in sorted(per_error.items(), key=lambda kv: (-kv[1], kv[0]))]

    root = _common_folder([r["file"] for r in shown])
    rows_html = []
    for r in shown:
        ids, reasons = r["ids"], r["reasons"]
        sha = r["sha256"]
        thumb = _data_uri(out_dir, thumb_path(sha)) if sha else None
        annotated = _data_uri(out_dir, thumb_path(sha, "annotated")) if sha else None
        name = r["file"][len(root):].lstrip("/") if root else r["file"]
        app_id = r["application_id"]
        rows_html.append(
            f'<tr data-checks="{html.escape(" ".join(ids))}">'
            f'<td>{_img(thumb, "写真")}</td><td>{_img(annotated, "注釈付き画像")}</td>'
            f'<td data-sort="{html.escape(app_id)}">{html.escape(app_id)}</td>'
            f'<td class="file" data-sort="{html.escape(name)}">{html.escape(name)}</td>'
            f'<td data-sort="{len(ids):04d}">{len(ids)}</td>'
            f'<td><ul>{"".join(f"<li>{html.escape(x)}</li>" for x in reasons)}</ul></td></tr>')

    options = "".join(f'<option value="{html.escape(cid)}">{html.escape(cid)} ({n})</option>'
                      for cid, n in chart_counts)
    more = (f'<p class="note">不合格・確認不能 {nbad} 件のうち先頭 {len(shown)} 件を表示しています。'
            f'全件は summary.csv にあります。</p>') if nbad > len(shown) else ""
    generated = _dt.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z")
    profile = ", ".join(p for p, _ in profiles.most_common()) or "—"
    page = _PAGE.format(
        title=html.escape(title), generated=html.escape(generated), profile=html.escape(profile),
        total=total, passed=passed, failed=failed, errors=errors, rate=f"{rate:.1f}",
        chart=_bar_chart(chart_counts, total), chip=chip.html(), options=options, more=more, rows="\n".join(rows_html),
        nbad=nbad, root=html.escape(f"（パスは {root} から）") if root else "")
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(page, encoding="utf-8")
    os.replace(tmp, path)
    return path


_PAGE = """<!DOCTYPE html>
<html lang="ja"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>
body{{font-family:system-ui,"Hiragino Sans","Noto Sans JP",sans-serif;margin:1.5rem;color:#222}}
h1{{font-size:1.4rem}} h2{{font-size:1.1rem;margin-top:2rem}}
.totals{{display:flex;gap:1rem;flex-wrap:wrap}}
.totals div{{border:1px solid #ccc;border-radius:6px;padding:.6rem 1rem;min-width:7rem}}
.totals b{{display:block;font-size:1.5rem}}
.chart text{{font-size:12px;fill:#222}} .chart rect{{fill:#c0392b}}
.chart .bar{{cursor:pointer}} .chart .bar:hover rect{{fill:#e67e22}}
table{{border-collapse:collapse;margin-top:.8rem}}
th,td{{border-bottom:1px solid #ddd;padding:.35rem .5rem;vertical-align:top;text-align:left}}
th{{cursor:pointer;background:#f4f4f4;user-select:none;white-space:nowrap}} th.nosort{{cursor:default}}
th[aria-sort=ascending]::after{{content:" ▲"}} th[aria-sort=descending]::after{{content:" ▼"}}
td img{{max-width:160px;max-height:160px}} td.file{{word-break:break-all;min-width:10rem;max-width:22rem}}
ul{{margin:0;padding-left:1.1rem}} .none,.note{{color:#777}}
</style></head>
<body>
<h1>{title}</h1>
<p>プロファイル: {profile} ・ 作成: {generated}</p>
<div class="totals">
<div>写真<b>{total}</b></div><div>合格<b>{passed}</b></div><div>不合格<b>{failed}</b></div>
<div>確認不能<b>{errors}</b></div><div>合格率<b>{rate}%</b></div>
</div>
<h2>項目ごとの不合格数</h2>
{chart}
{chip}
<h2>不合格・確認不能の写真 ({nbad})</h2>
<p class="note">{root}</p>
<label>項目で絞り込み: <select id="filter"><option value="">すべて</option>{options}</select></label>
<span id="count"></span>
{more}
<table id="failed"><thead><tr>
<th class="nosort">写真</th><th class="nosort">注釈</th><th>申請ID</th><th>ファイル</th><th>不合格数</th>
<th class="nosort">理由</th></tr></thead>
<tbody>
{rows}
</tbody></table>
<script>
(function(){{
  var table=document.getElementById("failed"), body=table.tBodies[0];
  var sel=document.getElementById("filter"), count=document.getElementById("count");
  function apply(){{
    var v=sel.value, n=0;
    for(var i=0;i<body.rows.length;i++){{
      var r=body.rows[i], ok=!v||(" "+r.getAttribute("data-checks")+" ").indexOf(" "+v+" ")>=0;
      r.style.display=ok?"":"none"; if(ok)n++;
    }}
    count.textContent=" "+n+" 件";
  }}
  sel.addEventListener("change",apply);
  document.querySelectorAll(".chart .bar").forEach(function(g){{
    g.addEventListener("click",function(){{sel.value=g.getAttribute("data-check");apply();}});
  }});
  var heads=table.tHead.rows[0].cells;
  for(var c=0;c<heads.length;c++)(function(c){{
    var th=heads[c]; if(th.classList.contains("nosort"))return;
    th.addEventListener("click",function(){{
      var asc=th.getAttribute("aria-sort")!=="ascending";
      for(var k=0;k<heads.length;k++)heads[k].removeAttribute("aria-sort");
      th.setAttribute("aria-sort",asc?"ascending":"descending");
      var rows=Array.prototype.slice.call(body.rows);
      rows.sort(function(a,b){{
        var x=a.cells[c].getAttribute("data-sort")||"", y=b.cells[c].getAttribute("data-sort")||"";
        return (x<y?-1:x>y?1:0)*(asc?1:-1);
      }});
      rows.forEach(function(r){{body.appendChild(r);}});
    }});
  }})(c);
  apply();
}})();
</script>
</body></html>
"""
