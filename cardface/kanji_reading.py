"""Kanji readings from pykakasi: a reading guess for data without furigana, and where the
kanji boundaries fall inside a given reading.

pykakasi (its dictionary loads once, lazily, on first use) gives one reading per word; its
dictionary also lists several readings per single kanji, which ``align`` uses to find the
kanji boundaries inside a reading: 松浦 + マツウラ -> マツ|ウラ, so the ウ after ツ starts a
new kanji and is not a long vowel. How ``align`` works:

1. The kanji text is cut into segments: one per kanji (々 repeats the kanji before it), one
   per run of kana, one per other character. Variation selectors are ignored.
2. Each kanji segment may read as any of its dictionary readings, also voiced at the start
   (rendaku: 崎 サキ/ザキ) or ending in ッ (一 イチ -> イッ) — cost 0; as a shortened
   reading (a prefix of one: 河 コウ -> コ in 河内 コ|ウチ) — cost 2; or as anything of one
   to eight kana it has no reading for — cost 4. A kana run must match itself (cost 0, or
   4 if it does not). ノ, ガ or ツ may stand between two kanji unwritten (井上 イ·ノ·ウエ)
   — cost 1. A segment never starts on a small kana, ッ, ン or ー.
3. The cheapest alignments are kept (up to 64). A long-vowel pair is split at a kanji
   boundary only when every cheapest alignment puts a boundary there and a segment next to
   it is a whole dictionary reading (not shortened, not a guess): 東海林 ショウジ cannot be
   aligned from the dictionary, so ショウ stays a long vowel.
4. ``confident`` is True when the cheapest alignment used only dictionary readings (and
   unwritten particles) and all cheapest alignments agree at every possible long vowel.
"""

from __future__ import annotations

import functools
import threading
import tomllib
import unicodedata
from dataclasses import dataclass, field
from importlib import resources

from cardface.errors import RomajiError
from cardface.kana import normalize_kana

_LOCK = threading.Lock()

COST_EXACT, COST_PARTICLE, COST_SHORTENED, COST_GUESS = 0, 1, 2, 4
MAX_GUESS_KANA = 8
MAX_PATHS = 64
PARTICLES = "ノガツ"
NO_START = set("ァィゥェォャュョヮッンー")
_FOLD = str.maketrans("ヂヅヲヰヱヵヶ", "ジズオイエカケ")
_VOICED = {
    **dict(zip("カキクケコサシスセソタチツテトハヒフヘホ", "ガギグゲゴザジズゼゾダジズデドバビブベボ", strict=True)),
}
_SEMI_VOICED = dict(zip("ハヒフヘホ", "パピプペポ", strict=True))
_SOKUON_FINAL = "ツチクキ"
_KE_READINGS = frozenset({"カ", "ガ", "ケ", "ゲ", "コ"})


_KAKASI = None


def _kakasi():
    """The pykakasi converter, built once on first use (its dictionary is ~10 MB)."""
    global _KAKASI
    if _KAKASI is None:
        with _LOCK:
            if _KAKASI is None:
                import pykakasi

                _KAKASI = pykakasi.kakasi()
    return _KAKASI


@functools.cache
def _dictionaries():
    """pykakasi's kanji dictionary and variant table (loaded by ``_kakasi``)."""
    _kakasi()
    from pykakasi.kanji import Itaiji, Kanwa

    return Kanwa(), Itaiji()


@functools.cache
def variant_map() -> dict[str, str]:
    """Variant kanji pykakasi cannot read -> the standard form (``data/kanji_variants.toml``)."""
    text = resources.files("cardface").joinpath("data/kanji_variants.toml").read_text(encoding="utf-8")
    return dict(tomllib.loads(text)["read_as"])


def is_kanji(c: str) -> bool:
    o = ord(c)
    return (0x3400 <= o <= 0x4DBF or 0x4E00 <= o <= 0x9FFF or 0xF900 <= o <= 0xFAFF
            or 0x20000 <= o <= 0x3FFFF or c in "々〆〇")


def _is_variation_selector(c: str) -> bool:
    o = ord(c)
    return 0xFE00 <= o <= 0xFE0F or 0xE0100 <= o <= 0xE01EF


def strip_variation_selectors(text: str) -> str:
    return "".join(c for c in text if not _is_variation_selector(c))


def _to_katakana(hira: str) -> str:
    return "".join(chr(ord(c) + 0x60) if 0x3041 <= ord(c) <= 0x3096 else c for c in hira)


@functools.lru_cache(maxsize=4096)
def dictionary_readings(ch: str) -> tuple[str, ...]:
    """Distinct katakana readings pykakasi's dictionary lists for one kanji (may be empty)."""
    kanwa, itaiji = _dictionaries()
    key = itaiji.convert(ch)
    table = kanwa.load(key)
    entries = (table or {}).get(key) or []
    seen: dict[str, None] = {}
    for yomi, _context in entries:
        kata = _to_katakana(yomi)
        if kata and all(0x30A1 <= ord(c) <= 0x30F6 for c in kata):
            seen.setdefault(kata, None)
    return tuple(seen)


