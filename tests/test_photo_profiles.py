"""Profiles are data: built-ins load and validate; a user adds one by path or folder; bad files are refused."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest

import photo
from photo import profile as profile_mod
from photo.errors import ProfileError


def test_builtin_profiles_load():
    names = photo.profiles()
    for n in ("mynumber-online", "mynumber-next", "passport-jp", "icao"):
        p = profile_mod.get(n)
        assert p.name == n and p.height_mm == 45 and p.width_mm == 35 and p.checks
    assert profile_mod.get("mynumber-next").checks["image.color"]["require_colour"] is True
    assert "file.size" not in profile_mod.get("icao").checks
    assert set(names) >= {"mynumber-online", "mynumber-next", "passport-jp", "icao"}


def _write(tmp_path, text, name="mine.toml"):
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


GOOD = """
name = "mine"
[print]
width_mm = 35
height_mm = 45
[checks."pose.roll"]
max_abs_deg = 2.0
[checks."face.count"]
max_faces = 1
"""


def test_user_profile_by_path(tmp_path):
    from tests.photo_helpers import report  # noqa: F401 - warm cache not needed

    p = _write(tmp_path, GOOD)
    rep = photo.check(tmp_path / "none.jpg", profile=p)
    assert rep.profile == "mine" and rep.error["code"] == "input.unreadable"
    prof = profile_mod.get(str(p))
    assert list(prof.checks) == ["face.count", "pose.roll"]  # report order, not file order


def test_user_profile_folder_via_env(tmp_path, monkeypatch):
    _write(tmp_path, GOOD.replace('"mine"', '"strict-roll"'), "strict-roll.toml")
    monkeypatch.setenv(profile_mod.ENV, str(tmp_path))
    assert "strict-roll" in photo.profiles()
    from tests.photo_helpers import path

    rep = photo.check(path("compliant_a"), profile="strict-roll")
    assert [c.id for c in rep.checks] == ["face.count", "pose.roll"]
    assert rep.passed == (abs(rep.check("pose.roll").value) <= 2.0)


def test_profile_folder_listing_follows_changes(tmp_path, monkeypatch):
    """The folders' listing is kept between checks, but a file added, edited or removed is seen."""
    monkeypatch.setenv(profile_mod.ENV, str(tmp_path))
    assert "late" not in photo.profiles()
    f = _write(tmp_path, GOOD.replace('"mine"', '"late"'), "late.toml")
    os.utime(tmp_path, ns=(time.time_ns() + 10**9,) * 2)  # the folder's time, as a coarse clock might not move it
    assert "late" in photo.profiles()
    assert list(profile_mod.get("late").checks) == ["face.count", "pose.roll"]
    f.write_text(GOOD.replace('"mine"', '"late"').replace('"face.count"', '"face.nope"'), "utf-8")
    os.utime(f, ns=(time.time_ns() + 2 * 10**9,) * 2)
    with pytest.raises(ProfileError):
        profile_mod.get("late")
    f.unlink()
    os.utime(tmp_path, ns=(time.time_ns() + 3 * 10**9,) * 2)
    assert "late" not in photo.profiles()


@pytest.mark.parametrize("text,needle", [
    ("name = 'x'\n[print]\nwidth_mm=35\nheight_mm=45\n[checks.'pose.nope']\nmax_abs_deg=1.0\n", "unknown check"),
    ("name = 'x'\n[print]\nwidth_mm=35\nheight_mm=45\n[checks.'pose.roll']\n", "needs limit"),
    ("name = 'x'\n[print]\nwidth_mm=35\nheight_mm=45\n[checks.'pose.roll']\nmax_abs_deg='8'\n", "must be float"),
    ("name = 'x'\n[print]\nwidth_mm=35\nheight_mm=45\n[checks.'pose.roll']\nmax_abs_deg=8.0\nextra=1\n", "has no limit"),
    ("name = 'x'\n[checks.'pose.roll']\nmax_abs_deg=8.0\n", "[print]"),
    ("name = 'x'\n[print]\nwidth_mm=35\nheight_mm=45\n", "[checks]"),
    ("this is = = not toml", "not valid TOML"),
    ("name = 'x'\n[print]\nwidth_mm=35\nheight_mm=45\n[checks.'geometry.centered']\nprint_height_mm=40\n"
     "max_offset_mm=2.0\n", "differs from [print]"),
])
def test_invalid_profiles_are_refused(tmp_path, text, needle):
    p = _write(tmp_path, text)
    with pytest.raises(ProfileError) as e:
        profile_mod.get(str(p))
    assert e.value.code == "profile.invalid"
    assert needle in str(e.value)


def test_unknown_profile_name():
    with pytest.raises(ProfileError) as e:
        photo.check(b"", profile="no-such-profile")
    assert "available" in str(e.value)


def test_every_limit_lives_in_the_profile():
    """No defaults in code: each registered limit key that is not optional appears in mynumber-online."""
    from photo.checks import registry

    prof = profile_mod.get("mynumber-online")
    for cid, spec in registry().items():
        required = {k for k, t in spec.limits.items() if not t.endswith("?")}
        assert required <= set(prof.checks[cid]), cid


def test_messages_exist_for_every_key():
    from photo.report import messages

    msgs = messages()
    from photo.checks import order

    for cid in order():
        assert "ok" in msgs[cid], cid
        for key, entry in msgs[cid].items():
            assert entry["ja"] and entry["en"], (cid, key)
    json.dumps(msgs, ensure_ascii=False)


def test_a_copy_of_a_built_in_profile_must_be_renamed(tmp_path):
    text = (Path(profile_mod.__file__).parent / "profiles" / "icao.toml").read_text(encoding="utf-8")
    copy = _write(tmp_path, text, "strict.toml")
    with pytest.raises(profile_mod.ProfileError, match="give the copy a name of its own"):
        profile_mod.get(str(copy))
    renamed = _write(tmp_path, text.replace('name = "icao"', 'name = "strict"'), "strict2.toml")
    assert profile_mod.get(str(renamed)).name == "strict"


def test_a_profiles_folder_that_does_not_exist_is_an_error(tmp_path, monkeypatch):
    monkeypatch.setenv(profile_mod.ENV, str(tmp_path / "missing"))
    with pytest.raises(ProfileError, match="no such folder"):
        profile_mod.get("icao")
