"""Passport Hepburn: every row of the dev pairs, and every rule of specs/romaji.md."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest

from cardface.errors import RomajiError
from cardface.romaji import (
    RomanizedName,
    SpellingCheck,
    check_passport_spelling,
    normalize_kana,
    parse_passport_name,
    passport_spelling,
    passport_variants,
    romanize_name,
    to_passport,
)

PAIRS = Path(__file__).parent / "data" / "passport_pairs.dev.tsv"


def _rows() -> list[dict]:
    with PAIRS.open(encoding="utf-8") as f:
        return list(csv.DictReader(f, delimiter="\t"))


ROWS = _rows()


def _kanji_of(rule: str) -> str | None:
    """Rows that need the kanji name them in the rule column: "NOT long (松+浦)"."""
    m = re.search(r"\((\S+?)\+(\S+?)\)", rule)
    return m.group(1) + m.group(2) if m else None


def _expected_status(alternative: str, rule: str) -> str:
    """Long-vowel alternatives (rule about long ou/oo/uu) and the MOFA table's "(or BO)" are
    variants; spellings the rule calls non-Hepburn, and alternatives in rows about anything
    else (foreign spellings such as PETERSON, JESSICA), are non-hepburn."""
    if re.search(rf"\b{re.escape(alternative)}\b[^;]*only as non-Hepburn", rule):
        return "non-hepburn"
    if re.search(r"\blong\b|\b(?:ou|oo|uu) omitted", rule) or "(or " in rule:
        return "variant"
    return "non-hepburn"


def _id(row: dict) -> str:
    return row["kana"]


def test_the_dev_pairs_are_all_here():
    assert len(ROWS) >= 70
    assert all(row["kana"] and row["passport"] for row in ROWS)


@pytest.mark.parametrize("row", ROWS, ids=_id)
def test_dev_pair_spelling(row):
    kanji = _kanji_of(row["rule"])
    assert to_passport(row["kana"], kanji=kanji) == row["passport"]
    assert check_passport_spelling(row["kana"], row["passport"], kanji=kanji).status == "hepburn"


@pytest.mark.parametrize("row", [r for r in ROWS if r["alternatives"]], ids=_id)
def test_dev_pair_alternatives(row):
    kanji = _kanji_of(row["rule"])
    variants = passport_variants(row["kana"], kanji=kanji)
    for alternative in row["alternatives"].split("|"):
        expected = _expected_status(alternative, row["rule"])
        check = check_passport_spelling(row["kana"], alternative, kanji=kanji)
        assert check.status == expected, (alternative, check.reason_en)
        assert (alternative in variants) == (expected == "variant")


@pytest.mark.parametrize("row", [r for r in ROWS if _kanji_of(r["rule"])], ids=_id)
def test_rows_that_need_kanji_are_long_vowels_from_kana_alone(row):
    """Kana alone cannot see the kanji boundary: the kana-only spelling merges the vowels, and
    the passport's spelling then checks as a long-vowel variant that names the kanji case."""
    alone = to_passport(row["kana"])
    assert alone != row["passport"] and len(alone) == len(row["passport"]) - 1
    check = check_passport_spelling(row["kana"], row["passport"])
    assert check.status == "variant"
    assert "kanji" in check.reason_en and "漢字" in check.reason


def test_multi_part_row_through_romanize_name():
    name = romanize_name("せのお", "ゆうこ", passport="SENOO YUUKO")
    assert name.text == "SENOO YUUKO"
    assert [p.status for p in name.parts] == ["hepburn", "variant"]
    assert romanize_name("はっとり", "じゅんいち").text == "HATTORI JUNICHI"


# ---------------------------------------------------------------- letters


@pytest.mark.parametrize("kana, letters", [
    ("し", "SHI"), ("ち", "CHI"), ("つ", "TSU"), ("ふ", "FU"), ("じ", "JI"), ("ぢ", "JI"),
    ("ず", "ZU"), ("づ", "ZU"), ("ゐ", "I"), ("ゑ", "E"), ("を", "O"), ("か", "KA"), ("ん", "N"),
    ("ら", "RA"), ("わ", "WA"), ("ぱ", "PA"),
])
def test_table_letters(kana, letters):
    assert to_passport(kana) == letters


