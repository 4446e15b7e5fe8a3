"""Kana: normalising a reading to full-width katakana and cutting it into morae.

``normalize_kana`` accepts hiragana, katakana, half-width katakana, the iteration marks
ゝゞヽヾ and spaces between name parts; anything else raises ``RomajiError`` naming the first
offending character as ``U+XXXX`` (never the reading itself). ``morae`` cuts one part into
``Mora`` units carrying the letters of the table in ``cardface/data/kana.toml``.
"""

from __future__ import annotations

import functools
import tomllib
import unicodedata
from dataclasses import dataclass
from importlib import resources

from cardface.errors import RomajiError

MAX_READING_CHARS = 100  # a whole name reading; far above any real one, keeps checks cheap

PROLONGED = "ー"
SOKUON = "ッ"
MORAIC_N = "ン"
BARE_VOWELS = "アイウエオ"
YOON_SMALL = "ャュョ"
SMALL_VOWELS = "ァィゥェォ"
ITERATION = {"ヽ": False, "ヾ": True, "ゝ": False, "ゞ": True}  # mark -> voiced
_DAKUTEN, _HANDAKUTEN = "\u3099", "\u309a"
_SPACING_MARKS = {"\u309b": _DAKUTEN, "\u309c": _HANDAKUTEN}  # ゛゜ written as separate characters


@dataclass(frozen=True)
class KanaTable:
    mora: dict[str, str]
    small: dict[str, str]
    yoon: dict[str, str]
    kunrei: dict[str, tuple[str, ...]]
    expand: dict[str, str]


@functools.cache
def table() -> KanaTable:
    """The kana table from ``cardface/data/kana.toml`` (read once)."""
    raw = tomllib.loads(resources.files("cardface").joinpath("data/kana.toml").read_text(encoding="utf-8"))
    return KanaTable(
        mora=dict(raw["mora"]),
        small=dict(raw["small"]),
        yoon=dict(raw["yoon"]),
        kunrei={k: tuple(v) for k, v in raw["kunrei"].items()},
        expand=dict(raw["expand"]),
    )


def _is_katakana_letter(c: str) -> bool:
    t = table()
    return c in t.mora or c in t.small or c in (PROLONGED, SOKUON)


def _error(code: str, message: str) -> RomajiError:
    return RomajiError(message, code=code)


def _hiragana_to_katakana(c: str) -> str:
    o = ord(c)
    if 0x3041 <= o <= 0x3096:  # ぁ..ゖ -> ァ..ヶ (ゔ -> ヴ, ゕゖ -> ヵヶ)
        return chr(o + 0x60)
    return c


def _voiced(c: str, voiced: bool) -> str:
    base = unicodedata.normalize("NFD", c)[0]
    if not voiced:
        return base
    composed = unicodedata.normalize("NFC", base + _DAKUTEN)
    return composed if len(composed) == 1 else base


def normalize_kana(s: str) -> str:
    """Full-width katakana for a reading; parts separated by exactly one ASCII space.

    Hiragana -> katakana, half-width katakana -> full width (NFKC, voiced marks composed),
    iteration marks expanded (ゝ repeats the kana before it, ゞ repeats it voiced), ー kept,
    ヷヸヹヺ -> ヴァヴィヴェヴォ, ゟ -> ヨリ, ヿ -> コト; surrounding spaces trimmed and runs of
    spaces (ASCII or full-width) collapsed. Raises ``RomajiError``: ``romaji.empty`` for no
    kana, ``romaji.not_kana`` for any other character (named as U+XXXX with its position),
    ``romaji.iteration_mark`` for a mark with nothing to repeat, ``romaji.too_long``.
    """
    if not isinstance(s, str):
        raise _error("romaji.invalid", f"a reading must be text, not {type(s).__name__}")
    if len(s) > 4 * MAX_READING_CHARS:
        raise _error("romaji.too_long", f"a reading has at most {MAX_READING_CHARS} characters")
    # half-width katakana and spacing voiced marks -> composed full-width forms
    widened = []
    for c in s:
        o = ord(c)
        if 0xFF61 <= o <= 0xFF9F:
            widened.append(unicodedata.normalize("NFKC", c))
        else:
            widened.append(_SPACING_MARKS.get(c, c))
    text = unicodedata.normalize("NFC", "".join(widened))
    t = table()
    out: list[str] = []
    for pos, c in enumerate(text, 1):
        if c.isspace():
            if out and out[-1] != " ":
                out.append(" ")
            continue
        if c == "ゟ":
            out.extend("ヨリ")
            continue
        if c in ITERATION:
            prev = out[-1] if out else " "
            if prev == " " or not _is_katakana_letter(prev):
                raise _error("romaji.iteration_mark",
                             f"iteration mark U+{ord(c):04X} at position {pos} has no kana before it")
            repeated = _voiced(prev, ITERATION[c])
            out.extend(t.expand.get(repeated, repeated))
            continue
        k = _hiragana_to_katakana(c)
        if k in t.expand:
            out.extend(t.expand[k])
            continue
        if not _is_katakana_letter(k):
            raise _error("romaji.not_kana", f"not kana: U+{ord(c):04X} at position {pos}")
        out.append(k)
    result = "".join(out).strip(" ")
    if not result:
        raise _error("romaji.empty", "the reading is empty")
    if len(result) > MAX_READING_CHARS:
        raise _error("romaji.too_long", f"a reading has at most {MAX_READING_CHARS} characters")
    return result


def split_parts(kana: str) -> list[str]:
    """Normalised parts of a reading (``"オオノ タロウ"`` -> ``["オオノ", "タロウ"]``)."""
    return normalize_kana(kana).split(" ")


@dataclass(frozen=True)
class Mora:
    """One unit of a part: a kana or a pair (yoon, ヴァ), where it starts and its letters.

    ``kind`` is ``mora`` (letters), ``sokuon`` (ッ), ``n`` (ン) or ``prolonged`` (ー).
    ``bare`` marks a full-size vowel kana (the second half of a long vowel can only be one
    of those); ``alt`` holds other letters the MOFA table allows (ヴァ: BA beside BUA).
    """

    kana: str
    start: int
    letters: str
    kind: str = "mora"
    bare: bool = False
    alt: tuple[str, ...] = ()
    kunrei: tuple[str, ...] = ()

    @property
    def vowel(self) -> str:
        return self.letters[-1] if self.letters and self.letters[-1] in "AEIOU" else ""


def morae(part: str) -> list[Mora]:
    """Cut one normalised part (katakana, no spaces) into ``Mora`` units."""
    t = table()
    units: list[Mora] = []
    i = 0
    while i < len(part):
        c = part[i]
        pair = part[i:i + 2]
        if c == SOKUON:
            units.append(Mora(c, i, "", kind="sokuon"))
        elif c == MORAIC_N:
            units.append(Mora(c, i, "N", kind="n"))
        elif c == PROLONGED:
            units.append(Mora(c, i, "", kind="prolonged"))
        elif pair in t.yoon:
            units.append(Mora(pair, i, t.yoon[pair], kunrei=t.kunrei.get(pair, ())))
            i += 2
            continue
        elif c == "ヴ" and len(pair) == 2 and pair[1] in SMALL_VOWELS and pair[1] != "ゥ":
            vowel = t.small[pair[1]]
            units.append(Mora(pair, i, "BU" + vowel, alt=("B" + vowel,)))
            i += 2
            continue
        elif c in t.small:
            units.append(Mora(c, i, t.small[c]))
        else:
            units.append(Mora(c, i, t.mora[c], bare=c in BARE_VOWELS, kunrei=t.kunrei.get(c, ())))
        i += 1
    return units
