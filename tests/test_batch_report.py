"""summary.csv and report.html from result lines: content, escaping, self-containment."""

from __future__ import annotations

import base64
import csv
import io
import re

import pytest
from PIL import Image

from photo.batch.report import write_report
from photo.batch.summary import write_summary
from photo.batch.thumbs import thumb_path, thumbnail_jpeg


def _check(cid, passed, ja=""):
    return {"id": cid, "passed": passed, "value": 1, "limit": 0, "message": ja, "message_en": "en"}


RECORDS = [
    {"file": "/in/b.jpg", "application_id": "A-2", "sha256": "b" * 64, "passed": False, "profile": "mynumber-online",
     "checks": [_check("pose.roll", False, "頭が傾いています"), _check("file.format", True)], "error": None},
    {"file": "/in/a.jpg", "application_id": "A-1", "sha256": "a" * 64, "passed": True, "profile": "mynumber-online",
     "checks": [_check("pose.roll", True)], "error": None},
    {"file": "/in/<script>alert(1)</script>.jpg", "application_id": "A-3", "sha256": "c" * 64, "passed": False,
     "profile": "mynumber-online", "checks": [_check("pose.roll", False, "頭が傾いています"),
                                              _check("background.uniformity", False, "背景が無地ではありません")],
     "error": None},
    {"file": "/in/gone.jpg", "application_id": "A-4", "sha256": None, "passed": False, "profile": "mynumber-online",
     "checks": [], "error": {"code": "input.unreadable", "message": "cannot read the file"}},
]


def test_summary_has_one_sorted_row_per_photo_with_failed_ids(tmp_path):
    rows = write_summary(RECORDS, tmp_path / "summary.csv")
    assert [r.application_id for r in rows] == ["A-1", "A-2", "A-3", "A-4"]
    table = list(csv.DictReader(open(tmp_path / "summary.csv", encoding="utf-8-sig")))
    assert [(r["result"], r["failed_checks"], r["error_code"]) for r in table] == [
        ("pass", "", ""), ("fail", "pose.roll", ""), ("fail", "pose.roll background.uniformity", ""),
        ("error", "", "input.unreadable")]
    assert list(table[0])[-1] == "reasons"  # added last: the other columns keep their places
    # the reasons' codes where the result lines carry them (these were written without)
    assert [r["reasons"] for r in table] == ["", "pose.roll", "pose.roll background.uniformity", ""]


def test_summary_reasons_name_the_cause_of_each_failure(tmp_path):
    record = {"file": "/in/fringe.jpg", "application_id": "A-9", "sha256": "d" * 64, "passed": False,
              "profile": "mynumber-online", "error": None,
              "checks": [{"id": "eyes.visible", "passed": False, "key": "hair"},
                         {"id": "pose.roll", "passed": False, "key": "fail"},
                         {"id": "face.count", "passed": True, "key": "ok"}]}
    write_summary([record], tmp_path / "summary.csv")
    (row,) = csv.DictReader(open(tmp_path / "summary.csv", encoding="utf-8-sig"))
    assert row["failed_checks"] == "eyes.visible pose.roll"
    assert row["reasons"] == "eyes.visible:hair pose.roll:fail"


def test_report_is_self_contained_with_totals_chart_reasons_and_small_thumbnails(tmp_path):
    photo = Image.new("RGB", (1350, 1800), (90, 140, 200))
    buf = io.BytesIO()
    photo.save(buf, "JPEG", quality=95)
    for sha in ("b" * 64, "c" * 64):
        for kind in ("photo", "annotated"):
            p = tmp_path / thumb_path(sha, kind)
            p.parent.mkdir(parents=True, exist_ok=True)
            p.write_bytes(thumbnail_jpeg(buf.getvalue()))
    page = write_report(RECORDS, tmp_path).read_text(encoding="utf-8")
    assert not re.search(r"https?://", page) and "<link" not in page and "src=\"/" not in page
    assert "<b>4</b>" in page and '<span class="en">Pass rate</span><b>25.0%</b>' in page  # 4 photos, 1 passed
    # the chart: one bar per failed check and per error code, largest first
    bars = re.findall(r'<g class="bar" data-check="([^"]+)"><title>[^<]*: (\d+)</title>', page)
    assert bars == [("pose.roll", "2"), ("background.uniformity", "1"), ("error:input.unreadable", "1")]
    assert ('<span class="ja">頭が傾いています</span><span class="en">en</span> <small class="id">pose.roll</small>'
            in page and "背景が無地ではありません" in page)
    assert "ファイルを読み込めません" in page  # the error row's reason, in Japanese
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page
    images = re.findall(r'src="data:image/jpeg;base64,([A-Za-z0-9+/=]+)"', page)
    assert len(images) == 4  # photo + annotated for the two failed photos; none for the unreadable one
    for b64 in images:
        im = Image.open(io.BytesIO(base64.b64decode(b64)))
        assert max(im.size) <= 160 and len(b64) < 20_000
    assert 'data-checks="pose.roll background.uniformity"' in page and '<option value="pose.roll" ' in page
    assert "A-1" not in page.split("<tbody>")[1]  # the passed photo is not in the table


