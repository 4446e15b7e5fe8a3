"""Passport Hepburn: the romanized name a passport — and so the card — carries.

Public API (the holder model, the card renderer and the service call exactly these):

- ``normalize_kana(s)``: hiragana / half-width -> full-width katakana (``cardface.kana``).
- ``to_passport(kana, *, kanji=None)``: the passport Hepburn of one name part, uppercase.
- ``passport_spelling(kana, *, kanji=None)``: the same with ``confident`` and a note.
- ``passport_variants(kana, *, kanji=None)``: every spelling accepted without documents.
- ``check_passport_spelling(kana, spelling, *, kanji=None)``: ``SpellingCheck``.
- ``read_kanji(text)``: a pykakasi reading guess and a ``confident`` flag.
- ``parse_passport_name(s)``: ``"ohno  taro"`` -> ``("OHNO", "TARO")``.
- ``romanize_name(surname_kana, given_name_kana, ...)``: ``RomanizedName`` for the card.

The rules are in ``cardface.hepburn`` (from ``shared/specs/romaji.md``). Readings with
spaces are romanized part by part (each part has its own "final" position), joined by one
space. With ``kanji``, long vowels across a kanji boundary are not merged (松浦 マツウラ ->
MATSUURA); ``cardface.kanji_reading.align`` finds the boundaries from pykakasi's
dictionary readings of each kanji, and when it cannot, the kana-only rules apply and
``confident`` is False.
"""

from __future__ import annotations

import functools
import itertools
import re
import unicodedata
from dataclasses import asdict, dataclass, field

from cardface.errors import RomajiError
from cardface.hepburn import Token, candidate_positions, spelling, tokens
from cardface.kana import normalize_kana, split_parts
from cardface.kanji_reading import align, read_kanji, strip_variation_selectors
from cardface.passport_check import compact_diff, explain, match

__all__ = [
    "PartResult",
    "PassportSpelling",
    "RomanizedName",
    "SpellingCheck",
    "check_passport_spelling",
    "normalize_kana",
    "parse_passport_name",
    "passport_spelling",
    "passport_variants",
    "read_kanji",
    "romanize_name",
    "to_passport",
]

STATUSES = ("hepburn", "variant", "non-hepburn")
MAX_VARIANTS = 4096
_PART_RE = re.compile(r"[A-Z]+(?:-[A-Z]+)*")
_DOCUMENTS_EN = "a passport carries such a spelling only with documents (e.g. a foreign parent's or spouse's passport)"
_DOCUMENTS_JA = "旅券では書類（外国籍の親・配偶者の旅券など）を添えた申出が必要な綴りです"


# ---------------------------------------------------------------- one part


@dataclass(frozen=True)
class _Part:
    kana: str
    tokens: tuple[Token, ...]
    confident: bool
    basis: str  # "kana" or "kanji"
    note: str


@functools.lru_cache(maxsize=2048)
def _part(kana_part: str, kanji_part: str | None) -> _Part:
    if kanji_part is None:
        return _Part(kana_part, tuple(tokens(kana_part)), True, "kana", "")
    alignment = align(kana_part, kanji_part, candidate_positions(kana_part))
    return _Part(kana_part, tuple(tokens(kana_part, alignment.boundaries)), alignment.confident, "kanji",
                 alignment.note)


def _kanji_parts(kanji: str | None, count: int) -> list[str | None]:
    if kanji is None:
        return [None] * count
    if not isinstance(kanji, str):
        raise RomajiError(f"kanji must be text, not {type(kanji).__name__}", code="romaji.invalid")
    parts = unicodedata.normalize("NFC", strip_variation_selectors(kanji)).split()
    if not parts:
        return [None] * count
    if len(parts) != count:
        raise RomajiError(f"the kanji have {len(parts)} part(s) but the reading has {count}",
                          code="romaji.kanji_parts")
    return list(parts)


def _parts(kana: str, kanji: str | None) -> list[_Part]:
    kana_parts = split_parts(kana)
    return [_part(k, j) for k, j in zip(kana_parts, _kanji_parts(kanji, len(kana_parts)), strict=True)]


