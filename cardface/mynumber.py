"""The My Number (個人番号): check digit, validation, display format and masking.

The check digit follows 総務省令第85号 第5条: with the first eleven digits P1..P11 counted
from the right, ``check = 11 - (sum(Pn * Qn) mod 11)`` with ``Qn = n + 1`` for n <= 6 and
``n - 5`` for n >= 7; when ``sum mod 11 <= 1`` the check digit is 0. Equivalently the
weights 6 5 4 3 2 7 6 5 4 3 2 apply to the eleven digits from the left.

Input may carry full-width digits, spaces (ASCII or ideographic) and hyphens of any kind;
anything else is a :class:`~cardface.errors.MyNumberError`. Error messages never repeat the
number itself.
"""

from __future__ import annotations

import numbers

from cardface.errors import ArgumentError, MyNumberError

LENGTH = 12
#: How many of the last digits :func:`mask` may leave visible, at most.
MAX_KEEP = 4
_WEIGHTS_FROM_LEFT = (6, 5, 4, 3, 2, 7, 6, 5, 4, 3, 2)
_SEPARATORS = frozenset(" \t\u3000-\u2010\u2011\u2012\u2013\u2014\u2015\u2212\uff0d\u30fc")


def normalize(s: str, *, length: int = LENGTH) -> str:
    """Return the ASCII digits of ``s`` (full-width digits folded, separators dropped).

    Raises :class:`MyNumberError` for any other character or a wrong number of digits.
    """
    if not isinstance(s, str):
        raise MyNumberError(f"a My Number must be text, not {type(s).__name__}", code="mynumber.type")
    digits = []
    for ch in s:
        if ch in _SEPARATORS:
            continue
        if "0" <= ch <= "9":
            digits.append(ch)
        elif "\uff10" <= ch <= "\uff19":  # full-width digits only: NFKC would also fold ①, ², 𝟕 ...
            digits.append(chr(ord(ch) - 0xFF10 + ord("0")))
        else:
            raise MyNumberError(
                f"a My Number may hold only digits, spaces and hyphens; found U+{ord(ch):04X}",
                code="mynumber.characters",
            )
    if len(digits) != length:
        raise MyNumberError(f"a My Number has {length} digits, this has {len(digits)}", code="mynumber.length")
    return "".join(digits)


def check_digit(first11: str) -> int:
    """The check digit (0-9) for the first eleven digits of a My Number."""
    d = normalize(first11, length=11)
    total = sum(int(c) * w for c, w in zip(d, _WEIGHTS_FROM_LEFT, strict=True))
    r = total % 11
    return 0 if r <= 1 else 11 - r


def validate(s: str) -> str:
    """Return the normalised 12 digits, or raise :class:`MyNumberError` (code ``mynumber.check_digit``)."""
    d = normalize(s)
    if check_digit(d[:11]) != int(d[11]):
        raise MyNumberError("the check digit (the 12th digit) does not match the first eleven",
                            code="mynumber.check_digit")
    return d


def is_valid(s: str) -> bool:
    """True when ``s`` is twelve digits (after normalisation) with a correct check digit."""
    try:
        validate(s)
    except MyNumberError:
        return False
    return True


def format(s: str, sep: str = " ") -> str:
    """``123456789018`` -> ``1234 5678 9018`` (validated first)."""
    d = validate(s)
    _check_sep(sep)
    return sep.join((d[0:4], d[4:8], d[8:12]))


def _check_sep(sep: str) -> None:
    if not isinstance(sep, str):
        raise ArgumentError(f"sep must be text, not {type(sep).__name__}")


def mask(s: str, *, keep: int = 0, char: str = "*", sep: str = " ") -> str:
    """The number grouped 4-4-4 with every digit but the last ``keep`` replaced by ``char``.

    ``mask("123456789018")`` -> ``**** **** ****``; ``keep=4`` -> ``**** **** 9018``.
    The input is normalised but not required to be valid, so a bad number can still be hidden.
    ``keep`` outside 0-4, a ``char`` that is not one character or a ``sep`` that is not text is
    an :class:`~cardface.errors.ArgumentError` (``argument.invalid``).
    """
    d = normalize(s)
    if isinstance(keep, bool) or not isinstance(keep, numbers.Integral) or not 0 <= keep <= MAX_KEEP:
        raise ArgumentError(f"keep must be a whole number from 0 to {MAX_KEEP}, not {keep!r:.20}")
    if not isinstance(char, str) or len(char) != 1:
        raise ArgumentError(f"char must be one character, not {char!r:.20}")
    _check_sep(sep)
    shown = char * (LENGTH - keep) + (d[LENGTH - keep:] if keep else "")
    return sep.join((shown[0:4], shown[4:8], shown[8:12]))


def complete(first11: str) -> str:
    """The twelve-digit number made of ``first11`` and its check digit (for fictitious samples)."""
    d = normalize(first11, length=11)
    return d + str(check_digit(d))
