"""reportlab fonts that keep registered names exact in the PDF's drawing *and* its text layer.

reportlab embeds TrueType subsets with a one-byte code per glyph and writes a ToUnicode CMap
so that copy and search give back the text. Two gaps are closed here:

- **Characters outside the BMP** (𠮷 U+20BB7): reportlab writes ``<04X>`` destinations, so
  the text layer read back U+20BB (₻). The CMap written here encodes every destination as
  UTF-16BE, with surrogate pairs above U+FFFF.
- **Ideographic Variation Sequences** (葛 U+845B + U+E0100): reportlab has no cmap format 14.
  Each sequence gets a private alias code point (plane 15) mapped to the variant glyph id
  (found with fontTools), and the CMap maps that code back to the original two-character
  sequence, so the variant is drawn and copy/search return the registered sequence.
"""

from __future__ import annotations

import threading

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import SUBSETN, TTFont

from cardface.fonts import FontFace, clusters, is_selector

_ALIAS_BASE = 0xF0000  # Supplementary Private Use Area-A
_lock = threading.RLock()
_fonts: dict[str, CardTTFont] = {}


def to_unicode_cmap(fontname: str, subset: list[int], actual: dict[int, str]) -> str:
    """A ToUnicode CMap for one subset: code i -> the text of ``subset[i]`` (UTF-16BE, any plane)."""
    entries = []
    for i, cp in enumerate(subset):
        text = actual.get(cp, chr(cp))
        entries.append(f"<{i:02X}> <{text.encode('utf-16-be').hex().upper()}>")
    lines = [
        "/CIDInit /ProcSet findresource begin",
        "12 dict begin",
        "begincmap",
        "/CIDSystemInfo",
        f"<< /Registry ({fontname})",
        f"/Ordering ({fontname})",
        "/Supplement 0",
        ">> def",
        f"/CMapName /{fontname} def",
        "/CMapType 2 def",
        "1 begincodespacerange",
        f"<00> <{len(subset) - 1:02X}>",
        "endcodespacerange",
    ]
    for k in range(0, len(entries), 100):  # at most 100 entries per block (PDF 32000-1 9.10.3)
        chunk = entries[k:k + 100]
        lines += [f"{len(chunk)} beginbfchar", *chunk, "endbfchar"]
    lines += ["endcmap", "CMapName currentdict /CMap defineresource pop", "end", "end"]
    return "\n".join(lines)


class _BytesView:
    """Slices of a memoryview returned as bytes (what reportlab's subsetter expects)."""

    def __init__(self, view: memoryview):
        self._view = view

    def __getitem__(self, s):
        return self._view[s].tobytes()

    def __len__(self) -> int:
        return len(self._view)


class CardTTFont(TTFont):
    """A reportlab TrueType font with IVS aliases and a text layer correct in every plane."""

    def __init__(self, name: str, face: FontFace):
        super().__init__(name, str(face.path))
        self.card_face = face
        # reportlab copies the whole glyf table (45 MB for IPAmj) for every subset it makes;
        # hand it a zero-copy view that yields bytes per glyph instead
        ttf = self.face
        whole = memoryview(ttf._ttf_data)
        plain = ttf.get_table

        def get_table(tag):
            if tag == "glyf":
                pos, length = ttf.get_table_pos(tag)
                return _BytesView(whole[pos:pos + length])
            return plain(tag)

        ttf.get_table = get_table
        self._aliases: dict[str, str] = {}  # cluster -> alias character
        self.actual_text: dict[int, str] = {}  # alias code point -> the original sequence

    def encode(self, text: str) -> str:
        """``text`` with every variation sequence replaced by its alias character."""
        if not any(is_selector(ord(c)) for c in text):
            return text
        out = []
        for cl in clusters(text):
            if len(cl) > 1 and is_selector(ord(cl[1])):
                out.append(self._alias(cl[:2]) + cl[2:])
            else:
                out.append(cl)
        return "".join(out)

    def _alias(self, seq: str) -> str:
        with _lock:
            a = self._aliases.get(seq)
            if a is not None:
                return a
            glyph = self.card_face.glyph(seq)
            if glyph is None:  # the scene checked coverage; this is a programming error
                raise KeyError(f"font {self.card_face.name} has no glyph for the sequence")
            gid = self.card_face.glyph_id(glyph)
            ttf = self.face
            cp = _ALIAS_BASE + len(self._aliases)
            ttf.charToGlyph[cp] = gid
            ttf.glyphToChar.setdefault(gid, []).append(cp)
            ttf.charWidths[cp] = self.card_face.advance_em(seq) * 1000.0
            self._aliases[seq] = a = chr(cp)
            self.actual_text[cp] = seq
            return a

    def addObjects(self, doc):
        state = self.state.get(doc)
        subsets = [list(s) for s in state.subsets] if state is not None else []
        super().addObjects(doc)
        for n, subset in enumerate(subsets):
            base = b"".join((SUBSETN(n), b"+", self.face.name, self.face.subfontNameX)).decode("pdfdoc")
            stream = doc.idToObject.get("toUnicodeCMap:" + base)
            if stream is not None:
                stream.content = to_unicode_cmap(base, subset, self.actual_text)


def pdf_font(face: FontFace) -> CardTTFont:
    """The registered reportlab font for a face (one per font file and process)."""
    key = str(face.path)
    with _lock:
        f = _fonts.get(key)
        if f is None:
            name = f"card{len(_fonts)}-{face.path.stem}"
            f = CardTTFont(name, face)
            pdfmetrics.registerFont(f)
            _fonts[key] = f
        return f