def _spelled(part: _Part) -> str:
    text = spelling(list(part.tokens))
    if not text:
        raise RomajiError("the reading has no letters to write (only ッ or ー)", code="romaji.no_letters")
    return text


@dataclass(frozen=True)
class PassportSpelling:
    """The Hepburn spelling with how it was decided: ``basis`` "kana" (kana-only rules) or
    "kanji" (long vowels checked against kanji boundaries); ``confident`` is False when the
    kanji could not be aligned with the reading where it matters."""

    kana: str
    text: str
    confident: bool
    basis: str
    note: str = ""

    def to_dict(self) -> dict:
        return asdict(self)


def passport_spelling(kana: str, *, kanji: str | None = None) -> PassportSpelling:
    """``to_passport`` with its ``confident`` flag and a note on the kanji alignment."""
    parts = _parts(kana, kanji)
    return PassportSpelling(
        kana=" ".join(p.kana for p in parts),
        text=" ".join(_spelled(p) for p in parts),
        confident=all(p.confident for p in parts),
        basis="kanji" if any(p.basis == "kanji" for p in parts) else "kana",
        note="; ".join(dict.fromkeys(p.note for p in parts if p.note)),
    )


def to_passport(kana: str, *, kanji: str | None = None) -> str:
    """Passport Hepburn of one name part in capitals: ``to_passport("さとう") == "SATO"``.

    ``kanji`` lets vowels across a kanji boundary stand (``to_passport("まつうら",
    kanji="松浦") == "MATSUURA"``; without it ``MATSURA``). Raises ``RomajiError``.
    """
    return passport_spelling(kana, kanji=kanji).text


def passport_variants(kana: str, *, kanji: str | None = None) -> set[str]:
    """Every spelling a passport accepts for the reading without documents, Hepburn included.

    Per long vowel: おお (not final) -> ""/OH/OO, おう -> ""/OH/OU, うう -> ""/UU, in all
    combinations; ヴァ/ヴィ/ヴェ/ヴォ -> BUA.../BA...; a final おお stays OO and ー is dropped
    with no alternative. Raises ``RomajiError`` (``romaji.too_many_variants``) past
    ``MAX_VARIANTS`` combinations (a real name has a handful).
    """
    per_part = []
    total = 1
    for part in _parts(kana, kanji):
        _spelled(part)
        choices = [[o.letters for o in t.options if o.accepted] for t in part.tokens]
        for c in choices:
            total *= len(c)
        if total > MAX_VARIANTS:
            raise RomajiError(f"more than {MAX_VARIANTS} accepted spellings", code="romaji.too_many_variants")
        per_part.append({"".join(combo) for combo in itertools.product(*choices)})
    return {" ".join(combo) for combo in itertools.product(*per_part)}


# ---------------------------------------------------------------- checking a spelling


def _normalize_spelling(spelling_text: str, what: str = "spelling") -> str:
    if not isinstance(spelling_text, str):
        raise RomajiError(f"a {what} must be text", code="romaji.bad_spelling")
    text = " ".join(unicodedata.normalize("NFKC", spelling_text).upper().split())
    for pos, c in enumerate(text, 1):
        if not ("A" <= c <= "Z" or c in " -"):
            raise RomajiError(f"{what}: U+{ord(c):04X} at position {pos} is not A-Z, space or hyphen",
                              code="romaji.bad_spelling")
    if not text or not all(_PART_RE.fullmatch(p) for p in text.split(" ")):
        raise RomajiError(f"{what}: letters A-Z, parts joined by single hyphens", code="romaji.bad_spelling")
    return text


@dataclass(frozen=True)
class SpellingCheck:
    """A spelling checked against a reading. ``status``: "hepburn", "variant" (accepted on
    request without documents) or "non-hepburn" (foreign, kunrei, typo ...: needs documents).
    ``reason`` is Japanese, ``reason_en`` English; ``confident`` as in ``passport_spelling``."""

    kana: str
    spelling: str
    status: str
    expected: str
    reason: str
    reason_en: str
    confident: bool = True

    def to_dict(self) -> dict:
        return asdict(self)


