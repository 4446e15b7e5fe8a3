"""``mynacard card render|lint``: files, exit codes, and no personal data in what it prints."""

from __future__ import annotations

import json
import tomllib

import pytest
from typer.testing import CliRunner

from cardface.layout import layout_path
from mynacard.cli import app, main
from tests.card_support import SAMPLES, holders, png_image, sample_records

runner = CliRunner()


def run(*args):
    return runner.invoke(app, list(args), catch_exceptions=False)


def no_personal_data(text: str) -> None:
    for h in holders():
        for value in (h.surname + h.given_name, h.address, h.my_number, h.surname_kana):
            assert value not in text.replace("\u3000", "")


def test_render_writes_every_face_named_by_record(tmp_path):
    two = tmp_path / "two.json"
    two.write_text(json.dumps(sample_records()[:2], ensure_ascii=False), encoding="utf-8")
    out = tmp_path / "cards"
    r = run("card", "render", str(two), "-o", str(out), "--dpi", "60", "--sheet")
    assert r.exit_code == 0, r.output
    names = sorted(p.name for p in out.iterdir())
    assert names == sorted([f"next-{i:03d}-{s}.{f}" for i in (1, 2) for s in ("front", "back") for f in ("png", "pdf")]
                           + ["next-sheet.pdf"])
    assert round(png_image((out / "next-001-front.png").read_bytes()).info["dpi"][0]) == 60
    assert "9 file(s) for 2 holder(s)" in r.output and "number masked" in r.output
    no_personal_data(r.output)


def test_render_options_select_layout_side_and_format(tmp_path):
    out = tmp_path / "o"
    r = run("card", "render", str(SAMPLES), "-o", str(out), "--layout", "current", "--side", "back",
            "--format", "pdf", "--show-number")
    assert r.exit_code == 0, r.output
    files = sorted(out.iterdir())
    assert len(files) == 24 and all(p.name.startswith("current-") and p.name.endswith("-back.pdf") for p in files)
    assert "number masked" not in r.output
    r = run("card", "render", str(SAMPLES), "-o", str(out), "--side", "top")
    assert r.exit_code == 2


def test_failures_are_listed_per_record_and_exit_1(tmp_path):
    recs = sample_records()[:3]
    recs[1] = {**recs[1], "address": "東京都" + "千代田区霞が関一丁目" * 19}
    f = tmp_path / "h.json"
    f.write_text(json.dumps(recs, ensure_ascii=False), encoding="utf-8")
    r = runner.invoke(app, ["card", "render", str(f), "-o", str(tmp_path / "o"), "--side", "front",
                            "--format", "png", "--dpi", "40"])
    assert r.exit_code == 1
    assert "record 2 front png: text.overflow" in r.output and "address" in r.output
    assert len(list((tmp_path / "o").iterdir())) == 2
    no_personal_data(r.output)


def test_production_without_photos_fails_per_face(tmp_path):
    f = tmp_path / "h.json"
    f.write_text(json.dumps([{**sample_records()[2]}], ensure_ascii=False), encoding="utf-8")  # holder 3: no photo
    r = runner.invoke(app, ["card", "render", str(f), "-o", str(tmp_path / "o"), "--production", "--format", "png",
                            "--dpi", "40"])
    assert r.exit_code == 1
    assert "card.photo_missing" in r.output
    # the back needs no photo, but a holder with a face that failed gets no file at all
    assert not list((tmp_path / "o").iterdir())


def test_unusable_input_is_one_line_and_exit_2(tmp_path, capsys):
    for args in (["card", "render", str(tmp_path / "missing.json"), "-o", str(tmp_path)],
                 ["card", "render", str(SAMPLES), "-o", str(tmp_path), "--layout", "nosuch"],
                 ["card", "lint", str(tmp_path / "nosuch.toml")]):
        with pytest.raises(SystemExit) as e:
            main(args)
        assert e.value.code == 2
        err = capsys.readouterr().err.strip()
        assert len(err.splitlines()) == 1 and err.startswith("mynacard: ")


@pytest.mark.parametrize(("option", "value", "code"), [("--dpi", "-5", "render.dpi"), ("--dpi", "0", "render.dpi"),
                                                       ("--dpi", "100000", "render.dpi"),
                                                       ("--bleed", "-3", "render.bleed")])
def test_bad_dpi_or_bleed_is_one_line_before_rendering(tmp_path, capsys, option, value, code):
    out = tmp_path / "out"
    with pytest.raises(SystemExit) as e:
        main(["card", "render", str(SAMPLES), "-o", str(out), option, value])
    assert e.value.code == 2
    captured = capsys.readouterr()
    err = captured.err.strip()
    assert len(err.splitlines()) == 1 and err.startswith(f"mynacard: {code}: ") and captured.out == ""
    assert not out.exists()  # refused before anything was written


def test_lint_exit_codes_and_findings(tmp_path):
    r = run("card", "lint", "next")
    assert r.exit_code == 0 and r.output.strip().endswith(": ok")
    data = layout_path("current").read_text(encoding="utf-8")
    bad = tmp_path / "bad.toml"
    bad.write_text(data.replace("box = [73.0, 13.7, 10.0, 2.8]", "box = [70.0, 13.7, 10.0, 2.8]"), encoding="utf-8")
    tomllib.loads(bad.read_text(encoding="utf-8"))
    r = run("card", "lint", str(bad))
    assert r.exit_code == 1
    assert "front/sex: overlaps" in r.output or "front/label-sex: overlaps" in r.output
    r = run("card", "lint", str(bad), "--json")
    found = json.loads(r.output)
    assert r.exit_code == 1 and found and {"side", "item", "code", "message"} <= set(found[0])


def test_card_group_accepts_commands_from_other_modules():
    from mynacard.cli.card import card_app

    assert {c.name for c in card_app.registered_commands} >= {"render", "lint"}


def test_png_pdf_and_sheet_of_one_face_build_one_scene(tmp_path, monkeypatch):
    """A face's scene (fitted text, glyph checks, QR matrix, the photo's check and crop) is built
    once and drawn by every backend: PNG, PDF and the proof sheet."""
    import cardface.scene
    import photo.analysis
    from tests.card_support import FACE

    built: list[str] = []
    analysed: list[int] = []
    real_build, real_init = cardface.scene.build_scene, photo.analysis.FaceAnalysis.__init__

    def counting_build(holder, side="front", *args, **kw):
        built.append(side)
        return real_build(holder, side, *args, **kw)

    def counting_init(self, decoded, checked_on=None):
        analysed.append(1)
        real_init(self, decoded, checked_on)

    monkeypatch.setattr(cardface.scene, "build_scene", counting_build)
    monkeypatch.setattr(photo.analysis.FaceAnalysis, "__init__", counting_init)
    f = tmp_path / "one.json"
    f.write_text(json.dumps([{**sample_records()[0], "photo": str(FACE)}], ensure_ascii=False), encoding="utf-8")
    out = tmp_path / "o"
    r = run("card", "render", str(f), "-o", str(out), "--format", "png,pdf", "--side", "front,back", "--sheet",
            "--dpi", "60")
    assert r.exit_code == 0, r.output
    assert sorted(p.name for p in out.iterdir()) == ["next-001-back.pdf", "next-001-back.png",
                                                     "next-001-front.pdf", "next-001-front.png", "next-sheet.pdf"]
    assert sorted(built) == ["back", "front"]  # one scene per face, for two formats and the sheet
    assert len(analysed) == 1  # the photo is checked once, for the front's scene
