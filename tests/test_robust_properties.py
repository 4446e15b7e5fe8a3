"""Property tests (hypothesis) that extend tests/test_holder.py, test_romaji_properties.py and
test_mynumber.py with what a hostile or careless input can do:

- holder model: whatever subset of fields is bad, the one error lists exactly those fields,
  and never repeats a value; JSON and CSV of the same records load the same holders;
- My Number: any spelling a person may type (spaces, hyphens, full-width) is the same number,
  no other look-alike digit is accepted, masking shows only the kept digits, and no error
  message repeats four digits of its input;
- romanization: the script of a reading (hiragana, katakana, half-width) never changes the
  spelling, and any text gives capital letters or a ``romaji.*`` error, in bounded time.
"""

from __future__ import annotations

import csv
import io
import json
import re
import time
import unicodedata

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from cardface import mynumber
from cardface.errors import HolderError, MyNumberError, RomajiError
from cardface.holder import FIELDS, Holder, load_holders
from cardface.kana import table
from cardface.romaji import romanize_name, to_passport
from tests.robust_support import sample_records

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _good() -> dict:
    return {k: v for k, v in sample_records()[0].items() if k != "photo"}


# -- holder model ----------------------------------------------------------------------------

CONTROL = st.sampled_from(["\x00", "\x07", "\n", "\u202e", "\u200f", "\u2028", "\ufeff", "\u200b"])


def _with(ch: str, text: str) -> str:
    return text[:1] + ch + text[1:]


# per field: values that must be refused (each drawn value is personal-looking but wrong)
BAD_VALUES = {
    "surname": st.one_of(CONTROL.map(lambda c: _with(c, "大野")), st.just("大" * 41), st.integers(),
                         st.just("   ")),
    "given_name": st.one_of(CONTROL.map(lambda c: _with(c, "太郎")), st.just("郎" * 41), st.lists(st.text())),
    "surname_kana": st.one_of(st.sampled_from(["OHNO", "大野", "オオノ1"]), CONTROL.map(lambda c: _with(c, "オオノ"))),
    "given_name_kana": st.one_of(st.sampled_from(["TARO", "太郎"]), CONTROL.map(lambda c: _with(c, "タロウ"))),
    "address": st.one_of(st.just("東" * 201), CONTROL.map(lambda c: _with(c, "東京都千代田区")), st.integers()),
    "birth_date": st.sampled_from(["2001-02-29", "1985-13-01", "1985-06-31", "19850614", "June 1985", "0000-00-00"]),
    "my_number": st.one_of(
        st.text("0123456789", min_size=11, max_size=11).map(
            lambda d: d + str((mynumber.check_digit(d) + 1) % 10)),
        st.sampled_from(["77091453416", "7709145341600", "7709-1453-416O", "⑦70914534160"]),
        st.integers(0, 10**12)),
    "sex": st.sampled_from(["m", "other", "男", "1"]),
    "issue_date": st.sampled_from(["2024-02-30", "2024/03/01", "yesterday"]),
    "issuer": st.one_of(st.just("区" * 41), CONTROL.map(lambda c: _with(c, "千代田区長"))),
}


@SETTINGS
@given(st.data())
def test_the_error_lists_exactly_the_bad_fields(data):
    bad = data.draw(st.sets(st.sampled_from(sorted(BAD_VALUES)), min_size=1))
    record = _good()
    for field in bad:
        record[field] = data.draw(BAD_VALUES[field], label=field)
    with pytest.raises(HolderError) as e:
        Holder.from_dict(record)
    assert {p.field for p in e.value.problems} == bad
    text = str(e.value) + json.dumps(e.value.to_dict(), ensure_ascii=False)
    for field in bad:  # the bad values themselves are never repeated
        value = record[field]
        if isinstance(value, str) and len(value.strip()) >= 4:
            assert value not in text and value.strip() not in text, field
    assert not re.search(r"\d{4}\D?\d{4}\D?\d{4}", text)


_CSV_SAFE = st.text(st.sampled_from(list("東京都千代田区霞が関一丁目,\"' 見本ハイツ101-（）")), min_size=1, max_size=40)


@SETTINGS
@given(st.lists(st.integers(0, 23), min_size=1, max_size=6), st.lists(_CSV_SAFE, min_size=6, max_size=6))
def test_json_and_csv_of_the_same_records_load_the_same_holders(tmp_path_factory, picks, addresses):
    records = []
    for i, k in enumerate(picks):
        r = {key: v for key, v in sample_records()[k].items() if key != "photo"}
        r["address"] = addresses[i].strip() or "東京都"  # commas and quotes need CSV quoting
        records.append(r)
    folder = tmp_path_factory.mktemp("twin")
    (folder / "h.json").write_text(json.dumps(records, ensure_ascii=False), encoding="utf-8")
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(FIELDS)
    for r in records:
        w.writerow(["|".join(r.get(f) or []) if f == "remarks" else r.get(f, "") or "" for f in FIELDS])
    (folder / "h.csv").write_text(buf.getvalue(), encoding="utf-8")
    from_json = [h.model_dump() for h in load_holders(folder / "h.json")]
    from_csv = [h.model_dump() for h in load_holders(folder / "h.csv")]
    assert from_json == from_csv


