"""``mynacard romaji``: output, JSON and exit statuses."""

from __future__ import annotations

import json

import pytest

from mynacard.cli import main


def run(capsys, *argv: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as e:
        main(list(argv))
    out, err = capsys.readouterr()
    return e.value.code or 0, out, err


@pytest.mark.parametrize("argv", [
    ("オオノ", "タロウ"), ("オオノ タロウ",), ("おおの　たろう",), ("ｵｵﾉ", "ﾀﾛｳ"),
])
def test_prints_the_name(capsys, argv):
    assert run(capsys, "romaji", *argv) == (0, "ONO TARO\n", "")


def test_passport_variant_exits_0_with_reasons(capsys):
    code, out, _ = run(capsys, "romaji", "オオノ", "タロウ", "--passport", "ohno  taro")
    lines = out.splitlines()
    assert code == 0
    assert lines[0] == "OHNO TARO"
    assert "surname" in lines[1] and "variant" in lines[1] and "Hepburn ONO" in lines[1]
    assert lines[2].strip().startswith("ja: ") and "OH" in lines[2]
    assert lines[3].strip().startswith("en: ") and "OH for the long vowel" in lines[3]
    assert "given_name" in lines[4] and "hepburn" in lines[4]


def test_passport_non_hepburn_exits_1(capsys):
    code, out, _ = run(capsys, "romaji", "シマダ", "ジョウジ", "--passport", "SIMADA GEORGE")
    assert code == 1
    assert out.count("non-hepburn") == 2
    assert "S[-H]IMADA" in out and "訓令式" in out


def test_json(capsys):
    code, out, _ = run(capsys, "romaji", "マツウラ", "ユウコ", "--kanji", "松浦 優子", "--json")
    data = json.loads(out)
    assert code == 0 and out.count("\n") == 1
    assert data["text"] == "MATSUURA YUKO" and data["ok"] is True
    assert [p["part"] for p in data["parts"]] == ["surname", "given_name"]
    assert data["parts"][0]["kanji"] == "松浦"


def test_json_with_a_bad_passport_exits_1(capsys):
    code, out, _ = run(capsys, "romaji", "スミス", "アン", "--passport", "SMITH ANN", "--json")
    data = json.loads(out)
    assert code == 1 and data["ok"] is False
    assert data["parts"][0]["status"] == "non-hepburn" and data["parts"][0]["expected"] == "SUMISU"


def test_variants(capsys):
    code, out, _ = run(capsys, "romaji", "サイトウ", "ユウコ", "--variants")
    assert code == 0
    assert "SAITO SAITOH SAITOU" in out and "YUKO YUUKO" in out


def test_override(capsys):
    code, out, _ = run(capsys, "romaji", "オオノ", "タロウ", "--override", "OHNO TARO")
    assert code == 0 and out.splitlines()[0] == "OHNO TARO" and "override" in out


def test_not_confident_note_goes_to_stderr(capsys):
    code, out, err = run(capsys, "romaji", "ショウジ", "タロウ", "--kanji", "東海林 太郎")
    assert (code, out) == (0, "SHOJI TARO\n")
    assert "not confident" in err and "surname" in err


@pytest.mark.parametrize("argv, code_name", [
    (("大野", "タロウ"), "romaji.not_kana"),
    (("オオノ",), "romaji.parts"),
    (("オオノ", "タロウ", "ジロウ"), "romaji.parts"),
    (("オオノ", "タロウ", "--passport", "OHNO"), "romaji.passport_parts"),
    (("オオノ", "タロウ", "--passport", "O'NO TARO"), "romaji.bad_spelling"),
    (("オオノ", "タロウ", "--kanji", "大野太郎"), "romaji.kanji_parts"),
])
def test_bad_input_is_one_line_and_exit_2(capsys, argv, code_name):
    code, out, err = run(capsys, "romaji", *argv)
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and err.startswith(f"mynacard: {code_name}: ")
