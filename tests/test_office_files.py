"""Files as Japanese offices make and open them: holder CSVs in CP932 or UTF-8 (BOM or not),
summary.csv that Excel reads as UTF-8, report.html in Japanese words with an English toggle."""

from __future__ import annotations

import codecs
import csv
import io
import re
import tomllib
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cardface.errors import InputFileError
from cardface.holder import load_holders
from mynacard.cli import app
from photo.batch.errors import BatchError
from photo.batch.inputs import collect
from photo.batch.report import ERROR_REASONS, write_report
from photo.batch.summary import write_summary
from photo.check_titles import check_title, check_titles
from photo.textfile import TextEncodingError, decode_text

runner = CliRunner()

HEADER = "surname,given_name,surname_kana,given_name_kana,address,birth_date,sex,my_number,issue_date,issuer"
ROWS = [
    "髙橋,太郎,タカハシ,タロウ,東京都千代田区霞が関一丁目9番99号,1985-06-14,male,123456789018,2024-03-01,千代田区長",
    "渡邉,花子,ワタナベ,ハナコ,大阪府大阪市北区梅田①丁目,1990-01-02,female,123456789018,2024-03-01,大阪市長",
]
CSV_TEXT = "\r\n".join([HEADER, *ROWS]) + "\r\n"


def _write(tmp_path: Path, name: str, data: bytes) -> Path:
    p = tmp_path / name
    p.write_bytes(data)
    return p


# -- holder CSVs -------------------------------------------------------------------------------


@pytest.mark.parametrize(("data", "used"), [
    (CSV_TEXT.encode("utf-8"), "utf-8"),
    (codecs.BOM_UTF8 + CSV_TEXT.encode("utf-8"), "utf-8-sig"),
    (CSV_TEXT.encode("cp932"), "cp932"),  # 髙 and ① are CP932 extensions, not in plain Shift_JIS
])
def test_each_office_encoding_is_detected_and_reads_the_same(tmp_path, data, used):
    text, got = decode_text(data, "h.csv")
    assert got == used and text == CSV_TEXT
    holders = load_holders(_write(tmp_path, "h.csv", data))
    assert [h.surname for h in holders] == ["髙橋", "渡邉"]
    assert holders[1].address.endswith("梅田①丁目")
    assert holders[0].surname_kana == "タカハシ"  # the BOM did not stick to the first column's name


def test_cp932_is_not_plain_shift_jis_and_the_override_says_so(tmp_path):
    with pytest.raises(UnicodeEncodeError):
        "髙".encode("shift_jis")
    p = _write(tmp_path, "h.csv", CSV_TEXT.encode("cp932"))
    with pytest.raises(InputFileError) as e:
        load_holders(p, encoding="utf-8")
    assert e.value.code == "holder.file_encoding" and "not utf-8" in e.value.message
    assert [h.surname for h in load_holders(p, encoding="cp932")] == ["髙橋", "渡邉"]
    with pytest.raises(InputFileError) as e:
        load_holders(p, encoding="klingon")
    assert e.value.code == "holder.file_encoding_unknown"


def test_half_width_kana_in_cp932_is_read_and_euc_jp_is_not_mistaken_for_it():
    old_system = "ﾀｶﾊｼ ﾀﾛｳ,髙橋 太郎\r\n"  # readings in half-width katakana, as older systems keep them
    assert decode_text(old_system.encode("cp932"), "x.csv") == (old_system, "cp932")
    with pytest.raises(TextEncodingError) as e:  # EUC-JP bytes read as CP932 would be half-width kana
        decode_text("高橋 太郎,タカハシ\r\n".encode("euc_jp"), "x.csv")
    assert "--encoding euc_jp" in e.value.message


def test_euc_jp_needs_the_override(tmp_path):
    p = _write(tmp_path, "h.csv", "\n".join([HEADER, ROWS[1].replace("①", "1")]).encode("euc_jp"))
    with pytest.raises(InputFileError) as e:  # neither UTF-8 nor CP932: refused, with what to do
        load_holders(p)
    assert e.value.code == "holder.file_encoding" and "--encoding" in e.value.message
    assert load_holders(p, encoding="euc_jp")[0].surname == "渡邉"


