"""Properties of passport Hepburn over generated readings and arbitrary text."""

from __future__ import annotations

import re

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from cardface.errors import RomajiError
from cardface.kana import table
from cardface.romaji import (
    check_passport_spelling,
    normalize_kana,
    parse_passport_name,
    passport_variants,
    read_kanji,
    romanize_name,
    to_passport,
)

_T = table()
KATAKANA = sorted(set(_T.mora) | set(_T.small) | set(_T.expand) | {"ー", "ッ"})
HIRAGANA = [chr(ord(c) - 0x60) for c in KATAKANA if 0x30A1 <= ord(c) <= 0x30F6]
EXTRA = ["ゝ", "ゞ", "ヽ", "ヾ", "ｶ", "ﾞ", "ﾟ", "ｰ", "ｯ", "ﾝ", "ﾊ"]
KANA = st.text(alphabet=st.sampled_from(KATAKANA + HIRAGANA + EXTRA), min_size=1, max_size=14)
FAST = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _spelled(kana: str) -> str | None:
    try:
        return to_passport(kana)
    except RomajiError as e:  # what can happen to kana: nothing to write, nothing to repeat, a stray ﾞ
        stray_mark = e.code == "romaji.not_kana" and ("U+3099" in str(e) or "U+309A" in str(e))
        assert e.code in {"romaji.no_letters", "romaji.iteration_mark"} or stray_mark, e.code
        return None


@FAST
@given(KANA)
def test_spelling_is_capital_letters_only(kana):
    spelled = _spelled(kana)
    assume(spelled is not None)
    assert re.fullmatch(r"[A-Z]+", spelled)
    assert "V" not in spelled


@FAST
@given(KANA)
def test_hepburn_checks_as_hepburn(kana):
    spelled = _spelled(kana)
    assume(spelled is not None)
    assert check_passport_spelling(kana, spelled).status == "hepburn"


@FAST
@given(st.text(alphabet=st.sampled_from(KATAKANA + HIRAGANA), min_size=1, max_size=8))
def test_every_variant_is_accepted(kana):
    spelled = _spelled(kana)
    assume(spelled is not None)
    variants = passport_variants(kana)
    assert spelled in variants
    for v in variants:
        check = check_passport_spelling(kana, v)
        assert check.status == ("hepburn" if v == spelled else "variant"), (v, check.reason_en)
        assert check.expected == spelled


@FAST
@given(KANA, st.sampled_from(KATAKANA + HIRAGANA))
def test_normalising_is_idempotent_and_katakana(kana, extra):
    try:
        once = normalize_kana(kana + extra)
    except RomajiError as e:
        assert e.code in {"romaji.iteration_mark", "romaji.not_kana"}, e.code
        return
    assert normalize_kana(once) == once
    assert not re.search(r"[\u3041-\u309f\uff61-\uff9f]", once)


@FAST
@given(st.text(max_size=20), st.text(max_size=20))
def test_never_a_crash_on_arbitrary_text(text, other):
    calls = [
        lambda: normalize_kana(text),
        lambda: to_passport(text),
        lambda: to_passport(text, kanji=other),
        lambda: check_passport_spelling(text, other),
        lambda: check_passport_spelling("おおの", text),
        lambda: parse_passport_name(text),
        lambda: romanize_name(text, other),
        lambda: romanize_name("おおの", "たろう", passport=text),
        lambda: romanize_name("おおの", "たろう", override=text),
        lambda: romanize_name("まつうら", "たろう", surname_kanji=text),
        lambda: to_passport("こうちわ", kanji=text),
        lambda: read_kanji(text),
    ]
    for call in calls:
        try:
            call()
        except RomajiError as e:
            assert e.code.startswith("romaji.")


@FAST
@given(KANA, st.text(alphabet=st.sampled_from(list("ABCDEFGHIJKLMNOPRSTUWYZ")), min_size=1, max_size=12))
def test_any_letters_get_a_status(kana, letters):
    spelled = _spelled(kana)
    assume(spelled is not None)
    check = check_passport_spelling(kana, letters)
    assert check.status in {"hepburn", "variant", "non-hepburn"}
    assert (check.status == "hepburn") == (letters == spelled)
    assert check.reason and check.reason_en
