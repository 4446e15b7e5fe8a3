"""A baseline JPEG file from quantised DCT coefficients (ISO/IEC 10918-1, sequential, Huffman).

Pillow (libjpeg) quantises every coefficient by rounding; an encoder may instead choose each
block's quantised coefficients itself (:mod:`photo.jpeg_trellis`), and any baseline decoder
reads the result. This module does the rest of a baseline encoder in numpy:

* :func:`forward` -- RGB to JFIF YCbCr (full-range BT.601), chroma averaged over 2x2 pixels
  for 4:2:0, the planes padded to whole MCUs by repeating the edge, and the orthonormal 8x8
  DCT-II of every block (the DCT of 10918-1 A.3.3), level-shifted by 128.
* :func:`quality_tables` -- the Annex K tables scaled by a quality as libjpeg scales them.
* :func:`write` -- the JPEG file: SOI, JFIF APP0, DQT, SOF0 (baseline, 8 bit), DHT with
  Huffman tables optimised for these coefficients (Annex K.2, code lengths limited to 16
  bits), one interleaved scan (SOS), EOI. No EXIF, ICC, comment or other metadata.
* :func:`entropy_bits` -- the size the scan would take with optimised tables, without
  writing it (for a rate search).

Coefficient arrays are ``[rows of blocks, columns of blocks, 64]`` int, in natural (row by
row, u across) order; tables are 64 values in natural order.
"""

from __future__ import annotations

import functools
import heapq
import struct

import numpy as np

# zigzag scan: ZIGZAG[k] is the natural index of the k-th coefficient in the scan
ZIGZAG = np.array([0, 1, 8, 16, 9, 2, 3, 10, 17, 24, 32, 25, 18, 11, 4, 5, 12, 19, 26, 33, 40, 48, 41, 34, 27,
                   20, 13, 6, 7, 14, 21, 28, 35, 42, 49, 56, 57, 50, 43, 36, 29, 22, 15, 23, 30, 37, 44, 51,
                   58, 59, 52, 45, 38, 31, 39, 46, 53, 60, 61, 54, 47, 55, 62, 63])
SUBSAMPLING = {"4:2:0": (2, 2), "4:4:4": (1, 1)}  # luma sampling factors (h, v); chroma is 1x1

# ISO/IEC 10918-1 Annex K, tables K.1 (luma) and K.2 (chroma), row by row (u across, v down):
# what libjpeg scales with the quality setting (quality 50 = these values)
ANNEX_K_LUMA = (16, 11, 10, 16, 24, 40, 51, 61, 12, 12, 14, 19, 26, 58, 60, 55,
                14, 13, 16, 24, 40, 57, 69, 56, 14, 17, 22, 29, 51, 87, 80, 62,
                18, 22, 37, 56, 68, 109, 103, 77, 24, 35, 55, 64, 81, 104, 113, 92,
                49, 64, 78, 87, 103, 121, 120, 101, 72, 92, 95, 98, 112, 100, 103, 99)
ANNEX_K_CHROMA = (17, 18, 24, 47, 99, 99, 99, 99, 18, 21, 26, 66, 99, 99, 99, 99,
                  24, 26, 56, 99, 99, 99, 99, 99, 47, 66, 99, 99, 99, 99, 99, 99) + (99,) * 32


def dct_matrix() -> np.ndarray:
    """The orthonormal 8-point DCT-II: coefficients = M @ block @ M.T (= 10918-1 A.3.3's FDCT)."""
    k = np.arange(8)
    m = np.cos(np.pi * (2 * k[None, :] + 1) * k[:, None] / 16) * np.sqrt(2.0 / 8)
    m[0] /= np.sqrt(2.0)
    return m


DCT = dct_matrix()


def quality_tables(quality: int, luma=ANNEX_K_LUMA, chroma=ANNEX_K_CHROMA) -> tuple[np.ndarray, np.ndarray]:
    """(luma, chroma) quantisation tables for a quality of 1-100, scaled from the given base
    tables exactly as libjpeg's ``jpeg_quality_scaling`` and ``jpeg_add_quant_table`` (baseline:
    clamped to 1-255), as Pillow's ``quality=`` makes them."""
    q = min(100, max(1, int(quality)))
    scale = 5000 // q if q < 50 else 200 - 2 * q
    out = []
    for base in (luma, chroma):
        t = (np.asarray(base, np.int64) * scale + 50) // 100
        out.append(np.clip(t, 1, 255).astype(np.int32))
    return out[0], out[1]


