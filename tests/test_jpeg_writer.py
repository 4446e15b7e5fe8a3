"""photo.jpeg_writer and photo.jpeg_trellis: a baseline JPEG from chosen coefficients, read by libjpeg."""

from __future__ import annotations

import io
import itertools

import numpy as np
import pytest
from PIL import Image

from photo import jpeg_trellis, jpeg_writer
from photo.jpeg_writer import ZIGZAG


@pytest.fixture(scope="module")
def picture():
    """A 320 x 240 test picture with edges, gradients and texture (not a multiple of 16 wide on purpose: 232)."""
    rng = np.random.default_rng(7)
    y, x = np.mgrid[0:320, 0:232]
    r = 128 + 60 * np.sin(x / 9.0) + 30 * (y > 150)
    g = 100 + 0.4 * x + 20 * np.cos(y / 5.0)
    b = 90 + 0.3 * y + 40 * ((x // 20 + y // 20) % 2)
    img = np.stack([r, g, b], axis=-1) + rng.normal(0, 6, (320, 232, 3))
    return np.clip(np.round(img), 0, 255).astype(np.uint8)


def rounded(picture, quality, subsampling="4:2:0"):
    coef = jpeg_writer.forward(picture, subsampling)
    lt, ct = jpeg_writer.quality_tables(quality)
    return [np.round(c / t).astype(np.int64) for c, t in zip(coef, (lt, ct, ct), strict=True)], (lt, ct)


@pytest.mark.parametrize("subsampling", ["4:2:0", "4:4:4"])
def test_libjpeg_decodes_exactly_the_written_coefficients(picture, subsampling):
    q, tables = rounded(picture, 60, subsampling)
    data = jpeg_writer.write(q, tables, 232, 320, subsampling)
    with Image.open(io.BytesIO(data)) as im:
        assert im.format == "JPEG" and im.size == (232, 320) and im.mode == "RGB"
        assert im.info.get("progressive") is None and not im.info.get("progression")
        assert im.layer[0][1:3] == ((2, 2) if subsampling == "4:2:0" else (1, 1))
        assert [list(im.quantization[i]) for i in (0, 1)] == [list(t) for t in tables]  # natural order
        im.draft("YCbCr", im.size)  # libjpeg's own planes, before its colour conversion
        ycc = np.asarray(im.convert("YCbCr")) if im.mode != "YCbCr" else np.asarray(im)
    # our inverse DCT of the dequantised luma equals libjpeg's decoded luma (IDCT rounding: 1 level)
    ours = np.clip(np.round(jpeg_writer.inverse(q[0] * tables[0])), 0, 255)[:320, :232]
    assert np.abs(ours - ycc[..., 0].astype(float)).max() <= 1
    # baseline, one scan, no metadata beyond JFIF
    assert data[:2] == b"\xff\xd8" and data[-2:] == b"\xff\xd9"
    assert b"\xff\xc0" in data and b"\xff\xc2" not in data and data.count(b"\xff\xda") == 1
    for marker in (b"\xff\xe1", b"\xff\xe2", b"\xff\xfe"):  # EXIF/XMP, ICC, comment
        assert marker not in data


def test_same_size_and_quality_as_libjpeg_when_rounding(picture):
    """Rounding with libjpeg's tables and optimised Huffman tables makes libjpeg's file again, within 1 %."""
    q, tables = rounded(picture, 75)
    data = jpeg_writer.write(q, tables, 232, 320)
    buf = io.BytesIO()
    Image.fromarray(picture).save(buf, "JPEG", quality=75, optimize=True, subsampling="4:2:0")
    assert abs(len(data) - len(buf.getvalue())) <= 0.01 * len(buf.getvalue())
    ours = np.asarray(Image.open(io.BytesIO(data)).convert("RGB")).astype(float)
    theirs = np.asarray(Image.open(io.BytesIO(buf.getvalue())).convert("RGB")).astype(float)
    mse = lambda x: np.mean((x - picture) ** 2)  # noqa: E731
    assert mse(ours) <= mse(theirs) * 1.02
    # the scan's size as entropy_bits counts it (stuffed zero bytes aside)
    scan = data[data.index(b"\xff\xda") + 14:-2]
    assert len(scan) - scan.count(b"\xff\x00") == -(-jpeg_writer.entropy_bits(q) // 8)
    lengths, _ = jpeg_writer.scan_statistics(q)
    assert len(data) == jpeg_writer.header_bytes(lengths) + len(scan)


def test_quality_tables_are_libjpegs(picture):
    for quality in (5, 30, 50, 75, 95):
        buf = io.BytesIO()
        Image.fromarray(picture).save(buf, "JPEG", quality=quality)
        with Image.open(buf) as im:
            assert [list(t) for t in jpeg_writer.quality_tables(quality)] == [list(im.quantization[i]) for i in (0, 1)]


def test_huffman_code_lengths_are_limited_and_prefix_free():
    fib = [1, 1]
    while len(fib) < 40:
        fib.append(fib[-1] + fib[-2])
    freq = np.zeros(256, np.int64)
    freq[:40] = fib  # a skewed distribution: unlimited Huffman codes would reach 39 bits
    lengths = jpeg_writer.code_lengths(freq)
    assert lengths[:40].min() >= 1 and lengths.max() == 16 and (lengths[40:] == 0).all()
    assert np.sum(2.0 ** -lengths[lengths > 0]) < 1.0  # Kraft, with room left: no all-ones code
    codes, bits, syms = jpeg_writer.canonical_codes(lengths)
    assert sum(bits) == 40 and sorted(syms) == list(range(40))
    words = {format(int(codes[s]), f"0{int(lengths[s])}b") for s in syms}
    assert not any(a != b and b.startswith(a) for a in words for b in words)
    assert "1" * 16 not in words


def test_out_of_range_coefficients_are_refused(picture):
    q, tables = rounded(picture, 50)
    q[0][0, 0, 5] = 1024
    with pytest.raises(ValueError):
        jpeg_writer.write(q, tables, 232, 320)


# -- trellis -------------------------------------------------------------------------------------------

def block_cost(x, values, lam, rtab, eob_bits):
    """distortion (in steps) + lambda * bits of one block's AC values (zigzag 1..63), coded as JPEG codes them."""
    d = float(np.sum((x - values) ** 2))
    bits, prev = 0.0, 0
    nz = np.nonzero(values)[0] + 1
    for k in nz:
        size = int(np.floor(np.log2(abs(values[k - 1])))) + 1
        bits += rtab[k - prev - 1, size]
        prev = k
    if prev < 63:
        bits += eob_bits
    return d + lam * bits


def test_trellis_finds_the_cheapest_choice(picture):
    coef = jpeg_writer.forward(picture)[0]
    lt, _ = jpeg_writer.quality_tables(50)
    rnd = np.round(coef / lt).astype(np.int64)
    lengths, _ = jpeg_writer.ac_code_lengths([rnd, rnd[::2, ::2], rnd[::2, ::2]])
    rtab = jpeg_trellis.rate_table(lengths)
    eob = float(lengths[0])
    lam = 0.05
    # blocks with at most 7 non-zero rounded AC values: every choice (nearest / one towards zero / zero) enumerated
    zz = coef.reshape(-1, 64)[:, ZIGZAG] / lt[ZIGZAG]
    picked = [i for i in range(zz.shape[0]) if 2 <= np.count_nonzero(np.round(zz[i, 1:])) <= 7][:12]
    assert len(picked) >= 6
    out = jpeg_trellis.quantise(coef, lt, lam, lengths).reshape(-1, 64)[:, ZIGZAG]
    for i in picked:
        x = zz[i, 1:]
        v1 = np.round(x).astype(np.int64)
        pos = np.nonzero(v1)[0]
        best = np.inf
        for choice in itertools.product((0, 1, 2), repeat=pos.size):
            v = np.zeros(63, np.int64)
            for p, c in zip(pos, choice, strict=True):
                v[p] = (v1[p], v1[p] - np.sign(v1[p]), 0)[c]
            best = min(best, block_cost(x, v, lam, rtab, eob))
        assert block_cost(x, out[i, 1:], lam, rtab, eob) == pytest.approx(best, abs=1e-9)
        assert out[i, 0] == np.round(zz[i, 0])  # DC rounded


def test_trellis_lambda_zero_is_rounding_and_blocks_are_independent(picture):
    coef = jpeg_writer.forward(picture)[0]
    lt, _ = jpeg_writer.quality_tables(70)
    rnd = np.round(coef / lt).astype(np.int64)
    lengths, _ = jpeg_writer.ac_code_lengths([rnd, rnd[::2, ::2], rnd[::2, ::2]])
    assert np.array_equal(jpeg_trellis.quantise(coef, lt, 0.0, lengths), rnd)
    lam = np.where(np.arange(coef.shape[1])[None, :] < 10, 0.04, 1.0) * np.ones(coef.shape[:2])
    mixed = jpeg_trellis.quantise(coef, lt, lam, lengths)
    uniform = jpeg_trellis.quantise(coef, lt, 0.04, lengths)
    assert np.array_equal(mixed[:, :10], uniform[:, :10])  # a block's choice depends on its own lambda only
    heavy = jpeg_trellis.quantise(coef, lt, 1.0, lengths)
    assert np.array_equal(mixed[:, 10:], heavy[:, 10:])
    assert np.count_nonzero(heavy) < np.count_nonzero(uniform) < np.count_nonzero(rnd)
    # every value is the nearest, one step towards zero, or zero
    ok = (uniform == rnd) | (uniform == rnd - np.sign(rnd)) | (uniform == 0)
    assert ok.all()


@pytest.mark.parametrize("subsampling", ["4:2:0", "4:4:4"])
def test_colour_planes_are_the_per_pixel_transform_of_the_padded_picture(picture, subsampling):
    """The planes are computed before padding and the 2x2 chroma mean summed by hand: the same values,
    bit for bit, as padding the picture first and taking numpy's mean over each 2x2."""
    hs, vs = jpeg_writer.SUBSAMPLING[subsampling]
    h, w = picture.shape[:2]
    ph, pw = -(-h // (8 * vs)) * 8 * vs, -(-w // (8 * hs)) * 8 * hs
    x = np.pad(picture.astype(np.float64), ((0, ph - h), (0, pw - w), (0, 0)), mode="edge")
    r, g, b = x[..., 0], x[..., 1], x[..., 2]
    want = [0.299 * r + 0.587 * g + 0.114 * b - 128.0, -0.168735892 * r - 0.331264108 * g + 0.5 * b,
            0.5 * r - 0.418687589 * g - 0.081312411 * b]
    for i in (1, 2):
        want[i] = want[i].reshape(ph // vs, vs, pw // hs, hs).mean(axis=(1, 3))
    for got, ref in zip(jpeg_writer._planes(picture, subsampling), want, strict=True):
        assert got.shape == ref.shape and np.array_equal(got, ref)


@pytest.mark.parametrize("subsampling", ["4:2:0", "4:4:4"])
def test_scan_statistics_are_the_written_scans(picture, subsampling):
    """The counted tables and bits are those of the events the writer codes (every table, every size)."""
    for quality in (10, 50, 95):
        q, _ = rounded(picture, quality, subsampling)
        lengths, bits = jpeg_writer.scan_statistics(q, subsampling)
        tab, sym, _, elen = jpeg_writer._events(q, subsampling)
        ref = jpeg_writer._tables(tab, sym)
        assert all(np.array_equal(a, b) for a, b in zip(lengths, ref, strict=True))
        assert bits == sum(int(ref[t][sym[tab == t]].sum()) for t in range(4)) + int(elen.sum())
