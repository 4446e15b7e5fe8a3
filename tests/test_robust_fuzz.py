"""A short fuzz of image loading (hypothesis over bytes), sized for CI (about 20 s).

Arbitrary bytes and mutations of real JPEG, PNG, GIF and WebP files (bit flips, overwritten,
deleted and inserted runs, truncation, spliced headers) go to ``photo.load``, then a smaller
share through the whole ``photo.check``, ``photo.fix`` and the annotated image. Whatever the
bytes, the answer is a result or a :class:`photo.errors.PhotoError` with a stable code.

The examples are derandomized so CI sees the same inputs each run; for a longer, random
fuzz locally: ``MYNACARD_FUZZ_SCALE=20 pytest tests/test_robust_fuzz.py``.
"""

from __future__ import annotations

import io
import os
import re
from functools import cache

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

import photo
from photo.errors import InputError, PhotoError
from tests.robust_support import FACE

SCALE = max(1, int(os.environ.get("MYNACARD_FUZZ_SCALE", "1")))
CODE = re.compile(r"^[a-z]+(\.[a-z_]+)+$")


def _budget(examples: int) -> settings:
    return settings(max_examples=examples * SCALE, deadline=None, derandomize=SCALE == 1, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@cache
def seeds() -> dict[str, bytes]:
    """Small real files (a face at 150 x 193 keeps each full check fast)."""
    face = Image.open(FACE).convert("RGB").resize((150, 193))
    out = {}
    for fmt, kw in (("JPEG", {"quality": 85}), ("PNG", {}), ("GIF", {}), ("WEBP", {"quality": 80}),
                    ("JPEG", {"quality": 70, "progressive": True})):
        b = io.BytesIO()
        (face.convert("P") if fmt == "GIF" else face).save(b, fmt, **kw)
        out[f"{fmt}{len(out)}"] = b.getvalue()
    return out


@st.composite
def mutated(draw) -> bytes:
    data = bytearray(draw(st.sampled_from(sorted(seeds().values(), key=len))))
    for _ in range(draw(st.integers(1, 4))):
        op = draw(st.sampled_from(["flip", "set", "delete", "insert", "truncate", "splice"]))
        n = len(data)
        if n == 0:
            break
        # most of a decoder's decisions are in the first bytes: bias positions towards the header
        pos = draw(st.one_of(st.integers(0, min(n - 1, 600)), st.integers(0, n - 1)))
        if op == "flip":
            data[pos] ^= 1 << draw(st.integers(0, 7))
        elif op == "set":
            data[pos:pos + 4] = draw(st.sampled_from([b"\x00", b"\xff", b"\xff\xff\xff\xff", b"\x7f\xff",
                                                      b"\xff\xd9", b"\xff\xda", b"\x00\x00\x00\x00"]))
        elif op == "delete":
            del data[pos:pos + draw(st.integers(1, 64))]
        elif op == "insert":
            data[pos:pos] = draw(st.binary(min_size=1, max_size=32))
        elif op == "truncate":
            del data[pos:]
        else:  # another format's header in front or in the middle
            other = draw(st.sampled_from(sorted(seeds().values(), key=len)))
            data[pos:pos] = other[: draw(st.integers(2, 200))]
    return bytes(data)


def _load(data: bytes):
    try:
        return photo.load(data)
    except InputError as err:
        assert CODE.match(err.code), err.code
        assert err.message
        return None


@_budget(1000)
@given(st.binary(max_size=2048))
def test_load_of_arbitrary_bytes(data):
    decoded = _load(data)
    if decoded is not None:
        assert decoded.rgb.ndim == 3 and decoded.rgb.shape[2] == 3 and decoded.rgb.dtype.name == "uint8"


@_budget(1500)
@given(mutated())
def test_load_of_mutated_real_files(data):
    decoded = _load(data)
    if decoded is not None:
        h, w = decoded.rgb.shape[:2]
        assert h > 0 and w > 0 and decoded.width > 0 and decoded.height > 0


@_budget(60)
@given(mutated())
def test_check_fix_and_annotate_of_mutated_real_files(data):
    from photo.annotate import annotate

    rep = photo.check(data)
    d = rep.to_dict()
    if rep.error:
        assert CODE.match(rep.error["code"]) and not rep.checks
        return
    assert rep.checks and d["error"] is None
    try:
        res = photo.fix(data)
    except PhotoError as err:
        assert CODE.match(err.code)
    else:
        if res.fixed and res.data:
            assert Image.open(io.BytesIO(res.data)).format == "JPEG"
    img, again = annotate(data)
    assert img.size[0] > 0 and again.passed == rep.passed


@pytest.mark.parametrize("shape", [(1, 5000), (5000, 1), (3, 4000), (8, 6000), (1001, 7), (2, 2)])
def test_extreme_aspect_ratios(shape):
    """Regression: a strip shrunk for the face models must keep at least one row (cv2.resize asserted)."""
    h, w = shape
    pixels = (np.arange(h * w * 3, dtype=np.uint32).reshape(h, w, 3) % 251).astype(np.uint8)
    for source in (pixels, _png_bytes(pixels)):
        rep = photo.check(source)
        assert rep.error is None and not rep.passed
        assert "image.dimensions" in {c.id for c in rep.failed}
        photo.fix(source)


def _png_bytes(pixels) -> bytes:
    b = io.BytesIO()
    Image.fromarray(pixels).save(b, "PNG")
    return b.getvalue()


def test_a_png_with_damaged_pixel_data_is_refused_not_half_decoded():
    """Regression: reading a PNG's EXIF decodes it; the loader swallowed that decoding error and
    went on with a half-decoded picture. The IDAT here is garbled (with a correct CRC)."""
    import struct
    import zlib

    png = _png_bytes(np.asarray(Image.open(FACE).convert("RGB").resize((140, 180))))
    at = png.index(b"IDAT")
    length = struct.unpack(">I", png[at - 4:at])[0]
    body = bytearray(png[at + 4:at + 4 + length])
    body[len(body) // 3:len(body) // 3 + 40] = bytes(range(40))
    damaged = png[:at + 4] + bytes(body) + struct.pack(">I", zlib.crc32(b"IDAT" + bytes(body))) + png[at + 8 + length:]
    with pytest.raises(InputError) as e:
        photo.load(damaged)
    assert e.value.code in ("input.corrupt", "input.truncated")
    assert photo.check(damaged).error["code"] == e.value.code
