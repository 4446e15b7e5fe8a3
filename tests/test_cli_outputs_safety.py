"""Output folders the user chose: a file the run did not write is never replaced unasked
(``photo check --fix/--annotate DIR``, ``photo chip -o DIR``), an earlier run's card is never
left looking like this run's (``card render``, ``card oblique``), and ``card oblique``'s
no-card verdict has a stable code."""

from __future__ import annotations

import errno
import json
import os

import pytest
from PIL import Image

from mynacard.outputs import OutputError, OutputNames, write_atomic
from tests.card_support import sample_records
from tests.conftest import SAMPLES
from tests.oblique_support import texture
from tests.photo_helpers import path

FIXABLE = SAMPLES / "photos" / "square_head_too_small.jpg"  # fails only fixable checks: --fix writes a copy


# -- mynacard/outputs.py ------------------------------------------------------------------

def test_output_names_skip_existing_files_inputs_folders_and_this_runs_names(tmp_path):
    (tmp_path / "a.jpg").write_bytes(b"someone's")
    (tmp_path / "a-2.jpg").mkdir()
    photo = tmp_path / "in.jpg"
    photo.write_bytes(b"input")
    (tmp_path / "link.jpg").symlink_to(photo)
    names = OutputNames([photo])
    assert names.claim(tmp_path / "a.jpg") == tmp_path / "a-3.jpg"  # a file, then a folder in the way
    assert names.claim(tmp_path / "a.jpg") == tmp_path / "a-4.jpg"  # a-3 is this run's already
    assert names.claim(tmp_path / "b.jpg", siblings=(".fac",)) == tmp_path / "b.jpg"
    assert names.claim(tmp_path / "b.fac") == tmp_path / "b-2.fac"  # b.jpg's sibling
    forced = OutputNames([photo], overwrite=True)
    assert forced.claim(tmp_path / "a.jpg") == tmp_path / "a.jpg"  # asked for: replaced
    assert forced.claim(tmp_path / "link.jpg") == tmp_path / "link-2.jpg"  # a link to an input is the input
    assert forced.claim(tmp_path / "in.jpg") == tmp_path / "in-2.jpg"


@pytest.mark.parametrize("links", [True, False])
def test_a_file_that_appears_after_the_name_was_chosen_is_kept(tmp_path, monkeypatch, links):
    if not links:  # a file system without hard links (FAT, some network mounts)
        def no_link(src, dst, **kw):
            raise OSError(errno.EPERM, "Operation not permitted")

        monkeypatch.setattr(os, "link", no_link)
    names = OutputNames()
    target = names.claim(tmp_path / "a.jpg")
    target.write_bytes(b"another program's")
    with pytest.raises(OutputError) as err:
        names.write(target, b"ours")
    assert err.value.code == "output.exists"
    assert target.read_bytes() == b"another program's"
    assert [p.name for p in tmp_path.iterdir()] == ["a.jpg"]  # no temporary file left
    free = names.claim(tmp_path / "b.jpg")
    assert names.write(free, b"ours") == free and free.read_bytes() == b"ours"
    assert oct(free.stat().st_mode & 0o777) == oct(0o666 & ~_umask())
    write_atomic(target, b"replaced")  # replace=True, the default, still replaces
    assert target.read_bytes() == b"replaced"


def _umask() -> int:
    mask = os.umask(0o22)
    os.umask(mask)
    return mask


# -- photo check --fix / --annotate, photo chip ----------------------------------------------