YOON = {
    "きゃ": "KYA", "きゅ": "KYU", "きょ": "KYO", "ぎゃ": "GYA", "ぎゅ": "GYU", "ぎょ": "GYO",
    "しゃ": "SHA", "しゅ": "SHU", "しょ": "SHO", "じゃ": "JA", "じゅ": "JU", "じょ": "JO",
    "ちゃ": "CHA", "ちゅ": "CHU", "ちょ": "CHO", "ぢゃ": "JA", "ぢゅ": "JU", "ぢょ": "JO",
    "にゃ": "NYA", "にゅ": "NYU", "にょ": "NYO", "ひゃ": "HYA", "ひゅ": "HYU", "ひょ": "HYO",
    "びゃ": "BYA", "びゅ": "BYU", "びょ": "BYO", "ぴゃ": "PYA", "ぴゅ": "PYU", "ぴょ": "PYO",
    "みゃ": "MYA", "みゅ": "MYU", "みょ": "MYO", "りゃ": "RYA", "りゅ": "RYU", "りょ": "RYO",
}


@pytest.mark.parametrize("kana, letters", YOON.items())
def test_contracted_sounds(kana, letters):
    assert to_passport(kana) == letters


@pytest.mark.parametrize("kana, spelling", [
    ("なんば", "NAMBA"), ("ほんま", "HOMMA"), ("さんぺい", "SAMPEI"), ("じゅんいち", "JUNICHI"),
    ("しんや", "SHINYA"), ("けん", "KEN"), ("はんだ", "HANDA"), ("しんご", "SHINGO"),
    ("しんいち", "SHINICHI"), ("じゅんぺい", "JUMPEI"),
])
def test_moraic_n(kana, spelling):
    assert to_passport(kana) == spelling
    assert "'" not in spelling


@pytest.mark.parametrize("kana, spelling", [
    ("はっとり", "HATTORI"), ("いっしき", "ISSHIKI"), ("ほっち", "HOTCHI"), ("はっちょう", "HATCHO"),
    ("みっつ", "MITTSU"), ("べっぷ", "BEPPU"), ("きっかわ", "KIKKAWA"), ("えっじ", "EJJI"),
    ("あっ", "A"), ("あっい", "AI"),
])
def test_sokuon(kana, spelling):
    """っ doubles the next consonant, T before CH; with no consonant after it, nothing."""
    assert to_passport(kana) == spelling


@pytest.mark.parametrize("kana, spelling", [
    ("さとう", "SATO"), ("おおの", "ONO"), ("ゆうこ", "YUKO"), ("りょうこ", "RYOKO"),
    ("ひゅうが", "HYUGA"), ("こおり", "KORI"), ("おうぎ", "OGI"), ("とうごう", "TOGO"),
    ("しゅうへい", "SHUHEI"), ("ゆうう", "YUU"),
])
def test_long_vowels_not_written(kana, spelling):
    assert to_passport(kana) == spelling


@pytest.mark.parametrize("kana, spelling", [
    ("せのお", "SENOO"), ("よこお", "YOKOO"), ("たかとお", "TAKATOO"), ("いとう", "ITO"),
    ("がもう", "GAMO"), ("あおお", "AOO"),
])
def test_final_oo_written_final_ou_dropped(kana, spelling):
    assert to_passport(kana) == spelling


@pytest.mark.parametrize("kana, spelling", [
    ("にいな", "NIINA"), ("しいな", "SHIINA"), ("けいこ", "KEIKO"), ("せいじ", "SEIJI"),
    ("さあや", "SAAYA"), ("しう", "SHIU"), ("ゆい", "YUI"), ("あおい", "AOI"), ("うお", "UO"),
])
def test_other_vowel_pairs_kept(kana, spelling):
    """Only O+お/う and U+う merge; いい, えい, ああ, いう, うお ... are written."""
    assert to_passport(kana) == spelling


@pytest.mark.parametrize("kana, spelling", [("ニーナ", "NINA"), ("サリー", "SARI"), ("ヨーコ", "YOKO")])
def test_prolonged_mark_dropped(kana, spelling):
    assert to_passport(kana) == spelling
    assert passport_variants(kana) == {spelling}


