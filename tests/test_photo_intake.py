"""Phone photos: HEIC/HEIF and AVIF decoded, Display P3 (ICC or HEIF nclx) converted to sRGB
before anything is measured, and ``photo fix`` writing an sRGB baseline JPEG.

Every file is made here, at test time: real HEIC (pillow-heif's x265 encoder) and AVIF
(Pillow's libavif) from a licensed test face, and Display P3 versions whose pixels are the
face's colours re-encoded in P3, so that a colour-managed viewer shows them exactly as the
sRGB original."""

from __future__ import annotations

import io
import json

import numpy as np
import pytest
from PIL import Image, ImageCms

import photo
from bench.support import linear_to_srgb, srgb_to_linear
from photo import heif
from photo.colour_profile import (
    D65,
    DISPLAY_P3_PRIMARIES,
    SRGB_PRIMARIES,
    display_p3_profile,
    matrix_profile,
    to_srgb,
)
from photo.errors import InputError
from photo.intake import load
from tests.photo_helpers import path

# Display P3 -> sRGB for linear light, both D65 (published, e.g. by the W3C CSS Color 4 notes).
P3_TO_SRGB = np.array([[1.2249, -0.2247, 0.0], [-0.0420, 1.0419, 0.0], [-0.0197, -0.0786, 1.0979]])


def _decode(v):
    return srgb_to_linear(np.asarray(v, dtype=np.float64))


@pytest.fixture(scope="module")
def face() -> Image.Image:
    return Image.open(path("compliant_a")).convert("RGB")


@pytest.fixture(scope="module")
def face_p3(face) -> Image.Image:
    """The face's colours written in Display P3 (looks the same once colour-managed)."""
    to_p3 = ImageCms.buildTransform(ImageCms.createProfile("sRGB"),
                                    ImageCms.ImageCmsProfile(io.BytesIO(display_p3_profile())), "RGB", "RGB")
    return ImageCms.applyTransform(face, to_p3)


def _save(img: Image.Image, fmt: str, **kw) -> bytes:
    if fmt == "HEIF":
        heif.ensure_decoder("HEIF")  # pillow-heif registers its encoder with its decoder
    buf = io.BytesIO()
    img.save(buf, fmt, **kw)
    return buf.getvalue()


def _mean_diff(a, b) -> float:
    return float(np.abs(np.asarray(a, dtype=np.float64) - np.asarray(b, dtype=np.float64)).mean())


def _p99_diff(a, b) -> float:
    """99th percentile over pixels of the largest channel difference (the grey background hides shifts)."""
    d = np.abs(np.asarray(a, dtype=np.float64) - np.asarray(b, dtype=np.float64)).max(axis=2)
    return float(np.percentile(d, 99))


def _saturation(a) -> float:
    a = np.asarray(a, dtype=np.float64)
    return float((a.max(axis=2) - a.min(axis=2)).mean())


# -- the profile -------------------------------------------------------------------------------


def test_display_p3_conversion_matches_the_published_matrix():
    rgb = np.random.default_rng(3).integers(0, 256, (48, 48, 3), dtype=np.uint8)
    im = Image.fromarray(rgb)
    out, name = to_srgb(im, {"icc_profile": display_p3_profile()})
    assert name == "Display P3"
    expected = linear_to_srgb(_decode(rgb) @ P3_TO_SRGB.T)
    got = np.asarray(out, dtype=np.float64)
    assert np.abs(got - expected).max() <= 2.0 and np.abs(got - expected).mean() < 0.5
    assert _mean_diff(rgb, expected) > 5  # read as sRGB, the same codes would be other colours


def test_srgb_unreadable_and_absent_profiles_leave_the_pixels_alone():
    rgb = np.random.default_rng(4).integers(0, 256, (16, 16, 3), dtype=np.uint8)
    im = Image.fromarray(rgb)
    srgb_icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    for info in ({}, {"icc_profile": srgb_icc}, {"icc_profile": np.random.default_rng(5).bytes(4096)},
                 {"icc_profile": b""}):
        out, name = to_srgb(im, info)
        assert name is None and np.array_equal(np.asarray(out), rgb), list(info)
    grey = Image.fromarray(rgb[:, :, 0])
    assert to_srgb(grey, {"icc_profile": display_p3_profile()})[1] is None  # grey stays grey


def test_a_profile_made_from_srgb_primaries_is_the_identity():
    rgb = np.random.default_rng(6).integers(0, 256, (16, 16, 3), dtype=np.uint8)
    icc = matrix_profile(SRGB_PRIMARIES, D65, "primaries of BT.709")  # not named sRGB: really converted
    out, name = to_srgb(Image.fromarray(rgb), {"icc_profile": icc})
    assert name == "primaries of BT.709"
    assert np.abs(np.asarray(out, dtype=int) - rgb).max() <= 1


# -- intake ------------------------------------------------------------------------------------


