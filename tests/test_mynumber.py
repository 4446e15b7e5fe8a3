"""My Number: check digit per 総務省令第85号 第5条, normalisation, format, mask, CLI."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cardface import mynumber
from cardface.errors import MyNumberError


@pytest.mark.parametrize(("first11", "digit"), [
    ("12345678901", 8),   # examples from specs/card.md
    ("98765432109", 3),
    ("00000000006", 0),
    ("00000000000", 0),   # sum 0 -> remainder 0 -> 0
    ("00000000001", 9),   # 2 -> 11 - 2
])
def test_check_digit_examples(first11, digit):
    assert mynumber.check_digit(first11) == digit


def _reference(first11: str) -> int:
    """The rule as written in the ordinance: P1 is the rightmost digit, Qn = n+1 (n<=6), n-5 (n>=7)."""
    p = [int(c) for c in reversed(first11)]
    total = sum(p[n - 1] * (n + 1 if n <= 6 else n - 5) for n in range(1, 12))
    r = total % 11
    return 0 if r <= 1 else 11 - r


@given(st.text(alphabet="0123456789", min_size=11, max_size=11))
def test_check_digit_matches_ordinance_wording(first11):
    assert mynumber.check_digit(first11) == _reference(first11)


@given(st.text(alphabet="0123456789", min_size=11, max_size=11), st.integers(1, 9))
def test_any_single_digit_change_of_the_check_digit_is_caught(first11, delta):
    good = mynumber.complete(first11)
    bad = good[:11] + str((int(good[11]) + delta) % 10)
    assert mynumber.is_valid(good)
    assert not mynumber.is_valid(bad)


def test_normalisation_accepts_full_width_spaces_and_hyphens():
    assert mynumber.validate("１２３４ ５６７８ ９０１８") == "123456789018"
    assert mynumber.validate("1234-5678-9018") == "123456789018"
    assert mynumber.validate("1234\u30005678\u20129018") == "123456789018"


@pytest.mark.parametrize(("text", "code"), [
    ("1234567890", "mynumber.length"),
    ("1234567890123", "mynumber.length"),
    ("12345678901a", "mynumber.characters"),
    ("1234.5678.9018", "mynumber.characters"),
    ("123456789019", "mynumber.check_digit"),
    ("", "mynumber.length"),
])
def test_invalid_numbers_have_stable_codes(text, code):
    with pytest.raises(MyNumberError) as e:
        mynumber.validate(text)
    assert e.value.code == code
    assert not mynumber.is_valid(text)


def test_errors_never_repeat_the_number():
    with pytest.raises(MyNumberError) as e:
        mynumber.validate("123456789019")
    assert "123456789019" not in str(e.value)


def test_format_and_mask():
    assert mynumber.format("123456789018") == "1234 5678 9018"
    assert mynumber.mask("123456789018") == "**** **** ****"
    assert mynumber.mask("123456789018", keep=4) == "**** **** 9018"
    with pytest.raises(MyNumberError):
        mynumber.format("123456789019")


@given(st.text(max_size=30))
def test_validate_never_raises_anything_but_mynumber_error(text):
    try:
        mynumber.validate(text)
    except MyNumberError:
        pass


def test_cli_number_check(run_cli):
    ok = run_cli("number", "check", "123456789018", "9876-5432-1093")
    assert ok.exit_code == 0, ok.output
    assert ok.output.count(" ok") == 2
    assert "123456789018" not in ok.output  # masked by default
    bad = run_cli("number", "check", "123456789018", "123456789019")
    assert bad.exit_code == 1
    assert "INVALID  mynumber.check_digit: " in bad.output  # the stable code, as --json gives it
    shown = run_cli("number", "check", "--show-number", "123456789018")
    assert "1234 5678 9018" in shown.output
