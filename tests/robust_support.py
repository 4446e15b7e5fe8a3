"""Shared helpers of the robustness and privacy tests (tests/test_robust_*.py, test_privacy_*.py).

- :func:`corpus` builds ``tests/corpus/generated/`` with ``scripts/make_corpus.py`` (once per
  test process; an up-to-date corpus is reused) and returns its manifest.
- :func:`run_limited` runs a command in a subprocess under the robustness limits: at most
  2 GiB of address space (``RLIMIT_AS``, inherited by every process it starts) and a timeout,
  and reports the peak resident memory of the processes it waited for.
"""

from __future__ import annotations

import importlib.util
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from tests.conftest import DATA, ROOT, SAMPLES

CORPUS = ROOT / "tests" / "corpus" / "generated"
MEMORY_LIMIT_BYTES = 2 * 1024**3
SECONDS_PER_INPUT = 20.0
MYNACARD = [sys.executable, "-m", "mynacard"]
FACE = DATA / "faces" / "compliant_a.jpg"

#: What a clean failure looks like; anything in this list in stderr is a crash.
CRASH_MARKERS = ("Traceback (most recent call last)", "internal error", "Segmentation fault", "MemoryError",
                 "core dumped")


@cache
def _make_corpus_module():
    spec = importlib.util.spec_from_file_location("make_corpus", ROOT / "scripts" / "make_corpus.py")
    module = importlib.util.module_from_spec(spec)
    assert spec.loader is not None
    sys.modules["make_corpus"] = module  # dataclasses look their module up while the class is made
    spec.loader.exec_module(module)
    return module


@cache
def corpus() -> tuple[dict, ...]:
    """The corpus manifest (built on first use): dicts with file, expect, what, folder, orientation."""
    return tuple(_make_corpus_module().build(CORPUS))


def corpus_files(*, folders: bool = False) -> list[Path]:
    return [CORPUS / e["file"] for e in corpus() if folders or not e["folder"]]


def entry(name: str) -> dict:
    return next(e for e in corpus() if e["file"] == name)


def sample_records(*, photos: bool = False) -> list[dict]:
    """The sample holders as dicts; their photos dropped (default) or as absolute paths."""
    records = json.loads((SAMPLES / "applicants.json").read_text(encoding="utf-8"))
    for r in records:
        if r.get("photo"):
            if photos:
                r["photo"] = str((SAMPLES / r["photo"]).resolve())
            else:
                del r["photo"]
    return records


@dataclass
class Limited:
    returncode: int
    stdout: str
    stderr: str
    seconds: float
    peak_rss_bytes: int  # of the processes the child waited for, itself included

    def crash_lines(self) -> list[str]:
        return [line for line in self.stderr.splitlines() if any(m in line for m in CRASH_MARKERS)]


def _limits() -> None:  # runs in the child between fork and exec
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT_BYTES, MEMORY_LIMIT_BYTES))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


@dataclass
class Finished:
    """A finished (or, when ``timed_out``, killed) run of :func:`run_with_limits`."""

    returncode: int
    stdout: str
    stderr: str
    seconds: float
    usage: resource.struct_rusage  # of the child and the descendants it waited for
    timed_out: bool


def run_with_limits(args: list[str], *, timeout_s: float, env: dict | None = None, cwd: Path | None = None,
                    on_start: Callable[[int], None] | None = None) -> Finished:
    """``args`` in a subprocess with 2 GiB of address space at most, killed after ``timeout_s``.

    ``on_start(pid)`` runs once the child exists (the robustness benchmark samples its process
    tree's memory from there). Shared by :func:`run_limited` and ``bench/robustness.py``.
    """
    full_env = {**os.environ, "PYTHONPATH": str(ROOT), **(env or {})}
    full_env.pop("MYNACARD_DEBUG", None)
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        t = time.perf_counter()
        proc = subprocess.Popen(args, cwd=cwd or ROOT, env=full_env, stdout=out, stderr=err, preexec_fn=_limits)
        if on_start is not None:
            on_start(proc.pid)
        timed_out = False
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() - t > timeout_s:
                proc.kill()
                _, status, usage = os.wait4(proc.pid, 0)
                timed_out = True
                break
            time.sleep(0.05)
        proc.returncode = os.waitstatus_to_exitcode(status)  # so Popen does not wait again
        seconds = time.perf_counter() - t
        out.seek(0)
        err.seek(0)
        return Finished(proc.returncode, out.read().decode("utf-8", "replace"), err.read().decode("utf-8", "replace"),
                        seconds, usage, timed_out)


def run_limited(args: list[str], *, timeout_s: float, env: dict | None = None, cwd: Path | None = None) -> Limited:
    """``args`` in a subprocess with 2 GiB of address space at most; TimeoutError after ``timeout_s``.

    The peak resident memory comes from ``wait4`` on this very child (its own and that of the
    descendants it waited for), not from the test process's other children.
    """
    run = run_with_limits(args, timeout_s=timeout_s, env=env, cwd=cwd)
    if run.timed_out:
        raise TimeoutError(f"{' '.join(map(str, args[:6]))} ... took more than {timeout_s:.0f} s")
    return Limited(run.returncode, run.stdout, run.stderr, run.seconds, run.usage.ru_maxrss * 1024)


def png_or_jpeg_ok(path: Path) -> None:
    """The file is a whole picture (PIL verifies its structure and decodes it)."""
    from PIL import Image

    with Image.open(path) as im:
        im.verify()
    with Image.open(path) as im:
        im.load()