def test_photo_check_keeps_an_unrelated_file_of_the_same_name_and_says_so(run_cli, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    theirs = {out / f"{FIXABLE.stem}.jpg": b"a file of the user's", out / f"{FIXABLE.stem}.png": b"another one"}
    for f, data in theirs.items():
        f.write_bytes(data)
    r = run_cli("photo", "check", str(FIXABLE), "--fix", str(out), "--annotate", str(out))
    assert r.exit_code == 1, r.output
    assert all(f.read_bytes() == data for f, data in theirs.items())
    stem = FIXABLE.stem
    assert f"fixed -> {out / (stem + '-2.jpg')} ({stem}.jpg is taken: not replaced):" in r.stdout
    assert f"annotated -> {out / (stem + '-2.png')} ({stem}.png is taken: not replaced)" in r.stdout
    assert Image.open(out / f"{stem}-2.jpg").format == "JPEG" and Image.open(out / f"{stem}-2.png").format == "PNG"
    # --json: the paths written
    r = run_cli("photo", "check", str(FIXABLE), "--fix", str(out), "--annotate", str(out), "--json")
    d = json.loads(r.stdout)
    assert d["fixed"]["path"] == str(out / f"{stem}-3.jpg") and d["annotated"] == str(out / f"{stem}-3.png")
    assert all(f.read_bytes() == data for f, data in theirs.items())


def test_photo_check_overwrite_replaces_files_but_never_an_input(run_cli, tmp_path):
    photo = tmp_path / FIXABLE.name  # the input in the output folder itself
    photo.write_bytes(FIXABLE.read_bytes())
    old = tmp_path / f"{photo.stem}.png"
    old.write_bytes(b"an earlier review image")
    r = run_cli("photo", "check", str(photo), "--fix", str(tmp_path), "--annotate", str(tmp_path), "--overwrite",
                "--json")
    d = json.loads(r.stdout)
    assert d["annotated"] == str(old) and Image.open(old).format == "PNG"  # asked for: replaced
    assert d["fixed"]["path"] == str(tmp_path / f"{photo.stem}-2.jpg")  # the input photo is kept
    assert photo.read_bytes() == FIXABLE.read_bytes()


def test_photo_chip_keeps_an_unrelated_file_of_its_names(run_cli, tmp_path):
    src = path("compliant_a")
    record = tmp_path / "compliant_a.fac"  # only the record's name is taken: the three move together
    chart = tmp_path / "chip-rates.png"
    record.write_bytes(b"a record of the user's")
    chart.write_bytes(b"an earlier chart")
    r = run_cli("photo", "chip", str(src), "-o", str(tmp_path), "--chart")
    assert r.exit_code == 0, r.output
    assert record.read_bytes() == b"a record of the user's" and chart.read_bytes() == b"an earlier chart"
    assert f"-> {tmp_path / 'compliant_a-2.jpg'} (compliant_a.jpg is taken: not replaced)" in r.stdout
    assert {p.name for p in tmp_path.iterdir()} == {"compliant_a.fac", "chip-rates.png", "compliant_a-2.jpg",
                                                    "compliant_a-2.fac", "compliant_a-2.dg2", "chip-rates-2.png"}
    assert "rate-quality chart -> " + str(tmp_path / "chip-rates-2.png") in r.output
    r = run_cli("photo", "chip", str(src), "-o", str(tmp_path), "--overwrite", "--json")
    assert json.loads(r.stdout)["paths"]["record"] == str(record)
    assert record.read_bytes() != b"a record of the user's"


# -- card render -----------------------------------------------------------------------------

def _holders(tmp_path, name, records):
    f = tmp_path / name
    f.write_text(json.dumps(records, ensure_ascii=False), encoding="utf-8")
    return f


def test_card_render_leaves_no_earlier_card_beside_a_face_that_failed(run_cli, tmp_path):
    recs = sample_records()[:3]
    good = _holders(tmp_path, "good.json", recs)
    bad = _holders(tmp_path, "bad.json", [recs[0], {**recs[1], "address": "東京都" + "千代田区霞が関一丁目" * 19}])
    out = tmp_path / "cards"
    args = ["-o", str(out), "--format", "png", "--dpi", "40", "--sheet"]
    r = run_cli("card", "render", str(good), *args)
    assert r.exit_code == 0, r.output
    earlier = {n: (out / n).read_bytes() for n in ("next-001-front.png", "next-003-front.png")}
    r = run_cli("card", "render", str(bad), *args)
    assert r.exit_code == 1
    names = sorted(p.name for p in out.iterdir())
    # record 2 failed: its earlier faces are gone; so is the earlier sheet (the sheet failed too)
    assert names == ["next-001-back.png", "next-001-front.png", "next-003-back.png", "next-003-front.png"]
    assert "record 2: removed an earlier run's next-002-front.png, next-002-back.png: this run has none" in r.stderr
    assert "sheet: removed an earlier run's next-sheet.pdf" in r.stderr
    assert "2 file(s) for 2 holder(s)" in r.stdout and "removed 3 file(s) of an earlier run" in r.stdout
    assert (out / "next-001-front.png").read_bytes() == earlier["next-001-front.png"]  # the same holder: the same card
    # record 3 is not in this holders file: kept, and said not to be this run's
    assert (out / "next-003-front.png").read_bytes() == earlier["next-003-front.png"]
    assert ("also holds 2 card file(s) of layout next that this run did not write (next-003-back.png, "
            "next-003-front.png)") in r.stderr
    r = run_cli("card", "render", str(good), *args)
    assert r.exit_code == 0 and "note:" not in r.output and "removed" not in r.output


# -- card oblique ----------------------------------------------------------------------------

def test_card_oblique_no_card_has_a_stable_code_and_removes_an_earlier_card(run_cli, tmp_path):
    p = tmp_path / "desk.png"
    Image.fromarray(texture("noise", 480, 640)).save(p)
    out = tmp_path / "o"
    out.mkdir()
    (out / "desk-card.png").write_bytes(b"an earlier run's card")
    (out / "desk-corners.json").write_text("{}")
    (out / "other-card.png").write_bytes(b"another photo's card")
    r = run_cli("card", "oblique", str(p), "-o", str(out))
    assert r.exit_code == 1
    first = r.stderr.splitlines()[0]
    assert first.startswith("desk.png: capture.no_card: no card found")
    assert f"removed an earlier run's {out / 'desk-card.png'} and {out / 'desk-corners.json'}" in r.stderr
    assert [x.name for x in out.iterdir()] == ["other-card.png"]
    r = run_cli("card", "oblique", str(p), "-o", str(tmp_path / "new"))
    assert r.exit_code == 1 and r.stderr.strip() == "desk.png: capture.no_card: no card found in the photo " \
                                                    "(nothing written)"
    assert not (tmp_path / "new").exists()