def _planes(rgb: np.ndarray, subsampling: str) -> list[np.ndarray]:
    """Y, Cb, Cr float planes (level-shifted by -128), chroma subsampled, padded to whole MCUs."""
    h, w = rgb.shape[:2]
    hs, vs = SUBSAMPLING[subsampling]
    mh, mw = 8 * vs, 8 * hs
    ph, pw = -(-h // mh) * mh, -(-w // mw) * mw
    # each plane is computed on contiguous channels and then padded (the colour transform is per
    # pixel, so padding after it gives the same values as padding the RGB first, in a third of the time)
    r, g, b = np.moveaxis(np.asarray(rgb), 2, 0).astype(np.float64, order="C")
    pad = ((0, ph - h), (0, pw - w))
    y = np.pad(0.299 * r + 0.587 * g + 0.114 * b - 128.0, pad, mode="edge")
    cb = np.pad(-0.168735892 * r - 0.331264108 * g + 0.5 * b, pad, mode="edge")
    cr = np.pad(0.5 * r - 0.418687589 * g - 0.081312411 * b, pad, mode="edge")
    if (hs, vs) == (2, 2):  # the mean of each 2x2, summed in the order numpy's mean over them sums (same values)
        cb = ((cb[0::2, 0::2] + cb[0::2, 1::2]) + (cb[1::2, 0::2] + cb[1::2, 1::2])) / 4
        cr = ((cr[0::2, 0::2] + cr[0::2, 1::2]) + (cr[1::2, 0::2] + cr[1::2, 1::2])) / 4
    elif (hs, vs) != (1, 1):
        cb = cb.reshape(ph // vs, vs, pw // hs, hs).mean(axis=(1, 3))
        cr = cr.reshape(ph // vs, vs, pw // hs, hs).mean(axis=(1, 3))
    return [y, cb, cr]


def blocks_of(plane: np.ndarray) -> np.ndarray:
    """A plane (multiple of 8 on both sides) as ``[rows, cols, 8, 8]`` blocks."""
    h, w = plane.shape
    return plane.reshape(h // 8, 8, w // 8, 8).transpose(0, 2, 1, 3)


def forward(rgb: np.ndarray, subsampling: str = "4:2:0") -> list[np.ndarray]:
    """The unquantised DCT coefficients of Y, Cb, Cr: ``[rows, cols, 64]`` float each (natural order)."""
    out = []
    for p in _planes(rgb, subsampling):
        b = blocks_of(p)
        c = DCT @ b @ DCT.T
        out.append(c.reshape(c.shape[0], c.shape[1], 64))
    return out


def inverse(coefficients: np.ndarray) -> np.ndarray:
    """A plane (level shift undone, not clipped) from dequantised ``[rows, cols, 64]`` coefficients."""
    r, c, _ = coefficients.shape
    b = DCT.T @ coefficients.reshape(r, c, 8, 8) @ DCT
    return b.transpose(0, 2, 1, 3).reshape(r * 8, c * 8) + 128.0


# ---------------------------------------------------------------------------------- entropy coding
@functools.lru_cache(maxsize=8)
def _mcu_order(shapes: tuple[tuple[int, int], ...], subsampling: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(component, block row, block column) of every block in the interleaved scan's order
    (cached: the same for every file of one image size; the arrays are read-only)."""
    hs, vs = SUBSAMPLING[subsampling]
    my, mx = shapes[1]  # chroma blocks = MCUs
    mcu_y, mcu_x = np.meshgrid(np.arange(my), np.arange(mx), indexing="ij")
    mcu_y, mcu_x = mcu_y.ravel(), mcu_x.ravel()
    n = mcu_y.size
    parts = []
    for dy in range(vs):
        for dx in range(hs):
            parts.append((np.zeros(n, int), mcu_y * vs + dy, mcu_x * hs + dx))
    parts.append((np.ones(n, int), mcu_y, mcu_x))
    parts.append((np.full(n, 2), mcu_y, mcu_x))
    per = len(parts)
    comp = np.empty(n * per, int)
    rows = np.empty(n * per, int)
    cols = np.empty(n * per, int)
    for i, (c, r, x) in enumerate(parts):
        comp[i::per], rows[i::per], cols[i::per] = c, r, x
    for a in (comp, rows, cols):
        a.flags.writeable = False
    return comp, rows, cols


@functools.lru_cache(maxsize=8)
def _scan_index(shapes: tuple[tuple[int, int], ...], subsampling: str) -> tuple[np.ndarray, np.ndarray, tuple]:
    """(each scan block's row in the three components' blocks stacked one after the other, its
    component, each component's scan positions): :func:`_mcu_order` as indices, cached (read-only)."""
    comp, rows, cols = _mcu_order(shapes, subsampling)
    start = np.cumsum([0] + [r * c for r, c in shapes])[:-1]
    flat = start[comp] + rows * np.array([c for _, c in shapes])[comp] + cols
    per = tuple(np.nonzero(comp == ci)[0] for ci in range(len(shapes)))
    for a in (flat, *per):
        a.flags.writeable = False
    return flat, comp, per


#: the magnitude category of 0-2047 (baseline JPEG's DC differences and AC values stay within it)
_SIZES = np.array([v.bit_length() for v in range(2048)], np.int64)


def _size(v: np.ndarray) -> np.ndarray:
    """The magnitude category (number of bits) of each value: 0 for 0."""
    a = np.abs(v).astype(np.int64)
    if a.size and a.max() < _SIZES.size:
        return _SIZES[a]
    out = np.zeros(a.shape, np.int64)
    nz = a > 0
    out[nz] = np.floor(np.log2(a[nz])).astype(np.int64) + 1
    return out


def _events(coefficients: list[np.ndarray], subsampling: str, ordered: bool = True):
    """Every Huffman-coded event of the scan, in order: (table 0-3 = DC luma, AC luma, DC chroma,
    AC chroma; symbol 0-255; extra bits value; extra bits length). ``ordered=False``: the same
    events in no particular order (enough for their statistics, and cheaper)."""
    flat, comp, per = _scan_index(tuple(c.shape[:2] for c in coefficients), subsampling)
    stacked = np.concatenate([np.asarray(c, np.int64).reshape(-1, 64) for c in coefficients])
    zz = stacked[flat][:, ZIGZAG]
    nblk = comp.size
    chroma = (comp > 0).astype(np.int64)
    # DC: the difference from the previous block of the same component
    dc = zz[:, 0]
    diff = np.empty(nblk, np.int64)
    for sel in per:
        diff[sel] = np.diff(dc[sel], prepend=0)
    dsize = _size(diff)
    # AC: runs of zeros (ZRL for each 16), then (run, size); EOB when the last is not the 63rd
    ac = zz[:, 1:]
    blk, pos = np.nonzero(ac)
    pos = pos + 1
    val = ac[blk, pos - 1]
    first = np.ones(blk.size, bool)
    first[1:] = blk[1:] != blk[:-1]
    prev = np.where(first, 0, np.concatenate(([0], pos[:-1])))
    run = pos - prev - 1
    nzrl = run // 16
    asize = _size(val)
    last = np.zeros(nblk, np.int64)
    if blk.size:
        last[blk] = pos  # the last assignment per block wins: its highest position
    eob = last < 63
    # sort keys: block * 4096 + position * 64 + (ZRL index | 63 for the symbol); DC 0; EOB 4095
    keys, tab, sym, ebits, elen = [], [], [], [], []
    keys.append(np.arange(nblk) * 4096)
    tab.append(2 * chroma)
    sym.append(dsize)
    ebits.append(np.where(diff >= 0, diff, diff + (1 << dsize) - 1))
    elen.append(dsize)
    if nzrl.any():
        zi = np.repeat(np.arange(blk.size), nzrl)
        within = np.arange(zi.size) - np.repeat(np.cumsum(nzrl) - nzrl, nzrl)
        keys.append(blk[zi] * 4096 + pos[zi] * 64 + within)
        tab.append(2 * chroma[blk[zi]] + 1)
        sym.append(np.full(zi.size, 0xF0, np.int64))
        ebits.append(np.zeros(zi.size, np.int64))
        elen.append(np.zeros(zi.size, np.int64))
    keys.append(blk * 4096 + pos * 64 + 63)
    tab.append(2 * chroma[blk] + 1)
    sym.append((run % 16) * 16 + asize)
    ebits.append(np.where(val >= 0, val, val + (1 << asize) - 1))
    elen.append(asize)
    eb = np.nonzero(eob)[0]
    keys.append(eb * 4096 + 4095)
    tab.append(2 * chroma[eb] + 1)
    sym.append(np.zeros(eb.size, np.int64))
    ebits.append(np.zeros(eb.size, np.int64))
    elen.append(np.zeros(eb.size, np.int64))
    if not ordered:
        return tuple(np.concatenate(a) for a in (tab, sym, ebits, elen))
    k = np.concatenate(keys)
    order = np.argsort(k, kind="stable")
    return tuple(np.concatenate(a)[order] for a in (tab, sym, ebits, elen))


def code_lengths(freq: np.ndarray) -> np.ndarray:
    """Huffman code lengths (0 = symbol absent) for 256 symbol frequencies, at most 16 bits,
    no code of all ones (10918-1 Annex K.2: a reserved symbol of frequency 1, then K.3's
    adjustment of the length counts)."""
    present = [int(s) for s in np.nonzero(freq)[0]]
    lengths = np.zeros(257, np.int64)
    items = [(int(freq[s]), s, [s]) for s in present] + [(1, 256, [256])]
    if len(items) == 1:
        return lengths[:256]
    heapq.heapify(items)
    while len(items) > 1:
        f1, t1, s1 = heapq.heappop(items)
        f2, t2, s2 = heapq.heappop(items)
        for s in s1 + s2:
            lengths[s] += 1
        heapq.heappush(items, (f1 + f2, min(t1, t2), s1 + s2))
    # K.3: limit to 16 bits by moving pairs of the longest codes up
    bits = np.bincount(lengths[lengths > 0], minlength=17).copy()  # up to 256 bits long before the limit
    i = bits.size - 1
    while i > 16:
        while bits[i] > 0:
            j = i - 2
            while bits[j] == 0:
                j -= 1
            bits[i] -= 2
            bits[i - 1] += 1
            bits[j + 1] += 2
            bits[j] -= 1
        i -= 1
    while bits[i] == 0:  # remove the reserved symbol's code (the longest)
        i -= 1
    bits[i] -= 1
    # give the lengths back to the symbols, most frequent first
    syms = sorted(present, key=lambda s: (lengths[s], s))
    out = np.zeros(256, np.int64)
    k = 0
    for length in range(1, 17):
        for _ in range(int(bits[length])):
            out[syms[k]] = length
            k += 1
    return out


def canonical_codes(lengths: np.ndarray) -> tuple[np.ndarray, list[int], list[int]]:
    """(code of each symbol, BITS counts 1-16, HUFFVAL symbols) of 10918-1 Annex C."""
    syms = sorted((int(s) for s in np.nonzero(lengths)[0]), key=lambda s: (lengths[s], s))
    codes = np.zeros(256, np.int64)
    code, prev = 0, 0
    for s in syms:
        code <<= int(lengths[s]) - prev
        prev = int(lengths[s])
        codes[s] = code
        code += 1
    bits = [int((lengths == n).sum()) for n in range(1, 17)]
    return codes, bits, syms


def _tables(tab: np.ndarray, sym: np.ndarray) -> list[np.ndarray]:
    return [code_lengths(np.bincount(sym[tab == t], minlength=256)) for t in range(4)]


def ac_code_lengths(coefficients: list[np.ndarray], subsampling: str = "4:2:0") -> tuple[np.ndarray, np.ndarray]:
    """The (luma, chroma) AC Huffman code lengths (256 symbols each) optimised for these coefficients."""
    lengths, _ = scan_statistics(coefficients, subsampling)
    return lengths[1], lengths[3]


def scan_statistics(coefficients: list[np.ndarray], subsampling: str = "4:2:0") -> tuple[list[np.ndarray], int]:
    """(the four optimised Huffman tables' code lengths: DC luma, AC luma, DC chroma, AC chroma;
    the scan's size in bits with them, before byte stuffing).

    Counted from each table's symbol frequencies and the extra bits, without listing the events:
    the AC symbols do not depend on the order of the blocks, the DC differences follow each
    component's blocks in the scan's order (the same counts as :func:`_events`' events)."""
    shapes = tuple(c.shape[:2] for c in coefficients)
    flat, _, per = _scan_index(shapes, subsampling)
    start = np.cumsum([0] + [r * c for r, c in shapes])[:-1]
    freq = [np.zeros(256, np.int64) for _ in range(4)]
    extra = 0
    for ci, c in enumerate(coefficients):
        blocks = np.asarray(c, np.int64).reshape(-1, 64)
        dc_t, ac_t = (0, 1) if ci == 0 else (2, 3)
        dc = blocks[flat[per[ci]] - start[ci], 0]  # in the scan's order
        dsize = _size(np.diff(dc, prepend=0))
        freq[dc_t] += np.bincount(dsize, minlength=256)
        extra += int(dsize.sum())
        ac = blocks[:, ZIGZAG[1:]]
        blk, pos = np.nonzero(ac)
        pos = pos + 1
        first = np.ones(blk.size, bool)
        first[1:] = blk[1:] != blk[:-1]
        run = pos - np.where(first, 0, np.concatenate(([0], pos[:-1]))) - 1
        asize = _size(ac[blk, pos - 1])
        freq[ac_t] += np.bincount((run % 16) * 16 + asize, minlength=256)
        freq[ac_t][0xF0] += int((run // 16).sum())
        last = np.zeros(blocks.shape[0], np.int64)
        last[blk] = pos
        freq[ac_t][0] += int((last < 63).sum())  # EOB
        extra += int(asize.sum())
    lengths = [code_lengths(f) for f in freq]
    bits = int(sum(int((lengths[t] * freq[t]).sum()) for t in range(4)) + extra)
    return lengths, bits


def entropy_bits(coefficients: list[np.ndarray], subsampling: str = "4:2:0") -> int:
    """The scan's size in bits with Huffman tables optimised for it (before byte stuffing)."""
    return scan_statistics(coefficients, subsampling)[1]


def header_bytes(lengths: list[np.ndarray]) -> int:
    """Bytes of the file around the scan (:func:`write`'s markers and tables) for the four
    Huffman tables of these code lengths: SOI, APP0 18, DQT 134, SOF0 19, DHT, SOS 14, EOI."""
    return 2 + 18 + 4 + 2 * 65 + 19 + 4 + sum(17 + int(np.count_nonzero(t)) for t in lengths) + 14 + 2


def _pack(values: np.ndarray, lengths: np.ndarray) -> bytes:
    """Bit-pack codes (MSB first, each at most 32 bits), pad the last byte with ones, stuff a 0
    after every 0xFF. Each code is placed in a 40-bit window from its first byte; the windows'
    bytes are summed into place (the codes' bits never overlap, so the sum is their union)."""
    lengths = lengths.astype(np.int64)
    total = int(lengths.sum())
    nbytes = -(-total // 8)
    start = np.cumsum(lengths) - lengths
    first, shift = start // 8, start % 8
    window = values.astype(np.int64) << (40 - lengths - shift)
    idx = (first[:, None] + np.arange(5)[None, :]).ravel()
    part = ((window[:, None] >> (32 - 8 * np.arange(5))[None, :]) & 0xFF).ravel()
    out = np.bincount(idx, weights=part, minlength=nbytes + 5)[:nbytes].astype(np.uint8)
    if total % 8:
        out[-1] |= (1 << (8 - total % 8)) - 1
    ff = np.nonzero(out == 0xFF)[0]
    if ff.size:
        out = np.insert(out, ff + 1, 0)
    return out.tobytes()


def _segment(marker: int, payload: bytes) -> bytes:
    return struct.pack(">HH", marker, len(payload) + 2) + payload


def write(coefficients: list[np.ndarray], tables: tuple, width: int, height: int,
          subsampling: str = "4:2:0") -> bytes:
    """A baseline JPEG file (JFIF) of quantised Y, Cb, Cr coefficients (``[rows, cols, 64]`` int
    each, natural order, as :func:`forward` lays them out) and their (luma, chroma) tables."""
    hs, vs = SUBSAMPLING[subsampling]
    coefficients = [np.asarray(c, np.int64) for c in coefficients]
    lim = (2047, 1023)
    for c in coefficients:
        if np.abs(c[..., 0]).max(initial=0) > lim[0] or np.abs(c[..., 1:]).max(initial=0) > lim[1]:
            raise ValueError("a coefficient is outside baseline JPEG's range")
    tab, sym, ebits, elen = _events(coefficients, subsampling)
    lengths = _tables(tab, sym)
    values = np.zeros(tab.size, np.int64)
    clen = np.zeros(tab.size, np.int64)
    dht = b""
    for t in range(4):
        codes, bits, syms = canonical_codes(lengths[t])
        sel = tab == t
        values[sel] = codes[sym[sel]]
        clen[sel] = lengths[t][sym[sel]]
        tc, th = t % 2, t // 2
        dht += bytes([tc << 4 | th]) + bytes(bits) + bytes(syms)
    scan = _pack((values << elen) | ebits, clen + elen)
    out = [b"\xff\xd8",
           _segment(0xFFE0, b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00")]
    dqt = b""
    for i, t in enumerate(tables):
        t = np.asarray(t, np.int64).ravel()
        if t.min() < 1 or t.max() > 255:
            raise ValueError("baseline quantisation tables hold 1-255")
        dqt += bytes([i]) + bytes(int(v) for v in t[ZIGZAG])
    out.append(_segment(0xFFDB, dqt))
    out.append(_segment(0xFFC0, struct.pack(">BHHB", 8, height, width, 3)
                        + bytes([1, hs << 4 | vs, 0, 2, 0x11, 1, 3, 0x11, 1])))
    out.append(_segment(0xFFC4, dht))
    out.append(_segment(0xFFDA, bytes([3, 1, 0x00, 2, 0x11, 3, 0x11, 0, 63, 0])))
    out.append(scan)
    out.append(b"\xff\xd9")
    return b"".join(out)
