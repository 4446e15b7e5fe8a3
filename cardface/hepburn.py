"""Passport Hepburn rules: morae -> tokens, each with the spellings a passport may carry.

A ``Token`` covers one or two morae (ッ is joined to the mora it doubles; the second vowel
of a long vowel is a token of its own) and lists ``Option`` spellings labelled:

- ``hepburn``: the one passport Hepburn letters (the first option of every token);
- ``variant:*``: accepted on request without documents (OH/OO/OU/UU for long vowels, BA
  for ヴァ);
- ``other:*``: recognisable non-Hepburn spellings (kunrei SI, N before B/M/P, V, a long
  vowel written some other way ...), never produced, used only to explain a mismatch.

Tokens are independent of each other, so the Hepburn spelling is the concatenation of the
first options, the accepted spellings are the product of hepburn+variant options, and a
given spelling is matched by a small dynamic programme (``cardface.passport_check``).
Rules (``/shared/specs/romaji.md``): ん is M before B/M/P; っ doubles the next consonant
and is T before CH; a mora ending in O followed by a bare お or う, or ending in U followed
by a bare う, is a long vowel and its second vowel is not written, except a final おお
(written OO); いい, えい, ああ, いう ... are written; ー is dropped; a kanji boundary before the
second vowel (``boundaries``) means two syllables, both written. A ッ with no consonant
after it (at the end, before a vowel) writes nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from cardface.kana import Mora, morae

HEPBURN = "hepburn"
BMP = ("B", "M", "P")


@dataclass(frozen=True)
class Option:
    letters: str
    label: str  # "hepburn", "variant:OH", "other:kunrei" ...

    @property
    def accepted(self) -> bool:
        return self.label == HEPBURN or self.label.startswith("variant:")


@dataclass(frozen=True)
class Token:
    kana: str
    start: int
    options: tuple[Option, ...]
    long_vowel: bool = False  # the second vowel of a long vowel (its spelling is a choice)
    shown: str = ""  # kana to name in messages (a long vowel with the mora before it: トウ)

    @property
    def display(self) -> str:
        return self.shown or self.kana

    @property
    def hepburn(self) -> str:
        return self.options[0].letters


def _doubled(letters: str) -> str:
    """っ before letters: T before CH, else the first consonant doubled."""
    if letters.startswith("CH"):
        return "T" + letters
    return letters[0] + letters


def _starts_with_consonant(letters: str) -> bool:
    return bool(letters) and letters[0] not in "AEIOU"


def long_vowel_pairs(units: list[Mora], boundaries: Iterable[int] = ()) -> list[int]:
    """Indices of morae that are the second vowel of a long vowel (merged pairs).

    Pairs are taken left to right; a mora used as a second vowel cannot start another
    pair (おおお = おお + お). A kanji boundary before the vowel breaks the pair.
    """
    cut = set(boundaries)
    seconds: list[int] = []
    i = 0
    while i < len(units) - 1:
        first, second = units[i], units[i + 1]
        if (first.kind == "mora" and second.bare and second.start not in cut
                and ((first.vowel == "O" and second.kana in "ウオ") or (first.vowel == "U" and second.kana == "ウ"))):
            seconds.append(i + 1)
            i += 2
            continue
        i += 1
    return seconds


def candidate_positions(part: str) -> list[int]:
    """Kana positions where a long vowel would be merged from kana alone."""
    units = morae(part)
    return [units[i].start for i in long_vowel_pairs(units)]


def _mora_options(u: Mora) -> list[Option]:
    opts = [Option(u.letters, HEPBURN)]
    opts += [Option(a, "variant:vu") for a in u.alt]
    opts += [Option(k, "other:kunrei") for k in u.kunrei]
    if u.kana.startswith("ヴ"):
        opts.append(Option("V" + u.letters[2:] if len(u.letters) > 2 else "VU", "other:v"))
    return opts


def _is_final(units: list[Mora], i: int) -> bool:
    return all(u.kind == "prolonged" for u in units[i + 1:])


def _pair(units: list[Mora], i: int) -> str:
    return (units[i - 1].kana if i > 0 else "") + units[i].kana


def tokens(part: str, boundaries: Iterable[int] = ()) -> list[Token]:
    """Tokens of one normalised part; ``boundaries`` are kana positions where a kanji starts."""
    units = morae(part)
    seconds = set(long_vowel_pairs(units, boundaries))
    split_by_kanji = set(long_vowel_pairs(units)) - seconds
    out: list[Token] = []
    i = 0
    while i < len(units):
        u = units[i]
        if u.kind == "sokuon":
            nxt = units[i + 1] if i + 1 < len(units) else None
            if nxt is not None and nxt.kind == "mora" and _starts_with_consonant(nxt.letters):
                opts = [Option(_doubled(o.letters), o.label) for o in _mora_options(nxt)]
                if nxt.letters.startswith("CH"):
                    opts.append(Option("C" + nxt.letters, "other:sokuon"))
                out.append(Token(u.kana + nxt.kana, u.start, tuple(opts)))
                i += 2
                continue
            out.append(Token(u.kana, u.start, (Option("", HEPBURN),)))
        elif u.kind == "n":
            nxt = units[i + 1] if i + 1 < len(units) else None
            if nxt is not None and nxt.kind == "mora" and nxt.letters.startswith(BMP):
                out.append(Token(u.kana, u.start, (Option("M", HEPBURN), Option("N", "other:n_bmp"))))
            else:
                out.append(Token(u.kana, u.start, (Option("N", HEPBURN),)))
        elif u.kind == "prolonged":
            prev_vowel = units[i - 1].vowel if i > 0 else ""
            opts = [Option("", HEPBURN), Option("H", "other:long")]
            if prev_vowel:
                opts.append(Option(prev_vowel, "other:long"))
            out.append(Token(u.kana, u.start, tuple(opts), shown=_pair(units, i)))
        elif i in seconds:
            first_vowel = units[i - 1].vowel
            if first_vowel == "O" and u.kana == "オ" and _is_final(units, i):
                opts = (Option("O", HEPBURN), Option("", "other:final_oo"), Option("H", "other:final_oo"))
            elif first_vowel == "O" and u.kana == "オ":
                opts = (Option("", HEPBURN), Option("H", "variant:OH"), Option("O", "variant:OO"),
                        Option("U", "other:long"))
            elif first_vowel == "O":
                opts = (Option("", HEPBURN), Option("H", "variant:OH"), Option("U", "variant:OU"),
                        Option("O", "other:long"))
            else:
                opts = (Option("", HEPBURN), Option("U", "variant:UU"), Option("H", "other:long"))
            out.append(Token(u.kana, u.start, opts, long_vowel=True, shown=_pair(units, i)))
        else:
            opts = _mora_options(u)
            prev = units[i - 1] if i > 0 else None
            if i in split_by_kanji:
                opts.append(Option("", "other:kanji_boundary"))
            elif u.bare and prev is not None and prev.vowel:
                # a vowel after a vowel that is not a long vowel (いい, えい, ああ, いう)
                opts.append(Option("", "other:kept_vowel"))
            out.append(Token(u.kana, u.start, tuple(opts), shown=_pair(units, i) if u.bare else ""))
        i += 1
    return out


def spelling(toks: list[Token]) -> str:
    """The passport Hepburn spelling: the first option of every token."""
    return "".join(t.hepburn for t in toks)
