"""``mynacard card simulate|oblique|mask``: files written, exit codes, one-line errors."""

from __future__ import annotations

import io
import json

import numpy as np
from PIL import Image

from tests.conftest import invoke_cli
from tests.oblique_support import face, texture


def test_simulate_then_oblique(tmp_path):
    photo = tmp_path / "shot.jpg"
    r = invoke_cli("card", "simulate", "-o", str(photo), "--layout", "next", "--side", "back", "--yaw", "40",
                   "--roll", "100", "--background", "clutter", "--size", "1000x750")
    assert r.exit_code == 0, r.output
    truth = json.loads((tmp_path / "shot.jpg.json").read_text())
    assert list(truth["corners"]) == ["top_left", "top_right", "bottom_right", "bottom_left"]
    im = Image.open(photo)
    assert im.size == (1000, 750) and not im.getexif()

    out = tmp_path / "out"
    r = invoke_cli("card", "oblique", str(photo), "-o", str(out), "--dpi", "150")
    assert r.exit_code == 0, r.output
    assert "next card, back" in r.stdout
    found = json.loads((out / "shot-corners.json").read_text())
    err = max(np.hypot(*np.subtract(found["corners"][k], truth["corners"][k])) for k in truth["corners"])
    assert err < 10
    assert Image.open(out / "shot-card.png").size == (506, 319)


def test_simulate_from_a_card_image(tmp_path):
    card = tmp_path / "face.png"
    Image.fromarray(face("current", "front")).save(card)
    r = invoke_cli("card", "simulate", str(card), "-o", str(tmp_path / "s.png"), "--pitch", "30", "--size", "640x480")
    assert r.exit_code == 0, r.output
    assert Image.open(tmp_path / "s.png").size == (640, 480)


def test_oblique_without_a_card_exits_1_and_writes_nothing(tmp_path):
    p = tmp_path / "desk.png"
    Image.fromarray(texture("noise", 480, 640)).save(p)
    r = invoke_cli("card", "oblique", str(p), "-o", str(tmp_path / "o"))
    assert r.exit_code == 1 and "no card found" in r.stderr
    assert not (tmp_path / "o").exists()


def test_mask_writes_only_when_masked(tmp_path):
    shot = tmp_path / "back.jpg"
    assert invoke_cli("card", "simulate", "-o", str(shot), "--side", "back", "--size", "1000x750").exit_code == 0
    out = tmp_path / "masked.jpg"
    r = invoke_cli("card", "mask", str(shot), "-o", str(out))
    assert r.exit_code == 0, r.output
    assert out.is_file() and "masked my_number, qr" in r.stdout

    front = tmp_path / "front.jpg"
    assert invoke_cli("card", "simulate", "-o", str(front), "--side", "front", "--size", "1000x750").exit_code == 0
    out2 = tmp_path / "masked2.jpg"
    r = invoke_cli("card", "mask", str(front), "-o", str(out2), "--json")
    assert r.exit_code == 1
    assert json.loads(r.stdout)["masked"] is False
    assert not out2.exists()


def test_simulate_refuses_settings_out_of_their_ranges(tmp_path):
    for opt, value in (("--glare", "5"), ("--blur", "-1"), ("--noise", "-1")):
        r = invoke_cli("card", "simulate", "-o", str(tmp_path / "s.jpg"), opt, value)
        assert r.exit_code == 2 and "cli.usage" in r.stderr and opt in r.stderr, (opt, r.output)
    assert not (tmp_path / "s.jpg").exists()


def test_mask_refuses_to_write_over_its_input(tmp_path):
    shot = tmp_path / "back.jpg"
    assert invoke_cli("card", "simulate", "-o", str(shot), "--side", "back", "--size", "1000x750").exit_code == 0
    before = shot.read_bytes()
    r = invoke_cli("card", "mask", str(shot), "-o", str(tmp_path / "." / "back.jpg"))
    assert r.exit_code == 2 and "output.is_input" in r.stderr and r.stderr.strip().count("\n") == 0
    assert shot.read_bytes() == before


