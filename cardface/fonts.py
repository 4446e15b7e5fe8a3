"""Fonts for the card faces: discovery, coverage (incl. variation sequences) and advances.

A layout names a font *role* per field (``gothic``, ``mincho``, ``mj`` or any role a user
configures). Roles resolve to font files:

- ``gothic``  IPAex Gothic, shipped in the package (``cardface.fontfiles``)
- ``mincho``  IPAex Mincho, shipped in the package
- ``mj``      IPAmj Mincho (MJ文字, Moji_Joho IVS), from the Debian package
  ``fonts-ipamj-mincho`` at ``/usr/share/fonts/truetype/ipamj/ipamjm.ttf`` when installed

``MYNACARD_FONTS`` adds or replaces roles: entries ``role=path`` separated by the path
separator (``:`` on POSIX), e.g. ``MYNACARD_FONTS=mj=/opt/fonts/ipamjm.ttf``. Fonts must have
TrueType outlines (``glyf``): the PDF backend embeds TrueType subsets.

Coverage is decided per *cluster* (a base character with its variation selector or
combining marks): a cluster with an Ideographic Variation Sequence is covered only by a font
whose cmap format 14 lists the sequence, so a variant is never silently replaced by the base
glyph. Advances come from ``hmtx`` in font units, the same numbers the backends use.
"""

from __future__ import annotations

import os
import threading
import unicodedata
from dataclasses import dataclass, field
from functools import cached_property
from importlib import resources
from pathlib import Path

from cardface.errors import FontError

ENV_VAR = "MYNACARD_FONTS"
SYSTEM_MJ = Path("/usr/share/fonts/truetype/ipamj/ipamjm.ttf")
PACKAGED = {"gothic": "ipaexg.ttf", "mincho": "ipaexm.ttf"}
INSTALL_HINT = ("install IPAmj Mincho (Debian: fonts-ipamj-mincho) or configure a font that has it "
                f"with {ENV_VAR}=role=/path/font.ttf")


def is_selector(cp: int) -> bool:
    """Variation selectors: VS1-16 (U+FE00-FE0F) and VS17-256 (U+E0100-E01EF)."""
    return 0xFE00 <= cp <= 0xFE0F or 0xE0100 <= cp <= 0xE01EF


def clusters(text: str) -> list[str]:
    """Split ``text`` into clusters: a base character followed by selectors / combining marks."""
    out: list[str] = []
    for ch in text:
        cp = ord(ch)
        if out and (is_selector(cp) or unicodedata.category(ch) in ("Mn", "Me")):
            out[-1] += ch
        else:
            out.append(ch)
    return out


def describe(cluster: str) -> str:
    """``U+845B U+E0100`` for a cluster (used in error messages: never the whole text)."""
    return " ".join(f"U+{ord(c):04X}" for c in cluster)


@dataclass(eq=False)
class FontFace:
    """One TrueType font file: cmap, variation sequences, advances and vertical metrics."""

    path: Path
    role: str = ""
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _advances: dict[str, float] = field(default_factory=dict, repr=False)

    @cached_property
    def _tt(self):
        from fontTools.ttLib import TTFont, TTLibError

        try:
            tt = TTFont(str(self.path), lazy=True)
        except (OSError, TTLibError) as err:
            raise FontError(f"font file {self.path} cannot be read: {err}") from None
        if "glyf" not in tt:
            raise FontError(f"font {self.path} has no TrueType outlines (glyf); the PDF backend needs them")
        return tt

    @cached_property
    def cmap(self) -> dict[int, str]:
        with self._lock:
            return dict(self._tt.getBestCmap() or {})

    @cached_property
    def uvs(self) -> dict[tuple[int, int], str | None]:
        """(base, selector) -> glyph name, or None for the default glyph (cmap format 14)."""
        out: dict[tuple[int, int], str | None] = {}
        with self._lock:
            for table in self._tt["cmap"].tables:
                if table.format == 14:
                    for selector, pairs in table.uvsDict.items():
                        for base, glyph in pairs:
                            out[(base, selector)] = glyph
        return out

    @cached_property
    def _hmtx(self) -> dict[str, tuple[int, int]]:
        with self._lock:
            return self._tt["hmtx"].metrics

    @cached_property
    def units_per_em(self) -> int:
        with self._lock:
            return int(self._tt["head"].unitsPerEm)

    @cached_property
    def ascent(self) -> float:
        """Ascender in em (hhea)."""
        with self._lock:
            return self._tt["hhea"].ascent / self.units_per_em

    @cached_property
    def descent(self) -> float:
        """Descender in em, positive (hhea)."""
        with self._lock:
            return -self._tt["hhea"].descent / self.units_per_em

    @cached_property
    def name(self) -> str:
        """PostScript name (falls back to the file stem)."""
        with self._lock:
            n = self._tt["name"].getDebugName(6)
        return n or self.path.stem

    def draw_glyph(self, cluster: str, pen) -> None:
        """Draw the outline of ``cluster``'s glyph (font units) with a fontTools pen."""
        glyph = self.glyph(cluster)
        if glyph is None:
            raise KeyError(describe(cluster))
        with self._lock:
            glyphs = self._tt.getGlyphSet()
            pen.glyphSet = glyphs  # composite glyphs draw their components through it
            glyphs[glyph].draw(pen)

    def glyph_id(self, glyph: str) -> int:
        with self._lock:
            return self._tt.getGlyphID(glyph)

    def glyph(self, cluster: str) -> str | None:
        """The glyph name that draws ``cluster`` in this font, or None when it cannot."""
        cps = [ord(c) for c in cluster]
        base = self.cmap.get(cps[0])
        if base is None:
            return None
        rest = cps[1:]
        if rest and is_selector(rest[0]):
            key = (cps[0], rest[0])
            if key not in self.uvs:
                return None
            variant = self.uvs[key]
            rest = rest[1:]
            base = variant or base
        if any(cp not in self.cmap for cp in rest):
            return None
        return base

    def covers(self, cluster: str) -> bool:
        return self.glyph(cluster) is not None

    def advance_em(self, cluster: str) -> float:
        """Advance width of ``cluster`` in em (base or variant glyph plus any marks)."""
        adv = self._advances.get(cluster)
        if adv is None:
            glyph = self.glyph(cluster)
            if glyph is None:
                raise KeyError(describe(cluster))
            units = self._hmtx[glyph][0]
            for ch in cluster[1:]:
                if not is_selector(ord(ch)):
                    units += self._hmtx[self.cmap[ord(ch)]][0]
            adv = self._advances[cluster] = units / self.units_per_em
        return adv