def test_cli_commands_that_read_holders_take_encoding(tmp_path):
    p = _write(tmp_path, "h.csv", CSV_TEXT.encode("cp932"))
    r = runner.invoke(app, ["holders", "check", str(p)])
    assert r.exit_code == 0 and "2 holder(s) valid" in r.output
    r = runner.invoke(app, ["holders", "check", str(p), "--encoding", "utf-8"])
    assert r.exit_code != 0 and isinstance(r.exception, InputFileError)
    one = _write(tmp_path, "one.csv", "\r\n".join([HEADER, ROWS[0]]).encode("cp932"))
    out = tmp_path / "cards"
    r = runner.invoke(app, ["card", "render", str(one), "-o", str(out), "--side", "front", "--format", "png",
                            "--dpi", "60", "--encoding", "cp932"])
    assert r.exit_code == 0, r.output
    assert [f.name for f in out.iterdir()] == ["next-001-front.png"]


def test_a_batch_manifest_saved_by_excel_in_japanese_is_read(tmp_path, run_cli):
    rows = "application_id,path\r\n申請-髙橋,写真/髙橋①.jpg\r\n申請-渡邉,写真/渡邉.jpg\r\n"
    for enc, data in (("cp932", rows.encode("cp932")), ("utf-8-sig", rows.encode("utf-8-sig")),
                      ("utf-8", rows.encode("utf-8"))):
        manifest = tmp_path / f"{enc}.csv"
        manifest.write_bytes(data)
        got = collect(manifest).items
        assert [(i.application_id, i.name) for i in got] == [("申請-髙橋", "写真/髙橋①.jpg"), ("申請-渡邉", "写真/渡邉.jpg")]
    euc = tmp_path / "euc.csv"
    euc.write_bytes(rows.replace("①", "1").replace("髙", "高").encode("euc_jp"))  # neither is in EUC-JP
    with pytest.raises(BatchError) as e:
        collect(euc)
    assert e.value.code == "batch.manifest_invalid" and "--encoding euc_jp" in e.value.message  # not garbage
    assert collect(euc, encoding="euc_jp").items[0].application_id == "申請-高橋"
    # the CLI: --encoding reaches the manifest; a wrong one is one line, exit 2
    r = run_cli("photo", "batch", str(euc), "-o", str(tmp_path / "out"), "--encoding", "ascii", "--no-progress")
    assert r.exit_code == 2 and "batch.manifest_invalid" in r.stderr and "Traceback" not in r.stderr
    r = run_cli("photo", "batch", str(euc), "-o", str(tmp_path / "out"), "--encoding", "euc_jp", "--no-progress")
    assert r.exit_code == 2 and "2 could not be checked" in r.stdout  # read: two missing photos, not a refusal


def test_the_decoder_says_what_is_wrong_without_a_code_of_its_own():
    with pytest.raises(TextEncodingError) as e:
        decode_text(b"name\n\x81\n", "x.csv")  # a CP932 lead byte without its second byte
    assert not e.value.unknown and "neither UTF-8 nor CP932" in e.value.message
    with pytest.raises(TextEncodingError) as e:
        decode_text(b"abc", "x.csv", "no-such-codec")
    assert e.value.unknown


def test_cli_prints_the_encoding_error_as_one_line(tmp_path, run_cli):
    p = _write(tmp_path, "h.csv", CSV_TEXT.encode("cp932"))
    r = run_cli("holders", "check", str(p), "--encoding", "ascii")
    assert r.exit_code == 2 and "holder.file_encoding" in r.stderr and "Traceback" not in r.stderr
    r = run_cli("holders", "check", str(p), "--encoding", "klingon")
    assert r.exit_code == 2 and "holder.file_encoding_unknown" in r.stderr


# -- summary.csv -------------------------------------------------------------------------------

RECORDS = [
    {"file": "/写真/髙橋.jpg", "application_id": "申請-1", "sha256": "a" * 64, "passed": False, "profile": "p",
     "checks": [{"id": "pose.roll", "passed": False, "message": "頭が左右に傾いています", "message_en": "The head is tilted"},
                {"id": "geometry.head_size", "passed": False, "message": "顔が小さすぎます", "message_en": "The head is too small"}],
     "error": None},
    {"file": "/写真/b.jpg", "application_id": "申請-2", "sha256": None, "passed": False, "profile": "p",
     "checks": [], "error": {"code": "input.empty", "message": "empty"}},
]


