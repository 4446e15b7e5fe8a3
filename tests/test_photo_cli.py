"""``mynacard photo check``: exit codes, JSON lines, the table, --annotate and --fix."""

from __future__ import annotations

import json

from PIL import Image

from mynacard.cli import main
from tests.photo_helpers import image, jpeg, path

KEYS = {"file", "passed", "profile", "checks", "error"}
CHECK_KEYS = {"id", "passed", "value", "limit", "message", "message_en", "key"}


def run(capsys, *args):
    try:
        main(list(args))
        code = 0
    except SystemExit as e:
        code = e.code
    out = capsys.readouterr()
    return code, out.out, out.err


def test_pass_exit_0_and_json_schema(capsys):
    code, out, _ = run(capsys, "photo", "check", str(path("compliant_a")), "--json")
    assert code == 0
    lines = out.strip().splitlines()
    assert len(lines) == 1
    d = json.loads(lines[0])
    assert KEYS <= set(d) and d["passed"] is True and d["error"] is None and d["profile"] == "mynumber-online"
    assert d["file"] == str(path("compliant_a"))
    assert len(d["checks"]) == 27
    for c in d["checks"]:
        assert CHECK_KEYS <= set(c) and isinstance(c["passed"], bool)


def test_fail_exit_1_and_table(capsys):
    code, out, _ = run(capsys, "photo", "check", str(path("compliant_a")), str(path("lisa1")))
    assert code == 1
    assert "PASS" in out and "FAIL" in out and "background.uniformity" in out


def test_japanese_table(capsys):
    code, out, _ = run(capsys, "photo", "check", str(path("lisa1")), "--lang", "ja")
    assert code == 1 and "背景" in out


def test_unknown_language_is_refused_before_checking(capsys):
    code, out, err = run(capsys, "photo", "check", str(path("lisa1")), "--lang", "fr")
    assert code == 2 and out == ""
    assert "--lang" in err and "'en'" in err and "'ja'" in err


def test_unreadable_exit_2_even_with_failures(capsys, tmp_path):
    bad = tmp_path / "x.jpg"
    bad.write_bytes(b"nope")
    code, out, _ = run(capsys, "photo", "check", str(path("lisa1")), str(bad), "--json")
    assert code == 2
    rows = [json.loads(x) for x in out.strip().splitlines()]
    assert rows[1]["error"]["code"] == "input.not_image" and rows[1]["checks"] == []
    assert KEYS <= set(rows[1])
    # the table says it was not checked (it failed no check), with the code
    code, out, _ = run(capsys, "photo", "check", str(bad))
    assert code == 2 and out.splitlines()[0] == f"{bad}: NOT CHECKED  (profile mynumber-online)"
    assert "error input.not_image:" in out and "FAIL" not in out


def test_bad_profile_is_one_line_exit_2(capsys):
    code, _out, err = run(capsys, "photo", "check", str(path("compliant_a")), "--profile", "nope")
    assert code == 2 and err.startswith("mynacard: profile.invalid:") and len(err.strip().splitlines()) == 1


def test_annotate_writes_png(capsys, tmp_path):
    code, out, _ = run(capsys, "photo", "check", str(path("lisa1")), "--annotate", str(tmp_path / "ann"), "--json")
    assert code == 1
    d = json.loads(out)
    png = tmp_path / "ann" / "lisa1.png"
    assert d["annotated"] == str(png) and png.exists()
    im = Image.open(png)
    assert im.format == "PNG" and im.size == (600, 800)


def test_fix_writes_a_passing_jpeg_for_a_fixable_photo(capsys, tmp_path):
    # compliant photo inside a wider PNG frame of the same backdrop: format + aspect + head size fail, all fixable
    src = image("compliant_a")
    canvas = Image.new("RGB", (900, 900), src.getpixel((3, 3)))
    canvas.paste(src, (170, 180))
    p = tmp_path / "wide.png"
    canvas.crop((0, 0, 900, 900)).save(p)
    code, out, _ = run(capsys, "photo", "check", str(p), "--fix", str(tmp_path / "fixed"), "--json")
    assert code == 1
    d = json.loads(out)
    assert d["fixable"] is True, [(c["id"], c["fixable"]) for c in d["checks"] if not c["passed"]]
    assert d["fixed"]["fixed"] is True and d["fixed"]["passed_after"] is True
    out_p = tmp_path / "fixed" / "wide.jpg"
    assert out_p.exists()
    im = Image.open(out_p)
    assert im.format == "JPEG" and abs(im.width / im.height - 35 / 45) < 0.01
    assert not im.getexif()
    code2, out2, _ = run(capsys, "photo", "check", str(out_p), "--json")
    assert code2 == 0, [c["id"] for c in json.loads(out2)["checks"] if not c["passed"]]