def test_a_display_p3_jpeg_is_measured_in_srgb(face, face_p3):
    data = _save(face_p3, "JPEG", quality=95, icc_profile=display_p3_profile())
    d = load(data)
    assert d.has_icc and d.format == "JPEG"
    assert _p99_diff(d.rgb, face) <= 4 and abs(_saturation(d.rgb) / _saturation(face) - 1) < 0.05
    naive = load(_save(face_p3, "JPEG", quality=95))  # the same pixels read without their profile
    assert _p99_diff(naive.rgb, face) >= 7 and _saturation(naive.rgb) / _saturation(face) < 0.88  # duller
    # the verdicts and measured values are the original's
    orig, p3 = photo.check(_save(face, "JPEG", quality=95)), photo.check(data)
    assert [(c.id, c.passed) for c in p3.checks] == [(c.id, c.passed) for c in orig.checks]
    assert p3.passed


def test_a_real_heic_from_a_phone_is_checked(face, face_p3, tmp_path, run_cli):
    data = _save(face_p3, "HEIF", quality=92, icc_profile=display_p3_profile())
    assert data[4:12] == b"ftypheic"
    d = load(data)
    assert d.format == "HEIF" and d.has_icc and (d.width, d.height) == face.size
    assert _mean_diff(d.rgb, face) < 3.0
    p = tmp_path / "IMG_0001.HEIC"
    p.write_bytes(data)
    r = run_cli("photo", "check", str(p), "--json")
    assert r.exit_code == 1, r.output  # checked: only the format fails (JPEG is required), fixably
    rep = json.loads(r.stdout)
    failed = [c for c in rep["checks"] if not c["passed"]]
    assert [c["id"] for c in failed] == ["file.format"] and failed[0]["value"] == "HEIF"
    assert {c["id"] for c in rep["checks"] if c["passed"]} >= {"face.count", "pose.roll", "color.natural"}


def test_fix_writes_an_srgb_baseline_jpeg_from_a_display_p3_heic(face, face_p3, tmp_path, run_cli):
    src = tmp_path / "IMG_0002.heic"
    src.write_bytes(_save(face_p3, "HEIF", quality=92, icc_profile=display_p3_profile()))
    out = tmp_path / "fixed"
    r = run_cli("photo", "check", str(src), "--fix", str(out))
    assert r.exit_code in (0, 1), r.output
    (fixed,) = out.iterdir()
    data = fixed.read_bytes()
    im = Image.open(io.BytesIO(data))
    assert im.format == "JPEG" and im.mode == "RGB"
    assert not im.info.get("progressive") and not im.info.get("progression")  # baseline
    assert b"\xff\xc0" in data and b"\xff\xc2" not in data  # SOF0 (baseline), no SOF2 (progressive)
    assert "icc_profile" not in im.info and b"ICC_PROFILE" not in data  # untagged: sRGB
    assert not im.getexif()
    assert im.size == face.size and _mean_diff(im, face) < 3.0
    assert photo.check(data).passed


def test_fix_reports_the_colour_conversion(face_p3):
    from photo.correction import fix

    res = fix(_save(face_p3, "PNG", icc_profile=display_p3_profile()))  # PNG: the format fails, fixably
    assert res.fixed, res.reason
    assert "converted colours from Display P3 to sRGB" in res.actions


def test_heic_with_an_nclx_box_naming_p3_primaries(face, face_p3):
    bare = face_p3.copy()
    bare.info.clear()  # no ICC profile: the nclx box alone says P3
    data = _save(bare, "HEIF", quality=92, color_primaries=12, transfer_characteristic=13,
                 matrix_coefficients=6, full_range_flag=1)
    im = Image.open(io.BytesIO(data))
    assert "icc_profile" not in im.info or not im.info["icc_profile"]
    assert im.info["nclx_profile"]["color_primaries"] == 12
    out, name = to_srgb(im.convert("RGB"), im.info)
    assert name == "Display P3 (nclx)" and _p99_diff(out, face) <= 5
    assert _mean_diff(load(data).rgb, face) < 3.0


def test_avif_is_decoded(face):
    data = _save(face, "AVIF", quality=90)
    d = load(data)
    assert d.format == "AVIF" and (d.width, d.height) == face.size
    assert _mean_diff(d.rgb, face) < 4.0


def test_damaged_heic_and_avif_are_corrupt_and_a_missing_decoder_is_input_heic(monkeypatch):
    junk = b"\x00" * 200
    for head in (b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic", b"\x00\x00\x00\x14ftypavif\x00\x00\x00\x00mif1"):
        with pytest.raises(InputError) as e:
            load(head + junk)
        assert e.value.code == "input.corrupt"
    video = b"\x00\x00\x00\x18ftypisom\x00\x00\x00\x00isomiso2" + junk
    with pytest.raises(InputError) as e:
        load(video)
    assert e.value.code == "input.not_image"
    monkeypatch.setattr(heif, "_registered", False)
    monkeypatch.setitem(__import__("sys").modules, "pillow_heif", None)  # as if it were not installed
    with pytest.raises(InputError) as e:
        heif.ensure_decoder("HEIF")
    assert e.value.code == "input.heic" and "JPEG" in e.value.message
    assert heif.container_of(b"\x00\x00\x00\x18ftypmif1") == "HEIF"
    assert heif.container_of(b"\x00\x00\x00\x18ftypavis") == "AVIF"
    assert heif.container_of(b"\x00\x00\x00\x18ftypmp42") is None


def test_p3_primaries_are_the_published_ones():
    assert DISPLAY_P3_PRIMARIES == ((0.680, 0.320), (0.265, 0.690), (0.150, 0.060)) and D65 == (0.3127, 0.3290)
