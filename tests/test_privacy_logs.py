"""No name, reading, address or My Number in any log line, at any level.

The demo (scripts/demo.sh, run as it is with every ``mynacard`` call made with ``-vv``: holder
checks, photo checks with --annotate/--fix, every card face) and the other flows a user runs
(a batch, production and --show-number cards, bad holder data, romaji and number checks) log to ``MYNACARD_LOG_FILE`` at DEBUG; the log file
and stderr are searched for every sample holder's number (12 digits, 4-4-4 with spaces,
hyphens or ideographic spaces, full-width), names, readings (katakana and hiragana),
romanized names and address fragments. The service is checked in-process with a handler
that sees every record before any redaction filter.
"""

from __future__ import annotations

import json
import logging
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT, SAMPLES
from tests.privacy_support import find_leaks, number_forms, secrets
from tests.robust_support import FACE, sample_records


def _wrapper_bin(folder: Path) -> Path:
    """A BIN folder whose ``mynacard`` is this checkout's CLI with -vv (for scripts/demo.sh)."""
    folder.mkdir()
    exe = folder / "mynacard"
    exe.write_text(f'#!/bin/sh\nPYTHONPATH="{ROOT}" exec "{sys.executable}" -m mynacard -vv "$@"\n')
    exe.chmod(exe.stat().st_mode | stat.S_IXUSR)
    return folder


@pytest.fixture(scope="module")
def demo_run(tmp_path_factory):
    """(log text, stderr text) of the demo and the other CLI flows, all with -vv and a log file."""
    tmp = tmp_path_factory.mktemp("privacy")
    out = tmp / "out"
    bin_dir = _wrapper_bin(tmp / "bin")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("MYNACARD_DEBUG", None)
    stderr = []
    demo = subprocess.run(["bash", str(ROOT / "scripts" / "demo.sh"), str(bin_dir), str(out)], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=600)
    assert demo.returncode == 0, demo.stderr[-3000:]
    stderr.append(demo.stderr)
    log_file = out / "mynacard.log"
    env["MYNACARD_LOG_FILE"] = str(log_file)  # the demo's log file: every flow appends to it
    three = tmp / "three.json"
    records = sample_records()[:3]
    records[2]["photo"] = str(FACE)
    three.write_text(json.dumps(records, ensure_ascii=False), encoding="utf-8")
    bad = tmp / "bad.json"
    bad.write_text(json.dumps([{**sample_records()[0], "birth_date": "1985-02-30",
                                "my_number": sample_records()[0]["my_number"][:11] + "0"},
                               {**sample_records()[1], "surname_kana": "SATO", "unknown": 1}],
                              ensure_ascii=False), encoding="utf-8")
    photos = [SAMPLES / "photos" / "compliant_010.jpg", SAMPLES / "photos" / "square_head_too_small.jpg",
              SAMPLES / "photos" / "smiling_010.jpg"]
    two = tmp / "two.json"  # no photos: these runs need no face models
    two.write_text(json.dumps(sample_records()[:2], ensure_ascii=False), encoding="utf-8")
    batch_in = tmp / "batch_in"
    batch_in.mkdir()
    for p in photos[:2]:
        (batch_in / p.name).write_bytes(p.read_bytes())
    numbers = [r["my_number"] for r in sample_records()[:4]]
    flows = [
        ["card", "render", str(three), "-o", str(tmp / "cards"), "--format", "png,pdf"],
        ["card", "render", str(two), "-o", str(tmp / "prod"), "--production", "--format", "png"],
        ["card", "render", str(two), "-o", str(tmp / "shown"), "--show-number", "--format", "pdf", "--sheet"],
        ["holders", "check", str(bad)],
        ["card", "render", str(bad), "-o", str(tmp / "none")],
        ["romaji", "オオノ", "タロウ", "--passport", "OHNO TARO", "--kanji", "大野 太郎"],
        ["number", "check", *numbers, "--show-number"],
        ["photo", "batch", str(batch_in), "-o", str(tmp / "batch"), "--workers", "1", "--no-progress"],
    ]
    for args in flows:
        r = subprocess.run([sys.executable, "-m", "mynacard", "-vv", *args], cwd=ROOT, env=env, capture_output=True,
                           text=True, timeout=600)
        assert r.returncode in (0, 1, 2), (args, r.stderr[-2000:])
        assert "Traceback" not in r.stderr, (args, r.stderr[-2000:])
        stderr.append(r.stderr)
    return log_file.read_text(encoding="utf-8"), "\n".join(stderr)


