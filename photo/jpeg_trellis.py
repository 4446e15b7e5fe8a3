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


_SIZES = np.minimum(np.array([v.bit_length() for v in range(2048)]), MAX_SIZE - 1)


def _size(v: np.ndarray) -> np.ndarray:
    """Magnitude categories of AC values (baseline: |v| <= 1023, category <= 10)."""
    return _SIZES[np.minimum(np.abs(v), 2047)]


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
    todo = np.nonzero((lam > 0) & (v1 != 0).any(axis=1))[0]
    if todo.size:
        out[todo, 1:] = _trellis(x[todo], v1[todo], lam[todo], rate_table(ac_lengths),
                                 float(np.where(ac_lengths[0] > 0, ac_lengths[0], 16)))
    natural = np.empty_like(out)
    natural[:, ZIGZAG] = out
    return natural.reshape(r, c, 64)


def _trellis(x: np.ndarray, v1: np.ndarray, lam: np.ndarray, rtab: np.ndarray, eob_bits: float) -> np.ndarray:
    """The dynamic programme: AC values (n x 63) of blocks with AC values ``x`` (in steps),
    rounded ``v1``. Only a position whose rounded value is non-zero can end up non-zero (the
    choices are nearest, one step towards zero, zero), so the states are a block's non-zero
    positions: the blocks are sorted by how many they have, and step t works on the prefix of
    blocks with at least t."""
    n = x.shape[0]
    nz = v1 != 0
    count = nz.sum(axis=1)
    order = np.argsort(-count, kind="stable")
    x, v1, nz, count, lam = x[order], v1[order], nz[order], count[order], lam[order]
    tmax = int(count.max(initial=0))
    # pos[:, t]: zigzag position (1-63) of the t-th non-zero (t >= 1); pos[:, 0] = 0, the start
    pos = np.zeros((n, tmax + 1), np.int64)
    b, p = np.nonzero(nz)
    t_of = np.arange(b.size) - np.repeat(np.cumsum(count) - count, count)
    pos[b, t_of + 1] = p + 1
    zc = np.zeros((n, 64))
    zc[:, 1:] = np.cumsum(x ** 2, axis=1)  # zc[:, k]: error of zeroing positions 1..k
    rows = np.arange(n)
    xk = x[rows[:, None], np.maximum(pos[:, 1:], 1) - 1]  # the t-th non-zero's value in steps
    vk = v1[rows[:, None], np.maximum(pos[:, 1:], 1) - 1]
    vals = np.stack([vk, vk - np.sign(vk)])  # nearest; one step towards zero (0 for a ±1: as "zero")
    sizes = _size(vals)
    dist = (xk[None] - vals) ** 2
    dist[vals == 0] = np.inf  # a zero is coded by the run, not as a value
    a = np.full((n, tmax + 1), np.inf)  # best cost with the last non-zero at state i, less zc at it
    a[:, 0] = 0.0
    prev = np.zeros((n, tmax + 1), np.int64)
    chosen = np.zeros((n, tmax + 1), np.int64)
    ncol, flat_rtab = rtab.shape[1], rtab.ravel()  # rtab[run, size] = flat_rtab[run * ncol + size]
    ms = np.searchsorted(-count, -np.arange(1, tmax + 1), side="right")  # blocks with at least t non-zeros
    zc_at = zc[rows[:, None], pos[:, 1:]]  # zc at each state's position, and just before it
    zc_before = zc[rows[:, None], np.maximum(pos[:, 1:] - 1, 0)]
    lam_col = lam[:, None]
    for t in range(1, tmax + 1):
        m = int(ms[t - 1])
        r = rows[:m]
        # table index of the run of zeros between an earlier state and this one
        run = (pos[:m, t, None] - 1 - pos[:m, :t]) * ncol
        am, lm = a[:m, :t], lam_col[:m]
        tot0 = am + lm * flat_rtab.take(run + sizes[0, :m, t - 1, None])  # nearest
        tot1 = am + lm * flat_rtab.take(run + sizes[1, :m, t - 1, None])  # one step towards zero
        j0, j1 = tot0.argmin(axis=1), tot1.argmin(axis=1)
        c0 = tot0[r, j0] + dist[0, :m, t - 1]
        c1 = tot1[r, j1] + dist[1, :m, t - 1]
        w = c1 < c0  # the better of the two (nearest on a tie)
        prev[:m, t] = np.where(w, j1, j0)
        chosen[:m, t] = np.where(w, vals[1, :m, t - 1], vals[0, :m, t - 1])
        a[:m, t] = np.where(w, c1, c0) + zc_before[:m, t - 1] - zc_at[:m, t - 1]
    # end of block: after the last non-zero, zeros to 63 (and an EOB unless it is the 63rd)
    end = a + zc[:, 63:64] + lam[:, None] * eob_bits * (pos < 63)
    end[np.arange(tmax + 1)[None, :] > count[:, None]] = np.inf
    t = np.argmin(end, axis=1)
    out = np.zeros((n, 64), np.int64)
    live = np.nonzero(t > 0)[0]  # back along each block's chosen states, the finished ones dropped
    t = t[live]
    while live.size:
        out[live, pos[live, t]] = chosen[live, t]
        t = prev[live, t]
        more = t > 0
        live, t = live[more], t[more]
    back = np.empty_like(out)
    back[order] = out
    return back[:, 1:]
