"""Kanji readings (pykakasi) and the alignment of a reading with its kanji."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from importlib import resources

import pytest

from cardface.errors import RomajiError
from cardface.hepburn import candidate_positions
from cardface.kanji_reading import align, dictionary_readings, read_kanji
from cardface.romaji import passport_spelling, to_passport


@pytest.mark.parametrize("text, reading", [
    ("太郎", "タロウ"), ("大野", "オオノ"), ("大野 太郎", "オオノ タロウ"), ("佐々木", "ササキ"), ("ゆうこ", "ユウコ"),
])
def test_read_kanji_confident(text, reading):
    assert read_kanji(text) == (reading, True)


@pytest.mark.parametrize("text, reading", [
    ("髙橋", "タカハシ"),  # pykakasi reads nothing for 髙 and drops 橋: read as 高
    ("𠮷田", "ヨシダ"),  # U+20BB7, outside the BMP: pykakasi drops it
    ("山﨑", "ヤマザキ"),
    ("陽葵", "ヨウアオイ"),  # read kanji by kanji, with several readings each: a guess
])
def test_read_kanji_not_confident(text, reading):
    assert read_kanji(text) == (reading, False)


def test_read_kanji_ignores_variation_selectors():
    reading, _ = read_kanji("葛\U000E0100城")
    assert reading == read_kanji("葛城")[0] != ""


def test_read_kanji_with_nothing_readable():
    assert read_kanji("John") == ("", False)
    with pytest.raises(RomajiError) as e:
        read_kanji("   ")
    assert e.value.code == "romaji.empty"


def test_variant_table_only_lists_what_pykakasi_cannot_read():
    text = resources.files("cardface").joinpath("data/kanji_variants.toml").read_text(encoding="utf-8")
    for variant, standard in tomllib.loads(text)["read_as"].items():
        assert dictionary_readings(variant) == (), variant
        assert dictionary_readings(standard), standard


def test_pykakasi_is_loaded_lazily():
    code = ("import sys, cardface.romaji as r; r.to_passport('おおの'); r.check_passport_spelling('おおの', 'OHNO'); "
            "print('pykakasi' in sys.modules); r.read_kanji('大野'); print('pykakasi' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert out == ["False", "True"]


def test_pykakasi_is_built_once(monkeypatch):
    import pykakasi

    from cardface import kanji_reading

    read_kanji("大野")
    built = kanji_reading._kakasi()

    def no_second_build():
        raise AssertionError("pykakasi built twice")

    monkeypatch.setattr(pykakasi, "kakasi", no_second_build)
    read_kanji("太郎")
    to_passport("まつうら", kanji="松浦")
    assert kanji_reading._kakasi() is built


@pytest.mark.parametrize("kana, kanji, spelling, confident", [
    ("まつうら", "松浦", "MATSUURA", True),
    ("いのうえ", "井上", "INOUE", True),  # 井 イ + (ノ) + 上 ウエ
    ("こうちわ", "河内和", "KOUCHIWA", False),  # 河 コウ shortened to コ
    ("さとう", "佐藤", "SATO", True),
    ("くどう", "工藤", "KUDO", True),
    ("ゆうこ", "優子", "YUKO", True),
    ("おおおか", "大岡", "OOKA", True),
    ("しょうじ", "東海林", "SHOJI", False),  # no per-kanji reading fits: kana-only rule
    ("ゆうき", "ゆう樹", "YUKI", True),  # kana in the kanji field match themselves
    ("まつうら", "マツウラ", "MATSURA", True),  # kana only: no kanji boundary to see
    ("やまざき", "山崎", "YAMAZAKI", True),
    ("いっしき", "一色", "ISSHIKI", True),
])
def test_alignment(kana, kanji, spelling, confident):
    result = passport_spelling(kana, kanji=kanji)
    assert (result.text, result.confident) == (spelling, confident)


def test_align_reports_the_boundary():
    assert align("マツウラ", "松浦", candidate_positions("マツウラ")).boundaries == {2}
    assert align("サトウ", "佐藤", candidate_positions("サトウ")).boundaries == frozenset()
    assert align("タカハシ", "高橋", []).confident  # nothing to decide


def test_unalignable_kanji_fall_back_to_kana():
    result = passport_spelling("ゆうこ", kanji="ABC")
    assert result.text == "YUKO" and not result.confident
    result = passport_spelling("ゆうこ", kanji="優子太郎花")  # more kanji than morae
    assert result.text == "YUKO" and not result.confident


def test_kanji_part_count_must_match():
    with pytest.raises(RomajiError) as e:
        to_passport("まつうら", kanji="松 浦")
    assert e.value.code == "romaji.kanji_parts"
    assert to_passport("まつうら", kanji="  ") == "MATSURA"  # blank kanji: as if absent
