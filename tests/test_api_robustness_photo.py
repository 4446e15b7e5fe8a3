"""photo as a Python caller uses it: numpy arrays of any usual dtype read one way by check, fix,
load and chip_portrait; wrong arguments get ``argument.invalid`` (or ``chip.invalid_option``);
reports with a Path for ``file`` are JSON; the chip portrait's input refusals are InputErrors."""

from __future__ import annotations

import io
import json
from functools import cache
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

import photo
from photo import errors
from photo.chip import ChipError
from photo.errors import ArgumentError, InputError, PhotoError
from photo.intake import full_image, load, load_pixels
from photo.report import PhotoReport
from tests.photo_helpers import image, path

LONG_PX = 2700  # well above the working size: fix must decode the array again at full size


@cache
def big_uint8() -> np.ndarray:
    im = image("compliant_a")
    f = LONG_PX / max(im.size)
    return np.asarray(im.resize((round(im.width * f), round(im.height * f)), Image.Resampling.LANCZOS))


# the same picture in the dtypes and ranges a caller may hand over
AS = {
    "float32_0_1": lambda a: a.astype(np.float32) / 255.0,
    "float64_0_1": lambda a: a.astype(np.float64) / 255.0,
    "float64_0_255": lambda a: a.astype(np.float64),
    "uint16": lambda a: a.astype(np.uint16) * 257,
    "int64_0_255": lambda a: a.astype(np.int64),
}


@pytest.mark.parametrize("kind", sorted(AS))
def test_every_array_dtype_loads_to_the_same_pixels(kind):
    a8 = big_uint8()
    other = AS[kind](a8)
    assert np.array_equal(load(other).rgb, load(a8).rgb)
    assert np.array_equal(load_pixels(other), a8)


@pytest.mark.parametrize("kind", ["float32_0_1", "uint16"])
def test_fix_of_a_float_or_16_bit_array_is_the_uint8_arrays_fix(kind):
    a8 = big_uint8()
    want = photo.fix(a8, force=True)
    got = photo.fix(AS[kind](a8), force=True)
    assert want.fixed and got.fixed, got.reason
    px = np.asarray(Image.open(io.BytesIO(got.data)), dtype=np.float64)
    ref = np.asarray(Image.open(io.BytesIO(want.data)), dtype=np.float64)
    assert px.mean() > 100  # not the black copy a 0-1 float cast to uint8 gave
    assert px.shape == ref.shape and np.abs(px - ref).mean() < 0.5


@pytest.mark.parametrize("kind", ["float32_0_1", "uint16"])
def test_check_of_a_float_or_16_bit_array_agrees_with_the_uint8_array(kind):
    a8 = big_uint8()
    want, got = photo.check(a8), photo.check(AS[kind](a8))
    assert got.error is None and got.passed == want.passed
    assert [(c.id, c.passed) for c in got.checks] == [(c.id, c.passed) for c in want.checks]


def test_full_image_reads_the_array_as_load_does():
    a = AS["float32_0_1"](big_uint8())
    d = load(a)
    assert d.scale < 1
    assert np.array_equal(np.asarray(full_image(d, a)), big_uint8())


def test_full_image_refuses_an_array_other_than_the_one_analysed():
    d = load(big_uint8())
    with pytest.raises(InputError) as e:
        full_image(d, big_uint8()[:-10])
    assert e.value.code == "input.unreadable"


def test_chip_portrait_of_a_float_array_is_the_uint8_arrays():
    a8 = big_uint8()
    want = photo.chip_portrait(a8, measure=False)
    got = photo.chip_portrait(AS["float32_0_1"](a8), measure=False)
    assert got.image == want.image


UNREADABLE = {
    "nan": lambda: np.full((64, 64, 3), np.nan, np.float32),
    "inf": lambda: np.full((64, 64, 3), np.inf),
    "negative_float": lambda: np.full((64, 64, 3), -20.0),
    "float_past_255": lambda: np.full((64, 64, 3), 1000.0),
    "negative_int": lambda: np.full((64, 64, 3), -1, np.int32),
    "past_16_bits": lambda: np.full((64, 64, 3), 70000, np.int64),
    # one value past 255 in a non-uint16 integer array: refused, not the whole picture read as 16 bits (black)
    "int32_past_255": lambda: np.where(np.arange(64 * 64 * 3).reshape(64, 64, 3) == 0, 256, 120).astype(np.int32),
    "bool": lambda: np.ones((64, 64, 3), bool),
    "complex": lambda: np.ones((64, 64, 3), complex),
    "object": lambda: np.full((64, 64, 3), "x", object),
}


@pytest.mark.parametrize("name", sorted(UNREADABLE))
def test_an_array_a_picture_cannot_hold_is_refused_everywhere_alike(name):
    a = UNREADABLE[name]()
    for fn in (load, load_pixels):
        with pytest.raises(InputError) as e:
            fn(a)
        assert e.value.code == "input.not_image" and e.value.message
    rep = photo.check(a)
    assert rep.error["code"] == "input.not_image" and rep.checks == []
    res = photo.fix(a)
    assert not res.fixed and res.reason.startswith("input.not_image")
    with pytest.raises(InputError) as e:
        photo.chip_portrait(a)
    assert e.value.code == "input.not_image"