def test_unreadable_photo_is_one_line_exit_2(tmp_path):
    bad = tmp_path / "bad.jpg"
    bad.write_bytes(b"\xff\xd8 broken")
    for cmd in (("card", "oblique", str(bad), "-o", str(tmp_path)), ("card", "mask", str(bad), "-o", str(tmp_path / "x.jpg"))):
        r = invoke_cli(*cmd)
        assert r.exit_code == 2
        assert r.stderr.strip().count("\n") == 0 and "capture.unreadable" in r.stderr
    good = tmp_path / "good.png"
    Image.fromarray(texture("checks", 100, 100)).save(good)
    r = invoke_cli("card", "mask", str(good), "-o", str(tmp_path / "x.jpg"), "--layout", "nope")
    assert r.exit_code == 2 and "layout" in r.stderr


def test_help_lists_the_commands():
    r = invoke_cli("card", "--help")
    for name in ("simulate", "oblique", "mask"):
        assert name in r.stdout


def test_unwritable_outputs_are_one_line_exit_2(tmp_path):
    shot = tmp_path / "back.jpg"
    assert invoke_cli("card", "simulate", "-o", str(shot), "--side", "back", "--size", "1000x750").exit_code == 0
    a_file = tmp_path / "file"
    a_file.write_text("x")
    a_dir = tmp_path / "dir"
    a_dir.mkdir()
    cases = (
        ("card", "oblique", str(shot), "-o", str(a_file)),  # a file where the output folder should be
        ("card", "mask", str(shot), "-o", str(a_dir)),  # a folder where the output file should be
        ("card", "simulate", "-o", str(a_dir), "--size", "640x480"),
        ("card", "simulate", "-o", str(a_file / "x.jpg"), "--size", "640x480"),  # parent is a file
        ("card", "mask", str(shot), "-o", str(a_file / "x.jpg")),
    )
    for cmd in cases:
        r = invoke_cli(*cmd)
        assert r.exit_code == 2, (cmd, r.output)
        assert r.stderr.strip().count("\n") == 0 and "mynacard: output.unwritable: " in r.stderr, (cmd, r.stderr)
    assert a_file.read_text() == "x" and not any(a_dir.iterdir())


def test_capture_errors_say_what_is_wrong_without_python_names(tmp_path):
    folder = tmp_path / "dir.jpg"
    folder.mkdir()
    (tmp_path / "empty.jpg").write_bytes(b"")
    (tmp_path / "text.jpg").write_text("hello\n")
    buf = io.BytesIO()
    Image.new("RGB", (200, 200), "red").save(buf, "JPEG")
    (tmp_path / "cut.jpg").write_bytes(buf.getvalue()[:300])
    expected = {"dir.jpg": ("capture.no_file", "is a folder"),
                "empty.jpg": ("capture.unreadable", "the file is empty"),
                "text.jpg": ("capture.unreadable", "not a picture mynacard can read"),
                "cut.jpg": ("capture.unreadable", "damaged or cut short")}
    for name, (code, words) in expected.items():
        r = invoke_cli("card", "oblique", str(tmp_path / name), "-o", str(tmp_path / "out"))
        assert r.exit_code == 2, (name, r.output)
        assert r.stderr.strip().count("\n") == 0 and r.stderr.startswith(f"mynacard: {code}: ") and words in r.stderr
        assert "Error" not in r.stderr  # no Python exception names
    r = invoke_cli("card", "simulate", str(folder), "-o", str(tmp_path / "s.jpg"))
    assert r.exit_code == 2 and "is a folder" in r.stderr


def test_an_output_photo_must_be_named_jpg_or_png(run_cli, tmp_path):
    res = run_cli("card", "simulate", "-o", str(tmp_path / "s.txt"))
    assert res.exit_code == 2 and res.stderr.startswith("mynacard: output.format: ")
    assert not (tmp_path / "s.txt").exists()
