"""photo.quantiles returns numpy's median and percentiles bit for bit."""

from __future__ import annotations

import numpy as np
import pytest

from photo.quantiles import median, percentile, percentiles


def _samples():
    rng = np.random.default_rng(11)
    for n in [*range(1, 40), 255, 256, 1001, 4096]:
        yield rng.random(n, dtype=np.float32) * 255  # distinct values
        yield rng.integers(0, 256, n).astype(np.float32)  # whole levels with ties (luma)
        yield (rng.normal(0, 20, n)).astype(np.float32)  # CIELAB-like, negative values
        yield rng.random(n) * 3 - 1  # float64


def _same(a, b) -> bool:
    a, b = np.asarray(a), np.asarray(b)
    return a.dtype == b.dtype and a.shape == b.shape and np.array_equal(a, b, equal_nan=True)


def test_median_is_numpys():
    for x in _samples():
        keep = x.copy()
        assert _same(median(x), np.median(x)), x
        assert np.array_equal(x, keep)  # not reordered without overwrite
        assert _same(median(x.copy(), overwrite=True), np.median(x))
    with_nan = np.array([1, np.nan, 3], np.float32)
    assert np.isnan(median(with_nan))


@pytest.mark.parametrize("q", [0, 1, 5, 10, 25, 50, 90, 95, 99, 100, 12.5, 97.3])
def test_one_percentile_is_numpys(q):
    for x in _samples():
        assert _same(percentile(x, q), np.percentile(x, q)), (q, x)


def test_several_percentiles_are_numpys():
    for qs in ([10, 50, 90], [5, 95], [0, 100], [2.5, 50.0, 97.5]):
        for x in _samples():
            keep = x.copy()
            assert _same(percentiles(x, qs), np.percentile(x, qs)), (qs, x)
            assert np.array_equal(x, keep)


def test_column_medians_are_numpys():
    from photo.quantiles import column_medians

    rng = np.random.default_rng(4)
    for n in (1, 2, 3, 10, 11, 3000):
        for x in (rng.normal(0, 30, (n, 3)).astype(np.float32), rng.integers(0, 9, (n, 3)).astype(np.float32),
                  rng.random((n, 2))):
            assert _same(column_medians(x), np.median(x, axis=0))


def test_row_medians_are_numpys():
    from photo.quantiles import row_medians

    rng = np.random.default_rng(5)
    for w in (1, 2, 3, 10, 11, 24, 25):
        for x in (rng.normal(0, 30, (40, w)).astype(np.float32), rng.integers(0, 9, (40, w)).astype(np.float32),
                  rng.random((7, w))):
            keep = x.copy()
            assert _same(row_medians(x), np.median(x, axis=1)), (w, x.dtype)
            assert np.array_equal(x, keep)