def _readable(ch: str) -> bool:
    return bool(dictionary_readings(ch))


def _substitute_variants(text: str) -> tuple[str, bool]:
    """Replace unreadable variant kanji by their standard form; False if any was replaced."""
    vm = variant_map()
    out, clean = [], True
    for c in text:
        if c in vm and not _readable(c):
            out.append(vm[c])
            clean = False
        else:
            out.append(c)
    return "".join(out), clean


def _word_readings(word: str) -> tuple[str, ...]:
    """Distinct readings pykakasi's dictionary lists for a whole word (its own entry)."""
    if len(word) == 1:
        return dictionary_readings(word)
    kanwa, itaiji = _dictionaries()
    key = itaiji.convert(word)
    entries = (kanwa.load(key[0]) or {}).get(key) or []
    return tuple(dict.fromkeys(_to_katakana(y) for y, _ in entries))


def _read_chunk(chunk: str) -> tuple[str, bool]:
    segments = _kakasi().convert(chunk)
    if "".join(s["orig"] for s in segments) != chunk:
        # pykakasi dropped characters (it does for some it cannot read): go one by one
        segments = [s for c in chunk for s in (_kakasi().convert(c) or [{"orig": c, "kana": ""}])]
        confident = False
    else:
        confident = True
    kana = []
    for s in segments:
        orig, reading = s["orig"], s["kana"]
        if not any(is_kanji(c) for c in orig):
            try:
                kana.append(normalize_kana(orig))
            except RomajiError:
                confident = False  # Latin letters, digits, symbols: no reading
            continue
        if not reading or reading == orig or any(is_kanji(c) for c in reading):
            confident = False
            continue
        if len(_word_readings(orig)) != 1:
            confident = False  # several dictionary readings (or none of its own): a guess
        try:
            kana.append(normalize_kana(reading))
        except RomajiError:
            confident = False
    return "".join(kana), confident


def read_kanji(text: str) -> tuple[str, bool]:
    """A katakana reading guessed by pykakasi, and whether the guess is ``confident``.

    Parts separated by spaces are read separately and joined by one space. ``confident`` is
    False when any character could not be read (pykakasi gives nothing for 𠮷, 髙, 﨑 ...:
    those in ``data/kanji_variants.toml`` are read as their standard form, the others are
    left out of the reading), when pykakasi had to read a word one kanji at a time, or when
    its dictionary lists more than one reading for a word it used (陽 ヨウ/ヒ ...). A name's
    reading is always a guess: the family register's furigana is the authority.
    Raises ``RomajiError`` (``romaji.empty``) for text with nothing in it.
    """
    if not isinstance(text, str):
        raise RomajiError(f"kanji must be text, not {type(text).__name__}", code="romaji.invalid")
    cleaned = unicodedata.normalize("NFC", strip_variation_selectors(text))
    parts = cleaned.split()
    if not parts:
        raise RomajiError("the name is empty", code="romaji.empty")
    readings, confident = [], True
    for part in parts:
        substituted, clean = _substitute_variants(part)
        kana, ok = _read_chunk(substituted)
        confident = confident and clean and ok and bool(kana)
        if kana:
            readings.append(kana)
    return " ".join(readings), confident


# ---------------------------------------------------------------- alignment


@dataclass(frozen=True)
class _Segment:
    text: str
    readings: frozenset[str]
    kind: str  # "kanji", "kana", "other"


@dataclass(frozen=True)
class Alignment:
    """Kanji boundaries found inside a reading (kana positions where a kanji's reading starts
    and that split a long vowel), whether the alignment is ``confident``, and a note."""

    boundaries: frozenset[int] = field(default_factory=frozenset)
    confident: bool = True
    note: str = ""


def _variants_of(readings: set[str], first: bool) -> set[str]:
    out = set(readings)
    for r in readings:
        if not first and r[0] in _VOICED:
            out.add(_VOICED[r[0]] + r[1:])
        if not first and r[0] in _SEMI_VOICED:
            out.add(_SEMI_VOICED[r[0]] + r[1:])
        if len(r) >= 2 and r[-1] in _SOKUON_FINAL:
            out.add(r[:-1] + "ッ")
    return {r.translate(_FOLD) for r in out}