def test_summary_starts_with_a_bom_that_excel_reads_and_python_strips(tmp_path):
    write_summary(RECORDS, tmp_path / "summary.csv")
    raw = (tmp_path / "summary.csv").read_bytes()
    assert raw.startswith(codecs.BOM_UTF8) and raw.count(codecs.BOM_UTF8) == 1
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0]["application_id"] == "申請-1" and rows[0]["file"] == "/写真/髙橋.jpg"
    write_summary(RECORDS, tmp_path / "plain.csv", bom=False)
    assert (tmp_path / "plain.csv").read_bytes() == raw[len(codecs.BOM_UTF8):]


def test_batch_cli_writes_the_bom_by_default_and_not_with_no_bom(tmp_path):
    photos = tmp_path / "photos"
    photos.mkdir()
    (photos / "空.jpg").write_bytes(b"")  # cannot be checked: no model is loaded, the run is quick
    for extra, bom, lang in (([], True, "ja"), (["--no-bom", "--lang", "en"], False, "en")):
        out = tmp_path / f"out-{lang}"
        r = runner.invoke(app, ["photo", "batch", str(photos), "-o", str(out), "--no-progress", *extra])
        assert r.exit_code == 2, r.output
        assert (out / "summary.csv").read_bytes().startswith(codecs.BOM_UTF8) == bom
        page = (out / "report.html").read_text(encoding="utf-8")
        assert f'<html lang="{lang}">' in page and f'<body class="lang-{lang}">' in page
    r = runner.invoke(app, ["photo", "batch", str(photos), "-o", str(tmp_path / "x"), "--lang", "fr"])
    assert r.exit_code == 2 and "--lang" in r.output


# -- report.html -------------------------------------------------------------------------------


def test_every_check_in_the_message_catalogue_has_a_title_in_both_languages():
    from importlib import resources

    with resources.files("photo").joinpath("data/messages.toml").open("rb") as f:
        ids = set(tomllib.load(f))
    titles = check_titles()
    assert ids == set(titles), f"missing: {sorted(ids - set(titles))}, stale: {sorted(set(titles) - ids)}"
    for cid, t in titles.items():
        assert t["ja"] and t["en"] and t["ja"] != t["en"], cid
        assert re.search(r"[\u3040-\u30ff\u4e00-\u9fff]", t["ja"]), cid
    assert check_title("geometry.head_size") == "顔の大きさ" and check_title("geometry.head_size", "en") == "Head size"
    assert check_title("no.such_check") == "no.such_check"


def test_every_failure_key_in_the_message_catalogue_has_a_reason_title_in_both_languages():
    from importlib import resources

    from photo.check_titles import reason_title, reason_titles

    with resources.files("photo").joinpath("data/messages.toml").open("rb") as f:
        keys = {(cid, k) for cid, msgs in tomllib.load(f).items() for k in msgs if k != "ok"}
    titled = {(cid, k) for cid, t in reason_titles().items() for k in t}
    assert keys == titled, f"missing: {sorted(keys - titled)}, stale: {sorted(titled - keys)}"
    for cid, t in reason_titles().items():
        for k, words in t.items():
            assert words["ja"] and words["en"] and words["ja"] != words["en"], (cid, k)
            assert re.search(r"[\u3040-\u30ff\u4e00-\u9fff]", words["ja"]), (cid, k)
    assert reason_title("eyes.visible", "frame") == "フレームが目にかかる"
    assert reason_title("eyes.visible", "frame", "en") == "frame across the eyes"
    assert reason_title("eyes.visible", "no_such_key") == "no_such_key"


def test_report_names_checks_in_words_with_the_id_in_small_type(tmp_path):
    page = write_report(RECORDS, tmp_path).read_text(encoding="utf-8")
    assert '<html lang="ja">' in page and '<body class="lang-ja">' in page
    # the chart: the Japanese and English titles, the id as a small third line
    bar = re.search(r'<g class="bar" data-check="geometry.head_size">(.*?)</g>', page).group(1)
    assert ('<text class="ja"' in bar and ">顔の大きさ<" in bar and ">Head size<" in bar
            and '<text class="id"' in bar and ">geometry.head_size<" in bar)
    # the reasons: both languages, the id in small type
    assert ('<li><span class="ja">頭が左右に傾いています</span><span class="en">The head is tilted</span> '
            '<small class="id">pose.roll</small></li>') in page
    assert ERROR_REASONS["input.empty"][0] in page and ERROR_REASONS["input.empty"][1] in page
    # the filter: options in the page's language, both kept for the toggle
    assert 'data-ja="頭の傾き (1)" data-en="Head tilted (1)">頭の傾き (1)</option>' in page
    assert '<button id="lang"' in page
    en = write_report(RECORDS, tmp_path, path=tmp_path / "en.html", lang="en").read_text(encoding="utf-8")
    assert '<body class="lang-en">' in en and ">Head tilted (1)</option>" in en
    with pytest.raises(ValueError):
        write_report(RECORDS, tmp_path, lang="fr")