# -- My Number -------------------------------------------------------------------------------

ELEVEN = st.text("0123456789", min_size=11, max_size=11)
FULL_WIDTH = {str(i): chr(0xFF10 + i) for i in range(10)}
SEPARATORS = ["", " ", "-", "\u3000", "－", "‐", "ー"]


@SETTINGS
@given(ELEVEN, st.lists(st.sampled_from(SEPARATORS), min_size=13, max_size=13), st.lists(st.booleans(), min_size=12,
                                                                                         max_size=12))
def test_any_way_of_typing_the_number_is_the_same_number(first11, seps, wide):
    number = mynumber.complete(first11)
    typed = seps[0] + "".join((FULL_WIDTH[c] if w else c) + s for c, w, s in zip(number, wide, seps[1:], strict=True))
    assert mynumber.validate(typed) == number
    assert mynumber.validate(mynumber.format(number)) == number
    assert mynumber.validate(mynumber.format(number, sep="-")) == number


LOOK_ALIKES = st.characters(exclude_characters="0123456789０１２３４５６７８９ \t\u3000-\u2010\u2011\u2012\u2013"
                                               "\u2014\u2015\u2212\uff0d\u30fc")


@SETTINGS
@given(ELEVEN, LOOK_ALIKES, st.integers(0, 11))
def test_no_other_character_counts_as_a_digit_or_a_separator(first11, ch, at):
    number = mynumber.complete(first11)
    with pytest.raises(MyNumberError) as e:
        mynumber.validate(number[:at] + ch + number[at + 1:])  # a digit replaced (①, ², 𝟕, ٧, O ...)
    assert e.value.code == "mynumber.characters"
    with pytest.raises(MyNumberError):
        mynumber.validate(number[:at] + ch + number[at:])  # or added


@SETTINGS
@given(st.text("0123456789", min_size=12, max_size=12), st.integers(0, 4))
def test_mask_shows_only_the_kept_digits(number, keep):
    masked = mynumber.mask(number, keep=keep)
    assert re.sub(r"\D", "", masked) == (number[12 - keep:] if keep else "")
    assert len(masked.replace(" ", "")) == 12


@SETTINGS
@given(st.text(st.sampled_from("0123456789０１２３ -ａbc①\u3000"), max_size=30))
def test_number_errors_never_repeat_four_digits_of_the_input(text):
    try:
        mynumber.validate(text)
    except MyNumberError as e:
        message = re.sub(r"U\+[0-9A-F]{4,6}", "", str(e))  # a code point names a character, not digits
        assert not re.search(r"\d{4}", message), str(e)


# -- romanization ----------------------------------------------------------------------------

_T = table()
KATAKANA = sorted(c for c in set(_T.mora) | set(_T.small) | {"ー", "ッ", "ン"} if len(c) == 1)


def _half_width_map() -> dict[str, str]:
    out = {}
    for cp in range(0xFF66, 0xFF9E):
        half = chr(cp)
        out.setdefault(unicodedata.normalize("NFKC", half), half)
    for full in KATAKANA:  # voiced and semi-voiced: base + ﾞ or ﾟ
        decomposed = unicodedata.normalize("NFD", full)
        if len(decomposed) == 2 and decomposed[0] in out:
            out.setdefault(full, out[decomposed[0]] + {"\u3099": "ﾞ", "\u309a": "ﾟ"}[decomposed[1]])
    return out


HALF = _half_width_map()
READING = st.text(st.sampled_from(KATAKANA), min_size=1, max_size=12)


def _spelling(kana: str) -> str | RomajiError:
    try:
        return to_passport(kana)
    except RomajiError as e:
        return e


@SETTINGS
@given(READING)
def test_the_script_of_the_reading_does_not_change_the_spelling(kana):
    hira = "".join(chr(ord(c) - 0x60) if 0x30A1 <= ord(c) <= 0x30F6 else c for c in kana)
    assume(all(c in HALF for c in kana))
    half = "".join(HALF[c] for c in kana)
    expected = _spelling(kana)
    for variant in (hira, half):
        got = _spelling(variant)
        if isinstance(expected, RomajiError):
            assert isinstance(got, RomajiError) and got.code == expected.code, (variant, got)
        else:
            assert got == expected, (kana, variant)


@SETTINGS
@given(st.text(max_size=300), st.text(max_size=300))
def test_any_name_text_gives_capitals_or_a_romaji_error_quickly(surname, given):
    t = time.perf_counter()
    try:
        name = romanize_name(surname, given)
    except RomajiError as e:
        assert e.code.startswith("romaji.")
    else:
        assert re.fullmatch(r"[A-Z][A-Z '\-]*", name.text), name.text
    assert time.perf_counter() - t < 1.0
