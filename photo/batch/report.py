"""``OUT/report.html``: one self-contained page for a reviewer (no network, no external file).

Totals and the pass rate; failures per check as a bar chart (inline SVG); a table of the
photos that failed or could not be checked, with a thumbnail of the photo and of its
annotated image (small JPEGs made by the workers, base64-inlined: never the full photo),
the reasons, a filter by check or by reason (the select box: each check, then the reasons it
failed for, such as 前髪が目にかかる under 目の見え方; or a click on a bar) and columns sortable
by a click on their header. Plain HTML, CSS and JavaScript, all inline.

Labels are Japanese words (checks by their titles, with the check id in small type) and a
button switches every label and reason to English; both languages are in the page, so it
reads the same offline and printed.

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

from photo.batch.summary import reason_code
from photo.batch.thumbs import thumb_path
from photo.check_titles import check_title, reason_title

MAX_ROWS = 2000
#: A thumbnail larger than this is not inlined (the workers make ~5 KB ones).
MAX_THUMB_BYTES = 48 * 1024

#: Reasons for photos that could not be checked, by error code (ja, en).
ERROR_REASONS = {
    "input.unreadable": ("ファイルを読み込めません（存在しない・権限がない）", "The file cannot be read (missing or no permission)"),
    "input.empty": ("ファイルが空です", "The file is empty"),
    "input.not_image": ("画像ファイルではありません", "The file is not an image"),
    "input.unsupported_format": ("対応していない画像形式です（JPEGで提出してください）",
                                 "The image format is not supported (send a JPEG)"),
    "input.heic": ("HEIC形式を読み込めません。JPEGに変換して提出してください", "HEIC cannot be read here: convert it to JPEG"),
    "input.animated": ("動画・アニメーション画像です。静止画のJPEGで提出してください",
                       "The file is animated: send a still JPEG"),
    "input.truncated": ("ファイルが途中で切れています（送信をやり直してください）",
                        "The file is cut short (send it again)"),
    "input.corrupt": ("画像データが壊れています", "The image data is corrupt"),
    "input.too_many_pixels": ("画素数が多すぎます", "The image has too many pixels"),
    "input.file_too_large": ("ファイルが大きすぎます", "The file is too large"),
    "batch.worker_crashed": ("確認中に処理が異常終了しました（再実行で再確認します）",
                             "The check crashed (a rerun checks the photo again)"),
    "batch.output_file": ("結果のファイルを出力フォルダに書き込めません（再実行で再確認します）",
                          "Its output file cannot be written to the output folder (a rerun checks the photo again)"),
    "check.internal_error": ("確認処理の内部エラーです（再実行で再確認します）",
                             "Internal error in a check (a rerun checks the photo again)"),
}
#: Japanese reasons only (kept for callers of the earlier name).
ERROR_REASONS_JA = {code: ja for code, (ja, _en) in ERROR_REASONS.items()}
_UNKNOWN_ERROR = ("確認できませんでした", "Could not be checked")


def _label(item: str, lang: str) -> str:
    """The words for a chart bar or filter option: a check id, ``id:key`` (a reason it failed for)
    or ``error:<code>``."""
    if item.startswith("error:"):
        ja, en = ERROR_REASONS.get(item[6:], _UNKNOWN_ERROR)
        return (("確認不能: " + ja) if lang == "ja" else ("Not checked: " + en))
    if ":" in item:
        check_id, key = item.split(":", 1)
        return "└ " + reason_title(check_id, key, lang)
    return check_title(item, lang)


def _both(ja: str, en: str) -> str:
    """Escaped text in both languages; the page shows one (the toggle switches)."""
    return f'<span class="ja">{html.escape(ja)}</span><span class="en">{html.escape(en)}</span>'


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
        ja, en = ERROR_REASONS.get(code, _UNKNOWN_ERROR)
        reasons = [(ja, en, code)]
    else:
        ids = [c["id"] for c in failed_checks] + [reason_code(c) for c in failed_checks if c.get("key")]
        reasons = [(c.get("message") or c.get("message_en") or "", c.get("message_en") or c.get("message") or "",
                    reason_code(c)) for c in failed_checks]
    return _Row({"application_id": r.get("application_id") or "", "file": r["file"], "sha256": r.get("sha256"),
                 "ids": ids, "reasons": reasons})


def _reason(text_ja: str, text_en: str, item: str) -> str:
    """A reason in both languages, the check id (or error code) in small type."""
    return f'<li>{_both(text_ja, text_en)} <small class="id">{html.escape(item)}</small></li>'


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
    """Horizontal bars, one per check (its title, the id in small type); a click filters the table."""
    if not counts:
        return f'<p class="none">{_both("不合格の項目はありません。", "No check failed.")}</p>'
    row_h, label_w, bar_w = 32, 260, 400
    top = max(c for _, c in counts)
    parts = [f'<svg class="chart" width="{label_w + bar_w + 110}" height="{row_h * len(counts) + 4}" '
             f'role="img" aria-label="項目ごとの不合格数 / failures per check">']
    for i, (check_id, n) in enumerate(counts):
        y = i * row_h + 2
        w = max(2, round(bar_w * n / top))
        share = 100.0 * n / total if total else 0.0
        cid = html.escape(check_id)
        ja, en = html.escape(_label(check_id, "ja")), html.escape(_label(check_id, "en"))
        parts.append(
            f'<g class="bar" data-check="{cid}"><title>{cid}: {n}</title>'
            f'<text class="ja" x="{label_w - 8}" y="{y + 14}" text-anchor="end">{ja}</text>'
            f'<text class="en" x="{label_w - 8}" y="{y + 14}" text-anchor="end">{en}</text>'
            f'<text class="id" x="{label_w - 8}" y="{y + 26}" text-anchor="end">{cid}</text>'
            f'<rect x="{label_w}" y="{y + 6}" width="{w}" height="{row_h - 14}" rx="2"></rect>'
            f'<text x="{label_w + w + 6}" y="{y + 19}">{n} ({share:.1f}%)</text></g>')
    parts.append("</svg>")
    return "".join(parts)


def _filter_items(chart_counts: list[tuple[str, int]], per_reason: Counter[str]) -> list[tuple[str, int]]:
    """The filter's options in order: each check (as the chart, largest first), then the reasons
    it failed for (largest first), then the error codes."""
    out = []
    for item, n in chart_counts:
        out.append((item, n))
        out += sorted(((r, k) for r, k in per_reason.items() if r.split(":", 1)[0] == item),
                      key=lambda rk: (-rk[1], rk[0]))
    return out


def _option(item: str, n: int, lang: str) -> str:
    ja, en = html.escape(_label(item, "ja")), html.escape(_label(item, "en"))
    shown = ja if lang == "ja" else en
    return f'<option value="{html.escape(item)}" data-ja="{ja} ({n})" data-en="{en} ({n})">{shown} ({n})</option>'


def write_report(records: Iterable[dict], out_dir: str | Path, *, path: str | Path | None = None,
                 title: str | None = None, max_rows: int = MAX_ROWS, lang: str = "ja") -> Path:
    """Write report.html (atomically) from result lines; thumbnails are read from ``out_dir``.

    Every label is in Japanese and English; the page opens in ``lang`` ("ja" or "en") and a
    button switches. Checks are named by their titles (:mod:`photo.check_titles`) with the
    id in small type beside them.
    """
    if lang not in ("ja", "en"):
        raise ValueError(f"lang must be 'ja' or 'en', not {lang!r}")
    out_dir = Path(out_dir)
    path = Path(path) if path else out_dir / "report.html"
    total = passed = failed = errors = 0
    per_check: Counter[str] = Counter()
    per_reason: Counter[str] = Counter()  # id:key
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
                    if c.get("key"):
                        per_reason[reason_code(c)] += 1
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
            f'<td>{_img(thumb, "写真 / photo")}</td><td>{_img(annotated, "注釈付き画像 / annotated")}</td>'
            f'<td data-sort="{html.escape(app_id)}">{html.escape(app_id)}</td>'
            f'<td class="file" data-sort="{html.escape(name)}">{html.escape(name)}</td>'
            f'<td data-sort="{len(ids):04d}">{len(ids)}</td>'
            f'<td><ul>{"".join(_reason(*x) for x in reasons)}</ul></td></tr>')

    options = "".join(_option(item, n, lang) for item, n in _filter_items(chart_counts, per_reason))
    more = ('<p class="note">' + _both(f"不合格・確認不能 {nbad} 件のうち先頭 {len(shown)} 件を表示しています。"
                                       "全件は summary.csv にあります。",
                                       f"Showing the first {len(shown)} of {nbad} photos that failed or could not "
                                       "be checked; summary.csv lists them all.") + "</p>") if nbad > len(shown) else ""
    generated = _dt.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z")
    profile = ", ".join(p for p, _ in profiles.most_common()) or "—"
    title_html = _both(title or "写真チェック結果", title or "Photo check results")
    page = _PAGE.format(
        title=html.escape(title or "写真チェック結果 / Photo check results"), heading=title_html, lang=lang, generated=html.escape(generated), profile=html.escape(profile),
        total=total, passed=passed, failed=failed, errors=errors, rate=f"{rate:.1f}",
        chart=_bar_chart(chart_counts, total), chip=chip.html(), options=options, all="すべて" if lang == "ja" else "All", more=more, rows="\n".join(rows_html),
        nbad=nbad, root=_both(f"（パスは {root} から）", f"(paths from {root})") if root else "")
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(page, encoding="utf-8")
    os.replace(tmp, path)
    return path


_PAGE = """<!DOCTYPE html>
<html lang="{lang}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>
body{{font-family:system-ui,"Hiragino Sans","Noto Sans JP",sans-serif;margin:1.5rem;color:#222}}
body.lang-ja .en,body.lang-en .ja{{display:none}}
h1{{font-size:1.4rem}} h2{{font-size:1.1rem;margin-top:2rem}}
#lang{{float:right;font-size:.9rem;padding:.3rem .8rem;cursor:pointer}}
.totals{{display:flex;gap:1rem;flex-wrap:wrap}}
.totals div{{border:1px solid #ccc;border-radius:6px;padding:.6rem 1rem;min-width:7rem}}
.totals b{{display:block;font-size:1.5rem}}
.chart text{{font-size:12px;fill:#222}} .chart text.id{{font-size:9px;fill:#777}} .chart rect{{fill:#c0392b}}
.chart .bar{{cursor:pointer}} .chart .bar:hover rect{{fill:#e67e22}}
small.id{{font-size:.75em;color:#777;font-family:ui-monospace,monospace}}
table{{border-collapse:collapse;margin-top:.8rem}}
th,td{{border-bottom:1px solid #ddd;padding:.35rem .5rem;vertical-align:top;text-align:left}}
th{{cursor:pointer;background:#f4f4f4;user-select:none;white-space:nowrap}} th.nosort{{cursor:default}}
th[aria-sort=ascending]::after{{content:" ▲"}} th[aria-sort=descending]::after{{content:" ▼"}}
td img{{max-width:160px;max-height:160px}} td.file{{word-break:break-all;min-width:10rem;max-width:22rem}}
ul{{margin:0;padding-left:1.1rem}} .none,.note{{color:#777}}
</style></head>
<body class="lang-{lang}">
<button id="lang" type="button"><span class="ja">English</span><span class="en">日本語</span></button>
<h1>{heading}</h1>
<p><span class="ja">プロファイル</span><span class="en">Profile</span>: {profile} ・ <span class="ja">作成</span><span class="en">Written</span>: {generated}</p>
<div class="totals">
<div><span class="ja">写真</span><span class="en">Photos</span><b>{total}</b></div>
<div><span class="ja">合格</span><span class="en">Passed</span><b>{passed}</b></div>
<div><span class="ja">不合格</span><span class="en">Failed</span><b>{failed}</b></div>
<div><span class="ja">確認不能</span><span class="en">Not checked</span><b>{errors}</b></div>
<div><span class="ja">合格率</span><span class="en">Pass rate</span><b>{rate}%</b></div>
</div>
<h2><span class="ja">項目ごとの不合格数</span><span class="en">Failures per check</span></h2>
{chart}
{chip}
<h2><span class="ja">不合格・確認不能の写真</span><span class="en">Photos that failed or could not be checked</span> ({nbad})</h2>
<p class="note">{root}</p>
<label><span class="ja">項目・理由で絞り込み</span><span class="en">Filter by check or reason</span>: <select id="filter"><option value="" data-ja="すべて" data-en="All">{all}</option>{options}</select></label>
<span id="count"></span>
{more}
<table id="failed"><thead><tr>
<th class="nosort"><span class="ja">写真</span><span class="en">Photo</span></th>
<th class="nosort"><span class="ja">注釈</span><span class="en">Annotated</span></th>
<th><span class="ja">申請ID</span><span class="en">Application ID</span></th>
<th><span class="ja">ファイル</span><span class="en">File</span></th>
<th><span class="ja">不合格数</span><span class="en">Failures</span></th>
<th class="nosort"><span class="ja">理由</span><span class="en">Reasons</span></th></tr></thead>
<tbody>
{rows}
</tbody></table>
<script>
(function(){{
  var table=document.getElementById("failed"), body=table.tBodies[0];
  var sel=document.getElementById("filter"), count=document.getElementById("count");
  function lang(){{return document.body.classList.contains("lang-en")?"en":"ja";}}
  function apply(){{
    var v=sel.value, n=0;
    for(var i=0;i<body.rows.length;i++){{
      var r=body.rows[i], ok=!v||(" "+r.getAttribute("data-checks")+" ").indexOf(" "+v+" ")>=0;
      r.style.display=ok?"":"none"; if(ok)n++;
    }}
    count.textContent=lang()==="en"?" "+n+" shown":" "+n+" 件";
  }}
  function setLang(l){{
    document.body.classList.remove("lang-ja","lang-en");
    document.body.classList.add("lang-"+l);
    document.documentElement.lang=l;
    for(var i=0;i<sel.options.length;i++)sel.options[i].textContent=sel.options[i].getAttribute("data-"+l);
    apply();
  }}
  document.getElementById("lang").addEventListener("click",function(){{setLang(lang()==="en"?"ja":"en");}});
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
