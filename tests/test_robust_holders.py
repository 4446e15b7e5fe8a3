"""Bad holder data: one error listing every bad field, never a crash, never a half-written file.

Files are malformed JSON and CSV, wrong types, missing fields, 5,000-character names, control
characters and right-to-left marks, invalid check digits and impossible dates. ``card render``
writes each output whole (temporary file + rename) and nothing at all for a holder that fails.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from cardface.errors import HolderError, InputFileError
from cardface.holder import load_holders
from tests.robust_support import FACE, ROOT, png_or_jpeg_ok, sample_records

SECRETS = ("大野", "太郎", "770914534160", "7709 1453 4160", "オオノ", "霞が関")


def _good(**changes) -> dict:
    data = {k: v for k, v in sample_records()[0].items() if k != "photo"}
    data.update(changes)
    return data


def _write(tmp_path: Path, name: str, content: str | bytes) -> Path:
    p = tmp_path / name
    if isinstance(content, bytes):
        p.write_bytes(content)
    else:
        p.write_text(content, encoding="utf-8")
    return p


# (file name, content, {(record, field) every bad field}); the error lists exactly these
BAD_RECORDS = {
    "long_names": ([_good(surname="長" * 5000, given_name="x" * 5000, address="東" * 5000)],
                   {(1, "surname"), (1, "given_name"), (1, "address")}),
    "control_characters": ([_good(surname="大\x00野", given_name="太\u202e郎", address="東京\u200f都", issuer="区\n長")],
                           {(1, "surname"), (1, "given_name"), (1, "address"), (1, "issuer")}),
    "rtl_marks_in_readings": ([_good(surname_kana="\u200fオオノ", given_name_kana="タロウ\u202b")],
                              {(1, "surname_kana"), (1, "given_name_kana")}),
    "wrong_types": ([_good(surname=123, given_name=["太郎"], birth_date=19850614, my_number=770914534160, sex=True,
                           remarks={"a": 1})],
                    {(1, "surname"), (1, "given_name"), (1, "birth_date"), (1, "my_number"), (1, "sex"),
                     (1, "remarks")}),
    "missing_fields": ([{"surname": "大野"}],
                       {(1, f) for f in ("given_name", "surname_kana", "given_name_kana", "address", "birth_date",
                                         "my_number", "issue_date", "issuer")}),
    "check_digits": ([_good(my_number="770914534161"), _good(my_number="12345678901X"), _good(my_number="1" * 13)],
                     {(1, "my_number"), (2, "my_number"), (3, "my_number")}),
    "impossible_dates": ([_good(birth_date="2001-02-29"), _good(issue_date="2024-13-01"),
                          _good(birth_date="1800-01-01"), _good(birth_date="2030-01-01", issue_date="2024-03-01"),
                          _good(expiry_date="2020-01-01")],
                         {(1, "birth_date"), (2, "issue_date"), (3, "birth_date"), (4, "issue_date"),
                          (5, "expiry_date")}),
    "mixed_records": ([_good(), _good(sex="other"), "not an object", _good(surname=" ")],
                      {(2, "sex"), (3, "(record)"), (4, "surname")}),
}


@pytest.mark.parametrize("case", sorted(BAD_RECORDS))
def test_one_error_lists_every_bad_field(tmp_path, case):
    records, expected = BAD_RECORDS[case]
    path = _write(tmp_path, "h.json", json.dumps(records, ensure_ascii=False))
    with pytest.raises(HolderError) as e:
        load_holders(path)
    got = {(p.record, p.field) for p in e.value.problems}
    assert got == expected
    assert all(p.code.startswith("holder.") and p.message for p in e.value.problems)
    text = str(e.value)
    for secret in (*SECRETS, "長長長長", "xxxx", "770914534161"):
        assert secret not in text, secret


def test_csv_twin_of_a_bad_file_gives_the_same_fields(tmp_path):
    header = "surname,given_name,surname_kana,given_name_kana,address,birth_date,sex,my_number,issue_date,issuer\n"
    row = "大\u202e野,太郎,オオノ,タロウ,東京都,2001-02-29,other,770914534161,2024-03-01," + "区" * 5000 + "\n"
    with pytest.raises(HolderError) as e:
        load_holders(_write(tmp_path, "h.csv", header + row))
    assert {(p.record, p.field) for p in e.value.problems} == {
        (1, "surname"), (1, "birth_date"), (1, "sex"), (1, "my_number"), (1, "issuer")}


@pytest.mark.parametrize(("name", "content", "code"), [
    ("empty.json", "", "holder.file_json"),
    ("truncated.json", '[{"surname": "大野", "given_', "holder.file_json"),
    ("deep.json", "[" * 100_000 + "]" * 100_000, "holder.file_json"),
    ("bigint.json", '[{"my_number": ' + "7" * 5000 + "}]", "holder.file_json"),
    ("scalar.json", "42", "holder.file_shape"),
    ("utf16.json", json.dumps([{"surname": "大野"}], ensure_ascii=False).encode("utf-16-le"), "holder.file_encoding"),
    ("binary.json", bytes(range(256)) * 8, "holder.file_encoding"),
    ("empty.csv", "", "holder.file_shape"),
    ("huge_cell.csv", 'surname,given_name\n"' + "a" * 200_000 + '",b\n', "holder.file_csv"),
    ("no_header.csv", "大野,太郎,オオノ,タロウ,東京都千代田区,1985-06-14,male,770914534160,2024-03-01,千代田区長\n",
     "holder.file_header"),
    ("holders.xlsx", "surname\n大野\n", "holder.file_format"),
])
def test_malformed_files_get_a_file_error_with_a_code(tmp_path, run_cli, name, content, code):
    path = _write(tmp_path, name, content)
    with pytest.raises(InputFileError) as e:
        load_holders(path)
    assert e.value.code == code
    for secret in SECRETS:
        assert secret not in str(e.value)
    res = run_cli("holders", "check", str(path))
    assert res.exit_code == 2 and f"{code}:" in res.stderr and "Traceback" not in res.output
    out = tmp_path / "cards"
    res = run_cli("card", "render", str(path), "-o", str(out))
    assert res.exit_code == 2 and "Traceback" not in res.output
    assert not out.exists()  # nothing written, not even the folder


def test_unknown_keys_are_named_only_when_they_look_like_field_names(tmp_path):
    path = _write(tmp_path, "h.json", json.dumps([_good(surnme="x", **{"大野 太郎": 1, "770914534160": 2})],
                                                 ensure_ascii=False))
    with pytest.raises(HolderError) as e:
        load_holders(path)
    fields = {p.field for p in e.value.problems}
    assert fields == {"surnme", "(unknown field)"}
    assert "770914534160" not in str(e.value) and "大野" not in str(e.value)


def test_cli_bad_holders_one_error_and_no_output(tmp_path, run_cli):
    path = _write(tmp_path, "h.json", json.dumps(BAD_RECORDS["long_names"][0] + [_good()], ensure_ascii=False))
    res = run_cli("holders", "check", str(path))
    assert res.exit_code == 1 and "Traceback" not in res.output
    assert "3 problem(s)" in res.stderr or "3 problem(s)" in res.stdout
    out = tmp_path / "cards"
    res = run_cli("card", "render", str(path), "-o", str(out))
    assert res.exit_code == 2 and "holder.invalid" in res.stderr
    assert not out.exists()  # the good holder is not rendered either: the file is fixed first


def test_a_holder_whose_face_fails_gets_no_file_at_all(tmp_path, run_cli):
    # record 2's photo fails the checks: its back would render, but it gets no file at all
    bad_photo = tmp_path / "grey.png"
    from PIL import Image

    Image.new("RGB", (600, 800), (128, 128, 128)).save(bad_photo)
    path = _write(tmp_path, "h.json", json.dumps([_good(), _good(photo=str(bad_photo)), _good()], ensure_ascii=False))
    out = tmp_path / "cards"
    res = run_cli("card", "render", str(path), "-o", str(out), "--format", "png")
    assert res.exit_code == 1, res.output
    assert "record 2 front png: card.photo_" in res.stderr
    assert sorted(p.name for p in out.iterdir()) == [
        "next-001-back.png", "next-001-front.png", "next-003-back.png", "next-003-front.png"]
    for p in out.iterdir():
        png_or_jpeg_ok(p)


def test_a_failed_write_leaves_no_partial_file(tmp_path, run_cli, monkeypatch):
    """The rename is the only way a file appears: when it fails, no file and no temporary remain."""
    import mynacard.outputs as outputs

    calls = {"n": 0}
    real_replace = os.replace

    def flaky_replace(src, dst):
        calls["n"] += 1
        if calls["n"] == 3:
            raise OSError(28, "No space left on device")
        return real_replace(src, dst)

    monkeypatch.setattr(outputs.os, "replace", flaky_replace)
    path = _write(tmp_path, "h.json", json.dumps([_good(), _good()], ensure_ascii=False))
    out = tmp_path / "cards"
    res = run_cli("card", "render", str(path), "-o", str(out), "--format", "png")
    assert res.exit_code == 2 and "output.unwritable" in res.stderr and "No space left" in res.stderr
    assert sorted(p.name for p in out.iterdir()) == ["next-001-back.png", "next-001-front.png"]
    for p in out.iterdir():
        png_or_jpeg_ok(p)


def test_kill_9_during_card_render_leaves_only_whole_files(tmp_path):
    """Killed mid-run, every file that exists under its final name is complete."""
    records = [_good(photo=str(FACE)) if i % 4 == 3 else _good() for i in range(24)]
    path = _write(tmp_path, "h.json", json.dumps(records, ensure_ascii=False))
    out = tmp_path / "cards"
    proc = subprocess.Popen([sys.executable, "-m", "mynacard", "card", "render", str(path), "-o", str(out),
                             "--dpi", "600"], cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            env={**os.environ, "PYTHONPATH": str(ROOT)})
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and proc.poll() is None:
            if out.exists() and len([p for p in out.iterdir() if not p.name.startswith(".")]) >= 5:
                break
            time.sleep(0.01)
        proc.send_signal(signal.SIGKILL)
    finally:
        proc.wait(30)
    final = [p for p in out.iterdir() if not p.name.startswith(".")]
    assert final, "nothing was written before the kill"
    for p in final:
        if p.suffix == ".png":
            png_or_jpeg_ok(p)
        else:
            from pypdf import PdfReader

            assert len(PdfReader(p).pages) == 1
    leftovers = [p.name for p in out.iterdir() if p.name.startswith(".")]
    assert all(n.startswith(".mynacard-") and n.endswith(".part") for n in leftovers), leftovers


def test_layout_names_cannot_steer_output_files(tmp_path, run_cli):
    text = (ROOT / "cardface" / "layouts" / "next.toml").read_text(encoding="utf-8")
    evil = _write(tmp_path, "evil.toml", text.replace('name = "next"', 'name = "../../escaped"'))
    holders = _write(tmp_path, "h.json", json.dumps([_good()], ensure_ascii=False))
    out = tmp_path / "a" / "b" / "cards"
    res = run_cli("card", "render", str(holders), "-o", str(out), "--layout", str(evil), "--format", "png")
    assert res.exit_code == 2 and "layout.invalid" in res.stderr and "card.name" in res.stderr
    assert not list(tmp_path.rglob("escaped*"))
