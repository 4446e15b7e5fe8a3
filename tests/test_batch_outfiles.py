"""The per-photo files of OUT: names made from long input names and application ids fit the
file system and stay the same when a batch resumes; a file that cannot be written because of
one photo's names gives that photo an error line, and the batch goes on."""

from __future__ import annotations

import json
import os

import pytest

from photo.batch.hashing import sha256_file
from photo.batch.inputs import BatchInput
from photo.batch.job import BatchConfig, run_batch
from photo.batch.outdir import NAME_MAX_BYTES, fit_name, output_name
from photo.batch.worker import Outcome
from tests.conftest import SAMPLES

PHOTO = SAMPLES / "photos" / "compliant_005.jpg"


def _lines(out):
    return [json.loads(x) for x in (out / "results.jsonl").read_text(encoding="utf-8").splitlines()]


def _components_fit(out):
    for _dirpath, dirnames, filenames in os.walk(out):
        for name in dirnames + filenames:
            assert len(os.fsencode(name)) <= NAME_MAX_BYTES, name


def test_fit_name_keeps_short_names_and_cuts_long_ones_stably_and_distinctly():
    assert fit_name("a.jpg.png") == "a.jpg.png"
    assert fit_name("x" * 255) == "x" * 255  # exactly the limit: unchanged
    long_a, long_b = "a" * 250 + "1.jpg.png", "a" * 250 + "2.jpg.png"
    fa, fb = fit_name(long_a), fit_name(long_b)
    assert len(fa.encode()) <= NAME_MAX_BYTES and len(fb.encode()) <= NAME_MAX_BYTES
    assert fa != fb and fa == fit_name(long_a)  # distinct, and the same on every run
    assert fa.endswith(".png") and fa.startswith("a" * 200) and "~" in fa
    kana = "写" * 100 + ".jpg"  # 300 bytes in UTF-8: cut on a character, never inside one
    fk = fit_name(kana)
    assert len(fk.encode()) <= NAME_MAX_BYTES and fk.endswith(".jpg") and fk.startswith("写" * 70)
    fk.encode("utf-8")  # whole characters only


def test_output_names_of_long_input_names_and_application_ids_fit():
    long_id = "A" * 300
    name = "photos/" + "b" * 250 + ".png"
    rel = output_name("fixed", BatchInput("/in/" + name, long_id, name), ".jpg")
    parts = rel.split("/")
    assert parts[0] == "fixed" and parts[2] == "photos" and parts[3].endswith(".jpg")
    assert all(len(p.encode()) <= NAME_MAX_BYTES for p in parts)
    assert parts[1].startswith("A" * 200)
    assert output_name("fixed", BatchInput("/in/a.png", "A-1", "a.png"), ".jpg") == "fixed/A-1/a.png.jpg"


@pytest.mark.parametrize("kind", ["folder", "manifest"])
def test_a_long_input_name_or_application_id_is_checked_like_any_other(tmp_path, run_cli, kind):
    """The tester's report: a 250-character file name (folder) or a 300-character
    application_id (manifest) with --annotate stopped the whole batch, for good
    (batch.output: File name too long)."""
    src = tmp_path / "in"
    src.mkdir()
    long_file = src / ("p" * 250 + ".jpg")
    long_file.write_bytes(PHOTO.read_bytes())
    (src / "short.jpg").write_bytes((SAMPLES / "photos" / "smiling_010.jpg").read_bytes())
    if kind == "folder":
        source, keys = src, {(None, str(long_file)), (None, str(src / "short.jpg"))}
    else:
        source = tmp_path / "m.csv"
        source.write_text(f"application_id,path\n{'X' * 300},in/short.jpg\nA-2,in/{long_file.name}\n",
                          encoding="utf-8")
        keys = {("X" * 300, str(src / "short.jpg")), ("A-2", str(long_file))}
    out = tmp_path / "out"
    res = run_cli("photo", "batch", str(source), "-o", str(out), "--workers", "1", "--no-progress", "--annotate")
    assert res.exit_code in (0, 1), res.output
    got = {(r["application_id"], r["file"]): r for r in _lines(out)}
    assert set(got) == keys and len(_lines(out)) == 2
    for record in got.values():
        assert record["error"] is None
        assert (out / record["annotated"]).is_file()
    assert (out / "summary.csv").exists() and (out / "report.html").exists()
    _components_fit(out)
    # a rerun resumes (nothing to do) and the names are the same
    again = run_cli("photo", "batch", str(source), "-o", str(out), "--workers", "1", "--no-progress", "--annotate")
    assert again.exit_code == res.exit_code, again.output
    assert "resuming: 2 of 2" in again.stderr
    assert {k: r["annotated"] for k, r in got.items()} == {(r["application_id"], r["file"]): r["annotated"]
                                                           for r in _lines(out)}


class _FilesRunner:
    """Gives every input a passing line and an annotated image, without the checker."""

    description = "test runner"

    def run(self, items, options, stop):
        for item in items:
            record = {"file": item.path, "application_id": item.application_id, "sha256": sha256_file(item.path),
                      "passed": True, "profile": options.profile, "checks": [], "error": None}
            rel = output_name("annotated", item, ".png")
            yield Outcome(item.key, {**record, "annotated": rel}, {rel: b"PNG"})


def test_an_output_file_one_photo_cannot_have_is_that_photos_error_and_the_batch_goes_on(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    for name in ("a.png", "b.png", "c.png"):
        (src / name).write_bytes(b"x")
    out = tmp_path / "out"
    (out / "annotated" / "b.png").mkdir(parents=True)  # a folder in the way of b's image
    result = run_batch(BatchConfig(src, out, progress=False), runner=_FilesRunner())
    assert (result.checked, result.passed, result.errors) == (3, 2, 1)
    got = {os.path.basename(r["file"]): r for r in _lines(out)}
    assert got["b.png"]["error"]["code"] == "batch.output_file"
    assert "annotated/b.png" in got["b.png"]["error"]["message"]
    assert got["b.png"]["sha256"] == sha256_file(src / "b.png")
    assert (out / "annotated" / "a.png").read_bytes() == b"PNG" and (out / "annotated" / "c.png").is_file()
    assert (out / "summary.csv").exists() and (out / "report.html").exists()
    assert not [p for p in (out / "annotated").iterdir() if p.name.startswith(".")]  # no temporary left
    # the folder removed, a rerun writes that photo's file (its line was not "done")
    (out / "annotated" / "b.png").rmdir()
    result = run_batch(BatchConfig(src, out, progress=False), runner=_FilesRunner())
    assert (result.skipped, result.checked, result.errors) == (2, 1, 0)
    assert (out / "annotated" / "b.png").read_bytes() == b"PNG" and len(_lines(out)) == 3
