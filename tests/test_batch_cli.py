"""``mynacard photo batch`` end to end, with the real checker on real photos: results,
resume, unreadable inputs, manifests, fix/annotate, kill -9 and Ctrl-C."""

from __future__ import annotations

import csv
import hashlib
import json
import os
import signal
import subprocess
import sys
import time

import psutil
import pytest
from PIL import Image

from tests.conftest import DATA, ROOT

# the photo checker's own test photos (tests/data/faces/ATTRIBUTION.md)
PHOTOS = [DATA / "faces" / n for n in ("compliant_a.jpg", "smiling_a.jpg", "lisa1.jpg", "compliant_b.jpg",
                                       "turned.jpg")]


def make_inputs(folder, n):
    """``n`` distinct real photos: the test photos as they are, then re-encoded at other JPEG qualities."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(n):
        src = PHOTOS[i % len(PHOTOS)]
        p = folder / f"{i:02d}_{src.stem}.jpg"
        if i < len(PHOTOS):
            p.write_bytes(src.read_bytes())
        else:
            Image.open(src).save(p, "JPEG", quality=95 - i)
        paths.append(p)
    return paths


def lines(out):
    return [json.loads(x) for x in (out / "results.jsonl").read_text(encoding="utf-8").splitlines()]


def by_file(out):
    return {(r["application_id"], r["file"]): r for r in lines(out)}


def expected(path, app_id=None):
    """What the batch must write for ``path``: photo.check on the same bytes, plus the extras."""
    from photo.checker import analyse_and_check

    data = path.read_bytes()
    report = analyse_and_check(data, "mynumber-online", file=str(path))[1].to_dict()
    del report["file"]
    return {"file": str(path), "application_id": app_id, "sha256": hashlib.sha256(data).hexdigest(), **report}


def cli(*args):
    return [sys.executable, "-m", "mynacard", "photo", "batch", *map(str, args)]


def test_folder_batch_results_summary_report_and_resume(tmp_path, run_cli):
    src = tmp_path / "in"
    photos = make_inputs(src / "day1", 4)
    (src / "gone.jpg").symlink_to(tmp_path / "nowhere.jpg")  # unreadable
    (src / "notes.jpg").write_text("not a photo", encoding="utf-8")  # refused by the checker
    out = tmp_path / "out"
    res = run_cli("photo", "batch", str(src), "-o", str(out), "--workers", "2", "--no-progress")
    assert res.exit_code == 2, res.output  # some inputs could not be checked
    assert "6 photo(s):" in res.stdout and "2 could not be checked" in res.stdout
    got = by_file(out)
    assert len(lines(out)) == len(got) == 6  # exactly one line per input
    for p in photos:
        assert got[(None, str(p))] == expected(p)
    assert got[(None, str(src / "gone.jpg"))]["error"]["code"] == "input.unreadable"
    assert got[(None, str(src / "notes.jpg"))]["error"]["code"] == "input.not_image"

    summary = list(csv.DictReader(open(out / "summary.csv", encoding="utf-8-sig")))
    assert len(summary) == 6
    assert {r["result"] for r in summary} == {"pass", "fail", "error"}  # compliant_a passes, smiling_a fails
    for row in summary:
        record = got[(None, row["file"])]
        failed = [c["id"] for c in record["checks"] if not c["passed"]]
        assert row["failed_checks"].split() == failed
        assert row["result"] == ("error" if record["error"] else "pass" if record["passed"] else "fail")

    page = (out / "report.html").read_text(encoding="utf-8")
    assert "http://" not in page and "https://" not in page
    n_failed = sum(1 for r in got.values() if not r["passed"])
    assert page.count("<tr data-checks=") == n_failed
    thumbs = [len(x) for x in page.split("data:image/jpeg;base64,")[1:]]
    n_pictured = sum(1 for r in got.values() if not r["passed"] and not r["error"])
    assert len(thumbs) == 2 * n_pictured  # photo + annotated image for each failed photo that decodes
    assert max(thumbs, default=0) < 20_000  # thumbnails, never the photos (~40 KB and more)

    # rerun: nothing to do, the file is unchanged
    before = (out / "results.jsonl").read_bytes()
    res = run_cli("photo", "batch", str(src), "-o", str(out), "--workers", "1", "--no-progress")
    assert "resuming: 5 of 6 photo(s) already done" in res.stderr  # the file that could not be read is retried
    assert res.exit_code == 2
    assert sorted(by_file(out)) == sorted(got) and len(lines(out)) == 6
    assert [r for r in lines(out) if not r["error"]] == [json.loads(x) for x in before.splitlines()
                                                         if not json.loads(x)["error"]]

    # a changed photo is checked again and keeps a single line
    Image.open(PHOTOS[0]).save(photos[1], "JPEG", quality=70)
    res = run_cli("photo", "batch", str(src), "-o", str(out), "--workers", "1", "--no-progress")
    assert "resuming: 4 of 6" in res.stderr
    assert len(lines(out)) == 6 and by_file(out)[(None, str(photos[1]))] == expected(photos[1])


def test_manifest_with_application_ids_duplicates_fix_and_annotate(tmp_path, run_cli):
    photos = make_inputs(tmp_path / "photos", 2)
    manifest = tmp_path / "manifest.csv"
    manifest.write_text("application_id,path\n"
                        f"A-1,photos/{photos[0].name}\n"
                        f"A-2,{photos[1]}\n"
                        f"A-1,./photos/{photos[0].name}\n"  # the same input again: one line
                        f"A-3,photos/{photos[0].name}\n",  # the same file for another application: its own line
                        encoding="utf-8")
    out = tmp_path / "out"
    res = run_cli("photo", "batch", str(manifest), "-o", str(out), "--workers", "1", "--no-progress",
                  "--fix", "--annotate")
    assert res.exit_code in (0, 1), res.output
    assert "1 manifest row(s) repeat" in res.stderr
    got = by_file(out)
    assert sorted(got) == [("A-1", str(photos[0])), ("A-2", str(photos[1])), ("A-3", str(photos[0]))]
    assert len(lines(out)) == 3
    for (app, path), record in got.items():
        assert record["sha256"] == hashlib.sha256(open(path, "rb").read()).hexdigest()
        assert record["annotated"] == f"annotated/{app}/{os.path.relpath(path, tmp_path)}.png"
        annotated = Image.open(out / record["annotated"])
        assert annotated.format == "PNG" and not annotated.info.get("exif")
        if not record["passed"]:
            assert "reason" in record["fixed"]  # fixed, or why not
            if record["fixed"]["fixed"]:
                fixed = out / record["fixed"]["path"]
                assert Image.open(fixed).format == "JPEG"
    summary = list(csv.DictReader(open(out / "summary.csv", encoding="utf-8-sig")))
    assert [r["application_id"] for r in summary] == ["A-1", "A-2", "A-3"]


def test_bad_starts_are_one_line_errors(tmp_path, run_cli):
    make_inputs(tmp_path / "in", 1)
    res = run_cli("photo", "batch", str(tmp_path / "in"), "-o", str(tmp_path / "o"), "--profile", "nope")
    assert res.exit_code == 2 and res.stderr.startswith("mynacard: profile.invalid:")
    (tmp_path / "m.csv").write_text("id,file\n", encoding="utf-8")
    res = run_cli("photo", "batch", str(tmp_path / "m.csv"), "-o", str(tmp_path / "o"))
    assert res.exit_code == 2 and "batch.manifest_invalid" in res.stderr and "Traceback" not in res.output
    (tmp_path / "o").mkdir()
    (tmp_path / "o" / "batch.json").write_text(json.dumps({"input": "/elsewhere", "profile": "icao"}))
    res = run_cli("photo", "batch", str(tmp_path / "in"), "-o", str(tmp_path / "o"))
    assert res.exit_code == 2 and "batch.output_mismatch" in res.stderr


def _start(src, out, *extra):
    return subprocess.Popen(cli(src, "-o", out, "--workers", "1", "--no-progress", *extra), cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)


def _wait_for_lines(out, n, proc, timeout=90):
    t0 = time.monotonic()
    while time.monotonic() - t0 < timeout:
        path = out / "results.jsonl"
        if path.exists() and path.read_bytes().count(b"\n") >= n:
            return
        if proc.poll() is not None:
            pytest.fail(f"the batch ended early: {proc.communicate()}")
        time.sleep(0.05)
    pytest.fail("no results in time")


@pytest.mark.slow
def test_kill_9_mid_run_then_rerun_gives_exactly_one_line_per_input(tmp_path, run_cli):
    src, out = tmp_path / "in", tmp_path / "out"
    make_inputs(src, 8)
    proc = _start(src, out)
    _wait_for_lines(out, 2, proc)
    helpers = psutil.Process(proc.pid).children(recursive=True)  # fork server, workers, resource tracker
    assert helpers
    proc.kill()  # kill -9 of the batch process alone, as the OOM killer would
    proc.communicate()
    # its worker processes do not linger (they would wait for work forever)
    _, alive = psutil.wait_procs(helpers, timeout=15)
    assert not alive, [p.cmdline() for p in alive]
    kept = [x for x in (out / "results.jsonl").read_bytes().splitlines(keepends=True)]
    assert 2 <= len(kept) < 8
    # and a write torn in the middle of a line
    with open(out / "results.jsonl", "ab") as f:
        f.write(kept[0][: len(kept[0]) // 2])
    res = run_cli("photo", "batch", str(src), "-o", str(out), "--workers", "2", "--no-progress")
    assert res.exit_code in (0, 1), res.output
    assert "repaired results.jsonl" in res.stderr
    assert f"resuming: {len(kept)} of 8" in res.stderr
    records = lines(out)
    assert len(records) == 8 and len(by_file(out)) == 8
    assert (out / "results.jsonl").read_bytes().startswith(b"".join(kept))  # earlier results untouched


@pytest.mark.slow
def test_ctrl_c_keeps_finished_results_and_exits_cleanly(tmp_path, run_cli):
    src, out = tmp_path / "in", tmp_path / "out"
    make_inputs(src, 8)
    proc = _start(src, out)
    _wait_for_lines(out, 1, proc)
    os.killpg(proc.pid, signal.SIGINT)  # what a terminal's Ctrl-C does: the whole process group
    stdout, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 130, stderr
    assert "Traceback" not in stderr and "interrupted with" in stderr and "rerun the same command" in stderr
    assert "stopping: finishing the photos in flight" in stderr
    raw = (out / "results.jsonl").read_bytes()
    assert raw.endswith(b"\n")
    records = [json.loads(x) for x in raw.splitlines()]
    assert 1 <= len(records) < 8 and len({r["file"] for r in records}) == len(records)
    assert f"{len(records)} photo(s):" in stdout
    summary = list(csv.DictReader(open(out / "summary.csv", encoding="utf-8-sig")))
    assert len(summary) == len(records) and (out / "report.html").exists()
    # and the rerun finishes the job
    done = run_cli("photo", "batch", str(src), "-o", str(out), "--workers", "2", "--no-progress")
    assert done.exit_code in (0, 1), done.output
    assert f"resuming: {len(records)} of 8" in done.stderr
    assert len(lines(out)) == 8 and len(by_file(out)) == 8


def test_thumbnails_are_never_made_from_a_refused_file(tmp_path):
    """A decompression bomb is refused by the checker before decoding; the batch does not decode it either."""
    from photo.batch.inputs import BatchInput
    from photo.batch.worker import Options, check_input

    bomb = tmp_path / "bomb.png"
    Image.new("1", (12_000, 12_000)).save(bomb, "PNG")  # 144 MP, a few KB
    outcome = check_input(BatchInput(str(bomb), name="bomb.png"), Options())
    assert outcome.record["error"]["code"] == "input.too_many_pixels"
    assert outcome.files == {}
    assert outcome.record["sha256"] == hashlib.sha256(bomb.read_bytes()).hexdigest()


def test_an_empty_folder_or_manifest_is_a_one_line_error_not_a_batch_that_passed(tmp_path, run_cli):
    """Nothing to check is a mistake in INPUT (a wrong folder, an export without rows): it was
    exit 0 with a warning; now batch.empty, exit 2, and OUT is not made."""
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "notes.txt").write_text("not a photo", encoding="utf-8")
    (tmp_path / "m.csv").write_text("application_id,path\n\n", encoding="utf-8")
    for source, says in ((tmp_path / "in", "no photos in the folder (searched for"),
                         (tmp_path / "m.csv", "the manifest lists no photos")):
        res = run_cli("photo", "batch", str(source), "-o", str(tmp_path / "out"), "--no-progress")
        lines = res.stderr.strip().splitlines()
        assert res.exit_code == 2, res.output
        assert len(lines) == 1 and lines[0].startswith("mynacard: batch.empty: ") and says in lines[0], res.stderr
        assert res.stdout == "" and not (tmp_path / "out").exists()


def test_encoding_with_a_folder_is_a_usage_error_not_ignored(tmp_path, run_cli):
    make_inputs(tmp_path / "in", 1)
    res = run_cli("photo", "batch", str(tmp_path / "in"), "-o", str(tmp_path / "out"), "--encoding", "cp932")
    lines = res.stderr.strip().splitlines()
    assert res.exit_code == 2, res.output
    assert len(lines) == 1 and lines[0].startswith("mynacard: cli.usage: ") and "--encoding" in lines[0]
    assert not (tmp_path / "out").exists()
