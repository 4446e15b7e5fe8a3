"""cardface as a Python caller uses it: arguments of the wrong type or out of range raise
:class:`cardface.errors.ArgumentError` (``argument.invalid``), never a bare traceback."""

from __future__ import annotations

import pytest

import cardface
from cardface import mynumber
from cardface.errors import ArgumentError, CardfaceError
from tests.conftest import SAMPLES

NUMBER = "123456789018"


@pytest.mark.parametrize("holder", [None, 5, ["x"], str(SAMPLES / "applicants.json"), SAMPLES / "applicants.json"])
def test_render_refuses_a_holder_that_is_neither_a_holder_nor_a_dict(holder):
    for call in (lambda: cardface.render(holder), lambda: cardface.build_scene(holder)):
        with pytest.raises(ArgumentError) as e:
            call()
        assert e.value.code == "argument.invalid" and isinstance(e.value, CardfaceError)
        assert "Holder or a dict" in e.value.message


def test_render_names_load_holders_for_a_file_path():
    with pytest.raises(ArgumentError) as e:
        cardface.render(str(SAMPLES / "applicants.json"))
    assert "load_holders" in e.value.message


@pytest.mark.parametrize("kw", [{"path": None}, {"path": 5}, {"path": b"x.json"},
                                {"path": SAMPLES / "applicants.json", "encoding": 5}])
def test_load_holders_refuses_arguments_of_the_wrong_type(kw):
    with pytest.raises(ArgumentError) as e:
        cardface.load_holders(**kw)
    assert e.value.code == "argument.invalid"


@pytest.mark.parametrize("keep", [5, -1, "4", 2.0, None, True])
def test_mask_keep_is_a_whole_number_from_0_to_4(keep):
    with pytest.raises(ArgumentError) as e:
        mynumber.mask(NUMBER, keep=keep)
    assert e.value.code == "argument.invalid" and "keep" in e.value.message


def test_mask_keeps_0_to_4_digits():
    shown = [mynumber.mask(NUMBER, keep=k) for k in range(mynumber.MAX_KEEP + 1)]
    assert shown[0] == "**** **** ****" and shown[4] == "**** **** 9018"
    assert [s.count("*") for s in shown] == [12, 11, 10, 9, 8]


@pytest.mark.parametrize("kw", [{"char": ""}, {"char": "ab"}, {"char": 5}, {"sep": 5}, {"sep": None}])
def test_mask_char_and_sep_are_text(kw):
    with pytest.raises(ArgumentError) as e:
        mynumber.mask(NUMBER, **kw)
    assert e.value.code == "argument.invalid"


def test_format_sep_is_text():
    with pytest.raises(ArgumentError) as e:
        mynumber.format(NUMBER, sep=0)
    assert e.value.code == "argument.invalid"
    assert mynumber.format(NUMBER, sep="-") == "1234-5678-9018"


def test_mask_keep_takes_any_whole_number_type():
    import numpy as np

    from cardface.mynumber import mask

    assert mask("123456789018", keep=np.int64(4)) == mask("123456789018", keep=4)