def _keyed(file, *failed):
    """A result line whose failed checks carry their reason's key (``(id, key)`` pairs)."""
    return {"file": file, "application_id": file[-5], "sha256": None, "passed": False, "profile": "mynumber-online",
            "error": None, "checks": [{"id": cid, "passed": False, "key": key, "message": cid, "message_en": cid}
                                      for cid, key in failed]}


def test_report_filters_by_reason_under_each_check(tmp_path):
    records = [_keyed("/in/1.jpg", ("eyes.visible", "hair")), _keyed("/in/2.jpg", ("eyes.visible", "dark")),
               _keyed("/in/3.jpg", ("eyes.visible", "hair"), ("pose.roll", "fail")), RECORDS[2]]
    page = write_report(records, tmp_path, lang="en").read_text(encoding="utf-8")
    options = re.findall(r'<option value="([^"]+)" data-ja="([^"]+)" data-en="([^"]+)">', page)
    # each check (largest first, as the chart), then the reasons it failed for, largest first;
    # a result line without keys (RECORDS[2]) is filtered by its check ids only
    assert [o[0] for o in options] == ["eyes.visible", "eyes.visible:hair", "eyes.visible:dark", "pose.roll",
                                       "pose.roll:fail", "background.uniformity"]
    hair = options[1]
    assert hair[1] == "└ 前髪が目にかかる (2)" and hair[2] == "└ hair over the eyes (2)"
    assert '<option value="eyes.visible:dark" data-ja="└ サングラス・色付きレンズ (1)" ' in page
    # a row carries its checks and its reasons, so either filter finds it; the reason's code in small type
    assert 'data-checks="eyes.visible pose.roll eyes.visible:hair pose.roll:fail"' in page
    assert '<small class="id">eyes.visible:hair</small>' in page
    assert 'data-checks="pose.roll background.uniformity"' in page


def test_report_caps_the_table_and_says_so(tmp_path):
    many = [dict(RECORDS[0], file=f"/in/{n:03d}.jpg", application_id=None) for n in (7, 3, 11, 0, 5, 9, 1, 2,
                                                                                      10, 4, 8, 6)]
    page = write_report(many, tmp_path, max_rows=5).read_text(encoding="utf-8")
    assert re.findall(r'class="file" data-sort="([^"]+)"', page) == [f"{n:03d}.jpg" for n in range(5)]
    assert "12 件のうち先頭 5 件" in page


def test_summary_cells_cannot_become_spreadsheet_formulas(tmp_path):
    from photo.batch.summary import write_summary

    records = [
        {"application_id": "=HYPERLINK(\"http://x\")", "file": "/p/a.jpg", "passed": True, "checks": [],
         "error": None, "sha256": "0" * 64},
        {"application_id": "A-1", "file": "-b.jpg", "passed": False,
         "checks": [{"id": "pose.yaw", "passed": False}], "error": None, "sha256": "1" * 64},
    ]
    write_summary(records, tmp_path / "summary.csv")
    import csv

    rows = list(csv.DictReader((tmp_path / "summary.csv").open(encoding="utf-8-sig")))
    by_file = {r["file"]: r for r in rows}
    assert by_file["/p/a.jpg"]["application_id"] == "'=HYPERLINK(\"http://x\")"
    assert "'-b.jpg" in by_file and by_file["'-b.jpg"]["application_id"] == "A-1"
    assert by_file["'-b.jpg"]["failed_checks"] == "pose.yaw"


@pytest.mark.browser
def test_the_reason_filter_shows_the_photos_failed_for_that_reason_in_a_browser(tmp_path):
    from tests.test_serve_browser import ARGS, CHROMIUM

    if not CHROMIUM.exists():
        pytest.fail("Debian's chromium is missing: run scripts/system-deps.sh test (make test does)")
    from playwright.sync_api import sync_playwright

    records = [_keyed("/in/1.jpg", ("eyes.visible", "hair")), _keyed("/in/2.jpg", ("eyes.visible", "dark")),
               _keyed("/in/3.jpg", ("eyes.visible", "hair"), ("pose.roll", "fail"))]
    path = write_report(records, tmp_path, lang="en")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=ARGS)
        try:
            page = b.new_page()
            page.goto(path.as_uri())

            def shown(value):
                page.select_option("#filter", value)
                return page.inner_text("#count").strip(), sorted(
                    r.inner_text() for r in page.query_selector_all("#failed tbody tr td.file") if r.is_visible())

            assert shown("eyes.visible") == ("3 shown", ["1.jpg", "2.jpg", "3.jpg"])
            assert shown("eyes.visible:hair") == ("2 shown", ["1.jpg", "3.jpg"])
            assert shown("eyes.visible:dark") == ("1 shown", ["2.jpg"])
            assert shown("pose.roll:fail") == ("1 shown", ["3.jpg"])
            assert shown("") == ("3 shown", ["1.jpg", "2.jpg", "3.jpg"])
        finally:
            b.close()