def _check_part(part: _Part, given: str) -> tuple[str, str, str]:
    """(status, reason ja, reason en) for one part."""
    expected = _spelled(part)
    kana = part.kana
    if given == expected:
        return "hepburn", f"読み{kana}のヘボン式どおりの綴りです", f"passport Hepburn for the reading {kana}"
    m = match(list(part.tokens), given)
    if m.chosen is not None and all(o.accepted for _, o in m.chosen):
        en, ja = explain(m)
        en_text = (f"not the Hepburn spelling {expected}, but accepted on request without documents: "
                   + "; ".join(en))
        ja_text = f"ヘボン式は {expected}。{'、'.join(ja)}で、申出により書類なしで旅券に使えます"
        if part.basis == "kana" and any(o.label in ("variant:OU", "variant:OO", "variant:UU") for _, o in m.labels):
            en_text += ("; if the second vowel starts a new kanji (松浦 MATSUURA), the spelling is Hepburn: "
                        "give the kanji to decide")
            ja_text += "。二つ目の母音が次の漢字の読み（松浦 MATSUURA など）ならヘボン式どおりです（漢字を指定すると判定できます）"
        return "variant", ja_text, en_text
    diff = compact_diff(expected, given)
    if m.chosen is not None:
        en, ja = explain(m)
    else:
        en, ja = ["a foreign spelling or a typo"], ["外国式の綴りか誤記"]
    en_text = f"differs from the Hepburn spelling {expected} ({diff}): {'; '.join(en)}; {_DOCUMENTS_EN}"
    ja_text = f"ヘボン式の綴り {expected} と異なります（{diff}）：{'、'.join(ja)}。{_DOCUMENTS_JA}"
    return "non-hepburn", ja_text, en_text


def check_passport_spelling(kana: str, spelling: str, *, kanji: str | None = None) -> SpellingCheck:
    """Check a passport spelling of a reading: hepburn, variant or non-hepburn, and why.

    ``check_passport_spelling("おおの", "OHNO").status == "variant"``; ``"SIMADA"`` for しまだ
    is "non-hepburn" with the reason ``S[-H]IMADA``: kunrei. Spellings with several parts
    are checked part by part against a reading with as many parts; the worst status wins.
    Raises ``RomajiError`` for a reading that is not kana or a spelling outside A-Z, space
    and hyphen (``romaji.bad_spelling``).
    """
    parts = _parts(kana, kanji)
    given = _normalize_spelling(spelling)
    expected = " ".join(_spelled(p) for p in parts)
    confident = all(p.confident for p in parts)
    joined_kana = " ".join(p.kana for p in parts)
    given_parts = given.split(" ")
    if len(given_parts) != len(parts):
        return SpellingCheck(
            joined_kana, given, "non-hepburn", expected,
            f"綴りは{len(given_parts)}語、読みは{len(parts)}語で、数が合いません",
            f"the spelling has {len(given_parts)} part(s) but the reading has {len(parts)}", confident)
    results = [_check_part(p, g) for p, g in zip(parts, given_parts, strict=True)]
    status = max((r[0] for r in results), key=STATUSES.index)
    if len(results) == 1:
        ja, en = results[0][1], results[0][2]
    else:
        ja = " / ".join(f"{p.kana}: {r[1]}" for p, r in zip(parts, results, strict=True))
        en = " / ".join(f"{p.kana}: {r[2]}" for p, r in zip(parts, results, strict=True))
    return SpellingCheck(joined_kana, given, status, expected, ja, en, confident)


def parse_passport_name(s: str) -> tuple[str, str]:
    """``"ohno  taro"`` -> ``("OHNO", "TARO")``: surname and given name of a passport.

    Case and surrounding or repeated spaces (also full-width) are forgiven; other characters
    than A-Z, space and hyphen raise ``RomajiError`` ``romaji.bad_spelling``, and a number of
    parts other than two ``romaji.passport_parts``.
    """
    text = _normalize_spelling(s, "passport name")
    parts = text.split(" ")
    if len(parts) != 2:
        raise RomajiError(f"a passport name has exactly 2 parts, SURNAME GIVEN-NAME; this one has {len(parts)}",
                          code="romaji.passport_parts")
    return parts[0], parts[1]


