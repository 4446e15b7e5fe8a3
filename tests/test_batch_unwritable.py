"""An existing OUT that cannot be written is refused up front, as one line with a code and exit
status 2, before any work and before any line is appended; a write that fails later is a coded
error too, never an internal error (exit 3)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import pytest

from photo.batch.errors import BatchError
from photo.batch.hashing import sha256_file
from photo.batch.job import BatchConfig, run_batch
from photo.batch.worker import Outcome
from tests.conftest import ROOT, SAMPLES

#: As root, permissions hold only without these capabilities (the tester's way to reproduce).
NO_OVERRIDE = ["setpriv", "--bounding-set", "-dac_override,-dac_read_search",
               "--inh-caps", "-dac_override,-dac_read_search", "--"]


class _PassRunner:
    """A passing line for every input, without the checker; ``during`` runs after the first one."""

    description = "test runner"

    def __init__(self, during=None):
        self.during = during

    def run(self, items, options, stop):
        for n, item in enumerate(items):
            if n == 1 and self.during:
                self.during()
            yield Outcome(item.key, {"file": item.path, "application_id": item.application_id,
                                     "sha256": sha256_file(item.path), "passed": True, "profile": options.profile,
                                     "checks": [], "error": None})


def _existing_batch(tmp_path):
    """A manifest of two sample photos and an OUT holding the results of one of them."""
    for name in ("compliant_005.jpg", "compliant_010.jpg"):
        shutil.copy(SAMPLES / "photos" / name, tmp_path / name)
    manifest = tmp_path / "m.csv"
    manifest.write_text("application_id,path\nA-1,compliant_005.jpg\nA-2,compliant_010.jpg\n", encoding="utf-8")
    out = tmp_path / "OUT"
    run_batch(BatchConfig(manifest, out, progress=False), runner=_PassRunner())
    (out / "thumbs").mkdir()
    results = out / "results.jsonl"
    results.write_bytes(results.read_bytes().splitlines(keepends=True)[0])  # one photo left to check
    return manifest, out


def _cli_without_override(*args):
    prefix: list[str] = []
    if os.geteuid() == 0:
        if shutil.which("setpriv") is None:
            pytest.skip("running as root without setpriv: permissions cannot be enforced")
        prefix = NO_OVERRIDE
    return subprocess.run([*prefix, sys.executable, "-m", "mynacard", "photo", "batch", *map(str, args)],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)


def _read_only_out(out):
    out.chmod(0o500)


def _read_only_results(out):
    (out / "results.jsonl").chmod(0o444)


def _read_only_thumbs(out):
    (out / "thumbs").chmod(0o500)


def _folder_named_summary(out):
    (out / "summary.csv").unlink()
    (out / "summary.csv").mkdir()


def _folder_named_report(out):
    (out / "report.html").unlink()
    (out / "report.html").mkdir()


@pytest.mark.parametrize(("spoil", "says"), [
    (_read_only_out, "OUT: cannot write there (Permission denied)"),
    (_read_only_results, "results.jsonl: cannot append to the results (Permission denied)"),
    (_read_only_thumbs, "thumbs: cannot write there (Permission denied)"),
    (_folder_named_summary, "summary.csv: a folder is in the way"),
    (_folder_named_report, "report.html: a folder is in the way"),
])
def test_an_existing_out_that_cannot_be_written_is_refused_before_anything_is_written(tmp_path, spoil, says):
    manifest, out = _existing_batch(tmp_path)
    spoil(out)
    before = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}
    try:
        res = _cli_without_override(manifest, "-o", out, "--workers", "1", "--no-progress")
    finally:
        for p in (out, out / "thumbs", out / "results.jsonl"):
            p.chmod(0o755 if p.is_dir() else 0o644)
    lines = res.stderr.strip().splitlines()
    assert res.returncode == 2, res.stderr
    assert len(lines) == 1 and lines[0].startswith("mynacard: batch.output: ") and says in lines[0], res.stderr
    assert {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()} == before  # nothing appended or replaced
    assert not [p for p in out.rglob(".mynacard-*")]  # no probe left behind


def test_a_write_that_fails_after_the_start_is_a_coded_error_and_keeps_every_result(tmp_path):
    manifest, out = _existing_batch(tmp_path)
    (out / "results.jsonl").unlink()

    def block_the_report():
        (out / "report.html").unlink()
        (out / "report.html").mkdir()

    with pytest.raises(BatchError) as err:
        run_batch(BatchConfig(manifest, out, progress=False), runner=_PassRunner(during=block_the_report))
    assert err.value.code == "batch.output" and "report.html" in str(err.value)
    lines = [json.loads(x) for x in (out / "results.jsonl").read_text(encoding="utf-8").splitlines()]
    assert sorted(r["application_id"] for r in lines) == ["A-1", "A-2"]
