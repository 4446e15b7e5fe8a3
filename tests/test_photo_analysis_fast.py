"""The analysis' fast paths give what the plain whole-image computations give.

The skin mask drawn in the face's box, the CIELAB/luma conversions in one OpenCV pass, the
backdrop model's grid built per channel and JPEG blockiness from per-line sums are compared
with the straightforward numpy versions they replaced; the skin grid samples every pixel of a
small face and a coarser grid of a big one.
"""

from __future__ import annotations

import io
from functools import cache

import numpy as np
import pytest

from tests.photo_helpers import image, jpeg, lab_of, path


@cache
def _analysis(name: str = "compliant_a", scale: float = 1.0):
    from PIL import Image

    from photo.analysis import FaceAnalysis
    from photo.intake import load

    im = image(name)
    if scale != 1.0:
        im = im.resize((round(im.width * scale), round(im.height * scale)), Image.Resampling.BICUBIC)
    a = FaceAnalysis(load(jpeg(im)))
    assert a.has_face
    return a


def _skin_on_whole_image(a) -> np.ndarray:
    import cv2

    from photo.analysis import BROW_L, BROW_R, EYE_L, EYE_R, LIPS_OUTER, polygon_mask

    m = a.face_mask.copy()
    pad = max(2, int(a.ied * 0.08))
    for idx in (EYE_R["contour"], EYE_L["contour"], LIPS_OUTER, (*BROW_R, 55, 65, 52, 53, 46),
                (*BROW_L, 285, 295, 282, 283, 276)):
        pts = a.landmarks[list(idx), :2]
        hole = polygon_mask((a.h, a.w), cv2.convexHull(pts.astype(np.float32)).reshape(-1, 2))
        m &= ~(cv2.dilate(hole.astype(np.uint8), np.ones((2 * pad + 1, 2 * pad + 1), np.uint8)) > 0)
    return m


@pytest.mark.parametrize("name", ["compliant_a", "hood", "turned"])
def test_skin_mask_in_the_face_box_is_the_whole_image_mask(name):
    a = _analysis(name)
    rows, cols = a.face_window
    assert a.skin_mask.any() and not a.face_mask[:rows.start].any() and not a.face_mask[rows.stop:].any()
    assert not a.face_mask[:, :cols.start].any() and not a.face_mask[:, cols.stop:].any()
    np.testing.assert_array_equal(a.skin_mask, _skin_on_whole_image(a))


def test_lab_and_luma_conversions_match_the_per_channel_arithmetic():
    import cv2

    a = _analysis()
    rgb = np.ascontiguousarray(a.small[0])
    lab = cv2.cvtColor(rgb, cv2.COLOR_RGB2Lab).astype(np.float32)
    lab[:, :, 0] *= 100.0 / 255.0
    lab[:, :, 1:] -= 128.0
    np.testing.assert_allclose(a.to_lab(rgb), lab, atol=1e-4)
    px = a.to_lab(rgb[:1, :7])  # a single row keeps its shape
    assert px.shape == (1, 7, 3)
    s = rgb.astype(np.float32)
    luma = 0.299 * s[:, :, 0] + 0.587 * s[:, :, 1] + 0.114 * s[:, :, 2]
    assert a.small_grey.dtype == np.float32
    np.testing.assert_array_equal(a.small_grey, np.round(a.small_grey))  # whole levels (OpenCV's rounding)
    np.testing.assert_allclose(a.small_grey, luma, atol=0.5 + 1e-3)


def test_backdrop_grid_is_the_fitted_quadratic():
    from photo.backdrop import backdrop_design

    a = _analysis()
    b = a.backdrop
    assert b is not None
    h, w = b["shape"]
    for step in (1, 2, 4):
        ys, xs = np.mgrid[0:h:step, 0:w:step]
        want = (backdrop_design(xs.ravel(), ys.ravel(), (h, w)) @ b["coef"]).reshape(*xs.shape, 3)
        got = np.stack(a.backdrop_planes(step), axis=-1)
        assert got.shape == want.shape
        np.testing.assert_allclose(got, want, atol=1e-3)


def test_half_grid_lab_is_the_whole_conversion_subsampled():
    a = _analysis()
    whole = a.to_lab(np.ascontiguousarray(a.small[0]))
    np.testing.assert_array_equal(a.half_lab, whole[::2, ::2])  # the conversion is per pixel


