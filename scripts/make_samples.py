"""Writes samples/applicants.json and samples/applicants.csv: fictitious holders for the hard cases.

Every person here is invented; My Numbers are random digits completed with a correct check
digit (they are not anybody's number). Run: python scripts/make_samples.py
"""

from __future__ import annotations

import csv
import json
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from cardface.mynumber import complete  # noqa: E402

rng = random.Random(20261126)
card_rng = random.Random(7)  # today's card serials and security codes (its own sequence: numbers unchanged)


def number() -> str:
    return complete("".join(str(rng.randrange(10)) for _ in range(11)))


def card_serial() -> str:
    """A made-up 16-character serial in the shape of today's card's (letters and digits)."""
    return "".join(card_rng.choice("ABCDEFGHJKLMNPRSTUVWXYZ0123456789") for _ in range(16))


# (case, surname, given, surname_kana, given_kana, extra fields)
PEOPLE = [
    ("おお/おう, passport OH", "大野", "太郎", "オオノ", "タロウ",
     {"passport_romaji": "OHNO TARO", "sex": "male", "birth_date": "1985-06-14",
      "photo": "photos/compliant_005.jpg"}),
    ("うう (ゆう), おう", "佐藤", "優子", "サトウ", "ユウコ",
     {"sex": "female", "birth_date": "1992-11-03", "photo": "photos/compliant_010.jpg"}),
    ("final おお written OO", "瀬尾", "健一", "セノオ", "ケンイチ", {"sex": "male", "birth_date": "1978-02-20"}),
    ("final おう dropped; no apostrophe before a vowel", "伊藤", "純一", "イトウ", "ジュンイチ",
     {"sex": "male", "birth_date": "1969-09-09"}),
    ("ん before B; no apostrophe before Y", "難波", "慎也", "ナンバ", "シンヤ",
     {"sex": "male", "birth_date": "2001-04-01"}),
    ("ん before M and P; えい kept", "本間", "三平", "ホンマ", "サンペイ", {"sex": "male", "birth_date": "1958-12-31"}),
    ("っち -> TCH", "発知", "達也", "ホッチ", "タツヤ", {"sex": "male", "birth_date": "1996-07-07"}),
    ("いい kept", "椎名", "新菜", "シイナ", "ニイナ", {"sex": "female", "birth_date": "2004-03-15"}),
    ("えい kept; hiragana readings normalised", "清水", "恵子", "しみず", "けいこ",
     {"sex": "female", "birth_date": "1975-05-05"}),
    ("katakana ー dropped; name registered in katakana", "田中", "ニーナ", "タナカ", "ニーナ",
     {"sex": "female", "birth_date": "1999-08-21"}),
    ("foreign small kana ティ", "林", "ティアラ", "ハヤシ", "ティアラ", {"sex": "female", "birth_date": "2010-01-10"}),
    ("foreign small kana ヴ, ファ", "小松", "ヴィオラ", "コマツ", "ヴィオラ", {"birth_date": "1988-10-10"}),
    ("ファ; half-width readings normalised", "三島", "ファミ", "ﾐｼﾏ", "ﾌｧﾐ", {"sex": "female", "birth_date": "1993-06-30"}),
    ("髙 outside JIS X 0208", "髙橋", "一郎", "タカハシ", "イチロウ", {"sex": "male", "birth_date": "1950-01-15"}),
    ("𠮷 U+20BB7 outside the BMP", "\U00020BB7田", "幸子", "ヨシダ", "サチコ",
     {"sex": "female", "birth_date": "1964-10-10"}),
    ("Ideographic Variation Sequence 葛 + VS17", "葛\U000E0100城", "美咲", "カツラギ", "ミサキ",
     {"sex": "female", "birth_date": "1990-02-28"}),
    ("vowels across a kanji boundary (松浦 MATSUURA)", "松浦", "亮", "マツウラ", "リョウ",
     {"sex": "male", "birth_date": "1982-03-03"}),
    ("very long address", "服部", "一色", "ハットリ", "イッシキ",
     {"sex": "male", "birth_date": "1971-12-12",
      "address": "北海道札幌市中央区北一条西二十一丁目三番地四十五 札幌見本中央ビルディング第二別館北棟十五階"
                 "千五百十一号室 見本商事株式会社北海道支社独身寮西棟気付 見本不動産管理組合理事長 見本花子様方"}),
    ("under 18 at issue (5-year card)", "中村", "陽翔", "ナカムラ", "ハルト",
     {"sex": "male", "birth_date": "2015-08-08"}),
    ("passport OH for おう; 29 February birthday", "加藤", "洋平", "カトウ", "ヨウヘイ",
     {"passport_romaji": "KATOH YOHEI", "sex": "male", "birth_date": "1988-02-29"}),
    ("non-Hepburn passport spelling (documented)", "山田", "譲二", "ヤマダ", "ジョウジ",
     {"passport_romaji": "YAMADA GEORGE", "sex": "male", "birth_date": "1980-07-04"}),
    ("born 昭和元年; sex not given", "工藤", "風花", "クドウ", "フウカ", {"birth_date": "1926-12-28"}),
    ("born 令和元年 (a child)", "一色", "蒼", "イッシキ", "アオイ", {"sex": "male", "birth_date": "2019-05-01"}),
    ("河内和 KOUCHIWA: kanji boundary", "河内和", "順平", "コウチワ", "ジュンペイ", {"sex": "male", "birth_date": "1966-04-18"}),
]

