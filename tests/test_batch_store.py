"""results.jsonl: append-only, torn-line repair, resume index, atomic retirement, one writer."""

from __future__ import annotations

import json

import pytest

from photo.batch.errors import BatchError
from photo.batch.store import RESULTS, ResultStore, repair_torn_tail


def _rec(name, sha="s", app=None, passed=True):
    return {"file": f"/in/{name}", "application_id": app, "sha256": sha, "passed": passed,
            "profile": "p", "checks": [], "error": None}


def _lines(out):
    return (out / RESULTS).read_text(encoding="utf-8").splitlines()


def test_append_then_reopen_gives_the_index(tmp_path):
    with ResultStore(tmp_path) as s:
        s.append(_rec("a.jpg", "h1"))
        s.append(_rec("a.jpg", "h2", app="X"))
        with pytest.raises(RuntimeError):
            s.append(_rec("a.jpg", "h1"))  # never two lines for one input
    with ResultStore(tmp_path) as s:
        assert s.index == {("", "/in/a.jpg"): "h1", ("X", "/in/a.jpg"): "h2"}
        assert s.is_done(("", "/in/a.jpg"), "h1")
        assert not s.is_done(("", "/in/a.jpg"), "other")  # the file changed
        assert not s.is_done(("", "/in/b.jpg"), "h1")
        assert not s.is_done(("", "/in/a.jpg"), None)  # unreadable now: never done
    assert [json.loads(x)["sha256"] for x in _lines(tmp_path)] == ["h1", "h2"]


def test_a_torn_last_line_is_cut_on_open(tmp_path):
    with ResultStore(tmp_path) as s:
        for n in range(3):
            s.append(_rec(f"{n}.jpg"))
    raw = (tmp_path / RESULTS).read_bytes()
    (tmp_path / RESULTS).write_bytes(raw[:-25])  # a kill in the middle of the third write
    with ResultStore(tmp_path) as s:
        assert s.info.torn_bytes == len(raw.splitlines(keepends=True)[-1]) - 25
        assert set(s.index) == {("", "/in/0.jpg"), ("", "/in/1.jpg")}
        s.append(_rec("2.jpg"))
    assert [json.loads(x)["file"] for x in _lines(tmp_path)] == ["/in/0.jpg", "/in/1.jpg", "/in/2.jpg"]


def test_repair_of_a_file_that_is_only_a_torn_line(tmp_path):
    p = tmp_path / RESULTS
    p.write_bytes(b'{"file": "/in/a.j')
    assert repair_torn_tail(p) == 17
    assert p.read_bytes() == b""
    assert repair_torn_tail(tmp_path / "absent.jsonl") == 0


def test_retire_rewrites_without_stale_bad_or_repeated_lines(tmp_path):
    p = tmp_path / RESULTS
    good = [json.dumps(_rec(n)) for n in ("a.jpg", "b.jpg", "c.jpg")]
    p.write_text("\n".join([good[0], "not json", good[1], good[0].replace('"s"', '"s2"'), good[2]]) + "\n",
                 encoding="utf-8")
    with ResultStore(tmp_path) as s:
        assert (s.info.bad_lines, s.info.repeated) == (1, 1)
        assert s.index[("", "/in/a.jpg")] == "s2"  # the last line of a key wins
        assert s.retire([("", "/in/b.jpg"), ("", "/in/never.jpg")]) == 3
        assert ("", "/in/b.jpg") not in s.index
        s.append(_rec("b.jpg", "new"))
    files = [(json.loads(x)["file"], json.loads(x)["sha256"]) for x in _lines(tmp_path)]
    assert sorted(files) == [("/in/a.jpg", "s2"), ("/in/b.jpg", "new"), ("/in/c.jpg", "s")]
    assert not (tmp_path / (RESULTS + ".rewrite")).exists()


def test_retire_does_nothing_when_nothing_is_stale(tmp_path):
    with ResultStore(tmp_path) as s:
        s.append(_rec("a.jpg"))
    before = (tmp_path / RESULTS).stat().st_ino
    with ResultStore(tmp_path) as s:
        assert s.retire([]) == 0
    assert (tmp_path / RESULTS).stat().st_ino == before


def test_one_writer_per_output_folder(tmp_path):
    with ResultStore(tmp_path):
        with pytest.raises(BatchError) as err:
            ResultStore(tmp_path).open()
        assert err.value.code == "batch.output_busy"
    with ResultStore(tmp_path):  # released on close
        pass


def test_lines_are_utf8_json_with_japanese_kept(tmp_path):
    rec = _rec("写真.jpg")
    rec["checks"] = [{"id": "pose.roll", "passed": False, "message": "顔を傾けずに撮影してください"}]
    with ResultStore(tmp_path, fsync_interval_s=0) as s:
        s.append(rec)
    line = _lines(tmp_path)[0]
    assert "顔を傾けずに" in line and json.loads(line) == rec


def test_lines_of_crashes_and_checker_bugs_are_never_done(tmp_path):
    with ResultStore(tmp_path) as s:
        for name, code in (("a.jpg", "batch.worker_crashed"), ("b.jpg", "check.internal_error"),
                           ("c.jpg", "input.not_image")):
            s.append(dict(_rec(name, "h"), passed=False, error={"code": code, "message": "m"}))
    with ResultStore(tmp_path) as s:
        assert [s.is_done(("", f"/in/{n}"), "h") for n in ("a.jpg", "b.jpg", "c.jpg")] == [False, False, True]
