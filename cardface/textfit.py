"""Setting text into a box: font choice per character, glyph checks, shrinking and wrapping.

1. Every cluster (a character with its variation selector) gets the first font of the field's
   chain that can draw it; when none can, :class:`~cardface.errors.GlyphError` names the
   character (U+XXXX) and the field. Nothing is substituted or drawn as a blank box.
2. The text is set on one line per paragraph at the largest size in the field's range that
   fits the box (widths from the fonts' ``hmtx``; sizes snap down to ``SIZE_STEP`` pt).
3. If even the minimum size does not fit and the field may wrap, lines are broken (Japanese
   line-breaking rules: no 、。ー small kana at a line start, no opening bracket at a line end,
   Latin words and numbers kept whole, spaces preferred) at the largest size whose lines fit.
4. A one-line field whose layout allows it (``min_scale_x`` below 1) is set at the minimum size
   and condensed (長体: glyphs narrowed, their height kept) just enough to fit, down to
   ``min_scale_x`` (snapped down to ``SCALE_STEP``): a serial number of wide letters keeps the
   card's minimum text height instead of shrinking below it.
5. Otherwise :class:`~cardface.errors.FitError` names the field. Text is never clipped.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from cardface.errors import FieldProblem, FitError, GlyphError
from cardface.fonts import INSTALL_HINT, FontFace, clusters, describe
from cardface.geometry import MM_PER_PT

SIZE_STEP = 0.25  # pt
SCALE_STEP = 0.01  # horizontal scale of condensed text
SPACES = frozenset(" \u3000")
NO_START = frozenset("、。，．,.)）」』】〕〉》〙〗｝]}!?！？ー‐ぁぃぅぇぉっゃゅょゎゕゖァィゥェォッャュョヮヵヶ"
                     "々〻ゝゞヽヾ・：；:;%％")
NO_END = frozenset("（「『【〔〈《〘〖｛([{")
PREFER_SPACE_BREAK = 0.6  # break at a space when it leaves the line at least this full


@dataclass(frozen=True)
class Unit:
    """One cluster and the face that draws it."""

    text: str
    face: FontFace
    advance_em: float


@dataclass(frozen=True)
class Piece:
    """Consecutive clusters drawn with one face; ``offset_em`` from the start of the line."""

    text: str
    face: FontFace
    offset_em: float
    width_em: float


@dataclass(frozen=True)
class Line:
    pieces: tuple[Piece, ...]
    width_em: float

    @property
    def text(self) -> str:
        return "".join(p.text for p in self.pieces)


@dataclass(frozen=True)
class Fitted:
    size_pt: float
    lines: tuple[Line, ...]
    wrapped: bool
    scale_x: float = 1.0  # horizontal scale of the glyphs (below 1: condensed, see the module)

    @property
    def size_mm(self) -> float:
        return self.size_pt * MM_PER_PT


def assign_fonts(text: str, chain: list[FontFace], field: str) -> list[Unit]:
    """Each cluster with the first face of ``chain`` that draws it; GlyphError otherwise."""
    units = []
    missing: list[str] = []
    for cl in clusters(text):
        for f in chain:
            if f.covers(cl):
                units.append(Unit(cl, f, f.advance_em(cl)))
                break
        else:
            if cl not in missing:
                missing.append(cl)
    if missing:
        roles = ", ".join(f.role or f.name for f in chain)
        hint = "" if any(f.role == "mj" for f in chain) else f"; {INSTALL_HINT}"
        chars = ", ".join(describe(c) for c in missing)
        problems = [FieldProblem(field=field, code="glyph.missing",
                                 message=f"no configured font ({roles}) can draw {describe(c)}",
                                 message_ja=f"{describe(c)} を描ける字形がありません") for c in missing]
        raise GlyphError(f"{field}: no configured font ({roles}) can draw {chars}{hint}", problems=problems)
    return units


def _kind(cl: str) -> str:
    if cl in SPACES:
        return "space"
    c = ord(cl[0])
    if 0x21 <= c <= 0x7E or 0xFF10 <= c <= 0xFF19 or 0xFF21 <= c <= 0xFF3A or 0xFF41 <= c <= 0xFF5A:
        return "word"
    return "cjk"


def _tokens(units: list[Unit]) -> list[list[Unit]]:
    """Unbreakable tokens: Latin words / numbers, single CJK clusters glued by kinsoku, spaces."""
    toks: list[list[Unit]] = []
    kinds: list[str] = []
    for u in units:
        k = _kind(u.text)
        if k == "word" and kinds and kinds[-1] == "word" and u.text not in NO_END:
            toks[-1].append(u)
            continue
        toks.append([u])
        kinds.append(k)
    # kinsoku: a no-start token joins the previous one, a no-end token joins the next one
    out: list[list[Unit]] = []
    glue_next = False
    for tok, kind in zip(toks, kinds, strict=True):
        if out and kind != "space" and (glue_next or tok[0].text[0] in NO_START) and out[-1][0].text not in SPACES:
            out[-1].extend(tok)
        else:
            out.append(list(tok))
        glue_next = kind != "space" and tok[-1].text[0] in NO_END
    return out


def _width(units: list[Unit]) -> float:
    return sum(u.advance_em for u in units)


def _trim(units: list[Unit]) -> list[Unit]:
    i, j = 0, len(units)
    while i < j and units[i].text in SPACES:
        i += 1
    while j > i and units[j - 1].text in SPACES:
        j -= 1
    return units[i:j]


def break_paragraph(units: list[Unit], max_em: float, prefer_spaces: bool = True) -> list[list[Unit]] | None:
    """Greedy line breaking at ``max_em``; None when a single token is wider than a line.

    With ``prefer_spaces`` a line ends at its last space when that leaves it at least
    ``PREFER_SPACE_BREAK`` full (an address breaks before the building name).
    """
    lines: list[list[list[Unit]]] = [[]]
    width = 0.0
    for tok in _tokens(units):
        w = _width(tok)
        is_space = tok[0].text in SPACES
        if width + w <= max_em + 1e-9 or (is_space and lines[-1]):
            if is_space and not lines[-1]:
                continue  # no space at a line start
            lines[-1].append(tok)
            width += w
            continue
        if w > max_em + 1e-9:
            return None
        cur = lines[-1]
        # prefer breaking at the last space when it leaves the line full enough
        carry: list[list[Unit]] = []
        spaces = [i for i, t in enumerate(cur) if t[0].text in SPACES]
        if spaces and prefer_spaces:
            i = spaces[-1]
            head = sum(_width(t) for t in cur[:i])
            tail = cur[i + 1:]
            if head >= PREFER_SPACE_BREAK * max_em and sum(_width(t) for t in tail) + w <= max_em + 1e-9:
                carry = tail
                del cur[i:]
        lines.append([*carry, tok])
        width = sum(_width(t) for t in lines[-1])
    out = []
    for line in lines:
        flat = _trim([u for t in line for u in t])
        if flat:
            out.append(flat)
    return out


def _wrap_all(paragraphs: list[list[Unit]], max_em: float, prefer_spaces: bool) -> list[list[Unit]] | None:
    lines: list[list[Unit]] = []
    for p in paragraphs:
        broken = break_paragraph(p, max_em, prefer_spaces)
        if broken is None:
            return None
        lines.extend(broken or [[]])
    return lines


def make_line(units: list[Unit]) -> Line:
    pieces: list[Piece] = []
    offset = 0.0
    buf: list[Unit] = []

    def flush():
        if buf:
            w = _width(buf)
            pieces.append(Piece("".join(u.text for u in buf), buf[0].face, offset - w, w))

    for u in units:
        if buf and u.face is not buf[0].face:
            flush()
            buf = []
        buf.append(u)
        offset += u.advance_em
    flush()
    return Line(tuple(pieces), offset)


def block_height_mm(size_mm: float, n_lines: int, line_spacing: float) -> float:
    return size_mm * (1 + (n_lines - 1) * line_spacing)


def _snap(size: float) -> float:
    return math.floor(size / SIZE_STEP + 1e-9) * SIZE_STEP


def fit(text: str, *, chain: list[FontFace], field: str, width_mm: float, height_mm: float,
        size_range: tuple[float, float], wrap: bool, line_spacing: float = 1.2,
        max_lines: int | None = None, min_scale_x: float = 1.0) -> Fitted:
    """Set ``text`` (paragraphs separated by newlines) into a box; see the module docstring.
    ``min_scale_x``: how far a one-line setting may be condensed (1: not at all)."""
    lo, hi = size_range
    paragraphs = [assign_fonts(p, chain, field) for p in text.split("\n")]
    paragraphs = [_trim(p) for p in paragraphs]
    paragraphs = [p for p in paragraphs if p] or [[]]
    n = len(paragraphs)
    widest = max(_width(p) for p in paragraphs)
    # one line per paragraph: the largest size that fits both ways
    by_height = height_mm / (1 + (n - 1) * line_spacing) / MM_PER_PT
    by_width = width_mm / widest / MM_PER_PT if widest > 0 else hi
    size = _snap(min(hi, by_height, by_width))
    if size >= lo - 1e-9 and (max_lines is None or n <= max_lines):
        return Fitted(max(size, lo), tuple(make_line(p) for p in paragraphs), False)
    if not wrap and min_scale_x < 1.0 and (max_lines is None or n <= max_lines) and by_height >= lo - 1e-9:
        scale = math.floor(width_mm / (widest * lo * MM_PER_PT) / SCALE_STEP + 1e-9) * SCALE_STEP
        if scale >= min_scale_x - 1e-9:
            return Fitted(lo, tuple(make_line(p) for p in paragraphs), False, scale_x=scale)
    if wrap:
        steps = round((hi - lo) / SIZE_STEP)
        for k in range(steps + 1):
            s = hi - k * SIZE_STEP
            s_mm = s * MM_PER_PT
            for prefer_spaces in (True, False):
                lines = _wrap_all(paragraphs, width_mm / s_mm, prefer_spaces)
                if lines is None or (max_lines is not None and len(lines) > max_lines):
                    continue
                if block_height_mm(s_mm, len(lines), line_spacing) <= height_mm + 1e-9:
                    return Fitted(s, tuple(make_line(u) for u in lines), True)
    how = "wrapped" if wrap else "on one line" + (f" condensed to {min_scale_x:.0%}" if min_scale_x < 1.0 else "")
    raise FitError(f"{field}: the text does not fit its box ({width_mm:g} x {height_mm:g} mm) even at "
                   f"{lo:g} pt {how}", code="text.overflow",
                   problems=[FieldProblem(field=field, code="text.overflow",
                                          message=f"too long for its box even at {lo:g} pt {how}",
                                          message_ja="最小の文字サイズでも欄に収まりません")])