@pytest.mark.parametrize("kana, kanji, with_kanji, kana_only", [
    ("まつうら", "松浦", "MATSUURA", "MATSURA"),
    ("こうちわ", "河内和", "KOUCHIWA", "KOCHIWA"),
    ("いのうえ", "井上", "INOUE", "INOE"),
    ("おおうち", "大内", "OUCHI", "OUCHI"),
    ("さとう", "佐藤", "SATO", "SATO"),
    ("おおの", "大野", "ONO", "ONO"),
])
def test_vowels_across_a_kanji_boundary(kana, kanji, with_kanji, kana_only):
    assert to_passport(kana, kanji=kanji) == with_kanji
    assert to_passport(kana) == kana_only


MOFA_FOREIGN = {
    "ジェ": "JIE", "チェ": "CHIE", "シェ": "SHIE", "ティ": "TEI", "ディ": "DEI", "デュ": "DEYU",
    "ドゥ": "DOU", "ファ": "FUA", "フィ": "FUI", "フェ": "FUE", "フォ": "FUO", "フョ": "FUYO",
    "ウィ": "UI", "ウェ": "UE", "ウォ": "UO", "イェ": "IE", "クァ": "KUA", "グァ": "GUA",
    "ツァ": "TSUA", "ニィ": "NII", "ニェ": "NIE", "ヴ": "BU", "ヴァ": "BUA", "ヴィ": "BUI",
    "ヴェ": "BUE", "ヴォ": "BUO",
}


@pytest.mark.parametrize("kana, spelling", MOFA_FOREIGN.items())
def test_foreign_style_kana(kana, spelling):
    assert to_passport(kana) == spelling
    assert "V" not in "".join(passport_variants(kana))


@pytest.mark.parametrize("kana, short", [("ヴァ", "BA"), ("ヴィ", "BI"), ("ヴェ", "BE"), ("ヴォ", "BO")])
def test_vu_with_small_vowel_may_drop_the_u(kana, short):
    assert passport_variants(kana) == {"BU" + short[1], short}
    assert check_passport_spelling(kana, short).status == "variant"
    assert check_passport_spelling(kana, "V" + short[1]).status == "non-hepburn"


@pytest.mark.parametrize("kana, spelling", [
    ("ァ", "A"), ("テォ", "TEO"), ("クヮ", "KUWA"), ("ヵ", "KA"), ("ヶ", "KE"), ("ゕ", "KA"),
    ("イャ", "IYA"), ("ヷ", "BUA"), ("ヺ", "BUO"),
])
def test_small_kana(kana, spelling):
    assert to_passport(kana) == spelling


@pytest.mark.parametrize("kana, spelling", [
    ("さゝき", "SASAKI"), ("みすゞ", "MISUZU"), ("サヽキ", "SASAKI"), ("イスヾ", "ISUZU"),
    ("ぶゝ", "BUFU"), ("ウヾ", "UBU"),
])
def test_iteration_marks(kana, spelling):
    assert to_passport(kana) == spelling


def test_iteration_mark_with_nothing_to_repeat():
    with pytest.raises(RomajiError) as e:
        to_passport("ゝさ")
    assert e.value.code == "romaji.iteration_mark"


# ---------------------------------------------------------------- normalisation


@pytest.mark.parametrize("given, katakana", [
    ("おおの", "オオノ"), ("ｵｵﾉ", "オオノ"), ("ﾀﾞｲｽｹ", "ダイスケ"), ("ﾊﾟﾝ", "パン"), ("ﾆｰﾅ", "ニーナ"),
    ("  おおの　 たろう ", "オオノ タロウ"), ("ゔぁ", "ヴァ"), ("か\u3099", "ガ"), ("か゛", "ガ"), ("ゟ", "ヨリ"),
])
def test_normalize_kana(given, katakana):
    assert normalize_kana(given) == katakana


@pytest.mark.parametrize("given, codepoint", [
    ("大野", "U+5927"), ("ono", "U+006F"), ("ジョン・スミス", "U+30FB"), ("ニ－ナ", "U+FF0D"), ("オオノ1", "U+0031"),
])
def test_not_kana_names_the_character(given, codepoint):
    with pytest.raises(RomajiError) as e:
        normalize_kana(given)
    assert e.value.code == "romaji.not_kana"
    assert codepoint in str(e.value)
    assert given not in str(e.value)  # the reading itself is never in a message


