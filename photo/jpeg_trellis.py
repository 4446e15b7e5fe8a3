"""Rate-distortion optimised quantisation of JPEG blocks (trellis quantisation).

A baseline JPEG decoder multiplies each quantised coefficient by its table entry; which integer
the encoder writes is the encoder's choice. Rounding each coefficient to the nearest step (what
libjpeg does) ignores what the integer costs to code: a lone ±1 far down the zigzag costs a
(run, size) Huffman code plus a bit, and often an end-of-block moved later, for a small
reduction in error. Trellis quantisation (as in mozjpeg, after Ramchandran and Vetterli's
rate-distortion optimal thresholding) chooses, per block, the sequence of quantised AC
coefficients that minimises

    distortion + lambda * bits

over the choices "nearest", "one step towards zero" and "zero" of every coefficient, with the
exact run-length structure of JPEG's AC coding (runs, ZRL for each 16 zeros, EOB) and the
Huffman code lengths of the current statistics: a dynamic programme over the 63 zigzag
positions whose state is the position of the last non-zero coefficient.

The distortion is the squared error in units of each coefficient's quantisation step (the
table's own weighting of frequencies, mozjpeg's ``use_lambda_weight_tbl``); ``lambda`` (step²
per bit) is given per block, so an encoder may spend differently in different regions; a
block with ``lambda`` 0 is rounded exactly as libjpeg rounds it. DC coefficients are always
rounded (their difference coding links blocks).
"""

from __future__ import annotations

import numpy as np

from photo.jpeg_writer import ZIGZAG

MAX_SIZE = 11  # AC magnitude categories are 1-10 in baseline JPEG


def rate_table(ac_lengths: np.ndarray, missing_bits: int = 16) -> np.ndarray:
    """Bits to code a non-zero AC coefficient of magnitude category ``s`` after ``run`` zeros:
    ``[run 0-63, s 0-10]`` = ZRL codes for each full 16 zeros + the (run % 16, s) code + s bits.
    ``ac_lengths``: the AC table's 256 code lengths (0 = symbol unused: ``missing_bits``)."""
    lengths = np.where(np.asarray(ac_lengths) > 0, ac_lengths, missing_bits).astype(np.float64)
    run = np.arange(64)[:, None]
    s = np.arange(MAX_SIZE)[None, :]
    return (run // 16) * lengths[0xF0] + lengths[(run % 16) * 16 + np.maximum(s, 1)] + s


def _size(v: np.ndarray) -> np.ndarray:
    a = np.abs(v)
    out = np.zeros(a.shape, np.int64)
    nz = a > 0
    out[nz] = np.floor(np.log2(a[nz])).astype(np.int64) + 1
    return np.minimum(out, MAX_SIZE - 1)


def quantise(coefficients: np.ndarray, table, lambdas: np.ndarray | float, ac_lengths: np.ndarray) -> np.ndarray:
    """Quantised coefficients ``[rows, cols, 64]`` int (natural order) of ``coefficients`` (same
    layout, float) with ``table`` (64, natural order): DC and the blocks whose lambda is 0
    rounded to the nearest step, every other block's AC coefficients chosen by the trellis with
    its lambda (``[rows, cols]`` or one value) and ``ac_lengths`` (the AC Huffman table's code
    lengths, 256 symbols, used as the rate)."""
    r, c, _ = coefficients.shape
    table = np.asarray(table, np.float64).ravel()
    z = coefficients.reshape(r * c, 64)[:, ZIGZAG] / table[ZIGZAG]
    out = np.round(z).astype(np.int64)
    lam = np.broadcast_to(np.asarray(lambdas, np.float64), (r, c)).ravel()
    x = z[:, 1:]
    v1 = out[:, 1:]
    nz1 = v1 != 0
    has = nz1.any(axis=1)
    last = np.where(has, 63 - np.argmax(nz1[:, ::-1], axis=1), 0)  # last non-zero zigzag position (0: none)
    todo = np.nonzero((lam > 0) & has)[0]
    if todo.size:
        todo = todo[np.argsort(-last[todo], kind="stable")]  # the active rows at position k are a prefix
        out[todo, 1:] = _trellis(x[todo], v1[todo], last[todo], lam[todo], rate_table(ac_lengths),
                                 float(np.where(ac_lengths[0] > 0, ac_lengths[0], 16)))
    natural = np.empty_like(out)
    natural[:, ZIGZAG] = out
    return natural.reshape(r, c, 64)


def _trellis(x: np.ndarray, v1: np.ndarray, last: np.ndarray, lam: np.ndarray, rtab: np.ndarray,
             eob_bits: float) -> np.ndarray:
    """The dynamic programme for blocks sorted by ``last`` (descending): AC values (n x 63)."""
    n = x.shape[0]
    v2 = v1 - np.sign(v1)  # one step towards zero (0 for a ±1: the same as "zero")
    d1, d2, dz = (x - v1) ** 2, (x - v2) ** 2, x ** 2
    zc = np.zeros((n, 64))
    zc[:, 1:] = np.cumsum(dz, axis=1)  # zc[:, k]: error of zeroing positions 1..k
    best = np.full((n, 64), np.inf)
    best[:, 0] = 0.0
    a = np.full((n, 64), np.inf)  # best - zc: the part of a path's cost not depending on later zeros
    a[:, 0] = 0.0
    prev = np.zeros((n, 64), np.int64)
    chosen = np.zeros((n, 64), np.int64)
    s1, s2 = _size(v1), _size(v2)
    kmax = int(last.max(initial=0))
    for k in range(1, kmax + 1):
        m = int(np.searchsorted(-last, -k, side="right"))  # rows with last >= k
        runs = k - 1 - np.arange(k)
        lam_m = lam[:m, None]
        base = a[:m, :k]
        zpre = zc[:m, k - 1]
        cost = np.full(m, np.inf)
        for v, s, d in ((v1, s1, d1), (v2, s2, d2)):
            vk = v[:m, k - 1]
            ok = vk != 0
            if not ok.any():
                continue
            tot = base + lam_m * rtab[runs[None, :], s[:m, k - 1][:, None]]
            j = np.argmin(tot, axis=1)
            cst = tot[np.arange(m), j] + zpre + d[:m, k - 1]
            cst = np.where(ok, cst, np.inf)
            better = cst < cost
            cost = np.where(better, cst, cost)
            prev[:m, k] = np.where(better, j, prev[:m, k])
            chosen[:m, k] = np.where(better, vk, chosen[:m, k])
        best[:m, k] = cost
        a[:m, k] = cost - zc[:m, k]
    # end of block: after the last non-zero j, zeros to 63 (and an EOB unless j is 63)
    end = best + (zc[:, 63:64] - zc) + lam[:, None] * eob_bits * (np.arange(64) < 63)[None, :]
    k = np.argmin(end, axis=1)
    vals = np.zeros((n, 64), np.int64)
    rows = np.arange(n)
    while (k > 0).any():
        live = k > 0
        vals[rows[live], k[live]] = chosen[rows[live], k[live]]
        k = np.where(live, prev[rows, k], 0)
    return vals[:, 1:]