def test_floats_a_rounding_step_outside_their_range_are_read():
    a = np.full((64, 64, 3), 0.5)
    a[0, 0], a[0, 1] = -1e-4, 1 + 1e-4
    px = load(a).rgb
    assert px[0, 0, 0] == 0 and px[0, 1, 0] == 255 and px[5, 5, 0] == 128


def test_an_array_over_max_pixels_is_refused_by_the_callers_limit():
    with pytest.raises(InputError) as e:
        load(np.zeros((100, 100, 3), np.uint8), max_pixels=5000)
    assert e.value.code == "input.too_many_pixels"


# ------------------------------------------------------------------------------- arguments
@pytest.mark.parametrize("value", [0, -5, 2.5, "1000", None, True])
@pytest.mark.parametrize("name", ["work_px", "max_pixels", "max_file_bytes"])
def test_load_limits_must_be_whole_numbers_above_zero(name, value):
    if name != "work_px":
        with pytest.raises(ArgumentError) as e:
            load_pixels(path("compliant_a"), **{name: value})
        assert e.value.code == "argument.invalid"
    for source in (path("compliant_a"), big_uint8()):
        with pytest.raises(ArgumentError) as e:
            photo.load(source, **{name: value})
        assert e.value.code == "argument.invalid" and name in e.value.message
        assert isinstance(e.value, PhotoError) and not isinstance(e.value, InputError)


@pytest.mark.parametrize("kw", [{"analysis": "x"}, {"report": "x"}, {"analysis": 5}])
def test_fix_refuses_an_analysis_or_report_of_another_type(kw):
    with pytest.raises(ArgumentError) as e:
        photo.fix(path("compliant_a"), **kw)
    assert e.value.code == "argument.invalid"


CHIP_OPTIONS = [
    {"gender": "xyz"}, {"gender": 7}, {"gender": 1.0}, {"gender": True}, {"eye_colour": 256},
    {"eye_colour": "blue"}, {"hair_colour": -1}, {"budget_bytes": "abc"}, {"budget_bytes": 5000.5},
    {"width_px": "wide"}, {"width_px": 2.5}, {"kind": ["token"]}, {"kind": "passport"}, {"codec": "png"},
]


@pytest.mark.parametrize("kw", CHIP_OPTIONS, ids=[str(k) for k in CHIP_OPTIONS])
def test_chip_portrait_options_are_checked_before_the_photo(kw):
    # the source does not exist: an option error proves the options are checked first
    with pytest.raises(ChipError) as e:
        photo.chip_portrait(Path("/nonexistent/me.jpg"), **kw)
    assert e.value.code == "chip.invalid_option"


def test_chip_portrait_accepts_the_standards_subject_codes():
    p = photo.chip_portrait(path("compliant_a"), gender=2, eye_colour=3, hair_colour=255, measure=False)
    face = photo.chip.read_back(p.record)["record"]["images"][0]
    assert (face["gender"], face["eye_colour"], face["hair_colour"]) == (2, 3, 255)


def test_chip_portrait_refuses_a_report_of_another_type():
    from photo.checker import analyse_and_check

    analysis, _ = analyse_and_check(path("compliant_a"), "mynumber-next")
    for source, kw in (((analysis, "x"), {}), (analysis, {"report": 5})):
        with pytest.raises(ChipError) as e:
            photo.chip_portrait(source, measure=False, **kw)
        assert e.value.code == "chip.invalid_option"


# ------------------------------------------------------------------------------- file names
def test_a_report_made_with_a_path_for_file_is_json():
    for source in (b"", path("compliant_a")):
        rep = photo.check(source, file=Path("dir") / "x.jpg")
        assert rep.file == str(Path("dir") / "x.jpg")
        assert json.loads(json.dumps(rep.to_dict()))["file"] == str(Path("dir") / "x.jpg")
    rep = PhotoReport(file=None, profile="p")
    rep.file = Path("y.jpg")
    assert rep.file == "y.jpg" and json.dumps(rep.to_dict())


# ------------------------------------------------------------------------------- chip input errors
@pytest.mark.parametrize("source", [b"", b"%PDF-1.4\n", Path("/nonexistent/me.jpg"), 12])
def test_chip_portrait_raises_the_input_error_photo_load_raises(source):
    with pytest.raises(InputError) as want:
        photo.load(source)
    with pytest.raises(InputError) as got:
        photo.chip_portrait(source)
    assert type(got.value) is type(want.value) and got.value.code == want.value.code


def test_input_error_gives_each_input_code_its_class():
    for cls in (errors.EmptyInput, errors.NotAnImage, errors.HeicInput, errors.AnimatedInput,
                errors.TruncatedInput, errors.CorruptInput, errors.TooManyPixels, errors.FileTooLarge):
        e = errors.input_error(cls.code, "m")
        assert type(e) is cls and e.code == cls.code and e.message == "m"
    e = errors.input_error("input.unreadable", "m")
    assert type(e) is InputError and e.code == "input.unreadable"