def test_the_scanner_finds_a_planted_leak():
    """The search is not vacuous: each kind of secret, in each form, is found when present."""
    h = sample_records()[0]
    for planted in [*number_forms(h["my_number"]), h["surname"] + h["given_name"], h["surname_kana"],
                    "passport OHNO TARO", "Ohno", h["address"][3:14]]:
        assert find_leaks(f"2026-01-01 DEBUG x: value {planted} here"), planted
    assert not find_leaks("2026-01-01 DEBUG photo.checker: photo checked (mynumber-online) in 85 ms: passed")
    assert len(secrets()) > 24 * 10


def test_demo_and_every_flow_log_at_debug(demo_run):
    log, _ = demo_run
    lines = log.splitlines()
    assert len(lines) > 50
    for logger in ("cardface.holder", "cardface.render", "photo.checker"):
        assert any(f" {logger}: " in line for line in lines), logger
    assert any(" DEBUG " in line for line in lines)


def test_no_personal_data_in_the_log_file(demo_run):
    log, _ = demo_run
    leaks = find_leaks(log)
    assert leaks == [], leaks[:10]


def test_no_personal_data_on_stderr(demo_run):
    _, err = demo_run
    leaks = find_leaks(err)
    assert leaks == [], leaks[:10]


class _Everything(logging.Handler):
    """Sees every record at every level, before any redaction filter."""

    def __init__(self):
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record):
        self.lines.append(f"{record.levelname} {record.name}: {record.getMessage()}")
        if record.exc_info and record.exc_info[1] is not None:
            self.lines.append(repr(record.exc_info[1]))


def test_no_personal_data_in_service_log_records():
    from fastapi.testclient import TestClient

    from mynacard.serve.app import create_app
    from mynacard.serve.settings import Settings

    handler = _Everything()
    root = logging.getLogger()
    old_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    try:
        with TestClient(create_app(Settings(verbosity=2)), raise_server_exceptions=False) as c:
            face = FACE.read_bytes()
            for i, record in enumerate(sample_records()[:6]):
                holder = {k: v for k, v in record.items() if k != "photo"}
                for layout in ("next", "current"):
                    r = c.post(f"/v1/card/render?layout={layout}&side={('front', 'back')[i % 2]}&format=pdf",
                               json=holder)
                    assert r.status_code == 200, r.text[:300]
                r = c.post("/v1/card/render?format=png", files={"holder": (None, json.dumps(holder, ensure_ascii=False)),
                                                                "photo": ("taro.jpg", face, "image/jpeg")})
                assert r.status_code == 200, r.text[:300]
                r = c.post("/v1/romaji", json={"kana": f"{holder['surname_kana']} {holder['given_name_kana']}",
                                               "passport": holder.get("passport_romaji")})
                assert r.status_code == 200, r.text[:300]
                bad = {**holder, "birth_date": "1985-02-30", "my_number": holder["my_number"][:11] + "x"}
                assert c.post("/v1/card/render", json=bad).status_code == 422
                assert c.post("/v1/card/render?production=true", json=holder).status_code == 403
            assert c.post("/v1/photo/check", files={"file": ("x.jpg", face, "image/jpeg")}).status_code == 200
    finally:
        root.removeHandler(handler)
        root.setLevel(old_level)
    assert any("photo.checker" in line for line in handler.lines)
    assert any("cardface.render" in line for line in handler.lines)
    leaks = find_leaks("\n".join(handler.lines))
    assert leaks == [], leaks[:10]
