"""Shared helpers of the robustness and privacy tests (tests/test_robust_*.py, test_privacy_*.py).

- :func:`corpus` builds ``tests/corpus/generated/`` with ``scripts/make_corpus.py`` (once per
  test process; an up-to-date corpus is reused) and returns its manifest.
- :func:`run_limited` runs a command in a subprocess under the robustness limits: at most
  2 GiB of address space (``RLIMIT_AS``, inherited by every process it starts) and a timeout,
  and reports the peak resident memory of the processes it waited for.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from bench.support import make_corpus_module, run_with_limits
from tests.conftest import DATA, ROOT, SAMPLES

CORPUS = ROOT / "tests" / "corpus" / "generated"
SECONDS_PER_INPUT = 20.0
MYNACARD = [sys.executable, "-m", "mynacard"]
FACE = DATA / "faces" / "compliant_a.jpg"

#: What a clean failure looks like; anything in this list in stderr is a crash.
CRASH_MARKERS = ("Traceback (most recent call last)", "internal error", "Segmentation fault", "MemoryError",
                 "core dumped")


@cache
def corpus() -> tuple[dict, ...]:
    """The corpus manifest (built on first use): dicts with file, expect, what, folder, orientation."""
    return tuple(make_corpus_module().build(CORPUS))


def corpus_file(name: str) -> Path:
    """The corpus file ``name``, the corpus built first if this test process has not yet (a test
    that reads one file may run, under pytest-xdist, in a process where no other test built it)."""
    return CORPUS / entry(name)["file"]


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