@pytest.mark.parametrize("given", ["", "   ", "\u3000"])
def test_empty_reading(given):
    with pytest.raises(RomajiError) as e:
        to_passport(given)
    assert e.value.code == "romaji.empty"


def test_reading_with_no_letters():
    with pytest.raises(RomajiError) as e:
        to_passport("ッー")
    assert e.value.code == "romaji.no_letters"


def test_too_long_reading():
    with pytest.raises(RomajiError) as e:
        to_passport("ア" * 101)
    assert e.value.code == "romaji.too_long"


def test_parts_are_romanized_separately():
    assert to_passport("せのお ゆうこ") == "SENOO YUKO"
    assert to_passport("いとう　おうた") == "ITO OTA"


# ---------------------------------------------------------------- variants


@pytest.mark.parametrize("kana, expected", [
    ("おおの", {"ONO", "OHNO", "OONO"}),
    ("さいとう", {"SAITO", "SAITOH", "SAITOU"}),
    ("ゆうこ", {"YUKO", "YUUKO"}),
    ("せのお", {"SENOO"}),
    ("けいこ", {"KEIKO"}),
    ("おおおか", {"OOKA", "OHOKA", "OOOKA"}),
    ("おおこうち", {"OKOCHI", "OHKOCHI", "OOKOCHI", "OKOHCHI", "OKOUCHI", "OHKOHCHI", "OHKOUCHI",
                   "OOKOHCHI", "OOKOUCHI"}),
    ("せのお ゆうこ", {"SENOO YUKO", "SENOO YUUKO"}),
])
def test_passport_variants(kana, expected):
    assert passport_variants(kana) == expected


def test_variants_follow_the_kanji():
    assert passport_variants("まつうら", kanji="松浦") == {"MATSUURA"}
    assert passport_variants("まつうら") == {"MATSURA", "MATSUURA"}


def test_too_many_variants_is_an_error_not_a_hang():
    with pytest.raises(RomajiError) as e:
        passport_variants("コウ" * 20)
    assert e.value.code == "romaji.too_many_variants"


# ---------------------------------------------------------------- checking a spelling


def test_check_result_shape():
    check = check_passport_spelling("おおの", " ohno ")
    assert isinstance(check, SpellingCheck)
    assert (check.kana, check.spelling, check.status, check.expected) == ("オオノ", "OHNO", "variant", "ONO")
    assert "OH" in check.reason_en and "OH" in check.reason
    assert set(check.to_dict()) >= {"kana", "spelling", "status", "expected", "reason", "reason_en"}
    with pytest.raises(AttributeError):
        check.status = "hepburn"  # frozen


@pytest.mark.parametrize("kana, spelling, fragment_en, fragment_ja", [
    ("しまだ", "SIMADA", "S[-H]IMADA", "訓令式"),
    ("つよし", "TUYOSI", "kunrei", "訓令式"),
    ("じょうじ", "GEORGE", "foreign spelling or a typo", "外国式"),
    ("すみす", "SMITH", "foreign spelling or a typo", "外国式"),
    ("なんば", "NANBA", "NA[M→N]BA", "M と書きます"),
    ("さとう", "SATOO", "SATO[+O]", "長音"),
    ("ゆうこ", "YUHKO", "YU[+H]KO", "長音"),
    ("せのお", "SENOH", "final", "語末"),
    ("にいな", "NINA", "both vowels", "省略しません"),
    ("ヴィクトル", "VIKUTORU", "letter V", "V は使いません"),
    ("はっちょう", "HACCHO", "TCH", "T と書きます"),
    ("しょうた", "SHOTAA", "SHOTA[+A]", "外国式"),
])
def test_non_hepburn_reasons_say_what_differs(kana, spelling, fragment_en, fragment_ja):
    check = check_passport_spelling(kana, spelling)
    assert check.status == "non-hepburn"
    assert fragment_en in check.reason_en
    assert fragment_ja in check.reason
    assert "documents" in check.reason_en and "書類" in check.reason


def test_kanji_boundary_reason():
    check = check_passport_spelling("まつうら", "MATSURA", kanji="松浦")
    assert check.status == "non-hepburn" and check.expected == "MATSUURA"
    assert "new kanji" in check.reason_en