@pytest.mark.browser
def test_the_toggle_switches_every_label_in_a_browser(tmp_path):
    from tests.test_serve_browser import ARGS, CHROMIUM

    if not CHROMIUM.exists():
        pytest.fail("Debian's chromium is missing: run scripts/system-deps.sh test (make test does)")
    from playwright.sync_api import sync_playwright

    path = write_report(RECORDS, tmp_path)
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=ARGS)
        try:
            page = b.new_page()
            page.goto(path.as_uri())
            text = page.inner_text("body")
            assert "顔の大きさ" in text and "合格率" in text and "Head size" not in text and "Pass rate" not in text
            page.click("#lang")
            text = page.inner_text("body")
            assert "Head size" in text and "Pass rate" in text and "The head is tilted" in text
            assert "顔の大きさ" not in text and "合格率" not in text and "頭が左右に傾いています" not in text
            assert page.evaluate("document.documentElement.lang") == "en"
            assert page.inner_text("#filter option[value='pose.roll']") == "Head tilted (1)"
            page.select_option("#filter", "pose.roll")
            assert page.inner_text("#count").strip() == "1 shown"
            page.click("#lang")
            assert "顔の大きさ" in page.inner_text("body")
        finally:
            b.close()


def test_excel_unicode_text_is_read_and_utf16_without_its_mark_is_refused_by_name(tmp_path):
    """Excel's "Unicode text" (UTF-16 with a byte order mark, tab-delimited) is a holders file and
    a batch manifest like any other; UTF-16 bytes without the mark are refused as such, not read
    as CP932 garbage that then fails on its header."""
    tabbed = CSV_TEXT.replace(",", "\t")
    data = tabbed.encode("utf-16")  # the BOM first, little-endian on this machine
    assert data[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
    text, used = decode_text(data, "h.txt")
    assert used == "utf-16" and text == tabbed
    holders = load_holders(_write(tmp_path, "h.txt", data))  # Excel names it .txt
    assert [h.surname for h in holders] == ["髙橋", "渡邉"] and holders[1].address.endswith("梅田①丁目")
    manifest = _write(tmp_path, "m.txt", "application_id\tpath\r\n申請-髙橋\t写真/髙橋①.jpg\r\n".encode("utf-16"))
    assert [(i.application_id, i.name) for i in collect(manifest).items] == [("申請-髙橋", "写真/髙橋①.jpg")]
    with pytest.raises(InputFileError) as e:
        load_holders(_write(tmp_path, "bare.csv", CSV_TEXT.encode("utf-16-le")))
    assert e.value.code == "holder.file_encoding" and "UTF-16" in e.value.message
    with pytest.raises(BatchError) as b:
        collect(_write(tmp_path, "bare_m.csv", "application_id,path\r\n".encode("utf-16-le")))
    assert b.value.code == "batch.manifest_invalid" and "UTF-16" in b.value.message
    # PowerShell's Export-Csv -Encoding Unicode: UTF-16 with a BOM, comma-delimited
    assert [h.surname for h in load_holders(_write(tmp_path, "ps.csv", CSV_TEXT.encode("utf-16")))] == ["髙橋", "渡邉"]
    with pytest.raises(TextEncodingError, match="UTF-32"):  # its BOM begins like UTF-16's
        decode_text(CSV_TEXT.encode("utf-32"), "h.csv")


def test_a_comma_in_a_tab_delimited_row_is_text():
    from photo.textfile import csv_rows

    assert csv_rows("a\tb\r\n1,5\tx\r\n") == [["a", "b"], ["1,5", "x"]]
    assert csv_rows("a,b\r\n1\t5,x\r\n") == [["a", "b"], ["1\t5", "x"]]  # the header decides