def test_backdrop_fit_reads_a_half_size_blurred_image_at_the_same_places():
    """A wall with a light fall-off, blurred at half size (as FaceAnalysis.small_blurred is): the
    fit reads it bilinearly at the full-size pixels and finds the model the full-size image gives."""
    import cv2

    from photo.backdrop import fit_backdrop

    h, w = 240, 180
    ys, xs = np.mgrid[0:h, 0:w]
    u, v = xs / w - 0.5, ys / h - 0.5
    wall = 190 - 50 * (u * u + v * v) - 25 * u + 10 * v
    rgb = np.stack([wall, wall * 0.95, wall * 0.85], axis=-1).astype(np.uint8)
    bg = np.ones((h, w), bool)
    bg[60:200, 50:130] = False  # the person
    full = fit_backdrop(cv2.GaussianBlur(rgb, (0, 0), 2.0), bg)
    half = fit_backdrop(cv2.GaussianBlur(cv2.resize(rgb, (w // 2, h // 2), interpolation=cv2.INTER_AREA),
                                         (0, 0), 1.0), bg)
    assert full is not None and half is not None and half["shape"] == (h, w)
    np.testing.assert_allclose(half["coef"], full["coef"], atol=0.5)  # CIELAB units
    assert np.median(half["dev"]) < 1.0


def test_backdrop_fit_is_least_squares():
    from photo.backdrop import _least_squares

    rng = np.random.default_rng(0)
    x = np.column_stack([np.ones(500), rng.uniform(-0.5, 0.5, (500, 5))])
    y = rng.normal(size=(500, 3))
    np.testing.assert_allclose(_least_squares(x, y), np.linalg.lstsq(x, y, rcond=None)[0], atol=1e-9)
    singular = np.column_stack([x[:, :2], x[:, :2]])  # repeated columns: falls back to lstsq
    np.testing.assert_allclose(singular @ _least_squares(singular, y),
                               singular @ np.linalg.lstsq(singular, y, rcond=None)[0], atol=1e-9)


def _blockiness_numpy(g: np.ndarray, period: int) -> float:
    dx, dy = np.abs(np.diff(g, axis=1)), np.abs(np.diff(g, axis=0))
    bx = (np.arange(dx.shape[1]) % period) == period - 1
    by = (np.arange(dy.shape[0]) % period) == period - 1
    return float((dx[:, bx].mean() + dy[by, :].mean()) / (dx[:, ~bx].mean() + dy[~by, :].mean()))


@pytest.mark.parametrize("quality", [92, 15])
def test_blockiness_from_line_sums_is_the_mean_step_ratio(quality):
    from PIL import Image

    from photo.checks.image import blockiness

    grey = Image.open(path("compliant_a")).convert("L")
    g8 = np.asarray(Image.open(io.BytesIO(jpeg(grey, quality))).convert("L"))
    for period in (8, 4, 2):
        want = _blockiness_numpy(g8.astype(np.float64), period)
        assert blockiness(g8, period) == pytest.approx(want, rel=1e-9)
        assert blockiness(g8.astype(np.float32), period) == pytest.approx(want, rel=1e-9)


def test_skin_grid_reads_a_small_face_whole_and_a_big_face_sparsely():
    from photo.analysis import SKIN_GRID_IED

    small = _analysis(scale=0.6)
    assert small.ied < 2 * SKIN_GRID_IED
    assert small.skin_grid[0].step == 1
    assert len(small.skin_lab) == int(small.skin_mask.sum()) == len(small.skin_grey)
    cl, cr = small.cheek_masks
    assert len(small.cheek_lab) == int((cl | cr).sum()) == len(small.cheek_grey)
    np.testing.assert_allclose(small.cheek_lab, lab_of(small, cl | cr))

    big = _analysis(scale=3.0)  # decoded at a smaller draft scale, but a bigger face in the working image
    k = big.skin_grid[0].step
    assert k == int(big.ied // SKIN_GRID_IED) and k >= 2
    n = int(big.skin_mask.sum())
    assert n / (k * k) * 0.8 < len(big.skin_lab) < n / (k * k) * 1.2
    # the grid's statistics are the whole skin's
    assert np.median(big.skin_lab[:, 1]) == pytest.approx(np.median(lab_of(big, big.skin_mask)[:, 1]), abs=1.0)
    assert np.percentile(big.skin_grey, 99) == pytest.approx(np.percentile(big.grey[big.skin_mask], 99), abs=2.0)


def test_lab_table_gives_the_per_pixel_affine_map_exactly():
    """to_lab reads the 8-bit Lab codes through a table made by the same affine map (every code)."""
    import cv2

    from photo.analysis import FaceAnalysis
    from photo.lab import _LAB8_TO_LAB

    rgb = np.random.default_rng(1).integers(0, 256, (64, 96, 3), dtype=np.uint8)
    lab8 = cv2.cvtColor(rgb, cv2.COLOR_RGB2Lab)
    want = cv2.transform(lab8.astype(np.float32), _LAB8_TO_LAB).reshape(lab8.shape)
    got = FaceAnalysis.to_lab(rgb)
    assert got.dtype == np.float32
    np.testing.assert_array_equal(got, want)
    planes = FaceAnalysis.to_lab_planes(rgb)  # the same values, one contiguous plane per channel
    for k, plane in enumerate(planes):
        assert plane.dtype == np.float32 and plane.flags["C_CONTIGUOUS"]
        np.testing.assert_array_equal(plane, want[..., k])


def test_person_mask_has_no_subnormal_probabilities():
    """Subnormal floats (the segmentation model leaves thousands) slow every float operation on
    them; the analysis sets probabilities at or below PERSON_FLOOR to 0 and keeps the rest."""
    from photo import models
    from photo.analysis import PERSON_FLOOR

    a = _analysis()
    raw = models.person_mask(np.ascontiguousarray(a.small[0]))
    p = a.person
    assert not ((p > 0) & (p <= PERSON_FLOOR)).any()
    np.testing.assert_array_equal(p[raw > PERSON_FLOOR], raw[raw > PERSON_FLOOR])
    assert (p[raw <= PERSON_FLOOR] == 0).all()


@pytest.mark.parametrize("name", ["compliant_a", "hood", "turned"])
def test_cheek_masks_in_the_face_box_are_the_whole_image_masks(name):
    from photo.analysis import CHEEK_L, CHEEK_R

    a = _analysis(name)
    left, right = a.cheek_masks
    np.testing.assert_array_equal(left, a.region(CHEEK_R) & a.skin_mask)
    np.testing.assert_array_equal(right, a.region(CHEEK_L) & a.skin_mask)


def test_small_sharp_is_the_small_image_blurred_with_sigma_one_at_even_pixels():
    import cv2

    a = _analysis()
    small = a.small[0]
    k = np.array([1, 4, 6, 4, 1], np.float32) / 16  # binomial: variance 1 px^2
    ref = cv2.sepFilter2D(small.astype(np.float32), -1, k, k, borderType=cv2.BORDER_REFLECT_101)[::2, ::2]
    got = a.small_sharp
    assert got.shape == ref.shape
    assert np.abs(got.astype(float) - ref).max() <= 1.0  # OpenCV rounds to whole levels
    gauss = cv2.GaussianBlur(small, (0, 0), sigmaX=1.0)[::2, ::2].astype(float)
    assert np.abs(got - gauss).mean() < 1.0


def test_matte_unsure_reads_the_ring_round_the_cheap_silhouette_on_every_second_pixel():
    import cv2

    from photo.analysis import MATTE_RING, FaceAnalysis
    from photo.backdrop import backdrop_design, row_norm

    a = _analysis("hood")
    m = a.person_refined
    fw = (a.face_box[2] - a.face_box[0]) * a.small[1]
    dist = cv2.distanceTransform(np.ascontiguousarray(m[::2, ::2] < 0.5).view(np.uint8), cv2.DIST_L2, 3)
    ring = (dist > 1) & (dist < MATTE_RING * fw / 2) & (m[::2, ::2] < 0.2)
    ys, xs = np.nonzero(ring)
    lab = FaceAnalysis.to_lab(a.small_sharp[ys, xs][None])[0]
    model = a.backdrop_refined
    dev = row_norm(lab - backdrop_design(2 * xs, 2 * ys, model["shape"]) @ model["coef"])
    assert a.matte_unsure == pytest.approx(float((dev > 8.0).mean()), abs=0.01)


def test_every_2nd_pixel_is_the_strided_view():
    """half_lab_planes' grid is copied channel by channel: the same pixels as small[::2, ::2]."""
    from photo.analysis import every_2nd

    rng = np.random.default_rng(1)
    for shape in ((512, 398, 3), (511, 397, 3), (7, 5, 3), (9, 4)):
        a = rng.integers(0, 256, shape, dtype=np.uint8)
        out = every_2nd(a)
        assert out.flags["C_CONTIGUOUS"] and np.array_equal(out, a[::2, ::2])


def test_region_at_is_the_connected_component_there():
    """crown's head region is flood-filled from the eyes: the same pixels as the 8-connected
    component cv2.connectedComponents labels there (None on a pixel outside the mask)."""
    import cv2

    from photo.analysis import region_at

    rng = np.random.default_rng(2)
    for _ in range(20):
        mask = (cv2.GaussianBlur(rng.random((60, 47), dtype=np.float32), (0, 0), 1.5) > 0.5).astype(np.uint8)
        _, cc = cv2.connectedComponents(mask)
        for y, x in rng.integers(0, (60, 47), (10, 2)):
            got = region_at(mask, int(x), int(y))
            if cc[y, x] == 0:
                assert got is None
            else:
                assert got is not None and np.array_equal(got, cc == cc[y, x])