def test_part_count_mismatch():
    check = check_passport_spelling("せのお ゆうこ", "SENOO")
    assert check.status == "non-hepburn"
    assert "2" in check.reason_en


@pytest.mark.parametrize("spelling", ["JUN'ICHI", "ONO1", "", "-ONO", "O--NO", "ÖNO"])
def test_bad_spelling_is_an_error(spelling):
    with pytest.raises(RomajiError) as e:
        check_passport_spelling("おの", spelling)
    assert e.value.code == "romaji.bad_spelling"


# ---------------------------------------------------------------- passport names


@pytest.mark.parametrize("given, parts", [
    ("OHNO TARO", ("OHNO", "TARO")), ("  ohno   taro ", ("OHNO", "TARO")),
    ("ＯＨＮＯ　ＴＡＲＯ", ("OHNO", "TARO")), ("SMITH-ONO ANNA", ("SMITH-ONO", "ANNA")),
])
def test_parse_passport_name(given, parts):
    assert parse_passport_name(given) == parts


@pytest.mark.parametrize("given, code", [
    ("OHNO", "romaji.passport_parts"), ("OHNO TARO JIRO", "romaji.passport_parts"),
    ("O'HARA TARO", "romaji.bad_spelling"), ("大野 太郎", "romaji.bad_spelling"), ("", "romaji.bad_spelling"),
])
def test_bad_passport_name(given, code):
    with pytest.raises(RomajiError) as e:
        parse_passport_name(given)
    assert e.value.code == code


# ---------------------------------------------------------------- the name on the card


def test_romanize_from_the_readings():
    name = romanize_name("おおの", "たろう")
    assert isinstance(name, RomanizedName)
    assert name.text == "ONO TARO" and name.source == "reading" and name.ok
    assert [(p.part, p.kana, p.spelling, p.status) for p in name.parts] == [
        ("surname", "オオノ", "ONO", "hepburn"), ("given_name", "タロウ", "TARO", "hepburn")]
    d = name.to_dict()
    assert d["text"] == "ONO TARO" and d["ok"] is True and len(d["parts"]) == 2
    assert set(d["parts"][0]) >= {"part", "kana", "spelling", "status", "expected", "reason", "reason_en"}


def test_romanize_with_a_passport_prints_the_passport():
    name = romanize_name("じょうじ", "たろう", passport="george taro")
    assert name.text == "GEORGE TARO" and name.source == "passport"
    assert [p.status for p in name.parts] == ["non-hepburn", "hepburn"]
    assert name.parts[0].expected == "JOJI"
    assert not name.ok


def test_romanize_with_an_override():
    name = romanize_name("おおの", "たろう", override="ohno  taro-jiro")
    assert name.text == "OHNO TARO-JIRO" and name.source == "override" and name.ok
    assert [p.status for p in name.parts] == ["override", "override"]
    assert [p.expected for p in name.parts] == ["ONO", "TARO"]
    with pytest.raises(RomajiError) as e:
        romanize_name("おおの", "たろう", override="Ōno Tarō")
    assert e.value.code == "romaji.bad_spelling"


def test_romanize_uses_the_kanji():
    name = romanize_name("まつうら", "こうちわ", surname_kanji="松浦", given_name_kanji="河内和")
    assert name.text == "MATSUURA KOUCHIWA"
    assert name.parts[0].confident  # 松 マツ + 浦 ウラ are dictionary readings
    assert not name.parts[1].confident  # 河 is read コ here: a shortened reading


@pytest.mark.parametrize("surname, given, code", [
    ("おおの たろう", "たろう", "romaji.parts"), ("", "たろう", "romaji.empty"), ("おおの", "太郎", "romaji.not_kana"),
])
def test_romanize_bad_readings(surname, given, code):
    with pytest.raises(RomajiError) as e:
        romanize_name(surname, given)
    assert e.value.code == code


def test_passport_spelling_reports_how_it_decided():
    assert passport_spelling("おおの").basis == "kana"
    aligned = passport_spelling("しょうじ", kanji="東海林")  # jukujikun: no per-kanji reading fits
    assert aligned.text == "SHOJI" and not aligned.confident and aligned.basis == "kanji"