_faces: dict[Path, FontFace] = {}
_by_name: dict[tuple[str, str], FontFace] = {}
_faces_lock = threading.Lock()


def face(path: str | Path, role: str = "") -> FontFace:
    """The (cached) :class:`FontFace` for a file; :class:`FontError` when it does not exist."""
    f = _by_name.get((str(path), role))
    if f is not None:
        return f
    p = Path(path).expanduser().resolve()
    with _faces_lock:
        f = _faces.get(p)
        if f is None:
            if not p.is_file():
                raise FontError(f"font file not found: {p}")
            f = _faces[p] = FontFace(p, role)
        _by_name[(str(path), role)] = f
    return f


def packaged_font(filename: str) -> Path:
    """Path of a font shipped in ``cardface.fontfiles``."""
    ref = resources.files("cardface.fontfiles").joinpath(filename)
    with resources.as_file(ref) as p:
        return Path(p)


def configured_paths(env: str | None = None) -> dict[str, Path]:
    """Role -> font file from the defaults, the system IPAmj and ``MYNACARD_FONTS``."""
    paths = {role: packaged_font(name) for role, name in PACKAGED.items()}
    if SYSTEM_MJ.is_file():
        paths["mj"] = SYSTEM_MJ
    spec = os.environ.get(ENV_VAR, "") if env is None else env
    for entry in filter(None, (e.strip() for e in spec.split(os.pathsep))):
        role, sep, path = entry.partition("=")
        if not sep or not role.strip() or not path.strip():
            raise FontError(f"{ENV_VAR}: expected role=/path/font.ttf entries, got {entry!r}")
        paths[role.strip()] = Path(path.strip()).expanduser()
    return paths


@dataclass(frozen=True)
class FontSet:
    """Font roles available to a render: ``{role: path}``; faces load lazily and are cached."""

    paths: tuple[tuple[str, Path], ...]

    @classmethod
    def default(cls) -> FontSet:
        return cls(tuple(sorted(configured_paths().items())))

    @classmethod
    def of(cls, mapping: dict[str, str | Path]) -> FontSet:
        return cls(tuple(sorted((k, Path(v)) for k, v in mapping.items())))

    def roles(self) -> list[str]:
        return [r for r, _ in self.paths]

    def has(self, role: str) -> bool:
        return any(r == role for r, _ in self.paths)

    def face(self, role: str) -> FontFace:
        for r, p in self.paths:
            if r == role:
                return face(p, r)
        raise FontError(f"no font is configured for the role {role!r} (known: {', '.join(self.roles())})",
                        code="font.role")

    def chain(self, role: str, fallback: tuple[str, ...] | list[str] = ()) -> list[FontFace]:
        """The faces to try for a field: its role, then the fallback roles that are configured."""
        order = [role, *fallback]
        seen: list[str] = []
        for r in order:
            if r not in seen and self.has(r):
                seen.append(r)
        if not seen:
            raise FontError(f"no font is configured for the role {role!r} or its fallbacks", code="font.role")
        return [self.face(r) for r in seen]

    def without(self, *roles: str) -> FontSet:
        """A copy without some roles (e.g. to test what happens when IPAmj is not installed)."""
        return FontSet(tuple((r, p) for r, p in self.paths if r not in roles))


_default: FontSet | None = None


def default_fonts() -> FontSet:
    """The process-wide font set from the environment (computed once)."""
    global _default
    if _default is None:
        _default = FontSet.default()
    return _default
