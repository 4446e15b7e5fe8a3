"""Medians and percentiles of 1-D float arrays, the same values as numpy's, with less overhead.

``np.median`` and ``np.percentile`` spend most of their time on a small sample (a few hundred
to a few thousand pixels: an eye region, the cheeks, a colour channel) in argument handling
and in copying their input before partitioning it; a check reads about twenty of them per
photo. These functions partition once, in place when the caller owns the array
(``overwrite``), and compute the result by numpy's own formulas (NumPy 2: the mean of the
middle pair for the median; the "linear" method, Hyndman and Fan's 7th, for percentiles), so
each returns the very value numpy returns: tests/test_photo_quantiles.py compares them bit
for bit on random samples of every size from 1 up.
"""

from __future__ import annotations

import math

import numpy as np


def median(values: np.ndarray, overwrite: bool = False) -> np.floating:
    """``np.median(values)`` of a 1-D float array (NaN when it holds one; NaN with no values).
    ``overwrite``: the array may be reordered (pass an array of your own, e.g. from np.take)."""
    a = values if overwrite else values.copy()
    n = a.size
    if n == 0:
        return np.median(a)  # numpy's warning and NaN
    half = n // 2
    if n % 2:
        a.partition((half, n - 1))
        mid = a[half]
    else:
        a.partition((half - 1, half, n - 1))
        mid = np.mean(a[half - 1:half + 1])
    if np.isnan(a[n - 1]):  # NaNs sort last
        return a[n - 1]
    return mid


def percentiles(values: np.ndarray, q: list[float], overwrite: bool = False) -> np.ndarray:
    """``np.percentile(values, q)`` (a list of percentiles, the "linear" method) of a 1-D float
    array without NaNs, as numpy computes it (float64 interpolation weights)."""
    a = values if overwrite else values.copy()
    n = a.size
    virtual = (n - 1) * np.true_divide(np.asarray(q, dtype=np.float64), 100)
    lo = np.floor(virtual)
    lo[virtual >= n - 1] = n - 1
    lo[virtual < 0] = 0
    i = lo.astype(np.intp)
    j = np.minimum(i + 1, n - 1)
    a.partition(np.unique(np.concatenate(([0, n - 1], i, j))))
    return _lerp(a[i], a[j], virtual - np.floor(virtual))


def percentile(values: np.ndarray, q: float, overwrite: bool = False) -> np.floating:
    """``np.percentile(values, q)`` of one percentile ``q`` given as a Python number (numpy then
    interpolates in the array's own precision) of a 1-D float array without NaNs."""
    a = values if overwrite else values.copy()
    n = a.size
    virtual = float((n - 1) * np.true_divide(np.float64(q), 100))
    i = min(max(math.floor(virtual), 0), n - 1)
    j = min(i + 1, n - 1)
    a.partition(np.unique([0, n - 1, i, j]))
    return _lerp(a[i:i + 1], a[j:j + 1], virtual - math.floor(virtual))[0]  # a Python float: weak


def _lerp(a: np.ndarray, b: np.ndarray, t) -> np.ndarray:
    """numpy's ``_lerp`` (NumPy 2): a + (b - a) t, or b - (b - a)(1 - t) where t >= 0.5."""
    diff = b - a
    out = np.add(a, diff * t)
    np.subtract(b, diff * (1 - t), out=out, where=np.asarray(t >= 0.5), casting="unsafe", dtype=out.dtype)
    return out


def column_medians(values: np.ndarray) -> np.ndarray:
    """``np.median(values, axis=0)`` of a 2-D float array (N x k, a few columns: CIELAB), each
    column's median from a contiguous copy of it (numpy partitions the strided columns several
    times slower)."""
    cols = np.ascontiguousarray(values.T)
    return np.array([median(c, overwrite=True) for c in cols], dtype=values.dtype)


def row_medians(values: np.ndarray) -> np.ndarray:
    """``np.median(values, axis=1)`` of a 2-D float array without NaNs (the same values: the
    middle element, or the mean of the two middle ones), from one partition of the rows
    (a third of numpy's time on the short rows of an eye's neighbourhood)."""
    w = values.shape[1]
    if w % 2:
        return np.partition(values, w // 2, axis=1)[:, w // 2]
    p = np.partition(values, [w // 2 - 1, w // 2], axis=1)
    return (p[:, w // 2 - 1] + p[:, w // 2]) / values.dtype.type(2)