# ---------------------------------------------------------------- the name on the card


@dataclass(frozen=True)
class PartResult:
    """One part of a romanized name. ``status``: hepburn, variant, non-hepburn or override."""

    part: str  # "surname" or "given_name"
    kana: str
    spelling: str | None
    status: str
    expected: str
    reason: str
    reason_en: str
    kanji: str | None = None
    confident: bool = True
    note: str = ""  # how the kanji were aligned with the reading, when kanji were given

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class RomanizedName:
    """The name printed on the card: ``text`` (surname first, capitals, one space), how each
    part was decided (``parts``) and where the text came from (``source``: "reading",
    "passport" or "override"). ``ok`` is False when a part is non-hepburn."""

    text: str
    parts: list[PartResult] = field(default_factory=list)
    source: str = "reading"

    @property
    def ok(self) -> bool:
        return all(p.status != "non-hepburn" for p in self.parts)

    @property
    def confident(self) -> bool:
        return all(p.confident for p in self.parts)

    def to_dict(self) -> dict:
        return {"text": self.text, "ok": self.ok, "confident": self.confident, "source": self.source,
                "parts": [p.to_dict() for p in self.parts]}


def _single_part(kana: str, what: str) -> str:
    if kana is None:
        raise RomajiError(f"the {what} reading is missing", code="romaji.empty")
    parts = split_parts(kana)
    if len(parts) != 1:
        raise RomajiError(f"the {what} reading has {len(parts)} parts separated by spaces; give one",
                          code="romaji.parts")
    return parts[0]


def romanize_name(
    surname_kana: str,
    given_name_kana: str,
    *,
    surname_kanji: str | None = None,
    given_name_kanji: str | None = None,
    passport: str | None = None,
    override: str | None = None,
) -> RomanizedName:
    """The romanized name for the card, surname first, in capitals.

    - ``override`` ("OHNO TARO"): printed as given (capitals; A-Z, space, hyphen), every
      part "override"; it wins over ``passport``.
    - ``passport`` ("SURNAME GIVEN"): each part is checked against its reading; the
      passport's spelling is printed whatever its status (the card follows the passport).
    - neither: ``to_passport`` of each part.
    """
    names = (("surname", _single_part(surname_kana, "surname"), surname_kanji),
             ("given_name", _single_part(given_name_kana, "given name"), given_name_kanji))
    decided = [(label, kana, kanji, _part(kana, _kanji_parts(kanji, 1)[0])) for label, kana, kanji in names]

    if override is not None:
        text = _normalize_spelling(override, "override")
        pieces = text.split(" ")
        results = []
        for i, (label, kana, kanji, part) in enumerate(decided):
            expected = _spelled(part)
            spelled = pieces[i] if len(pieces) == 2 else None
            results.append(PartResult(label, kana, spelled, "override", expected,
                                      f"指定された綴りをそのまま印字します（ヘボン式は {expected}）",
                                      f"printed as given (override); passport Hepburn would be {expected}",
                                      kanji, part.confident, part.note))
        return RomanizedName(text, results, "override")

    if passport is not None:
        given = parse_passport_name(passport)
        results = []
        for (label, kana, kanji, part), spelled in zip(decided, given, strict=True):
            status, ja, en = _check_part(part, spelled)
            results.append(PartResult(label, kana, spelled, status, _spelled(part), ja, en, kanji, part.confident,
                                      part.note))
        return RomanizedName(f"{given[0]} {given[1]}", results, "passport")

    results = []
    for label, kana, kanji, part in decided:
        expected = _spelled(part)
        how_en = "from the reading" if part.basis == "kana" else "from the reading and the kanji"
        how_en += f" ({part.note})" if part.note else ""
        how_ja = "読みから" if part.basis == "kana" else "読みと漢字から"
        results.append(PartResult(label, kana, expected, "hepburn", expected,
                                  f"{how_ja}ヘボン式で綴りました", f"passport Hepburn {how_en}", kanji,
                                  part.confident, part.note))
    return RomanizedName(" ".join(r.spelling for r in results), results, "reading")
