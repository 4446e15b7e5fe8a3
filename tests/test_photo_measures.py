"""photo/data/measures.toml: every measure setting is read by its module, with its type."""

import importlib
import tomllib

import pytest

from photo import measures

#: section -> the module that reads it (each section's first comment names it too)
READER = {
    "analysis": "photo.analysis",
    "backdrop": "photo.backdrop",
    "background": "photo.checks.background",
    "covering": "photo.checks.head",
    "eyes": "photo.checks.eyes",
    "frame_line": "photo.frame_line",
    "hair_strands": "photo.hair_strands",
    "lighting": "photo.checks.lighting",
    "mouth": "photo.checks.mouth",
    "pupils": "photo.pupils",
}


def test_every_section_is_read_by_its_module_value_for_value():
    assert set(measures.sections()) == set(READER)
    for section, module_name in READER.items():
        module = importlib.import_module(module_name)
        values = measures.settings(section)
        assert values, section
        for key, value in values.items():
            name = key.upper()
            assert hasattr(module, name), f"{module_name} does not read [{section}] {key}"
            got = getattr(module, name)
            assert got == value and type(got) is type(value), (section, key, got, value)


def test_integers_stay_integers_and_arrays_become_tuples():
    cov = measures.settings("covering")
    assert isinstance(cov["hair_samples"], int) and isinstance(cov["same_de"], float)
    assert cov["side_band"] == (0.04, 0.15)
    from photo.analysis import BURNT_LUMA
    from photo.checks.lighting import BRIGHT_LUMA, DARK_LUMA

    assert (DARK_LUMA, BRIGHT_LUMA, BURNT_LUMA) == (25, 247, 247)


def test_each_section_names_its_reader():
    text = (measures.resources.files("photo") / measures.FILE).read_text(encoding="utf-8")
    for section, module_name in READER.items():
        after = text.split(f"[{section}]\n", 1)[1]
        assert after.startswith(f"# {module_name.replace('.', '/')}.py"), section


def test_a_missing_section_or_a_value_not_a_number_is_a_clear_error(monkeypatch):
    with pytest.raises(ValueError, match=r"no \[nonesuch\] table"):
        measures.settings("nonesuch")
    monkeypatch.setattr(measures, "_sections", lambda: tomllib.loads('[x]\na = "text"\n'))
    with pytest.raises(ValueError, match=r"\[x\] a is not a number"):
        measures.settings("x")
    monkeypatch.setattr(measures, "_sections", lambda: tomllib.loads("[x]\na = true\n"))
    with pytest.raises(ValueError, match=r"\[x\] a is not a number"):
        measures.settings("x")