def test_fix_and_annotate_into_the_photos_own_folder_keep_the_photos(capsys, tmp_path):
    """--fix / --annotate DIR holding the inputs: a corrected copy or a review image whose name is
    an input's takes the next free name (NAME-2.ext), and every input is kept as it was."""
    src = image("compliant_a")
    canvas = Image.new("RGB", (900, 900), src.getpixel((3, 3)))
    canvas.paste(src, (170, 180))
    a, b = tmp_path / "a.png", tmp_path / "b.jpg"  # b's corrected copy and a's review image would take their names
    canvas.save(a)
    canvas.save(b, quality=95)
    before = {f: f.read_bytes() for f in (a, b)}
    code, out, _ = run(capsys, "photo", "check", str(a), str(b), "--fix", str(tmp_path), "--annotate", str(tmp_path),
                       "--json")
    assert code == 1
    da, db = (json.loads(x) for x in out.strip().splitlines())
    assert da["fixed"]["path"] == str(tmp_path / "a.jpg") and db["fixed"]["path"] == str(tmp_path / "b-2.jpg")
    assert da["annotated"] == str(tmp_path / "a-2.png") and db["annotated"] == str(tmp_path / "b.png")
    assert all(f.read_bytes() == data for f, data in before.items())
    assert Image.open(tmp_path / "b-2.jpg").format == "JPEG" and Image.open(tmp_path / "a-2.png").format == "PNG"


def test_fix_analyses_the_photo_once(capsys, tmp_path, monkeypatch):
    """--fix reuses the check's decoding and analysis: the input is loaded and analysed once, the
    corrected copy once (to say whether it passes), nothing twice."""
    import hashlib

    import photo.analysis
    import photo.intake

    src = image("compliant_a")
    canvas = Image.new("RGB", (900, 900), src.getpixel((3, 3)))
    canvas.paste(src, (170, 180))
    p = tmp_path / "wide.png"
    canvas.save(p)
    analysed: list[str] = []
    loaded: list[object] = []
    real_init, real_load = photo.analysis.FaceAnalysis.__init__, photo.intake.load

    def counting_init(self, decoded, checked_on=None):
        analysed.append(hashlib.sha256(decoded.rgb.tobytes()).hexdigest())
        real_init(self, decoded, checked_on)

    def counting_load(source, **kw):
        loaded.append(source)
        return real_load(source, **kw)

    monkeypatch.setattr(photo.analysis.FaceAnalysis, "__init__", counting_init)
    for mod in ("photo.intake", "photo.checker", "photo.correction"):
        monkeypatch.setattr(f"{mod}.load", counting_load, raising=False)
    code, out, _ = run(capsys, "photo", "check", str(p), "--fix", str(tmp_path / "fixed"), "--json")
    d = json.loads(out)
    assert code == 1 and d["fixed"]["fixed"] is True
    assert len(analysed) == 2 and len(set(analysed)) == 2  # the input once, the corrected copy once
    assert [x for x in loaded if not isinstance(x, bytes)] == [p]  # the input file is read once


def test_fix_refuses_unfixable(capsys, tmp_path):
    code, out, _ = run(capsys, "photo", "check", str(path("smiling_a")), "--fix", str(tmp_path), "--json")
    d = json.loads(out)
    assert code == 1 and d["fixed"]["fixed"] is False and "expression.neutral" in d["fixed"]["reason"]
    assert list(tmp_path.iterdir()) == []


def test_checking_never_writes_next_to_the_input(capsys, tmp_path):
    p = tmp_path / "a.jpg"
    p.write_bytes(jpeg(image("compliant_a")))
    run(capsys, "photo", "check", str(p), "--json")
    assert [x.name for x in tmp_path.iterdir()] == ["a.jpg"]