ADDRESSES = [
    "東京都千代田区霞が関一丁目9番99号 見本ハイツ101",
    "大阪府大阪市北区中之島九丁目9番9号",
    "神奈川県横浜市中区日本大通99番地",
    "愛知県名古屋市中区三の丸九丁目9番9号 見本マンション203号室",
    "福岡県福岡市中央区天神九丁目99番9号",
    "沖縄県那覇市泉崎九丁目9番99号",
]
ISSUERS = ["千代田区長", "大阪市長", "横浜市長", "名古屋市長", "福岡市長", "那覇市長"]
ISSUE_DATES = ["2024-03-01", "2025-06-15", "2026-01-20", "2026-10-01"]


def main() -> None:
    holders = []
    for i, (case, sn, gn, sk, gk, extra) in enumerate(PEOPLE):
        h = {
            "surname": sn, "given_name": gn, "surname_kana": sk, "given_name_kana": gk,
            "address": ADDRESSES[i % len(ADDRESSES)],
            "my_number": number(),
            "issue_date": ISSUE_DATES[i % len(ISSUE_DATES)],
            "issuer": ISSUERS[i % len(ISSUERS)],
        }
        h.update(extra)
        h["card_serial"] = card_serial()
        h["security_code"] = f"{card_rng.randrange(10000):04d}"
        h["remarks"] = [] if i % 5 else ["見本 SAMPLE: fictitious holder"]
        order = ["surname", "given_name", "surname_kana", "given_name_kana", "passport_romaji", "address",
                 "birth_date", "sex", "my_number", "issue_date", "issuer", "photo", "remarks", "card_serial",
                 "security_code"]
        h = {k: h[k] for k in order if k in h}
        h["_case"] = case
        holders.append(h)
    # "_case" documents why each holder is here; it is moved into a sidecar so the data stays clean
    cases = [h.pop("_case") for h in holders]
    (ROOT / "samples" / "applicants.json").write_text(
        json.dumps(holders, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    (ROOT / "samples" / "CASES.md").write_text(
        "# What each sample holder exercises\n\nAll holders are fictitious; My Numbers are random digits with a "
        "correct check digit.\n\n| # | case |\n|---|---|\n"
        + "".join(f"| {i} | {c} |\n" for i, c in enumerate(cases, 1)), encoding="utf-8")
    fields = ["surname", "given_name", "surname_kana", "given_name_kana", "passport_romaji", "address",
              "birth_date", "sex", "my_number", "issue_date", "issuer", "remarks", "card_serial", "security_code"]
    with (ROOT / "samples" / "applicants.csv").open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(fields)
        for h in holders[:6]:
            w.writerow(["|".join(h.get(k) or []) if k == "remarks" else h.get(k, "") for k in fields])


if __name__ == "__main__":
    main()