def _segments(kanji: str) -> list[_Segment]:
    text = unicodedata.normalize("NFC", strip_variation_selectors(kanji))
    text, _ = _substitute_variants(text)
    segs: list[_Segment] = []
    run = ""

    def flush() -> None:
        nonlocal run
        if run:
            try:
                reading = normalize_kana(run).translate(_FOLD)
                segs.append(_Segment(run, frozenset({reading}), "kana"))
            except RomajiError:
                segs.append(_Segment(run, frozenset(), "other"))
            run = ""

    last_kanji = ""
    for c in text:
        if c in "ヶヵ":
            flush()
            segs.append(_Segment(c, _KE_READINGS, "kanji"))
        elif c == "々" and last_kanji:
            flush()
            segs.append(_Segment(c, frozenset(_variants_of(set(dictionary_readings(last_kanji)), False)), "kanji"))
        elif is_kanji(c):
            flush()
            readings = set(dictionary_readings(c))
            segs.append(_Segment(c, frozenset(_variants_of(readings, not segs)) if readings else frozenset(),
                                 "kanji"))
            last_kanji = c
        elif c.isspace():
            continue
        else:
            run += c
    flush()
    return segs


def _moves(seg: _Segment, kana: str, p: int) -> dict[int, tuple[int, str]]:
    """End position -> (cost, kind) for one segment starting at ``p``."""
    best: dict[int, tuple[int, str]] = {}

    def offer(q: int, cost: int, kind: str) -> None:
        if q not in best or cost < best[q][0]:
            best[q] = (cost, kind)

    for r in seg.readings:
        if kana.startswith(r, p):
            offer(p + len(r), COST_EXACT, "reading")
        if seg.kind == "kanji":
            for n in range(1, len(r)):
                if kana.startswith(r[:n], p):
                    offer(p + n, COST_SHORTENED, "shortened")
    for n in range(1, min(MAX_GUESS_KANA, len(kana) - p) + 1):
        offer(p + n, COST_GUESS, "guess")
    return best


def _paths(kana: str, segs: list[_Segment]) -> tuple[int, list[list[tuple[int, int, str]]]]:
    """Cheapest cost and up to MAX_PATHS cheapest alignments (segment start, end, kind)."""
    n, m = len(kana), len(segs)

    def can_start(q: int) -> bool:
        return q == n or kana[q] not in NO_START

    @functools.cache
    def steps(i: int, p: int) -> tuple[tuple[int, int, int, str], ...]:
        """(end, next start, cost, kind) for segment i starting at p."""
        out = []
        for q, (cost, kind) in _moves(segs[i], kana, p).items():
            if not can_start(q) or (i == m - 1 and q != n) or (i < m - 1 and q == n):
                continue
            out.append((q, q, cost, kind))
            if i < m - 1 and kana[q] in PARTICLES and q + 1 < n and can_start(q + 1):
                out.append((q, q + 1, cost + COST_PARTICLE, kind))
        return tuple(out)

    @functools.cache
    def best(i: int, p: int) -> float:
        if i == m:
            return 0 if p == n else float("inf")
        return min((c + best(i + 1, nxt) for _, nxt, c, _ in steps(i, p)), default=float("inf"))

    total = best(0, 0)
    if total == float("inf"):
        return -1, []
    paths: list[list[tuple[int, int, str]]] = []

    def walk(i: int, p: int, acc: list[tuple[int, int, str]]) -> None:
        if len(paths) >= MAX_PATHS:
            return
        if i == m:
            paths.append(list(acc))
            return
        for q, nxt, c, kind in steps(i, p):
            if c + best(i + 1, nxt) == best(i, p):
                acc.append((p, q, kind))
                walk(i + 1, nxt, acc)
                acc.pop()

    walk(0, 0, [])
    return int(total), paths


def align(kana: str, kanji: str, candidates: list[int]) -> Alignment:
    """Kanji boundaries inside one part's reading at the long-vowel ``candidates`` positions.

    ``kana`` is one normalised part; ``candidates`` are the kana positions of the second
    vowels of long vowels (``cardface.hepburn.candidate_positions``).
    """
    if not candidates:
        return Alignment()
    segs = _segments(kanji)
    folded = kana.translate(_FOLD)
    if not segs:
        return Alignment(confident=False, note="no kanji to align")
    cost, paths = _paths(folded, segs)
    if not paths:
        return Alignment(confident=False, note="the reading cannot be aligned with the kanji")
    split: set[int] = set()
    agreed = True
    for v in candidates:
        verdicts = set()
        for path in paths:
            starts = {s for s, _, _ in path}
            evidenced = any((s == v or e == v) and kind == "reading" for s, e, kind in path)
            boundary = v in starts or any(e == v for _, e, _ in path[:-1])
            verdicts.add((boundary, boundary and evidenced))
        if len(verdicts) > 1:
            agreed = False
        if all(ok for _, ok in verdicts):
            split.add(v)
    exact = cost < COST_SHORTENED
    confident = exact and agreed and len(paths) < MAX_PATHS
    if confident:
        note = "aligned with dictionary readings"
    elif not agreed or len(paths) >= MAX_PATHS:
        note = "several alignments fit; long vowels decided from kana where they disagree"
    else:
        note = "aligned with a guessed or shortened kanji reading"
    return Alignment(frozenset(split), confident, note)
